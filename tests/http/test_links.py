import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from signatures import counts, tokens
from signatures.models import Signature
from tests import factories
from tests.helpers import shown_count


def link(message, kind: str) -> str:
    match = re.search(rf"https://petition\.example\.org(/en/[\w-]+/{kind}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def signed(client, campaign, sign_data, run_tasks, mailoutbox):
    """A signature made through the form, with its confirmation mail delivered."""
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    return Signature.objects.get(), mailoutbox[0]


def test_confirmation_mail_names_the_campaign_and_links_from_site_url(signed, campaign):
    _signature, message = signed
    assert message.to == ["Ada.Lovelace@example.org"]  # the domain in its standard form
    assert campaign.title in message.subject
    assert "signed the petition" in message.body
    assert link(message, "confirm") and link(message, "withdraw")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://petition.example.org{link(message, "confirm")}"' in html


def test_links_ignore_the_host_header_of_the_signing_request(
    client, campaign, sign_data, run_tasks, mailoutbox, settings
):
    settings.ALLOWED_HOSTS = ["evil.example", "petition.example.org"]
    client.post(campaign.get_absolute_url(), sign_data, HTTP_HOST="evil.example")
    run_tasks()
    assert "evil.example" not in mailoutbox[0].body


def test_opening_the_link_only_asks_for_confirmation(client, signed):
    signature, message = signed
    response = client.get(link(message, "confirm"))
    assert response.status_code == 200
    assert b"Confirm my signature" in response.content
    signature.refresh_from_db()
    assert signature.state == Signature.State.PENDING


def test_posting_from_the_link_confirms_and_counts(client, signed, campaign):
    signature, message = signed
    response = client.post(link(message, "confirm"))
    assert b"Your signature is confirmed" in response.content
    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED
    assert signature.confirmed_at is not None
    assert shown_count(client, campaign) == 1


def test_using_the_link_again_is_harmless(client, signed, campaign):
    _signature, message = signed
    client.post(link(message, "confirm"))
    again = client.post(link(message, "confirm"))
    assert again.status_code == 200
    assert b"You have confirmed it already" in again.content
    assert shown_count(client, campaign) == 1


@pytest.mark.parametrize("token", ["nonsense", "MQ:1xVkjV:forged-signature-value"])
def test_forged_links_get_a_clear_page(client, campaign, token):
    for send in (client.get, client.post):
        response = send(f"/en/{campaign.slug}/confirm/{token}/")
        assert response.status_code == 400
        assert b"This link does not work" in response.content


def test_tampered_link_is_refused(client, signed):
    signature, message = signed
    tampered = link(message, "confirm").replace("/confirm/", "/confirm/x")
    response = client.post(tampered)
    assert response.status_code == 400
    signature.refresh_from_db()
    assert signature.state == Signature.State.PENDING


def test_a_withdraw_token_does_not_confirm(client, signed):
    signature, message = signed
    token = link(message, "withdraw").split("/")[-2]
    response = client.post(f"/en/{signature.campaign.slug}/confirm/{token}/")
    assert response.status_code == 400


def test_expired_link_is_refused(client, signed, monkeypatch):
    signature, _message = signed
    issued = time.time() - 15 * 24 * 3600  # the default age limit is 14 days
    monkeypatch.setattr("django.core.signing.time.time", lambda: issued)
    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    monkeypatch.undo()

    response = client.post(f"/en/{signature.campaign.slug}/confirm/{token}/")

    assert response.status_code == 400
    signature.refresh_from_db()
    assert signature.state == Signature.State.PENDING


def test_withdrawing_deletes_the_signature_and_lowers_the_count(client, signed, campaign):
    signature, message = signed
    client.post(link(message, "confirm"))
    assert client.get(link(message, "withdraw")).status_code == 200
    assert Signature.objects.exists()

    response = client.post(link(message, "withdraw"))

    assert response.status_code == 302
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert counts.refresh(campaign).total == 0
    assert client.post(link(message, "withdraw")).status_code == 302


def test_without_confirmation_a_signature_counts_at_once(
    client, make_campaign, sign_data, run_tasks, mailoutbox
):
    campaign = make_campaign(requires_confirmation=False)
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    assert Signature.objects.get().state == Signature.State.CONFIRMED
    assert mailoutbox == []
    assert shown_count(client, campaign) == 1


def test_signing_again_while_pending_resends_after_a_pause(
    client, campaign, sign_data, run_tasks, mailoutbox
):
    url = campaign.get_absolute_url()
    client.post(url, sign_data)
    client.post(url, sign_data)
    run_tasks()
    assert len(mailoutbox) == 1

    Signature.objects.update(last_email_at=timezone.now() - timedelta(minutes=6))
    client.post(url, sign_data)
    run_tasks()
    assert len(mailoutbox) == 2
    assert Signature.objects.count() == 1


def test_no_more_than_five_mails_per_signature(client, campaign, sign_data, run_tasks, mailoutbox):
    url = campaign.get_absolute_url()
    client.post(url, sign_data)
    run_tasks()
    for _ in range(8):
        Signature.objects.update(last_email_at=timezone.now() - timedelta(minutes=6))
        client.post(url, sign_data)
        run_tasks()
    assert len(mailoutbox) == 5
    assert Signature.objects.get().emails_sent == 5


def test_signing_again_when_confirmed_mails_nothing(
    client, signed, sign_data, run_tasks, mailoutbox
):
    signature, message = signed
    client.post(link(message, "confirm"))
    Signature.objects.update(last_email_at=timezone.now() - timedelta(hours=1))
    client.post(signature.campaign.get_absolute_url(), sign_data)
    run_tasks()
    assert len(mailoutbox) == 1


def test_link_confirms_for_a_day_after_the_campaign_closes(client, signed):
    signature, message = signed
    campaign = signature.campaign
    campaign.closes_at = timezone.now() - timedelta(hours=23)
    campaign.opens_at = campaign.closes_at - timedelta(days=5)
    campaign.save()
    client.post(link(message, "confirm"))
    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED


def test_link_no_longer_confirms_after_the_grace_day(client, signed):
    signature, message = signed
    campaign = signature.campaign
    campaign.closes_at = timezone.now() - timedelta(hours=25)
    campaign.opens_at = campaign.closes_at - timedelta(days=5)
    campaign.save()
    response = client.post(link(message, "confirm"))
    assert b"This petition has closed" in response.content
    signature.refresh_from_db()
    assert signature.state == Signature.State.PENDING


LANGUAGES = ["en", "de", "fr", "es", "ar"]


def confirm_path(signature, language: str) -> str:
    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    return f"/{language}/{signature.campaign.slug}/confirm/{token}/"


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        translated = gettext(text)
    assert language == "en" or translated != text, f"{text!r} is not translated to {language}"
    return translated


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_held_signature_confirmed_by_its_owner_is_said_to_count_once_checked(
    client, campaign, language
):
    signature = factories.signature(campaign, Signature.State.HELD)

    page = client.post(confirm_path(signature, language)).content.decode()
    again = client.get(confirm_path(signature, language)).content.decode()

    received = in_language(language, "We have received your signature")
    for answer in (page, again):
        assert received in answer
        assert in_language(language, "Your signature is confirmed") not in answer
    signature.refresh_from_db()
    assert (signature.state, signature.confirmed_at is not None) == ("held", True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_opening_a_used_confirmation_link_says_it_is_confirmed_already(client, campaign, language):
    signature = factories.signature(campaign, Signature.State.PENDING)
    client.post(confirm_path(signature, language))

    page = client.get(confirm_path(signature, language)).content.decode()

    assert in_language(language, "You have confirmed it already: this link had been used.") in page
    assert "One step left" not in page and 'class="sign-form"' not in page
