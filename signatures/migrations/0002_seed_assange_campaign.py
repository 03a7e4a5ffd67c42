"""Seed the Assange action with its copy, word for word as the campaign gave it."""

from django.db import migrations

from signatures import campaign_copy


def seed(apps, schema_editor):
    campaign_copy.seed(apps)


def unseed(apps, schema_editor):
    apps.get_model("signatures", "Campaign").objects.filter(slug="assange").delete()


class Migration(migrations.Migration):
    dependencies = [("signatures", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
