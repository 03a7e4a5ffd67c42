"""E-mails to signers. Templates: emails/<name>-subject, -body-text, -body-html."""

import uuid
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation

from petition_site.lib.mail import kept_connection
from signatures.handins.public import place_of
from signatures.models import Campaign, HandIn, Message, Signature, Update
from signatures.tokens import Purpose, link_token


def absolute(path: str) -> str:
    """Links in mail come from SITE_URL, never from a request's Host header."""
    return f"{settings.SITE_URL}{path}"


def sender() -> str:
    """The From header: the organisation's name, when set, before the address."""
    name = settings.DEFAULT_FROM_NAME
    return formataddr((name, settings.DEFAULT_FROM_EMAIL)) if name else settings.DEFAULT_FROM_EMAIL


def message_id(kind: str, key: str) -> str:
    """A Message-ID fixed by what the mail is, in the sending domain.

    Sent again after a break between the server's acceptance and our record
    of it, the mail is the same message to every mail system that reads it.
    """
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{kind}.{key}@{domain}>"


def send(
    name: str,
    to: str,
    ctx: dict[str, Any],
    language: str,
    msgid: str,
    headers: dict[str, str] | None = None,
) -> None:
    with translation.override(language):
        subject = render_subject(name, ctx)
        text = render_to_string(f"emails/{name}-body-text.html", ctx)
        html = render_to_string(f"emails/{name}-body-html.html", ctx)
    headers = {"Auto-Submitted": "auto-generated", "Message-ID": msgid, **(headers or {})}
    message = EmailMultiAlternatives(
        subject,
        text,
        from_email=sender(),
        to=[to],
        reply_to=[settings.REPLY_TO_EMAIL] if settings.REPLY_TO_EMAIL else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    kept_connection.send(message)


def render_subject(name: str, ctx: dict[str, Any]) -> str:
    """The subject as plain text on one line: a header is not HTML, so nothing is escaped."""
    template = get_template(f"emails/{name}-subject.html").template  # type: ignore[attr-defined]
    return " ".join(template.render(Context(ctx, autoescape=False)).split())


def language_of(signature: Signature) -> str:
    """The language the person signed in, if the site still speaks it."""
    spoken = {code for code, _name in settings.LANGUAGES}
    return signature.language if signature.language in spoken else signature.campaign.language


def signer_context(signature: Signature, campaign: Campaign, withdraw_token: str) -> dict[str, Any]:
    """What every mail to a signer shows, in the active language: the campaign, the page's
    direction, its address and the withdraw link."""
    language = translation.get_language()
    return {
        "signature": signature,
        "campaign": campaign,
        "text": campaign.text(language),
        "language": language,
        "direction": "rtl" if translation.get_language_bidi() else "ltr",
        "campaign_url": absolute(campaign.get_absolute_url()),
        "withdraw_url": absolute(
            reverse("signatures:withdraw", args=[campaign.slug, withdraw_token])
        ),
        "withdraw_days": settings.WITHDRAW_LINK_MAX_AGE_DAYS,
    }


def mail_confirmation(signature: Signature, name: str = "confirm") -> None:
    """The link to confirm a signature (``name`` "reminder": the one reminder of it)."""
    campaign = signature.campaign
    with translation.override(language_of(signature)):  # links too: /de/assange/...
        confirm_token = link_token(signature, Purpose.CONFIRM)
        ctx = signer_context(signature, campaign, link_token(signature, Purpose.WITHDRAW)) | {
            "confirm_url": absolute(
                reverse("signatures:confirm", args=[campaign.slug, confirm_token])
            ),
            "max_age_days": settings.CONFIRMATION_LINK_MAX_AGE_DAYS,
            "country_name": str(signature.country.name),
        }
        number = signature.emails_sent if name == "confirm" else name
        msgid = message_id("confirm", f"{signature.public_id.hex}.{number}")
        send(name, signature.email, ctx, ctx["language"], msgid)


def mail_reminder(message: Message, about: None = None) -> None:
    """One reminder to confirm, days after signing, to a signer who has not yet."""
    mail_confirmation(message.signature, "reminder")


def mail_withdraw_link(signature: Signature) -> None:
    """A fresh withdraw link, asked for on the petition's withdraw page."""
    campaign = signature.campaign
    with translation.override(language_of(signature)):
        token = link_token(signature, Purpose.WITHDRAW)
        ctx = signer_context(signature, campaign, token)
        # A new message each time it is asked for: the link in it is new too.
        msgid = message_id("withdraw", f"{signature.public_id.hex}.{token.rsplit(':', 2)[-2]}")
        send("withdraw-link", signature.email, ctx, ctx["language"], msgid)


def mail_paper_notice(message: Message, about: None = None) -> None:
    """A signature typed in from a paper sheet is counted; never a confirmation request."""
    signature = message.signature
    campaign = signature.campaign
    with translation.override(language_of(signature)):
        ctx = signer_context(signature, campaign, link_token(signature, Purpose.WITHDRAW)) | {
            "country_name": str(signature.country.name),
        }
        msgid = message_id("paper", signature.public_id.hex)
        send("paper-notice", signature.email, ctx, ctx["language"], msgid)


def unsubscribe_url(signature: Signature) -> str:
    token = link_token(signature, Purpose.UNSUBSCRIBE)
    return absolute(reverse("signatures:unsubscribe", args=[signature.campaign.slug, token]))


def news_headers(url: str) -> dict[str, str]:
    """Leaving is one click in the mail program itself (RFC 8058): a POST, never a GET."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def mail_hand_in(message: Message, hand_in: HandIn | None = None) -> None:
    """The signer's signature was handed in: where, when, with how many, and where their
    name stands in the files. ``hand_in``: the one ``message.ref`` names, when loaded."""
    signature = message.signature
    campaign = signature.campaign
    hand_in = hand_in or HandIn.objects.get(pk=message.ref)
    with translation.override(language_of(signature)):
        url = unsubscribe_url(signature)
        language = translation.get_language()
        ctx = signer_context(signature, campaign, link_token(signature, Purpose.WITHDRAW)) | {
            "hand_in": hand_in,
            "country_name": str(hand_in.country.name),
            "note": hand_in.note(language),
            "place": place_of(signature),
            "hand_ins_url": absolute(reverse("signatures:hand_ins", args=[campaign.slug])),
            "unsubscribe_url": url,
        }
        msgid = message_id("handin", f"{signature.public_id.hex}.{hand_in.pk}")
        send("hand-in", signature.email, ctx, language, msgid, news_headers(url))


def update_context(update: Update, signature: Signature, language: str) -> dict[str, Any]:
    """What an update shows in ``language``: its subject and text, and how to leave."""
    campaign = update.campaign
    with translation.override(language):
        return signer_context(signature, campaign, link_token(signature, Purpose.WITHDRAW)) | {
            "subject": update.subject(language),
            "update_text": update.text(language),
            "unsubscribe_url": unsubscribe_url(signature),
        }


def render_update(update: Update, signature: Signature, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of an update as ``signature``'s signer reads it: the preview."""
    ctx = update_context(update, signature, language)
    with translation.override(language):
        return (
            render_subject("update", ctx),
            render_to_string("emails/update-body-text.html", ctx),
            render_to_string("emails/update-body-html.html", ctx),
        )


def mail_update(message: Message, update: Update | None = None) -> None:
    """An organisers' update; ``update``: the one ``message.ref`` names, when loaded."""
    signature = message.signature
    update = update or Update.objects.select_related("campaign").get(pk=message.ref)
    language = language_of(signature)
    ctx = update_context(update, signature, language)
    msgid = message_id("update", f"{signature.public_id.hex}.{update.pk}")
    send("update", signature.email, ctx, language, msgid, news_headers(ctx["unsubscribe_url"]))


def mail_update_test(update: Update, address: str, language: str) -> None:
    """The update as a signer in ``language`` gets it, to the staff member's own address."""
    sample = Signature(
        campaign=update.campaign,
        first_name="Ada",
        last_name="Lovelace",
        email=address,
        country="GB",
        language=language,
    )
    ctx = update_context(update, sample, language)
    msgid = message_id("update-test", uuid.uuid4().hex)
    send("update", address, ctx, language, msgid, news_headers(ctx["unsubscribe_url"]))
