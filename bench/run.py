"""The load benchmark: `make bench` (or `.venv/bin/python bench/run.py --help`).

Starts, on loopback, gunicorn serving the site against PostgreSQL and Redis and
gunicorn serving a do-nothing WSGI app with the same settings, drives both with
wrk, and prints requests per second, p50/p99 latency, errors and the ratio to
the baseline. The campaign page is also measured through nginx with
deploy/nginx.conf (adapted for loopback), against the same nginx serving a
static file of the page's size. Then the mail workers: their sending rate
alone, and a 60-second rush at half the signing rate, timing each signature to
its acceptance by a loopback SMTP server. Then the hand-in exports of a
1,000,000-signature batch (CSV) and a 100,000 one (PDF). Resident memory of
every gunicorn and mail worker is sampled throughout. It uses its own database
(petition_bench) and Redis database 3.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "petition_bench"
PG = "postgres://postgres@127.0.0.1:5432"
THREADS = 2  # wrk threads: the load generator shares the machine with the server
MAIL_WORKERS = 2  # the documented count for this machine: one `manage.py worker` per core
RUSH_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def run(*args: str, env: dict | None = None) -> str:
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
def peak_rss(peaks: dict, label: str, pids: Callable[[], list[int]]) -> Iterator[None]:
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
def gunicorn(app: str, env: dict, workers: int) -> Iterator[Server]:
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
        wait_for(url + "/healthz" if app != "bench.noop:application" else url)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, duration: int, connections: int, *lua_args: str) -> dict:
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
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50_ms": to_ms(re.search(r"\s50%\s+(\S+)", out)[1]),
        "p99_ms": to_ms(re.search(r"\s99%\s+(\S+)", out)[1]),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
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
    return re.search(r'name="started" value="([^"]+)"', html)[1]


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


def sql(query: str, database: str = DATABASE) -> list[tuple]:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


def prepare(env: dict) -> None:
    sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", "postgres")
    sql(f"CREATE DATABASE {DATABASE}", "postgres")
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def start_workers(env: dict, count: int, *extra: str) -> list[subprocess.Popen]:
    command = [PYTHON, "manage.py", "worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.1", "-v0", *extra]
    return [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(count)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Callable[[], list]]]:
    """A recording SMTP server; the callable stops it and returns (address, time) pairs."""
    port = free_port()
    out = Path(tempfile.mkstemp()[1])
    sink = subprocess.Popen([PYTHON, str(ROOT / "bench" / "smtp_sink.py"), str(port), str(out)])
    time.sleep(1)

    def finish() -> list:
        sink.terminate()
        sink.wait(timeout=30)
        return json.loads(out.read_text() or "[]")

    try:
        yield port, finish
    finally:
        if sink.poll() is None:
            sink.kill()
        out.unlink(missing_ok=True)


OWED = "emails_delivered < emails_sent AND bounced_at IS NULL AND state IN ('pending', 'held')"


def worker_rate(env: dict, workers: int, seconds: int, peaks: dict) -> dict:
    """Confirmation mails per second that ``workers`` worker processes deliver, alone."""
    queued = sql(f"SELECT count(*) FROM signatures_signature WHERE {OWED}")[0][0]
    with smtp_sink() as (port, finish):
        worker_env = env | {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        started = time.monotonic()
        processes = start_workers(worker_env, workers, "--batch")
        with peak_rss(peaks, "mail_worker", lambda: [p.pid for p in processes]):
            deadline = started + seconds
            while time.monotonic() < deadline and any(p.poll() is None for p in processes):
                time.sleep(0.2)
        elapsed = time.monotonic() - started
        stop(processes)
        accepted = finish()
    # The rate is timed from the sink's first acceptance to its last: the
    # workers' start-up (Django's, about a second) is not sending.
    times = sorted(at for _address, at in accepted)
    sending = times[-1] - times[0] if len(times) > 1 else elapsed
    mails = Counter(address for address, _at in accepted)
    return {
        "workers": workers,
        "queued": queued,
        "sent": len(accepted),
        "mailed_twice": sum(1 for n in mails.values() if n > 1),
        "seconds": elapsed,
        "sending_seconds": sending,
        "per_second": (len(accepted) - 1) / sending if len(times) > 1 else 0.0,
    }


def mail_rush(
    env: dict, page: str, rate: float, connections: int, seconds: int, peaks: dict
) -> dict:
    """Sign at ``rate`` a second for ``seconds`` with MAIL_WORKERS running; time every mail."""
    # Earlier scenarios' mail is not this rush's: it is taken as delivered.
    sql(f"UPDATE signatures_signature SET emails_delivered = emails_sent WHERE {OWED}")
    with smtp_sink() as (port, finish):
        processes = start_workers(env | {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}, MAIL_WORKERS)
        with peak_rss(peaks, "mail_worker", lambda: [p.pid for p in processes]):
            # Each wrk thread starts a request every interval: together, ``rate`` a second.
            interval_ms = f"{THREADS * 1000 / rate:.3f}"
            load = wrk(page, seconds, connections, "rush", page_started(page), interval_ms)
            deadline = time.monotonic() + 300
            owed = (
                f"SELECT count(*) FROM signatures_signature WHERE email LIKE 'rush-%%' AND {OWED}"
            )
            while sql(owed)[0][0] and time.monotonic() < deadline:
                time.sleep(0.5)
        stop(processes)
        accepted = finish()
    created = dict(
        sql(
            "SELECT email, extract(epoch FROM created_at)::float FROM signatures_signature "
            "WHERE email LIKE 'rush-%%'"
        )
    )
    mails = Counter(address for address, _at in accepted if address in created)
    first = {}
    for address, at in accepted:
        first.setdefault(address, at)
    waits = sorted(first[a] - created[a] for a in created if a in first)
    return {
        "seconds": seconds,
        "rate_asked": rate,
        "rps": load["rps"],
        "signatures": len(created),
        "mailed": len(mails),
        "mailed_twice": sum(1 for n in mails.values() if n > 1),
        "never_mailed": len(created) - len(mails),
        "p50_s": waits[len(waits) // 2] if waits else None,
        "p99_s": waits[int(len(waits) * 0.99)] if waits else None,
        "max_s": waits[-1] if waits else None,
        "errors": load["errors"],
    }


def seed_export(env: dict, country: str, rows: int) -> None:
    """A country's worth of confirmed signatures, made by the database itself."""
    run(PYTHON, "manage.py", "seed_signatures", "--country", country, "--count", str(rows), env=env)


