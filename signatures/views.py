"""The public pages: read the campaign, sign, confirm, withdraw."""

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from petition_site.lib.addresses import canonical_email
from petition_site.lib.csrf import partner_form, partner_origin
from petition_site.lib.negotiation import gzip_page, same_in_every_language
from signatures import counts, tokens
from signatures.models import Campaign
from signatures.signing import abuse, pages, services, share, sheets, sources
from signatures.signing.forms import AddressForm, DetailsForm, SignatureForm

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("signatures:campaign", settings.DEFAULT_CAMPAIGN)


@partner_form
@require_http_methods(["GET", "HEAD", "POST"])
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = pages.find_campaign(slug)
    if request.method != "POST":
        source = sources.clean(request.GET.get("source", ""))
        return pages.blank_campaign_page(request, campaign, source=source)
    return _sign(request, campaign, embedded=False)


@require_http_methods(["GET", "HEAD", "POST"])
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The form alone, for partner sites to show in a frame."""
    campaign = pages.find_campaign(slug)
    if request.method != "POST":
        source = sources.clean(request.GET.get("source", ""))
        response = pages.blank_campaign_page(request, campaign, source=source, embedded=True)
    else:
        response = _sign(request, campaign, embedded=True)
    return pages.frameable_by_partners(response)


def _sign(request: HttpRequest, campaign: Campaign, *, embedded: bool) -> HttpResponse:
    if not campaign.takes_signatures():
        return redirect("signatures:embed" if embedded else "signatures:campaign", campaign.slug)
    screen = abuse.Screen(request)
    try:
        screen.check_client()
    except abuse.RateLimited:
        return rate_limited(request)
    form = SignatureForm(request.POST)
    if campaign.proof_of_work and not abuse.altcha_solved(request.POST.get("altcha", "")):
        form.add_error(None, _("Please wait until the check that you are not a robot is done."))
    if not form.is_valid():
        return pages.render_campaign(request, campaign, form, embedded=embedded)
    # New, repeated, held or dropped: the answer is the same, so neither a
    # stranger nor a bot learns anything from it.
    thanks = _after_signing(request, campaign, embedded=embedded)
    if form.is_bot():
        logger.info("Dropped a submission that filled the honeypot for %s", campaign.slug)
        pages.remember_address(thanks, campaign, str(uuid.uuid4()), form.cleaned_data["email"])
        return thanks
    seconds = form.fill_seconds()
    partner = partner_origin(request)
    # A partner's own page has no start token to give: its form is taken as it is.
    if seconds is None and not (partner and not form.cleaned_data["started"]):
        # Open over a day, or its token is missing: nothing is stored yet, and
        # the person sees their answers again, to send once more.
        form = form.renewed()
        form.is_valid()
        form.add_error(None, _("This page was open a long time. Please send the form again."))
        return pages.render_campaign(request, campaign, form, embedded=embedded)
    screen.check_address(canonical_email(form.cleaned_data["email"]))
    screen.check_form(seconds, form.cleaned_data["started"])
    data = form.signature_data()
    # A listed tag the form carried (cleaned by it), else the partner that posted it.
    data["source"] = data.get("source") or partner
    result = services.sign(
        campaign,
        data,
        language=get_language(),
        network=screen.network_hash,
        hold=screen.hold_reason(),
    )
    pages.remember_address(thanks, campaign, result.reference, data["email"])
    return thanks


def _after_signing(request: HttpRequest, campaign: Campaign, *, embedded: bool) -> HttpResponse:
    """Our thanks page, or the partner's own page when its form names one (``next``)."""
    back = request.POST.get("next", "")
    try:
        parts = urlsplit(back)
    except ValueError:  # "http://[" and the like: no partner's page
        parts = None
    if parts and f"{parts.scheme}://{parts.netloc}" in settings.PARTNER_ORIGINS:
        return HttpResponseRedirect(back)
    return redirect("signatures:embed_thanks" if embedded else "signatures:thanks", campaign.slug)


