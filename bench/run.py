"""The load benchmark: `make bench` (or `.venv/bin/python -m bench.run --help`).

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
import shutil
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bench.scenarios import export, mail_rush, owed, seed_export, worker_rate
from bench.tools import (
    MAIL_WORKERS,
    ROOT,
    RUSH_SECONDS,
    bench_env,
    children,
    gunicorn,
    nginx,
    page_started,
    peak_rss,
    prepare,
    setup_django,
    sql,
    wrk,
)


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
    env = bench_env(static_root)
    prepare(env)
    # This process signs the confirmation links, with the site's settings.
    setup_django(env)
    from signatures import tokens  # needs the settings just set up

    results: dict[str, Any] = {
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

    peaks: dict[str, Any] = {}
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
        # Every worker signs before the measured run: the page scenarios may have
        # left some workers' Django path cold.
        wrk(page, 2, options.connections, "warm", started)
        results["signing"] = sign = wrk(page, *args, "sign", started)
        rows = sql(
            "SELECT count(*), count(DISTINCT email_canonical) FROM signatures_signature "
            "WHERE email LIKE 'sign-%%'"
        )[0]
        sign["rows"], sign["distinct_rows"], sign["mails_owed"] = rows[0], rows[1], owed().count()
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

    # The floor for signing, under the same gunicorn: a bare app that parses the form
    # and INSERTs the site's own row (bench/floor.py). The site's sign POST is read
    # as a share of it.
    with gunicorn("bench.floor:application", env, options.workers) as floor:
        floor_page = floor.url + "/en/assange/"
        wrk(floor_page, 2, options.connections, "floor", "warm")
        results["signing_floor"] = wrk(floor_page, *args, "floor", "run")

    if not options.skip_exports:
        seed_export(env, "NO", 1_000_000)
        results["export_1m"] = export(env, "NO", workers=2)
        seed_export(env, "SE", 100_000)
        results["export_100k"] = export(env, "SE", workers=2)

    shutil.rmtree(static_root, ignore_errors=True)
    report(results)


def report(results: dict[str, Any]) -> None:
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
        "signing_floor",
        "confirm_clicks",
    ]:
        r = results[name]
        latency = f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        print(f"{name:<16}{r['rps']:>10.0f}{latency}{r['errors']:>8}{r['rps'] / base:>12.2f}")
    nginx_ratio = results["page_nginx"]["rps"] / results["static_nginx"]["rps"]
    print(f"\npage through nginx: {nginx_ratio:.2f}× the static file through the same nginx")
    s = results["signing"]
    floor_ratio = s["rps"] / results["signing_floor"]["rps"]
    print(f"signing: {floor_ratio:.2f}× the floor (a bare app INSERTing the same row)")
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
