"""Staff roles as groups: Moderators keep the list clean, Organisers also export."""

from django.db import migrations

from signatures.staff import roles


def create_roles(apps, schema_editor):
    roles.sync(apps)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(roles.ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0003_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
