"""System tests: the site under gunicorn, subprocesses, outages, real servers on loopback."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable

import pytest
from django.db import connection


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> str:
    """collectstatic into a temporary STATIC_ROOT, as the Dockerfile does at build time."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env={**os.environ, "STATIC_ROOT": str(root)},
        check=True,
        timeout=120,
    )
    return str(root)


@pytest.fixture
def gunicorn(collected_static, transactional_db, settings) -> Callable[..., str]:
    """Start the site under gunicorn, with the production settings, on the test database."""
    servers: list[subprocess.Popen] = []

    def start(workers: int = 2, **env: str) -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        db = connection.settings_dict
        environment = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "STATIC_ROOT": collected_static,
            "SECURE_SSL_REDIRECT": "false",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESSLOG": "",
            **env,
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "petition_site.wsgi"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                return url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)
