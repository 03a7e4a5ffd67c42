"""The settings production starts with: refused without a secret, clean under check --deploy."""

import os
import subprocess
import sys

from tests.helpers import ROOT


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


def test_a_mail_lease_shorter_than_one_send_is_refused_at_start():
    result = run_manage(
        "check",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        EMAIL_URL="smtp://mail.example.org:25?timeout=30",
        MAIL_LEASE_SECONDS="120",
    )
    assert result.returncode != 0
    assert "MAIL_LEASE_SECONDS (120) must be longer than one mail can take: 360 s" in result.stderr


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
