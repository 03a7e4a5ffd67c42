"""System tests: the site under gunicorn, subprocesses, outages, real servers on loopback."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from tests.helpers import free_port
from tests.system.nginx import NGINX, Nginx


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


def site_env(database_url: str | None = None, **env: str) -> dict[str, str]:
    """The environment of a site process (web or worker) on the test database."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": database_url
        or f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SECURE_SSL_REDIRECT": "false",
        **env,
    }


@pytest.fixture
def gunicorn(collected_static, transactional_db, settings) -> Iterator[Callable[..., str]]:
    """Start the site under gunicorn, with the production settings, on the test database."""
    servers: list[subprocess.Popen] = []

    def start(workers: int = 2, **env: str) -> str:
        port = free_port()
        environment = site_env(
            STATIC_ROOT=collected_static,
            WEB_CONCURRENCY=str(workers),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_ACCESSLOG="",
            **env,
        )
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


WORKER = [sys.executable, "manage.py", "worker"]


@pytest.fixture
def worker(transactional_db) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `manage.py worker` processes on the test database; each is stopped at the end."""
    workers: list[subprocess.Popen] = []

    def start(**env: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [*WORKER, "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            env=site_env(**env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def nginx(tmp_path) -> Iterator[Callable[[str], Nginx]]:
    """Start Debian's nginx with deploy/nginx.conf in front of a site URL, on loopback."""
    if not os.path.exists(NGINX):
        # In CI (CI=true) bin/system-packages must have installed it: a skip would hide that.
        missing = f"no nginx at {NGINX}: install it with bin/system-packages"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    started: list[Nginx] = []

    def start(site: str) -> Nginx:
        upstream = int(site.rsplit(":", 1)[1])
        proxy = Nginx(upstream, tmp_path / f"nginx{len(started)}").start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()
