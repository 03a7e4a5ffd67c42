"""The load benchmark: `make bench` (or `.venv/bin/python bench/run.py --help`).

Starts, on loopback, gunicorn serving the site against PostgreSQL and Redis and
gunicorn serving a do-nothing WSGI app with the same settings, drives both with
wrk, and prints requests per second, p50/p99 latency, errors and the ratio to
the baseline. Then measures the mail worker against an SMTP sink and the
hand-in exports of a 1,000,000-signature batch (CSV) and a 100,000 one (PDF).
It uses its own database (petition_bench) and Redis database 3.
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
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "petition_bench"
PG = "postgres://postgres@127.0.0.1:5432"
THREADS = 2  # wrk threads: the load generator shares the machine with the server


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


@contextmanager
def gunicorn(app: str, env: dict, workers: int) -> Iterator[str]:
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
        yield url
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
        mode, *rest = lua_args
        args += [
            "-s",
            str(ROOT / "bench" / "post.lua"),
            url,
            "--",
            mode,
            *rest[:3],
            str(THREADS),
            *rest[3:],
        ]
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


def form_tokens(page_url: str) -> tuple[str, str, str]:
    """The CSRF cookie, the form's CSRF token and its signed start time."""
    response = urllib.request.urlopen(page_url)
    cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"])[1]
    html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    started = re.search(r'name="started" value="([^"]+)"', html)[1]
    return cookie, token, started


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


def worker_rate(env: dict, workers: int, seconds: int) -> dict:
    """Confirmation mails per second that `workers` worker processes deliver."""
    port = free_port()
    count_file = Path(tempfile.mkstemp()[1])
    sink = subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "smtp_sink.py"), str(port), str(count_file)]
    )
    time.sleep(1)
    queued = sql("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")
    worker_env = env | {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "-v0",
            ],
            cwd=ROOT,
            env=worker_env,
        )
        for _ in range(workers)
    ]
    deadline = started + seconds
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    for process in processes:
        process.terminate()
        process.wait(timeout=30)
    sink.terminate()
    sink.wait(timeout=30)
    sent = int(count_file.read_text() or 0)
    count_file.unlink()
    return {"queued": queued[0][0], "sent": sent, "seconds": elapsed, "per_second": sent / elapsed}


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

    with gunicorn("bench.noop:application", env, options.workers) as url:
        wrk(url + "/", 2, options.connections)  # warm up
        results["baseline"] = wrk(url + "/", *args)

    with gunicorn("petition_site.wsgi", env, options.workers) as url:
        page = url + "/en/assange/"
        wrk(page, 2, options.connections)
        results["campaign_page"] = wrk(page, *args)
        results["count_json"] = wrk(url + "/assange/count.json", *args)

        cookie, token, started = form_tokens(page)
        results["signing"] = sign = wrk(page, *args, "sign", cookie, token, started)
        rows = sql(
            "SELECT count(*), count(DISTINCT email_canonical) FROM signatures_signature "
            "WHERE email LIKE 'bench-%%'"
        )[0]
        tasks = sql("SELECT count(*) FROM django_tasks_database_dbtaskresult")[0][0]
        sign["rows"], sign["distinct_rows"], sign["mail_tasks"] = rows[0], rows[1], tasks
        # wrk stops with up to one request per connection still in flight: the
        # server may finish those after wrk stopped counting.
        sign["lost"] = max(0, sign["good"] - rows[0])
        sign["duplicated"] = rows[0] - rows[1]
        sign["unanswered_in_flight"] = rows[0] - sign["good"] if rows[0] > sign["good"] else 0

        # The mail worker, against an SMTP sink, on the signing scenario's queue.
        results["mail_worker"] = worker_rate(env, workers=2 * (os.cpu_count() or 1), seconds=30)

        pending = sql(
            "SELECT public_id, campaign_id FROM signatures_signature WHERE state = 'pending' "
            "ORDER BY id LIMIT 200000"
        )
        links = [
            tokens.token_for(uuid.UUID(str(p)), int(c), tokens.Purpose.CONFIRM) for p, c in pending
        ]
        paths_file = Path(tempfile.mkstemp(suffix=".txt")[1])
        paths_file.write_text("".join(f"/en/assange/confirm/{link}/\n" for link in links))
        results["confirm_clicks"] = confirm = wrk(
            page, *args, "confirm", cookie, token, started, str(paths_file)
        )
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
    for name in ["baseline", "campaign_page", "count_json", "signing", "confirm_clicks"]:
        r = results[name]
        latency = f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        print(f"{name:<16}{r['rps']:>10.0f}{latency}{r['errors']:>8}{r['rps'] / base:>12.2f}")
    s = results["signing"]
    print(
        f"\nsigning: {s['good']} accepted POSTs, {s['rows']} rows "
        f"({s['unanswered_in_flight']} finished after wrk stopped), "
        f"{s['distinct_rows']} distinct, {s['mail_tasks']} mail tasks; "
        f"lost: {s['lost']}, duplicated: {s['duplicated']}"
    )
    print(
        f"confirm clicks: {results['confirm_clicks']['good']} answered, "
        f"{results['confirm_clicks']['confirmed_rows']} rows confirmed"
    )
    w = results["mail_worker"]
    print(
        f"mail worker: {w['sent']} of {w['queued']} queued mails in {w['seconds']:.1f} s = "
        f"{w['per_second']:.0f}/s (signing took {s['rps']:.0f}/s)"
    )
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
