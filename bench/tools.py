"""The benchmark's tools: servers on loopback, wrk, memory sampling, the database."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "petition_bench"
PG = "postgres://postgres@127.0.0.1:5432"
THREADS = 2  # wrk threads: the load generator shares the machine with the server
MAIL_WORKERS = 2  # the documented count for this machine: one `manage.py worker` per core
RUSH_SECONDS = 60


def bench_env(static_root: str) -> dict[str, Any]:
    """The environment of the site's processes: the benchmark's database and Redis, no
    rate limits or fill-time floor (one client signs for thousands), no real mail."""
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 20,
        "SECURE_SSL_REDIRECT": "false",
        "RATELIMIT_ENABLE": "false",
        "SIGN_MIN_FILL_SECONDS": "0",
        "STATIC_ROOT": static_root,
        "PRIVATE_MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-private-"),
        "CONN_MAX_AGE": "600",
        "EMAIL_URL": "smtp://127.0.0.1:9",  # the worker scenarios bring their own sink
        "LOG_LEVEL": "WARNING",
    }


def setup_django(env: dict[str, Any]) -> None:
    """This process uses the site's code and settings too (tokens, services)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "petition_site.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def run(*args: str, env: dict[str, Any] | None = None) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Server:
    url: str
    pid: int


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match[1]) / 1024 if match else 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@contextmanager
def peak_rss(peaks: dict[str, Any], label: str, pids: Callable[[], list[int]]) -> Iterator[None]:
    """Sample the resident memory of ``pids()`` every 0.2 s; keep the highest in ``peaks``."""
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            for pid in pids():
                peaks[label] = max(peaks.get(label, 0.0), rss_mb(pid))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def gunicorn(app: str, env: dict[str, Any], workers: int) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
        cwd=ROOT,
        env=env
        | {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESSLOG": "",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/healthz" if app == "petition_site.wsgi" else url)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def found(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in wrk's (or a page's) output, which must hold it."""
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"{pattern!r} not found in:\n{text}")
    return match[1]


def to_ms(value: str) -> float:
    number, unit = found(r"^([\d.]+)(?:us|ms|s|m)$", value), found(r"(us|ms|s|m)$", value)
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, duration: int, connections: int, *lua_args: str) -> dict[str, Any]:
    args = [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if lua_args:
        mode, started, *rest = lua_args
        args += ["-s", str(ROOT / "bench" / "post.lua"), url, "--", mode, started, str(THREADS)]
        args += rest
    else:
        args.append(url)
    out = run(*args)
    result: dict[str, Any] = {
        "rps": float(found(r"Requests/sec:\s+([\d.]+)", out)),
        "p50_ms": to_ms(found(r"\s50%\s+(\S+)", out)),
        "p99_ms": to_ms(found(r"\s99%\s+(\S+)", out)),
        "requests": int(found(r"(\d+) requests in", out)),
    }
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    if match := re.search(r"GOOD (\d+)\nBAD (\d+)", out):
        result["good"], bad = int(match[1]), int(match[2])
        errors = max(errors, bad)
    result["errors"] = errors
    return result


def page_started(page_url: str) -> str:
    """The signed start time the shared page's form carries (no cookie, no CSRF token)."""
    html = urllib.request.urlopen(page_url).read().decode()
    return found(r'name="started" value="([^"]+)"', html)


@contextmanager
def nginx(upstream: str, page: bytes) -> Iterator[tuple[str, str]]:
    """deploy/nginx.conf on loopback before ``upstream``, and the same nginx serving
    a static file of ``page``'s size: (proxy URL, static file URL)."""
    from tests.system.nginx import Nginx

    workdir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    (workdir / "static").mkdir()
    (workdir / "static" / "page.html").write_bytes(page)
    static_port = free_port()
    extra = f"server {{ listen 127.0.0.1:{static_port}; root {workdir / 'static'}; }}"
    # One benchmark client sends thousands a second: the per-address limits would
    # measure themselves, not the page (tests/system/test_slow_clients.py runs them).
    proxy = Nginx(int(upstream.rsplit(":", 1)[1]), workdir / "run", extra, limits=False).start()
    try:
        yield proxy.url, f"http://127.0.0.1:{static_port}/page.html"
    finally:
        proxy.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def sql(query: str, database: str = DATABASE) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


def prepare(env: dict[str, Any]) -> None:
    sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", "postgres")
    sql(f"CREATE DATABASE {DATABASE}", "postgres")
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def start_workers(env: dict[str, Any], count: int, *extra: str) -> list[subprocess.Popen[bytes]]:
    command = [PYTHON, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.1", "-v0", *extra]
    return [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(count)]


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Callable[[], list[Any]]]]:
    """A recording SMTP server; the callable stops it and returns (address, time) pairs."""
    port = free_port()
    out = Path(tempfile.mkstemp()[1])
    sink = subprocess.Popen([PYTHON, str(ROOT / "bench" / "smtp_sink.py"), str(port), str(out)])
    time.sleep(1)

    def finish() -> list[Any]:
        sink.terminate()
        sink.wait(timeout=30)
        accepted: list[Any] = json.loads(out.read_text() or "[]")
        return accepted

    try:
        yield port, finish
    finally:
        if sink.poll() is None:
            sink.kill()
        out.unlink(missing_ok=True)
