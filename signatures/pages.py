"""What the public campaign pages show, and the copies of them each process keeps.

Campaigns are read on every request and change rarely; the campaign page with
an empty form is the same for every visitor but for two tokens. Both are kept
in the process-local cache (``caches["local"]``) under keys that carry the
campaign's version, so an edit shows within ``CAMPAIGN_CACHE_SECONDS``.
"""

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import get_language

from signatures import counts
from signatures.forms import SignatureForm
from signatures.models import Campaign
from signatures.tokens import form_started_token

CSRF_MARK = "csrf-token-mark-7c1e9"
STARTED_MARK = "form-started-mark-7c1e9"


def campaign(slug: str) -> Campaign:
    """The campaign with its translations, at most ``CAMPAIGN_CACHE_SECONDS`` old."""
    local = caches["local"]
    key = f"campaign:{slug}"
    found: Campaign | None = local.get(key)
    if found is None:
        found = get_object_or_404(Campaign.objects.prefetch_related("translations"), slug=slug)
        local.set(key, found, settings.CAMPAIGN_CACHE_SECONDS)  # only slugs that exist
    return found


def text_context(campaign: Campaign, language: str) -> dict[str, Any]:
    return {"campaign": campaign, "text": campaign.text(language)}


def campaign_context(
    campaign: Campaign, language: str, form: SignatureForm, count: int, *, is_open: bool
) -> dict[str, Any]:
    """Everything the campaign page shows, for visitors and for the staff preview."""
    progress = min(100, round(100 * count / campaign.goal)) if campaign.goal else 0
    return text_context(campaign, language) | {
        "form": form,
        "count": count,
        "progress": progress,
        "is_open": is_open,
        "canonical_url": settings.SITE_URL + campaign.get_absolute_url(),
        "share_image": settings.SITE_URL + static("img/share.png"),
    }


def preview_context(campaign: Campaign, language: str) -> dict[str, Any]:
    """The page as it will look once open, with no count yet."""
    return campaign_context(campaign, language, SignatureForm(), 0, is_open=True) | {
        "preview": True
    }


def render_campaign(
    request: HttpRequest, campaign: Campaign, form: SignatureForm, **extra: Any
) -> HttpResponse:
    ctx = campaign_context(
        campaign,
        get_language(),
        form,
        counts.get_counts(campaign).total,
        is_open=campaign.takes_signatures(),
    )
    return render(request, "signatures/campaign.html", ctx | extra)


def blank_campaign_page(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The page with an empty form: rendered once per version, then only the tokens change."""
    language = get_language()
    is_open = campaign.takes_signatures()
    total = counts.get_counts(campaign).total
    version = campaign.text(language).version.timestamp()
    key = f"page:{campaign.pk}:{version}:{language}:{total}:{is_open}"
    local = caches["local"]
    html: str | None = local.get(key)
    if html is None:
        form = SignatureForm(initial={"started": STARTED_MARK})
        html = render_campaign(request, campaign, form, csrf_token=CSRF_MARK).content.decode()
        local.set(key, html)
    html = html.replace(CSRF_MARK, get_token(request)).replace(STARTED_MARK, form_started_token())
    return HttpResponse(html)
