"""A signer can withdraw at any time: a fresh withdraw link, asked for with the address."""

import time

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from tests import factories
from tests.helpers import found


def ask(client, campaign, address: str, language: str = "en"):
    url = f"/{language}/{campaign.slug}/withdraw/"
    return client.post(url, {"email": address})


def withdraw_path(message) -> str:
    return found(r"https://petition\.example\.org(/\w+/[\w-]+/withdraw/[^/\s]+/)", message.body)


def test_a_signer_whose_link_expired_gets_a_fresh_one_that_deletes_the_signature(
    client, campaign, run_tasks, mailoutbox, monkeypatch
):
    signature = factories.signature(campaign, email="ada@example.net")
    issued = time.time() - 181 * 24 * 3600  # past WITHDRAW_LINK_MAX_AGE_DAYS (180)
    with monkeypatch.context() as then:
        then.setattr("django.core.signing.time.time", lambda: issued)
        expired = tokens.link_token(signature, tokens.Purpose.WITHDRAW)
    assert client.get(f"/en/{campaign.slug}/withdraw/{expired}/").status_code == 400

    answer = ask(client, campaign, "ADA@example.net")
    run_tasks()

    assert answer["Location"] == reverse("signatures:withdraw_link_sent", args=[campaign.slug])
    [message] = mailoutbox
    assert message.to == ["ada@example.net"]
    assert message.subject == f"Your link to withdraw your signature: {campaign.title}"
    client.post(withdraw_path(message))
    assert not Signature.objects.filter(pk=signature.pk).exists()


def test_the_answer_is_the_same_whether_or_not_the_address_signed(
    client, campaign, run_tasks, mailoutbox
):
    factories.signature(campaign, email="signed@example.net")

    signed = ask(client, campaign, "signed@example.net")
    stranger = ask(client, campaign, "never-signed@example.net")
    run_tasks()

    assert signed.status_code == stranger.status_code == 302
    assert signed["Location"] == stranger["Location"]
    assert [m.to for m in mailoutbox] == [["signed@example.net"]]  # only to that mailbox


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ar"])
def test_the_fresh_link_comes_in_the_language_the_person_signed_in(
    client, campaign, run_tasks, mailoutbox, language
):
    factories.signature(campaign, email="ada@example.net", language=language)
    ask(client, campaign, "ada@example.net")
    run_tasks()

    [message] = mailoutbox
    assert f"/{language}/{campaign.slug}/withdraw/" in message.body


def test_asking_again_and_again_is_limited(client, campaign, run_tasks, mailoutbox, settings):
    settings.WITHDRAW_LINK_RATE_EMAIL = "3/h"
    factories.signature(campaign, email="ada@example.net")

    answers = [ask(client, campaign, "ada@example.net").status_code for _ in range(5)]
    run_tasks()

    assert answers == [302, 302, 302, 429, 429]
    assert len(mailoutbox) == 3


def test_an_address_that_is_not_one_gets_the_form_again_with_the_reason(client, campaign):
    page = ask(client, campaign, "not-an-address").content.decode()
    assert "Enter a valid e-mail address." in page
    assert 'name="email"' in page


def test_the_privacy_notice_and_a_dead_link_lead_to_the_page(client, campaign, settings):
    settings.DEFAULT_CAMPAIGN = campaign.slug
    privacy = client.get(reverse("signatures:privacy")).content.decode()
    dead = client.get(f"/en/{campaign.slug}/withdraw/forged/").content.decode()

    url = reverse("signatures:withdraw_link", args=[campaign.slug])
    assert f'href="{url}"' in privacy and f'href="{url}"' in dead