def export(env: dict, country: str, workers: int) -> dict:
    """Prepare a country's batch files with the site's own worker path (bench/export_batch.py)."""
    return json.loads(run(PYTHON, "bench/export_batch.py", country, str(workers), env=env))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", 0)) or (os.cpu_count() or 1) * 2 + 1,
    )
    parser.add_argument("--skip-exports", action="store_true", help="leave out the 1M-row exports")
    parser.add_argument("--rush-seconds", type=int, default=RUSH_SECONDS)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {
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
        "EMAIL_URL": "smtp://127.0.0.1:9",  # the worker scenario brings its own sink
        "LOG_LEVEL": "WARNING",
    }
    prepare(env)
    # This process signs the confirmation links, with the site's settings.
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "petition_site.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from signatures import tokens  # needs the settings just set up

    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "gunicorn_workers": options.workers,
            "connections": options.connections,
            "duration_s": options.duration,
        }
    }
    args = (options.duration, options.connections)

    peaks: dict = {}
    results["memory_peak_mb"] = peaks
    with gunicorn("bench.noop:application", env, options.workers) as noop:
        wrk(noop.url + "/", 2, options.connections)  # warm up
        results["baseline"] = wrk(noop.url + "/", *args)

    site = gunicorn("petition_site.wsgi", env, options.workers)
    with site as server, peak_rss(peaks, "gunicorn_worker", lambda: children(server.pid)):
        url = server.url
        page = url + "/en/assange/"
        wrk(page, 2, options.connections)
        results["campaign_page"] = wrk(page, *args)
        results["count_json"] = wrk(url + "/assange/count.json", *args)

        with nginx(url, urllib.request.urlopen(page).read()) as (proxy, static):
            wrk(static, 2, options.connections)
            results["static_nginx"] = wrk(static, *args)
            wrk(proxy + "/en/assange/", 2, options.connections)
            results["page_nginx"] = wrk(proxy + "/en/assange/", *args)

        started = page_started(page)
        # Every worker signs before the measured run: the page scenarios, answered
        # from the front copies, may have left some workers' Django path cold.
        wrk(page, 2, options.connections, "warm", started)
        results["signing"] = sign = wrk(page, *args, "sign", started)
        rows = sql(
            "SELECT count(*), count(DISTINCT email_canonical) FROM signatures_signature "
            "WHERE email LIKE 'sign-%%'"
        )[0]
        owed = sql(f"SELECT count(*) FROM signatures_signature WHERE {OWED}")[0][0]
        sign["rows"], sign["distinct_rows"], sign["mails_owed"] = rows[0], rows[1], owed
        # wrk stops with up to one request per connection still in flight: the
        # server may finish those after wrk stopped counting.
        sign["lost"] = max(0, sign["good"] - rows[0])
        sign["duplicated"] = rows[0] - rows[1]
        sign["unanswered_in_flight"] = rows[0] - sign["good"] if rows[0] > sign["good"] else 0

        # The mail workers alone, on the signing scenario's mail, against an SMTP sink.
        results["mail_worker"] = worker_rate(env, MAIL_WORKERS, 30, peaks)
        # A rush at half the signing rate, with the mail workers running alongside.
        results["mail_rush"] = mail_rush(
            env, page, sign["rps"] / 2, options.connections, options.rush_seconds, peaks
        )

        pending = sql(
            "SELECT public_id, campaign_id FROM signatures_signature WHERE state = 'pending' "
            "ORDER BY id LIMIT 200000"
        )
        links = [
            tokens.token_for(uuid.UUID(str(p)), int(c), tokens.Purpose.CONFIRM) for p, c in pending
        ]
        paths_file = Path(tempfile.mkstemp(suffix=".txt")[1])
        paths_file.write_text("".join(f"/en/assange/confirm/{link}/\n" for link in links))
        results["confirm_clicks"] = confirm = wrk(page, *args, "confirm", "-", str(paths_file))
        confirm["confirmed_rows"] = sql(
            "SELECT count(*) FROM signatures_signature WHERE state = 'confirmed'"
        )[0][0]
        paths_file.unlink()

    if not options.skip_exports:
        seed_export(env, "NO", 1_000_000)
        results["export_1m"] = export(env, "NO", workers=2)
        seed_export(env, "SE", 100_000)
        results["export_100k"] = export(env, "SE", workers=2)

    shutil.rmtree(static_root, ignore_errors=True)
    report(results)


