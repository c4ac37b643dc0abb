"""The URL of a deadline's record, reversed once for a whole source."""

from django.urls import reverse

from dangbo.core.deadlines import url_maker


def test_url_maker_gives_what_reverse_gives():
    for name, kwarg in (
        ("member-detail", "pk"),
        ("member-recognition", "pk"),
        ("admission-candidate", "candidate"),
        ("transfer-detail", "transfer"),
    ):
        url_of = url_maker(name, kwarg)
        for pk in (1, 7, 42, 9_876_543_210, 123456789):
            assert url_of(pk) == reverse(name, kwargs={kwarg: pk})
