import base64
import json
import time

import altcha
import pytest
from django.urls import reverse

from signatures import counts, tokens
from signatures.models import Signature
from tests.helpers import form_started, found


@pytest.fixture
def limits(settings):
    settings.SIGN_RATE_IP_SOFT = "2/h"
    settings.SIGN_RATE_IP_HARD = "4/h"
    settings.SIGN_RATE_EMAIL_SOFT = "50/h"
    settings.SIGN_RATE_EMAIL_HARD = "100/h"
    return settings


def post(client, campaign, sign_data, n: int, **extra):
    """Person n sends a form of their own, served a minute ago."""
    data = sign_data | {"email": f"person{n}@example.org", "started": form_started()}
    return client.post(campaign.get_absolute_url(), data, **extra)


def test_past_the_soft_limit_signatures_are_held_but_answered_as_usual(
    client, make_campaign, sign_data, limits, moderator
):
    campaign = make_campaign(requires_confirmation=False)
    answers = [post(client, campaign, sign_data, n) for n in range(3)]

    assert [a.status_code for a in answers] == [302, 302, 302]
    assert len({a["Location"] for a in answers}) == 1
    states = list(Signature.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["confirmed", "confirmed", "held"]
    assert counts.refresh(campaign).total == 2

    client.force_login(moderator)
    held = Signature.objects.get(state="held")
    client.post(
        reverse("admin:signatures_signature_changelist"),
        {"action": "restore_signatures", "_selected_action": [held.pk]},
    )
    held.refresh_from_db()
    assert held.state == Signature.State.CONFIRMED
    assert counts.refresh(campaign).total == 3


def test_a_held_signature_still_gets_its_confirmation_mail(
    client, campaign, sign_data, limits, run_tasks, mailoutbox
):
    for n in range(3):
        post(client, campaign, sign_data, n)
    run_tasks()
    assert len(mailoutbox) == 3
    assert Signature.objects.filter(state="held").count() == 1


def test_past_the_hard_limit_the_client_gets_429_and_nothing_is_stored(
    client, campaign, sign_data, limits
):
    answers = [post(client, campaign, sign_data, n) for n in range(6)]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429, 429]
    assert b"Too many attempts" in answers[-1].content
    assert answers[-1]["Retry-After"] == "3600"
    assert Signature.objects.count() == 4


def test_a_stranger_cannot_lock_an_address_out_nor_confirm_a_name_for_it(
    client, campaign, sign_data, settings, run_tasks, mailoutbox
):
    settings.SIGN_RATE_EMAIL_SOFT = "1/h"
    owner = {"email": "owner@example.org", "first_name": "Olga", "last_name": "Owner"}
    squatter = sign_data | owner | {"first_name": "Fake", "last_name": "Name", "country": "US"}
    for n in range(30):  # from thirty networks, to burn every limit the address has
        client.post(
            campaign.get_absolute_url(),
            squatter | {"started": form_started()},
            REMOTE_ADDR=f"198.51.{n}.1",
        )
    run_tasks()

    answer = client.post(
        campaign.get_absolute_url(), sign_data | owner | {"started": form_started()}
    )

    assert answer.status_code == 302  # the owner is never refused
    # The mail reaches the owner's mailbox, saying in whose name it signs.
    [mail] = mailoutbox
    assert "Fake Name, United States of America" in mail.body
    link = found(r"https://petition\.example\.org(/en/[\w-]+/confirm/[^/\s]+/)", mail.body)
    page = client.get(link).content.decode()
    assert 'value="Fake"' in page and 'value="Name"' in page

    client.post(link, {"first_name": "Olga", "last_name": "Owner", "country": "NO"})

    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name, signature.country.code) == (
        "Olga",
        "Owner",
        "NO",
    )
    assert signature.state == "confirmed"


def test_a_correction_is_checked_like_the_sign_form(
    client, campaign, sign_data, run_tasks, mailoutbox
):
    client.post(campaign.get_absolute_url(), sign_data)
    run_tasks()
    link = found(r"https://petition\.example\.org(/en/[\w-]+/confirm/[^/\s]+/)", mailoutbox[0].body)

    answer = client.post(link, {"first_name": "=HYPERLINK()", "last_name": "", "country": "XX"})

    assert answer.status_code == 200
    assert "cannot start with" in answer.content.decode()
    assert Signature.objects.get().state == "pending"


