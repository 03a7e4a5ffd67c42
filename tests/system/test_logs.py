"""gunicorn's access log and the site's error log: no link tokens, no client addresses."""

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from signatures import tokens
from signatures.models import Signature
from tests import factories
from tests.helpers import free_port
from tests.system.conftest import site_env


def test_no_token_and_no_client_address_reaches_the_logs(
    transactional_db, collected_static, campaign, tmp_path
):
    signature = factories.signature(campaign, Signature.State.PENDING)
    good = tokens.link_token(signature, tokens.Purpose.CONFIRM)
    tampered = good[:-4] + "AAAA"
    port = free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    with errors.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "petition_site.wsgi"],
            env=site_env(
                STATIC_ROOT=collected_static,
                WEB_CONCURRENCY="1",
                GUNICORN_BIND=f"127.0.0.1:{port}",
                GUNICORN_ACCESSLOG=str(access),
            ),
            stdout=stderr,
            stderr=stderr,
        )
        try:
            site = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(site + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            for token in [good, tampered]:
                url = f"{site}/en/{campaign.slug}/confirm/{token}/"
                try:
                    urllib.request.urlopen(url, timeout=5)
                except urllib.error.HTTPError as error:
                    assert error.code == 400  # the tampered one, logged as a bad request
        finally:
            server.terminate()
            server.wait(timeout=10)

    logged = access.read_text() + errors.read_text()
    assert "/confirm/[token]/" in access.read_text()
    assert "Bad Request: /en/test-action/confirm/[token]/" in errors.read_text()
    for secret in [good, tampered, good.split(":")[0]]:
        assert secret not in logged
    assert not re.search(r"\b127\.0\.0\.1\b(?!:)", access.read_text())
