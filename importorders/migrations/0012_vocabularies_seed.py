"""Seed the partner vocabularies (importorders.vocabularies.SEED) and the stale/slipping thresholds."""

from django.db import migrations

# The vocabulary seed is read from importorders.vocabularies as it stands when this runs; codes
# added later come by the admin or a new data migration.
THRESHOLDS = (("stale_days", 5), ("slipping_days", 3))


def seed(apps, schema_editor):
    from importorders.vocabularies import mappings_seed

    mappings_seed(apps.get_model("importorders", "VocabularyMapping"))
    threshold = apps.get_model("importorders", "ShipmentThreshold")
    for name, days in THRESHOLDS:
        threshold.objects.get_or_create(name=name, defaults={"days": days})


def unseed(apps, schema_editor):
    apps.get_model("importorders", "VocabularyMapping").objects.all().delete()
    apps.get_model("importorders", "ShipmentThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("importorders", "0011_shipments")]

    operations = [migrations.RunPython(seed, unseed)]
