from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISERS = [
    ("signatures", "view_batch"),
    ("signatures", "add_batch"),
    ("signatures", "change_batch"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    organisers, _ = Group.objects.get_or_create(name="Organisers")
    for app_label, codename in ORGANISERS:
        organisers.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [("signatures", "0005_batches"), ("signatures", "0004_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
