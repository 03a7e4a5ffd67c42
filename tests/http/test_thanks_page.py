"""A signer who mistyped their address can put it right: a suggestion before
signing, and the thanks page's address, resend and correction after."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from signatures import tokens
from signatures.models import Signature
from tests.helpers import found


def test_a_mistyped_common_domain_is_shown_again_with_a_suggestion_and_nothing_stored(
    client, campaign, sign_data
):
    response = client.post(
        campaign.get_absolute_url(), sign_data | {"email": "typo.person@gmial.com"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Did you mean typo.person@gmail.com?" in html
    assert 'name="email_suggestion" id="email-use" value="typo.person@gmail.com"' in html
    assert 'name="email_checked" value="typo.person@gmial.com"' in html
    assert Signature.objects.count() == 0


def test_the_suggestion_taken_signs_with_the_corrected_address(client, campaign, sign_data):
    response = client.post(
        campaign.get_absolute_url(),
        sign_data
        | {
            "email": "typo.person@gmial.com",
            "email_checked": "typo.person@gmial.com",
            "email_suggestion": "typo.person@gmail.com",
        },
    )

    assert response.status_code == 302
    assert Signature.objects.get().email == "typo.person@gmail.com"


def test_the_address_kept_as_typed_signs_with_it(client, campaign, sign_data):
    response = client.post(
        campaign.get_absolute_url(),
        sign_data
        | {
            "email": "typo.person@gmial.com",
            "email_checked": "typo.person@gmial.com",
            "email_suggestion": "",
        },
    )

    assert response.status_code == 302
    assert Signature.objects.get().email == "typo.person@gmial.com"


@pytest.mark.parametrize("address", ["a@hotmial.com", "a@gmail.con"])
def test_other_common_slips_are_asked_about(client, campaign, sign_data, address):
    response = client.post(campaign.get_absolute_url(), sign_data | {"email": address})

    assert response.status_code == 200
    assert "Did you mean" in response.content.decode()


def test_an_address_changed_after_the_question_is_checked_afresh(client, campaign, sign_data):
    response = client.post(
        campaign.get_absolute_url(),
        sign_data | {"email": "typo.person@hotmial.com", "email_checked": "typo.person@gmial.com"},
    )

    assert "Did you mean typo.person@hotmail.com?" in response.content.decode()
    assert Signature.objects.count() == 0


def sign(client, campaign, sign_data, **changes):
    response = client.post(campaign.get_absolute_url(), sign_data | changes)
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_thanks_page_shows_the_address_the_mail_went_to(client, campaign, sign_data):
    page = sign(client, campaign, sign_data)

    html = page.content.decode()
    assert '<strong dir="ltr">Ada.Lovelace@example.org</strong>' in html
    assert "spam or junk folder" in html
    assert "private" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]


def test_the_thanks_page_of_another_browser_shows_no_address(client, campaign, sign_data):
    sign(client, campaign, sign_data)
    client.cookies.clear()

    html = client.get(f"/en/{campaign.slug}/thanks/").content.decode()

    assert "Lovelace@example.org" not in html
    assert "Send the e-mail again" not in html


def test_send_again_queues_one_more_mail_within_the_limits(
    client, campaign, sign_data, run_tasks, settings
):
    settings.CONFIRMATION_RESEND_MINUTES = 5
    sign(client, campaign, sign_data)
    run_tasks()
    Signature.objects.update(last_email_at=timezone.now() - timedelta(minutes=6))

    response = client.post(f"/en/{campaign.slug}/thanks/", {"action": "again"})
    client.post(f"/en/{campaign.slug}/thanks/", {"action": "again"})  # too soon: no third
    run_tasks()

    assert response.status_code == 302
    assert response["Location"] == f"/en/{campaign.slug}/thanks/?sent=again"
    assert [m.to for m in mail.outbox] == [["Ada.Lovelace@example.org"]] * 2
    assert "on its way again" in client.get(response["Location"]).content.decode()


def test_a_corrected_address_gets_the_mail_and_the_signature_moves_to_it(
    client, campaign, sign_data, run_tasks
):
    sign(client, campaign, sign_data, email="ada@gmial.com", email_checked="ada@gmial.com")
    run_tasks()

    response = client.post(
        f"/en/{campaign.slug}/thanks/", {"action": "correct", "email": "ada@gmail.com"}
    )
    run_tasks()

    assert response["Location"] == f"/en/{campaign.slug}/thanks/?sent=corrected"
    signature = Signature.objects.get()
    assert (signature.email, signature.email_canonical) == ("ada@gmail.com", "ada@gmail.com")
    assert [m.to for m in mail.outbox] == [["ada@gmial.com"], ["ada@gmail.com"]]
    link = found(r"(/en/test-action/confirm/[^/\s]+/)", str(mail.outbox[1].body))
    client.post(link)
    assert Signature.objects.get().state == Signature.State.CONFIRMED
    assert "ada@gmail.com" in client.get(response["Location"]).content.decode()


def test_a_correction_to_an_address_that_signed_keeps_that_signature_only(
    client, campaign, sign_data, make_signatures
):
    [earlier] = make_signatures(1, email="ada@gmail.com")
    sign(client, campaign, sign_data, email="ada@gmial.com", email_checked="ada@gmial.com")

    client.post(f"/en/{campaign.slug}/thanks/", {"action": "correct", "email": "ada@gmail.com"})

    assert list(Signature.objects.values_list("pk", flat=True)) == [earlier.pk]


def test_a_bad_correction_gets_its_error_and_changes_nothing(client, campaign, sign_data):
    sign(client, campaign, sign_data)

    response = client.post(f"/en/{campaign.slug}/thanks/", {"action": "correct", "email": "x@"})

    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert Signature.objects.get().email == "Ada.Lovelace@example.org"


def test_a_forged_thanks_cookie_corrects_nothing(client, campaign, sign_data):
    sign(client, campaign, sign_data)
    client.cookies["signed"] = "forged:value"

    response = client.post(
        f"/en/{campaign.slug}/thanks/", {"action": "correct", "email": "mallory@example.org"}
    )

    assert response.status_code == 302
    assert Signature.objects.get().email == "Ada.Lovelace@example.org"


def test_a_repeat_submission_cannot_move_the_earlier_signature(
    client, campaign, sign_data, make_signatures
):
    make_signatures(1, confirm=False, email="victim@example.org")
    sign(client, campaign, sign_data, email="victim@example.org")

    client.post(
        f"/en/{campaign.slug}/thanks/", {"action": "correct", "email": "mallory@example.org"}
    )

    assert Signature.objects.get().email == "victim@example.org"


def test_after_confirming_the_page_offers_sharing_as_the_next_step(client, campaign, sign_data):
    sign(client, campaign, sign_data)
    token = tokens.link_token(Signature.objects.get(), tokens.Purpose.CONFIRM)

    html = client.post(f"/en/{campaign.slug}/confirm/{token}/").content.decode()

    assert "Your signature is confirmed" in html
    assert "What next?" in html
    assert 'id="share-url"' in html
    assert f'<a href="/en/{campaign.slug}/sheet.pdf">' in html  # collecting offline
