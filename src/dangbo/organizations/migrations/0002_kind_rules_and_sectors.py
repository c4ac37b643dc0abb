import datetime as dt

from django.db import migrations

REFORM = dt.date(2025, 7, 1)  # QĐ 294-QĐ/TW in force
GRASSROOTS = ["GRASSROOTS_DANG_BO", "GRASSROOTS_CELL", "DELEGATED_SUPERIOR"]

# (parent, children, valid_from, valid_until, source)
PAIRS = [
    ("CENTRAL", ["PROVINCIAL", "BLOC"], None, None, "Điều lệ Đảng 2011, Điều 10"),
    ("PROVINCIAL", ["DISTRICT", "BLOC"], None, REFORM, "Điều lệ Đảng 2011, Điều 10; hết từ QĐ 294-QĐ/TW"),
    ("PROVINCIAL", ["SUPERIOR"], REFORM, None, "QĐ 294-QĐ/TW (từ 01/07/2025)"),
    ("PROVINCIAL", GRASSROOTS, None, None, "Điều lệ Đảng 2011, Điều 21"),
    ("BLOC", GRASSROOTS, None, None, "Điều lệ Đảng 2011, Điều 21"),
    ("DISTRICT", GRASSROOTS, None, REFORM, "Điều lệ Đảng 2011, Điều 21; hết từ QĐ 294-QĐ/TW"),
    ("SUPERIOR", GRASSROOTS, REFORM, None, "QĐ 294-QĐ/TW (từ 01/07/2025)"),
    ("DELEGATED_SUPERIOR", ["GRASSROOTS_DANG_BO", "GRASSROOTS_CELL"], None, None, "Điều lệ Đảng 2011, Điều 21"),
    ("GRASSROOTS_DANG_BO", ["SUB_DANG_BO", "DEPENDENT_CELL"], None, None, "Điều lệ Đảng 2011, Điều 22, 24"),
    ("SUB_DANG_BO", ["DEPENDENT_CELL"], None, None, "Điều lệ Đảng 2011, Điều 10 khoản 3"),
]

SECTORS = [
    ("XA_PHUONG", "Xã, phường, thị trấn, đặc khu"),
    ("HANH_CHINH", "Cơ quan hành chính nhà nước"),
    ("DANG_DOAN_THE", "Cơ quan Đảng, Mặt trận, đoàn thể"),
    ("SU_NGHIEP", "Đơn vị sự nghiệp công lập"),
    ("DN_NHA_NUOC", "Doanh nghiệp nhà nước"),
    ("DN_NGOAI_NHA_NUOC", "Doanh nghiệp ngoài nhà nước"),
    ("DN_FDI", "Doanh nghiệp có vốn đầu tư nước ngoài"),
    ("HOP_TAC_XA", "Hợp tác xã"),
    ("QUAN_DOI", "Quân đội"),
    ("CONG_AN", "Công an"),
    ("KHAC", "Loại hình khác"),
]


def load(apps, schema_editor):
    OrgKindRule = apps.get_model("organizations", "OrgKindRule")
    Sector = apps.get_model("organizations", "Sector")
    OrgKindRule.objects.bulk_create(
        OrgKindRule(parent_kind=parent, child_kind=child, valid_from=start, valid_until=end, source=source)
        for parent, children, start, end, source in PAIRS
        for child in children
    )
    Sector.objects.bulk_create(Sector(code=code, name=name, position=i) for i, (code, name) in enumerate(SECTORS, 1))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
