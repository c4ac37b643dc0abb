import uuid

from django.db import migrations, models


def give_uids(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    batch = []
    for member in Member.objects.only("pk").iterator(chunk_size=5000):
        member.uid = uuid.uuid4()
        batch.append(member)
        if len(batch) >= 5000:
            Member.objects.bulk_update(batch, ["uid"])
            batch = []
    if batch:
        Member.objects.bulk_update(batch, ["uid"])


class Migration(migrations.Migration):
    dependencies = [("members", "0002_trigram_search_index")]

    operations = [
        migrations.AddField(
            model_name="member",
            name="uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã hồ sơ"),
        ),
        migrations.RunPython(give_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="member",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="mã hồ sơ"
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="admission_age_exception",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="ngoại lệ tuổi vào Đảng (căn cứ)"
            ),
        ),
    ]
