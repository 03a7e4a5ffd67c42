"""Links name a signature nobody can guess, for one campaign and one purpose, for a while."""

import base64
import json
import logging
import time

from django.core import signing

from petition_site.lib.logs import RedactTokens
from signatures import tokens
from signatures.models import Signature
from tests import factories


def payload(token: str):
    data = token.split(":")[0]
    return json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def test_a_link_carries_a_random_id_and_its_campaign_never_the_row_id(campaign):
    signature = factories.signature(campaign, Signature.State.PENDING)

    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)

    assert payload(token) == [signature.public_id.hex, campaign.pk]
    link = tokens.read_link(token, tokens.Purpose.CONFIRM, campaign)
    assert link is not None and link.signature_id == signature.pk


def test_a_link_works_for_its_own_campaign_and_purpose_only(campaign, make_campaign):
    signature = factories.signature(campaign, Signature.State.PENDING)
    other = make_campaign(slug="other")
    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)

    assert tokens.read_link(token, tokens.Purpose.CONFIRM, other) is None
    assert tokens.read_link(token, tokens.Purpose.WITHDRAW, campaign) is None


def test_a_withdraw_link_expires_after_its_documented_lifetime(campaign, settings, monkeypatch):
    settings.WITHDRAW_LINK_MAX_AGE_DAYS = 180
    signature = factories.signature(campaign)
    now = time.time()
    for age_days, works in [(179, True), (181, False)]:
        issued = now - age_days * 86400
        monkeypatch.setattr("django.core.signing.time.time", lambda issued=issued: issued)
        token = tokens.link_token(signature, tokens.Purpose.WITHDRAW)
        monkeypatch.undo()
        assert (tokens.read_link(token, tokens.Purpose.WITHDRAW, campaign) is not None) is works


def test_links_mailed_before_public_ids_work_until_they_expire(campaign):
    signature = factories.signature(campaign, Signature.State.PENDING)
    legacy = signing.dumps(signature.pk, salt=tokens.Purpose.CONFIRM)

    link = tokens.read_link(legacy, tokens.Purpose.CONFIRM, campaign)
    assert link is not None and link.signature_id == signature.pk


def test_logs_never_show_a_link_token(caplog, campaign):
    signature = factories.signature(campaign, Signature.State.PENDING)
    token = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    logger = logging.getLogger("django.request")
    record = logger.makeRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Bad Request: %s",
        (f"/en/x/confirm/{token}/",),
        None,
    )

    RedactTokens().filter(record)

    assert token not in record.getMessage()
    assert record.getMessage() == "Bad Request: /en/x/confirm/[token]/"
