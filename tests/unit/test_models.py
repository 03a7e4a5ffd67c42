from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from signatures.models import Signature


def make_signature(campaign, **fields) -> Signature:
    defaults = {
        "campaign": campaign,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "email_canonical": "ada@example.org",
        "country": "GB",
        "consent": True,
        "consent_version": "2026-11",
        "language": "en",
    }
    return Signature.objects.create(**(defaults | fields))


def test_database_refuses_a_second_signature_with_the_same_canonical_address(campaign):
    make_signature(campaign)
    with pytest.raises(IntegrityError):
        make_signature(campaign, email="ADA@example.org")


def test_the_same_address_may_sign_another_campaign(make_campaign, campaign):
    other = make_campaign(slug="other")
    make_signature(campaign)
    make_signature(other)
    assert Signature.objects.count() == 2


def test_database_refuses_a_signature_without_consent(campaign):
    with pytest.raises(IntegrityError):
        make_signature(campaign, consent=False)


def test_database_refuses_a_confirmed_signature_without_confirmation_time(campaign):
    with pytest.raises(IntegrityError):
        make_signature(campaign, state=Signature.State.CONFIRMED, confirmed_at=None)


def test_campaign_is_open_between_its_open_and_close_times(make_campaign):
    now = timezone.now()
    campaign = make_campaign(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    assert campaign.is_open(now)
    assert not campaign.is_open(now + timedelta(days=2))
    assert campaign.has_closed(now + timedelta(days=2))
    assert not campaign.is_open(now - timedelta(days=2))


def test_confirmations_are_accepted_for_a_day_after_closing(make_campaign):
    now = timezone.now()
    campaign = make_campaign(opens_at=now - timedelta(days=9), closes_at=now)
    assert campaign.accepts_confirmations(now + timedelta(hours=23))
    assert not campaign.accepts_confirmations(now + timedelta(hours=25))
