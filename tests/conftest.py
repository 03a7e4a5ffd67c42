"""Fixtures every tier shares. Browser and system fixtures live in their own folders."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import translation

from petition_site.lib.mail import kept_connection
from signatures import campaign_copy
from signatures.models import Campaign, Signature
from signatures.staff import roles
from tests import factories
from tests.helpers import form_started

TESTS = Path(__file__).parent
# Folders of slow tests and their markers: `pytest -m "not slow"` leaves them out.
SLOW_TIERS = {"browser": ["browser", "slow"], "system": ["system", "slow"]}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = item.path.relative_to(TESTS).parts[0]
        for marker in SLOW_TIERS.get(tier, []):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """Put back what the data migrations seed.

    Transactional tests empty every table when they finish, and --reuse-db
    keeps that empty database for the next run.
    """
    with django_db_blocker.unblock():
        campaign_copy.seed(apps)
        campaign_copy.seed_translations(apps)
        roles.sync(apps)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings) -> None:
    # Staff sign in throughout the suite; the real hasher is slow on purpose.
    # System tests keep it: their site processes check the passwords.
    if not request.node.get_closest_marker("system"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_storages(settings, tmp_path) -> None:
    # The manifest storage needs collectstatic; tests render templates without it.
    # Batch files go to a folder of the test's own.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "batches": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "batches"},
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    cache.clear()
    caches["local"].clear()
    # Tests change campaigns and look at once; the site may show them 2 s late.
    settings.CAMPAIGN_CACHE_SECONDS = 0
    yield
    kept_connection.close()


@pytest.fixture
def cache_down(settings):
    """The shared cache points where nothing listens, as when Redis is down."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "petition_site.lib.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",
        },
    }


@pytest.fixture(autouse=True)
def _english() -> None:
    # A request in another language leaves it active in the test's thread.
    translation.activate("en")


@pytest.fixture
def make_campaign(db) -> Callable[..., Campaign]:
    return factories.campaign


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
        "started": form_started(),
    }


@pytest.fixture
def run_tasks(monkeypatch) -> Callable[[], None]:
    """Run every task that is due, with the real `manage.py worker --batch`."""
    # The worker recycles connections between tasks, which would close the
    # connection holding the test's transaction.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def make_staff(db) -> Callable[[str], AbstractUser]:
    """A staff user in one of the role groups the migrations create."""
    return factories.staff


@pytest.fixture
def moderator(make_staff):
    return make_staff("Moderators")


@pytest.fixture
def organiser(make_staff):
    return make_staff("Organisers")


@pytest.fixture
def make_signatures(campaign) -> Callable[..., list[Signature]]:
    """Signatures of the test campaign, confirmed unless told otherwise."""

    def make(n: int = 1, *, confirm: bool = True, **fields) -> list[Signature]:
        state = Signature.State.CONFIRMED if confirm else Signature.State.PENDING
        return [factories.signature(campaign, state, **fields) for _ in range(n)]

    return make
