"""What the public campaign pages show, and the copies of them each process keeps.

Campaigns are read on every request and change rarely; the campaign page with
an empty form is the same for every visitor. It is rendered, compressed and
given an ETag once per campaign version, language, count and time slot, and
kept in the process-local cache (``caches["local"]``); any HTTP cache in front
may keep it too (``CAMPAIGN_PAGE_MAX_AGE``).
"""

import gzip
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.csp import CSP
from django.utils.translation import get_language

from petition_site.lib.negotiation import accepts
from signatures import counts
from signatures.models import Campaign, HandIn
from signatures.signing import services
from signatures.signing.forms import SignatureForm
from signatures.tokens import page_started_token


@dataclass(frozen=True)
class SharedPage:
    """One rendering of a page every visitor gets, ready to send as it is."""

    html: bytes
    gzipped: bytes
    etag: str


def find_campaign(slug: str) -> Campaign:
    """The campaign with its translations, at most ``CAMPAIGN_CACHE_SECONDS`` old."""
    local = caches["local"]
    key = f"campaign:{slug}"
    found: Campaign | None = local.get(key)
    if found is None:
        # Its hand-ins come along: the campaign page and the counts show them
        # with no query of their own.
        hand_ins = HandIn.objects.order_by("-handed_in_on", "-id")
        found = get_object_or_404(
            Campaign.objects.prefetch_related("translations", Prefetch("hand_ins", hand_ins)),
            slug=slug,
        )
        local.set(key, found, settings.CAMPAIGN_CACHE_SECONDS)  # only slugs that exist
    return found


def text_context(campaign: Campaign, language: str) -> dict[str, Any]:
    return {"campaign": campaign, "text": campaign.text(language)}


def render_text_page(
    request: HttpRequest, template: str, campaign: Campaign, status: int = 200, **extra: Any
) -> HttpResponse:
    """A public page about ``campaign`` with its texts in the active language."""
    ctx = text_context(campaign, get_language()) | extra
    return render(request, template, ctx, status=status)


def public_url(campaign: Campaign) -> str:
    """The campaign page's full address in the active language: to share, and canonical."""
    return str(settings.SITE_URL) + campaign.get_absolute_url()


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
        "latest_hand_ins": campaign.hand_ins.all()[:3],
        "canonical_url": public_url(campaign),
        "share_image": settings.SITE_URL + reverse("signatures:share_image", args=[campaign.slug]),
    }


def preview_context(campaign: Campaign, language: str) -> dict[str, Any]:
    """The page as it will look once open, with no count yet."""
    return campaign_context(campaign, language, SignatureForm(), 0, is_open=True) | {
        "preview": True
    }


def render_campaign(
    request: HttpRequest,
    campaign: Campaign,
    form: SignatureForm,
    *,
    embedded: bool = False,
    **extra: Any,
) -> HttpResponse:
    """The campaign page, or the form alone for partners to frame (``embedded``)."""
    ctx = campaign_context(
        campaign,
        get_language(),
        form,
        counts.shown_total(campaign),
        is_open=campaign.takes_signatures(),
    )
    if embedded:
        ctx |= {"embedded": True, "form_action": reverse("signatures:embed", args=[campaign.slug])}
    template = "signatures/embed.html" if embedded else "signatures/campaign.html"
    return render(request, template, ctx | extra, status=400 if form.unreadable() else 200)


def blank_campaign_page(
    request: HttpRequest, campaign: Campaign, *, source: str = "", embedded: bool = False
) -> HttpResponse:
    """The page with an empty form, the same for every visitor, for any cache to keep.

    ``source`` is a known campaign tag (signatures.signing.sources), so the copies
    kept are few: one per tag, language and page.
    """
    language = get_language()
    is_open = campaign.takes_signatures()
    total = counts.shown_total(campaign)
    version = campaign.text(language).version.timestamp()
    # A new slot every max-age renews the form's start time baked into the page.
    slot = int(time.time() // settings.CAMPAIGN_PAGE_MAX_AGE)
    key = f"page:{campaign.pk}:{version}:{language}:{total}:{is_open}:{slot}:{source}:{embedded}"
    local = caches["local"]
    page: SharedPage | None = local.get(key)
    if page is None:
        form = SignatureForm(initial={"started": page_started_token(), "source": source})
        html = render_campaign(request, campaign, form, embedded=embedded).content
        etag = '"' + hashlib.sha256(html).hexdigest()[:32] + '"'
        page = SharedPage(html, gzip.compress(html, compresslevel=6, mtime=0), etag)
        local.set(key, page, settings.CAMPAIGN_PAGE_MAX_AGE * 2)
    return shared_response(request, page)


def shared_response(request: HttpRequest, page: SharedPage) -> HttpResponse:
    """Cacheable by anyone, answered 304 when unchanged, compressed when the client takes it.

    Compression is safe: the page holds no secret for BREACH to guess.
    """
    response: HttpResponse
    not_modified = get_conditional_response(request, etag=page.etag)
    if not_modified is not None:
        response = not_modified
    elif accepts(request.headers.get("Accept-Encoding", ""), "gzip"):
        response = HttpResponse(page.gzipped)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.html)
    fresh = settings.CAMPAIGN_PAGE_MAX_AGE
    response["ETag"] = page.etag
    response["Cache-Control"] = (
        f"public, max-age={fresh}, stale-while-revalidate={fresh}, stale-if-error=86400"
    )
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def frameable_by_partners(response: HttpResponse) -> HttpResponse:
    """Let the sites in ``PARTNER_ORIGINS``, and only those, show this page in a frame."""
    ancestors = settings.PARTNER_ORIGINS or [CSP.NONE]
    response._csp_config = settings.SECURE_CSP | {"frame-ancestors": ancestors}  # type: ignore[attr-defined]
    response.xframe_options_exempt = True
    return response


SIGNED_COOKIE, SIGNED_SALT = "signed", "signatures.thanks"


def remember_address(
    response: HttpResponse, campaign: Campaign, reference: str, address: str
) -> None:
    """The thanks page shows the address the mail went to, and may correct it."""
    value = signing.dumps([campaign.slug, reference, address], salt=SIGNED_SALT)
    response.set_cookie(
        SIGNED_COOKIE,
        value,
        max_age=services.CORRECTION_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def signed_as(request: HttpRequest, campaign: Campaign) -> tuple[str, str] | None:
    """(reference, address) this browser just signed ``campaign`` with, if any."""
    try:
        slug, reference, address = signing.loads(
            request.COOKIES.get(SIGNED_COOKIE, ""),
            salt=SIGNED_SALT,
            max_age=services.CORRECTION_SECONDS,
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (str(reference), str(address)) if slug == campaign.slug else None
