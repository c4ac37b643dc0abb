import random

from dangbo.core.text import fold, name_sort_key, normalize, split_name


def test_fold_removes_tones_and_maps_d():
    assert fold("Nguyễn Văn Hùng") == "nguyen van hung"
    assert fold("ĐỖ THỊ ĐÀO") == "do thi dao"
    assert fold("  Lê   Ánh ") == "le anh"


def test_normalize_composes_to_nfc():
    decomposed = "Nguye\u0302\u0303n"
    assert normalize(decomposed) == "Nguyễn"


def test_split_name_family_middle_given():
    assert split_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_name("Lê Lợi") == ("Lê", "", "Lợi")


def test_names_sort_by_given_then_middle_then_family():
    names = ["Trần Văn Bình", "Nguyễn Văn An", "Lê Thị An", "Phạm An"]
    assert sorted(names, key=name_sort_key) == [
        "Phạm An",
        "Lê Thị An",
        "Nguyễn Văn An",
        "Trần Văn Bình",
    ]


def test_vietnamese_letter_order():
    # a < ă < â; d < đ; o < ô < ơ; u < ư
    words = ["Ư", "Ơn", "Ân", "Ăn", "An", "Đức", "Dung", "Ôn", "On", "Uy"]
    ordered = sorted((f"Nguyễn {w}" for w in words), key=name_sort_key)
    assert [n.split(" ")[1] for n in ordered] == [
        "An",
        "Ăn",
        "Ân",
        "Dung",
        "Đức",
        "On",
        "Ôn",
        "Ơn",
        "Uy",
        "Ư",
    ]


def test_tones_only_break_ties_between_equal_letters():
    words = ["Hùng", "Hung", "Hứng", "Hửng", "Hụng", "Hũng", "Hưng", "Hun"]
    ordered = sorted((f"Lê {w}" for w in words), key=name_sort_key)
    # Fewer letters first, then tones none < huyền < hỏi < ngã < sắc < nặng, then ư after u.
    assert [n.split(" ")[1] for n in ordered] == [
        "Hun",
        "Hung",
        "Hùng",
        "Hũng",
        "Hụng",
        "Hưng",
        "Hửng",
        "Hứng",
    ]


def test_sort_key_is_independent_of_case_and_composition():
    assert name_sort_key("NGUYỄN VĂN A") == name_sort_key("nguyễn văn a")
    assert name_sort_key("Nguye\u0302\u0303n Va\u0306n A") == name_sort_key("Nguyễn Văn A")


def test_sort_key_is_a_total_order_on_random_names():
    rng = random.Random(7)
    given = ["An", "Ánh", "Bình", "Châu", "Dũng", "Đức", "Hà", "Hải", "Hùng", "Hưng", "Yến"]
    family = ["Nguyễn", "Trần", "Lê", "Đỗ"]
    names = [
        f"{rng.choice(family)} {rng.choice(['Văn', 'Thị', 'Minh'])} {rng.choice(given)}"
        for _ in range(200)
    ]
    keys = [name_sort_key(n) for n in names]
    assert sorted(keys) == [name_sort_key(n) for n in sorted(names, key=name_sort_key)]
