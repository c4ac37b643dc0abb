import datetime as dt

from django.db import migrations

D = dt.date
# The documents the foundation's rules cite (rules digest §0).
DOCS = [
    ("STATUTE", "", "ĐLĐ", "Đại hội đại biểu toàn quốc lần thứ XI", D(2011, 1, 19), D(2011, 1, 19), "Điều lệ Đảng Cộng sản Việt Nam"),
    ("REGULATION", "29", "QĐ/TW", "Ban Chấp hành Trung ương", D(2016, 7, 25), D(2016, 7, 25), "Quy định thi hành Điều lệ Đảng"),
    ("REGULATION", "24", "QĐ/TW", "Ban Chấp hành Trung ương", D(2021, 7, 30), D(2021, 7, 30), "Quy định thi hành Điều lệ Đảng"),
    ("REGULATION", "232", "QĐ/TW", "Ban Chấp hành Trung ương", D(2025, 1, 20), D(2025, 1, 20), "Quy định thi hành Điều lệ Đảng"),
    ("REGULATION", "294", "QĐ/TW", "Ban Chấp hành Trung ương", D(2025, 5, 26), D(2025, 7, 1), "Quy định thi hành Điều lệ Đảng"),
    ("GUIDANCE", "01", "HD/TW", "Ban Bí thư", D(2021, 9, 28), D(2021, 9, 28), "Hướng dẫn một số vấn đề cụ thể thi hành Điều lệ Đảng"),
]
CHAIN = [("29", "24"), ("24", "232"), ("232", "294")]


def load(apps, schema_editor):
    Regulation = apps.get_model("regulations", "Regulation")
    by_number = {}
    for doc_type, number, symbol, issuer, signed, effective, title in DOCS:
        by_number[number] = Regulation.objects.create(
            doc_type=doc_type, number=number, symbol=symbol, issuer=issuer, signed_on=signed,
            effective_on=effective, title=title,
        )
    for old, new in CHAIN:
        reg = by_number[old]
        reg.repealed_by = by_number[new]
        reg.repealed_on = by_number[new].effective_on
        reg.save()


class Migration(migrations.Migration):
    dependencies = [("regulations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
