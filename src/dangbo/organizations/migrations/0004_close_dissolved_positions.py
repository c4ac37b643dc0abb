"""Take back the tree periods a subtree move opened for organizations already dissolved.

Moving a subtree used to open a new period for every organization in it, dissolved ones
too, so those showed again in the tree of any later day. A period that starts on or after
its organization's dissolution is such a period: it never held (the organization's own
last period, closed on its dissolution, is kept).
"""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    TreePosition = apps.get_model("organizations", "TreePosition")
    TreePosition.objects.filter(
        organization__dissolved_on__isnull=False,
        valid_from__gte=F("organization__dissolved_on"),
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0003_committee_and_place_names")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
