import os
import subprocess
import sys
from pathlib import Path

import pytest

from petition_site.mail import mailer_from_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("consolemail://", "console", {}),
        ("memorymail://", "locmem", {}),
        ("filemail:///var/mail/petition", "filebased", {"file_path": "/var/mail/petition"}),
        (
            "smtp://user:p%40ss@mail.example.org:2525",
            "smtp",
            {
                "host": "mail.example.org",
                "port": 2525,
                "username": "user",
                "password": "p@ss",
                "use_tls": False,
                "use_ssl": False,
                "timeout": 10,
            },
        ),
        (
            "smtp+tls://mail.example.org:587?timeout=5",
            "smtp",
            {
                "host": "mail.example.org",
                "port": 587,
                "use_tls": True,
                "use_ssl": False,
                "timeout": 5,
            },
        ),
    ],
)
def test_email_url_becomes_a_mailers_entry(url, backend, options):
    mailer = mailer_from_url(url)
    assert mailer["BACKEND"] == f"django.core.mail.backends.{backend}.EmailBackend"
    assert mailer["OPTIONS"] == options


@pytest.mark.parametrize("url", ["http://example.org", "filemail://"])
def test_unusable_email_url_is_refused(url):
    with pytest.raises(ValueError):
        mailer_from_url(url)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests, never in deployment.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_passes_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="petition.example.org",
        SITE_URL="https://petition.example.org",
        SECURE_SSL_REDIRECT="true",
        REDIS_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.org:587",
    )
    assert result.returncode == 0, result.stderr
