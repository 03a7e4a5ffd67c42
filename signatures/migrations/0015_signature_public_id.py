"""Links name a signature by a random id, never by its sequential one."""

import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Signature = apps.get_model("signatures", "Signature")
    for pk in Signature.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        Signature.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("signatures", "0014_one_address_one_signature")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
    ]