def report(results: dict) -> None:
    base = results["baseline"]["rps"]
    print(f"\nMachine: {json.dumps(results['machine'])}\n")
    print(f"{'scenario':<16}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'× baseline':>12}")
    for name in [
        "baseline",
        "campaign_page",
        "count_json",
        "static_nginx",
        "page_nginx",
        "signing",
        "confirm_clicks",
    ]:
        r = results[name]
        latency = f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        print(f"{name:<16}{r['rps']:>10.0f}{latency}{r['errors']:>8}{r['rps'] / base:>12.2f}")
    nginx_ratio = results["page_nginx"]["rps"] / results["static_nginx"]["rps"]
    print(f"\npage through nginx: {nginx_ratio:.2f}× the static file through the same nginx")
    s = results["signing"]
    print(
        f"signing: {s['good']} accepted POSTs, {s['rows']} rows "
        f"({s['unanswered_in_flight']} finished after wrk stopped), "
        f"{s['distinct_rows']} distinct, {s['mails_owed']} mails owed; "
        f"lost: {s['lost']}, duplicated: {s['duplicated']}"
    )
    print(
        f"confirm clicks: {results['confirm_clicks']['good']} answered, "
        f"{results['confirm_clicks']['confirmed_rows']} rows confirmed"
    )
    w = results["mail_worker"]
    print(
        f"mail workers ({w['workers']}): {w['sent']} of {w['queued']} owed mails in "
        f"{w['sending_seconds']:.1f} s of sending = {w['per_second']:.0f}/s "
        f"(signing took {s['rps']:.0f}/s); mailed twice {w['mailed_twice']}"
    )
    r = results["mail_rush"]
    print(
        f"mail rush: {r['signatures']} signatures at {r['rps']:.0f}/s for {r['seconds']} s; "
        f"mailed {r['mailed']}, twice {r['mailed_twice']}, never {r['never_mailed']}; "
        f"signature to SMTP acceptance p50 {r['p50_s']:.1f} s, p99 {r['p99_s']:.1f} s, "
        f"max {r['max_s']:.1f} s"
    )
    print(f"memory peaks (MB RSS per process): {json.dumps(results['memory_peak_mb'])}")
    for name in ["export_1m", "export_100k"]:
        if name in results:
            e = results[name]
            print(
                f"{name}: request {e['request_s']} s, files ready in {e['ready_s']} s "
                f"({e['pdf_volumes']} PDF volumes), worker peak {e['worker_peak_mb']} MB, "
                f"download starts in {e['download_first_byte_s']} s"
            )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"\nFull results: {out / 'latest.json'}")


if __name__ == "__main__":
    main()
