"""Usernames in one form (NFKC, case-folded), as signatures.staff.site compares them."""

import unicodedata

from django.db import migrations


def normalise(apps, schema_editor):
    User = apps.get_model("auth", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for user in User.objects.all():
        name = unicodedata.normalize("NFKC", user.username).casefold().strip()
        if name == user.username:
            continue
        if name in taken:
            print(f"\n  Username {user.username!r} left as it is: {name!r} exists already.")
            continue
        taken.discard(user.username)
        taken.add(name)
        User.objects.filter(pk=user.pk).update(username=name)


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0016_signature_public_id_unique"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
