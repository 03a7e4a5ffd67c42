"""What the public sees after signing: the hand-ins, their photos, and leaving the news."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from signatures import tokens
from signatures.handins import public
from signatures.mail import news
from signatures.models import HandIn
from signatures.signing import pages


@require_GET
def hand_ins(request: HttpRequest, slug: str) -> HttpResponse:
    """Every hand-in, newest first, with the checksums of the files it carried."""
    campaign = pages.find_campaign(slug)
    listed = list(campaign.hand_ins.all())
    files = public.handed_in_files(listed)
    language = get_language()
    for hand_in in listed:
        hand_in.public_note = hand_in.note(language)  # type: ignore[attr-defined]
        hand_in.files = files[hand_in.pk]  # type: ignore[attr-defined]
    response = pages.render_text_page(
        request, "signatures/hand_ins.html", campaign, hand_ins=listed
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def hand_in_photo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = pages.find_campaign(slug)
    hand_in = HandIn.objects.filter(campaign=campaign, pk=pk).exclude(photo="").first()
    if hand_in is None:
        raise Http404
    try:
        picture = public.photo(hand_in)
    except OSError as exc:  # gone from the storage: the page shows the rest
        raise Http404 from exc
    response = HttpResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@csrf_exempt  # a mail program's one-click POST (RFC 8058) carries no CSRF token; the link's does
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Leave all news: a GET asks (link scanners open links), a POST leaves."""
    campaign = pages.find_campaign(slug)
    link = tokens.read_link(token, tokens.Purpose.UNSUBSCRIBE, campaign)
    if link is None:
        return pages.render_text_page(
            request, "signatures/unsubscribe_invalid.html", campaign, status=400
        )
    if request.method != "POST":
        return pages.render_text_page(request, "signatures/unsubscribe.html", campaign, left=False)
    if link.signature_id is not None:
        news.leave_news(link.signature_id)
    return pages.render_text_page(request, "signatures/unsubscribe.html", campaign, left=True)
