"""Organisers may make and download hand-in batches (signatures.staff.roles)."""

from django.db import migrations

from signatures.staff import roles


def grant(apps, schema_editor):
    roles.sync(apps)


class Migration(migrations.Migration):
    dependencies = [("signatures", "0005_batches"), ("signatures", "0004_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
