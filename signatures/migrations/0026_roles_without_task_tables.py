"""Moderators and organisers no longer see the background jobs' tables
(signatures.staff.roles): only superusers do."""

from django.db import migrations

from signatures.staff import roles


def sync(apps, schema_editor):
    roles.sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0025_staff_screens"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
