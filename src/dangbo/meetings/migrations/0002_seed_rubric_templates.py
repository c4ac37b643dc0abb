from django.db import migrations


def seed(apps, schema_editor):
    from dangbo.meetings.seed import TEMPLATES

    Rubric = apps.get_model("meetings", "Rubric")
    Criterion = apps.get_model("meetings", "RubricCriterion")
    Level = apps.get_model("meetings", "RubricLevel")
    for data in TEMPLATES:
        if Rubric.objects.filter(owner=None, source=data["source"]).exists():
            continue
        rubric = Rubric.objects.create(
            owner=None, name=data["name"], source=data["source"],
            valid_from=data["valid_from"], valid_until=data["valid_until"],
        )  # fmt: skip
        for position, (title, max_points, must_pass) in enumerate(data["criteria"], 1):
            Criterion.objects.create(rubric=rubric, position=position, title=title,
                                     max_points=max_points, must_pass=must_pass)  # fmt: skip
        for level, low, below, requires in data["levels"]:
            Level.objects.create(rubric=rubric, level=level, min_points=low, below_points=below,
                                 requires_must_pass=requires)  # fmt: skip


load = seed  # the name the browser tests' reference data reloads by after a flush


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
