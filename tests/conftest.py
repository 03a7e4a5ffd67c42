from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from signatures.models import Campaign


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def make_campaign(db) -> Callable[..., Campaign]:
    def make(**fields) -> Campaign:
        defaults = {
            "slug": "test-action",
            "title": "Free the press",
            "lead": "A lead paragraph.",
            "body": "First paragraph.\n\nSecond paragraph.",
            "call_to_action": "Sign now.",
            "petition_text": "Drop the charges.",
            "target": "The Attorney General",
            "salutation": "Dear Attorney General",
            "hand_in_note": "Handed in at embassies.",
            "goal": 1000,
            "opens_at": timezone.now() - timedelta(days=1),
        }
        return Campaign.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def campaign(make_campaign) -> Campaign:
    return make_campaign()


@pytest.fixture
def sign_data() -> dict[str, str]:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada.Lovelace@Example.org",
        "country": "GB",
        "consent": "on",
    }


@pytest.fixture
def run_tasks(monkeypatch) -> Callable[[], None]:
    """Run every task that is due, with the real `manage.py db_worker --batch`."""
    # The worker recycles connections between tasks, which would close the
    # connection holding the test's transaction.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run