def test_a_spoofed_forwarded_for_header_changes_nothing(client, campaign, sign_data, limits):
    answers = [
        post(client, campaign, sign_data, n, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}") for n in range(6)
    ]
    assert [a.status_code for a in answers][-2:] == [429, 429]


def test_behind_a_trusted_proxy_the_forwarded_client_counts(client, campaign, sign_data, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    answers = [
        post(
            client,
            campaign,
            sign_data,
            n,
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.{n}.100.7",  # spoofed, then the real client
        )
        for n in range(6)
    ]
    assert all(a.status_code == 302 for a in answers)
    hashes = set(Signature.objects.values_list("network_hash", flat=True))
    assert len(hashes) == 6  # one per 198.n.100.0/24, never the spoofed 6.6.6.0/24


def test_switching_rate_limits_off(client, campaign, sign_data, limits):
    limits.RATELIMIT_ENABLE = False
    answers = [post(client, campaign, sign_data, n) for n in range(6)]
    assert all(a.status_code == 302 for a in answers)
    assert Signature.objects.filter(state="pending").count() == 6


def test_a_bot_that_fills_the_honeypot_is_dropped_with_the_answer_a_person_gets(
    client, campaign, sign_data
):
    person = client.post(campaign.get_absolute_url(), sign_data | {"email": "p@example.org"})
    bot = client.post(
        campaign.get_absolute_url(),
        sign_data | {"website": "http://spam.example", "started": form_started()},
    )
    assert bot.status_code == person.status_code == 302
    assert bot["Location"] == person["Location"]
    assert list(Signature.objects.values_list("email", flat=True)) == ["p@example.org"]


def test_a_form_sent_back_within_seconds_is_stored_and_held_for_review(
    client, campaign, sign_data, run_tasks, mailoutbox
):
    answer = client.post(campaign.get_absolute_url(), sign_data | {"started": form_started(0)})

    assert answer.status_code == 302
    signature = Signature.objects.get()
    assert (signature.state, signature.hold_reason) == ("held", "fast")
    run_tasks()
    assert len(mailoutbox) == 1  # the signer goes on as usual


@pytest.mark.parametrize(
    "started",
    [form_started(25 * 3600), "forged:token", ""],
    ids=["open-over-a-day", "forged", "missing"],
)
def test_a_stale_or_forged_form_is_shown_again_to_send_once_more(
    client, campaign, sign_data, started
):
    again = client.post(campaign.get_absolute_url(), sign_data | {"started": started})

    assert again.status_code == 200
    assert Signature.objects.count() == 0
    html = again.content.decode()
    assert "Please send the form again." in html
    assert 'value="Lovelace"' in html  # nothing typed is lost
    renewed = found(r'name="started" value="([^"]+)"', html)
    assert renewed != started

    sent = client.post(campaign.get_absolute_url(), sign_data | {"started": renewed})
    assert sent.status_code == 302
    assert Signature.objects.get().state == "pending"


def test_one_served_form_is_good_for_one_signature(client, campaign, sign_data):
    served = form_started()
    for n in range(2):
        client.post(
            campaign.get_absolute_url(),
            sign_data | {"email": f"person{n}@example.org", "started": served},
        )

    assert list(Signature.objects.order_by("pk").values_list("state", "hold_reason")) == [
        ("pending", ""),
        ("held", "replayed"),
    ]


def test_each_person_who_begins_gets_a_form_of_their_own(client, campaign):
    start = reverse("signatures:start", args=[campaign.slug])
    answers = [client.get(start) for _ in range(2)]
    assert all(a["Cache-Control"].startswith("max-age=0") for a in answers)
    assert answers[0].json()["started"] != answers[1].json()["started"]


def test_the_shared_page_s_token_is_not_spent_and_never_makes_a_person_look_fast(
    client, campaign, sign_data, settings
):
    settings.SIGN_MIN_FILL_SECONDS = 3
    page = client.get(campaign.get_absolute_url()).content.decode()
    shared = found(r'name="started" value="([^"]+)"', page)
    assert shared in client.get(campaign.get_absolute_url()).content.decode()  # one for all
    assert not tokens.is_personal(shared)

    five_seconds_old = tokens.page_started_token(time.time() - 5)
    for n in range(2):
        client.post(
            campaign.get_absolute_url(),
            sign_data | {"email": f"person{n}@example.org", "started": five_seconds_old},
        )

    assert list(Signature.objects.values_list("state", "hold_reason")) == [("pending", "")] * 2


def solved(client, campaign) -> str:
    challenge = client.get(reverse("signatures:altcha", args=[campaign.slug])).json()
    solution = altcha.solve_challenge_v1(  # type: ignore[attr-defined]
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    assert solution is not None
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def test_proof_of_work_when_switched_on(client, make_campaign, sign_data, settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    campaign = make_campaign(proof_of_work=True)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "<altcha-widget" in page and "vendor/altcha/altcha" in page

    missing = client.post(campaign.get_absolute_url(), sign_data)
    assert missing.status_code == 200
    assert b"not a robot" in missing.content

    payload = solved(client, campaign)
    assert (
        client.post(campaign.get_absolute_url(), sign_data | {"altcha": payload}).status_code == 302
    )
    assert Signature.objects.count() == 1

    replay = client.post(
        campaign.get_absolute_url(), sign_data | {"email": "x@example.org", "altcha": payload}
    )
    assert replay.status_code == 200
    assert Signature.objects.count() == 1


def test_no_puzzle_is_served_when_proof_of_work_is_off(client, campaign):
    assert client.get(reverse("signatures:altcha", args=[campaign.slug])).status_code == 404
    assert b"altcha" not in client.get(campaign.get_absolute_url()).content


def test_a_solved_puzzle_cannot_be_replayed_by_padding_its_payload(
    client, make_campaign, sign_data, settings
):
    settings.ALTCHA_MAX_NUMBER = 2000
    campaign = make_campaign(proof_of_work=True)
    payload = solved(client, campaign)
    # Characters base64 decoding skips: the payload's text differs, the puzzle does not.
    variants = [
        payload,
        payload + "!",
        payload + "\n",
        payload + "$$",
        "\t" + payload,
        payload + "*",
    ]

    answers = [
        client.post(
            campaign.get_absolute_url(),
            sign_data
            | {"email": f"p{n}@example.org", "altcha": variant, "started": form_started()},
        )
        for n, variant in enumerate(variants)
    ]

    assert [a.status_code for a in answers] == [302, 200, 200, 200, 200, 200]
    assert Signature.objects.count() == 1


def test_fresh_addresses_in_one_ipv6_network_share_its_limit(client, campaign, sign_data, limits):
    # One /48 has more addresses than anyone could use: each counts as the network.
    answers = [
        post(client, campaign, sign_data, n, REMOTE_ADDR=f"2001:db8:7:{n:x}::{n + 1:x}")
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429, 429]
    states = list(Signature.objects.order_by("pk").values_list("state", flat=True))
    assert states == ["pending", "pending", "held", "held"]


def test_clients_in_different_networks_have_limits_of_their_own(
    client, campaign, sign_data, limits
):
    answers = [
        post(client, campaign, sign_data, n, REMOTE_ADDR=f"2001:db8:{n:x}::1") for n in range(6)
    ]
    assert all(a.status_code == 302 for a in answers)
    assert not Signature.objects.filter(state="held").exists()


@pytest.mark.parametrize(
    "solution",
    [
        {"salt": 1},
        {"salt": [1]},
        {"salt": {}},
        [1, 2],
        "text",
        12345678901234567890123,
    ],
    ids=["salt-integer", "salt-list", "salt-object", "list", "string", "big-number"],
)
def test_a_malformed_puzzle_solution_is_refused_with_the_form_not_a_server_error(
    client, make_campaign, sign_data, solution
):
    campaign = make_campaign(proof_of_work=True)
    fields = {"algorithm": "SHA-256", "challenge": "a", "number": 1, "signature": "b"}
    body = fields | solution if isinstance(solution, dict) else solution
    payloads = [base64.b64encode(json.dumps(body).encode()).decode(), "%%not base64%%"]
    for payload in payloads:
        response = client.post(campaign.get_absolute_url(), sign_data | {"altcha": payload})
        assert response.status_code == 200
        assert "not a robot" in response.content.decode()
    assert not Signature.objects.exists()
