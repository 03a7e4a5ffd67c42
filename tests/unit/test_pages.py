"""What the campaign page shows, built without a request: the staff preview uses it too."""

from signatures.models import CampaignTranslation
from signatures.signing import pages
from signatures.signing.forms import SignatureForm


def test_preview_shows_the_page_open_in_the_language_asked_with_no_count(campaign):
    CampaignTranslation.objects.create(campaign=campaign, language="de", title="Pressefreiheit")
    campaign.paused = True

    ctx = pages.preview_context(campaign, "de")

    assert ctx["text"].title == "Pressefreiheit"
    assert ctx["text"].lead == campaign.lead
    assert (ctx["count"], ctx["progress"], ctx["is_open"], ctx["preview"]) == (0, 0, True, True)
    assert not ctx["form"].is_bound


def test_progress_is_the_share_of_the_goal_at_most_full(campaign):
    form = SignatureForm()
    assert pages.campaign_context(campaign, "en", form, 250, is_open=True)["progress"] == 25
    assert pages.campaign_context(campaign, "en", form, 5000, is_open=True)["progress"] == 100
