"""Staff roles as groups: Moderators keep the list clean, Organisers also export."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = [
    ("signatures", "view_campaign"),
    ("signatures", "view_signature"),
    ("signatures", "change_signature"),
    ("signatures", "view_invalidation"),
    ("signatures", "add_invalidation"),
    ("signatures", "change_invalidation"),
    ("django_tasks_database", "view_dbtaskresult"),
]
ORGANISERS = [
    *MODERATORS,
    ("signatures", "change_campaign"),
    ("signatures", "export_signatures"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in [("Moderators", MODERATORS), ("Organisers", ORGANISERS)]:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codes:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Moderators", "Organisers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0003_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
