from django.db import migrations


def load(apps, schema_editor):
    from dangbo.core.codes import read_source_rows

    Code = apps.get_model("core", "Code")
    Code.objects.bulk_create(
        Code(list=list_name, code=code, name=name, other_names=other, position=position)
        for list_name, code, name, other, position in read_source_rows()
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
