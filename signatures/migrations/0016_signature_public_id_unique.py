import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("signatures", "0015_signature_public_id")]

    operations = [
        migrations.AlterField(
            model_name="signature",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
