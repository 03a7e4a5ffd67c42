"""Leaving the news: one click by POST, never by GET, and a clear page for a bad link."""

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from signatures import tokens
from signatures.mail import emails, news
from signatures.models import Message, Signature
from tests import factories


def stop_path(signature: Signature, language: str = "en") -> str:
    url = emails.unsubscribe_url(signature)
    path = url.removeprefix("https://petition.example.org")
    return path.replace("/en/", f"/{language}/", 1)


@pytest.fixture
def signer(campaign):
    return factories.signature(campaign, contact_opt_in=True, language="fr")


def test_a_get_asks_and_never_unsubscribes(client, signer):
    page = client.get(stop_path(signer, "fr"))
    assert page.status_code == 200
    assert "Arrêter toutes les nouvelles" in page.content.decode()
    signer.refresh_from_db()
    assert signer.unsubscribed_at is None and signer.contact_opt_in


def test_a_one_click_post_unsubscribes_keeps_the_signature_and_confirms_in_their_language(
    client, signer
):
    client.handler.enforce_csrf_checks = True  # a mail client sends no CSRF token
    response = client.post(
        stop_path(signer, "fr"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Vous ne recevrez plus de nouvelles" in response.content.decode()
    signer.refresh_from_db()
    assert signer.unsubscribed_at is not None and not signer.contact_opt_in
    assert signer.state == Signature.State.CONFIRMED


def test_news_not_yet_sent_is_never_sent_after_leaving(client, signer, run_tasks, mailoutbox):
    Message.objects.create(
        signature=signer, kind=Message.Kind.HAND_IN, ref=1, due_at=timezone.now()
    )
    news.leave_news(signer.pk)
    run_tasks()
    assert mailoutbox == []
    assert Message.objects.get().sent_at is None


@pytest.mark.parametrize("case", ["altered", "another campaign", "expired", "a withdraw link"])
def test_a_bad_link_gets_a_clear_page_and_changes_nothing(
    client, campaign, make_campaign, signer, case, monkeypatch
):
    token = tokens.link_token(signer, tokens.Purpose.UNSUBSCRIBE)
    slug = campaign.slug
    if case == "altered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif case == "another campaign":
        slug = make_campaign(slug="other-action").slug
    elif case == "expired":
        monkeypatch.setattr(tokens, "UNSUBSCRIBE_LINK_MAX_AGE_DAYS", 0)
        monkeypatch.setattr(signing, "time", type("T", (), {"time": staticmethod(lambda: 9e9)}))
    else:
        token = tokens.link_token(signer, tokens.Purpose.WITHDRAW)
    with translation.override("en"):
        path = reverse("signatures:unsubscribe", args=[slug, token])
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    signer.refresh_from_db()
    assert signer.unsubscribed_at is None