def _public_json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data)
    # A CDN or reverse proxy absorbs the polling; it may serve a stale copy
    # while it refreshes, or while the site is down.
    fresh = settings.COUNT_REFRESH_SECONDS
    response["Cache-Control"] = (
        f"public, max-age={fresh}, stale-while-revalidate={fresh * 2}, stale-if-error=86400"
    )
    return response


@same_in_every_language
@require_GET
def count_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = pages.find_campaign(slug)
    tally = counts.get_counts(campaign)
    return _public_json(
        {
            "campaign": campaign.slug,
            "count": tally.total,
            "goal": campaign.goal,
            "hand_ins": [
                {
                    "country": hand_in.country.code,
                    "date": hand_in.handed_in_on.isoformat(),
                    "place": hand_in.place,
                    "signatures": hand_in.signature_count,
                }
                for hand_in in campaign.hand_ins.all()
            ],
        }
    )


@same_in_every_language
@require_GET
def countries_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = pages.find_campaign(slug)
    tally = counts.get_counts(campaign)
    return _public_json(
        {"campaign": campaign.slug, "count": tally.total, "countries": tally.by_country}
    )


@require_GET
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The picture a shared link shows, in the page's language."""
    campaign = pages.find_campaign(slug)
    language = get_language()
    response = HttpResponse(
        share.picture(campaign.text(language), language), content_type="image/png"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@require_GET
def collection_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable sheet to collect signatures offline, with a code of its own."""
    campaign = pages.find_campaign(slug)
    if abuse.sheets_limited(request):
        return rate_limited(request)
    code = sheets.new_code()
    response = HttpResponse(sheets.sheet_pdf(campaign, get_language(), code), "application/pdf")
    filename = f"{campaign.slug}-sheet-{code}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
@require_GET
def form_start(request: HttpRequest, slug: str) -> JsonResponse:
    """A start token of one's own, fetched by the page's script when a person begins.

    The cached page's token is shared by all its readers; this one is good for
    one signature, and dates the start of filling in rather than the page.
    """
    pages.find_campaign(slug)
    return JsonResponse({"started": tokens.form_started_token()})


@never_cache
@require_GET
def altcha_challenge(request: HttpRequest, slug: str) -> JsonResponse:
    get_object_or_404(Campaign, slug=slug, proof_of_work=True)
    return JsonResponse(abuse.new_puzzle())


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """Thanks, the address the mail went to, and a way to send it again or correct it."""
    campaign = pages.find_campaign(slug)
    signed = pages.signed_as(request, campaign)
    address = signed[1] if signed else ""
    form = AddressForm()
    if request.method == "POST" and signed is not None:
        reference = signed[0]
        correcting = request.POST.get("action") == "correct"
        form = AddressForm(request.POST if correcting else {"email": address})
        if form.is_valid():
            new = form.cleaned_data["email"]
            if abuse.mail_requests_limited(request, canonical_email(new)):
                return rate_limited(request)
            if correcting:
                services.correct_address(campaign, reference, new)
            else:
                services.send_again(campaign, reference)
            # The same answer whatever happened: a stranger learns nothing from it.
            done = "corrected" if correcting else "again"
            response = redirect(
                reverse("signatures:thanks", args=[campaign.slug]) + f"?sent={done}"
            )
            pages.remember_address(response, campaign, reference, new)
            return response
    elif request.method == "POST":
        return redirect("signatures:thanks", campaign.slug)
    sent = request.GET.get("sent", "")
    status = 400 if form.errors else 200
    return pages.render_text_page(
        request,
        "signatures/thanks.html",
        campaign,
        status=status,
        share_url=pages.public_url(campaign),
        address=address,
        form=form,
        sent=sent,
        max_mails=settings.CONFIRMATION_MAX_EMAILS,
    )


@gzip_page
@require_GET
def embed_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = pages.find_campaign(slug)
    response = pages.render_text_page(
        request, "signatures/embed_thanks.html", campaign, share_url=pages.public_url(campaign)
    )
    return pages.frameable_by_partners(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    # GET only shows the form: mail scanners that prefetch links confirm nothing.
    campaign = pages.find_campaign(slug)
    link = tokens.read_link(token, tokens.Purpose.CONFIRM, campaign)
    if link is None or link.signature_id is None:
        return pages.render_text_page(request, "signatures/link_invalid.html", campaign, status=400)
    # The mailbox's owner sees the name and country given, and may correct them.
    signature = services.awaiting_confirmation(link.signature_id)
    if request.method != "POST":
        if signature is None:  # used already: say what became of it, not "one step left"
            outcome = services.used_link_outcome(link.signature_id)
            if outcome == services.ConfirmOutcome.GONE:
                return pages.render_text_page(
                    request, "signatures/link_invalid.html", campaign, status=400
                )
            return _confirmed(request, campaign, outcome)
        return pages.render_text_page(
            request, "signatures/confirm.html", campaign, form=DetailsForm.of(signature)
        )
    details = None
    if signature is not None and DetailsForm.sent_in(request.POST):
        form = DetailsForm(request.POST)
        if not form.is_valid():
            return pages.render_text_page(request, "signatures/confirm.html", campaign, form=form)
        details = form.details()
    outcome = services.confirm_signature(link.signature_id, details)
    if outcome == services.ConfirmOutcome.GONE:
        return pages.render_text_page(request, "signatures/link_invalid.html", campaign, status=400)
    return _confirmed(request, campaign, outcome)


def _confirmed(
    request: HttpRequest, campaign: Campaign, outcome: services.ConfirmOutcome
) -> HttpResponse:
    """What became of the signature, and the next step: asking others to sign."""
    return pages.render_text_page(
        request,
        "signatures/confirmed.html",
        campaign,
        outcome=outcome,
        share_url=pages.public_url(campaign),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    campaign = pages.find_campaign(slug)
    link = tokens.read_link(token, tokens.Purpose.WITHDRAW, campaign)
    if link is None:
        return pages.render_text_page(request, "signatures/link_invalid.html", campaign, status=400)
    if request.method != "POST":
        return pages.render_text_page(request, "signatures/withdraw.html", campaign)
    if link.signature_id is not None:
        services.withdraw_signature(link.signature_id)
    return redirect("signatures:withdrawn", campaign.slug)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_link(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask for a fresh withdraw link: a signer can withdraw after any link expired."""
    campaign = pages.find_campaign(slug)
    form = AddressForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return pages.render_text_page(request, "signatures/withdraw_link.html", campaign, form=form)
    address = form.cleaned_data["email"]
    if abuse.mail_requests_limited(request, canonical_email(address)):
        return rate_limited(request)
    # The same answer whether or not the address signed: nobody learns who did.
    services.ask_for_withdraw_link(campaign, address)
    return redirect("signatures:withdraw_link_sent", campaign.slug)


@gzip_page  # nothing secret on it for BREACH to guess
@require_GET
def withdraw_link_sent(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = pages.find_campaign(slug)
    return pages.render_text_page(request, "signatures/withdraw_link_sent.html", campaign)


@gzip_page  # nothing secret on it for BREACH to guess
@require_GET
def withdrawn(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = pages.find_campaign(slug)
    return pages.render_text_page(request, "signatures/withdrawn.html", campaign)


@gzip_page  # nothing secret on it for BREACH to guess
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    ctx = {
        "controller": settings.PRIVACY_CONTROLLER,
        "contact": settings.PRIVACY_CONTACT,
        "purge_days": settings.PURGE_UNCONFIRMED_DAYS,
        "anonymize_days": settings.ANONYMIZE_AFTER_DAYS,
        "default_campaign": settings.DEFAULT_CAMPAIGN,
    }
    return render(request, "signatures/privacy.html", ctx)


ROBOTS = """User-agent: *
Allow: /
Disallow: /*/confirm/
Disallow: /*/withdraw/
Disallow: /*/thanks/
Disallow: /*/withdrawn/
Disallow: /*/sheet.pdf
Disallow: /{admin}
"""


@same_in_every_language
@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Campaign pages are for search engines; links from e-mails and the admin are not."""
    response = HttpResponse(ROBOTS.format(admin=settings.ADMIN_URL), content_type="text/plain")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "3600"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
