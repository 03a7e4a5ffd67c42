"""Seed the Assange action in German, French, Spanish and Arabic."""

from django.db import migrations

from signatures import campaign_copy


def seed(apps, schema_editor):
    campaign_copy.seed_translations(apps)


def unseed(apps, schema_editor):
    apps.get_model("signatures", "CampaignTranslation").objects.filter(
        campaign__slug="assange", language__in=list(campaign_copy.TRANSLATIONS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("signatures", "0020_translated_target_and_hand_in_date")]

    operations = [migrations.RunPython(seed, unseed)]
