"""Stricter addresses.

Every stored address gets its canonical key again under the stricter rules
(petition_site.lib.addresses). Where two signatures of one campaign now share a key,
the earlier keeps it and the later is flagged ``duplicate_of`` the earlier,
for a moderator to decide: nothing is deleted and no count changes here.
"""

import django.db.models.deletion
from django.db import migrations, models

from signatures.signing import rekeying


def recanonicalise(apps, schema_editor):
    flagged = rekeying.rekey(apps)
    if flagged:
        print(
            f"\n  {flagged} signatures share an address with an earlier one: "
            "see the admin's filter 'possible duplicate'."
        )


class Migration(migrations.Migration):
    dependencies = [("signatures", "0013_mail_delivery_and_holds")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="duplicate_of",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="signatures.signature",
            ),
        ),
        migrations.AlterField(
            model_name="signature",
            name="email",
            field=models.EmailField(
                help_text="As typed, with the domain in its standard form.", max_length=254
            ),
        ),
        migrations.RunPython(recanonicalise, migrations.RunPython.noop),
    ]
