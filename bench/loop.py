"""The closing-the-loop benchmark: `.venv/bin/python -m bench.loop`.

On its own database (petition_bench), like bench.run:

1. A spreadsheet of 10,000 paper rows checked whole and stored, through the
   same services as the admin's upload page (``signatures.paper.services``).
2. An update to 100,000 signers who asked for news: queued by its task's
   service, then sent by ``MAIL_WORKERS`` mail workers to a loopback SMTP sink
   while people keep signing at a steady rate (``--rate``, 20 a second: 72,000
   an hour, a busy campaign day). Reported: the update's mails per second,
   against the confirmation mails per second the same workers send alone; the
   signing rate; and the new signers' confirmations (p50/p99 from signing to
   the sink's acceptance) during the update, against the same signing without it.
"""

import argparse
import csv
import io
import json
import shutil
import tempfile
import time
from collections import Counter
from typing import Any

from django.db.models import F

from bench.scenarios import confirmation_waits, mail_rush, owed, seed_export, worker_rate
from bench.tools import (
    MAIL_WORKERS,
    RUSH_SECONDS,
    THREADS,
    bench_env,
    gunicorn,
    page_started,
    prepare,
    setup_django,
    smtp_sink,
    start_workers,
    stop,
    wrk,
)

PAPER_ROWS = 10_000
INFORMED = 100_000


def paper_upload(rows: int) -> dict[str, Any]:
    """Check and store ``rows`` typed-up sheet rows, as the upload page does."""
    from django.contrib.auth.models import User

    from signatures.models import Campaign, Signature
    from signatures.paper import services

    out = io.StringIO()
    lines = csv.writer(out, delimiter=";")
    lines.writerow(["given_name", "family_name", "country", "email", "keep_informed"])
    countries = ["Deutschland", "FR", "Italia", "ES", "GB", "NL", "Schweden", "PL"]
    for n in range(rows):
        email = f"paper-{n}@example.org" if n % 3 == 0 else ""
        lines.writerow(
            [f"Vorname{n}", f"Nachname{n}", countries[n % 8], email, "x" if email else ""]
        )
    data = ("\ufeff" + out.getvalue()).encode()
    campaign = Campaign.objects.get(slug="assange")
    user = User.objects.create_user("bench-volunteer", is_staff=True)
    started = time.monotonic()
    checked = services.check_upload(campaign, data)
    checked_at = time.monotonic()
    assert checked.clean, checked.problems[:5]
    services.store_upload(
        campaign,
        [row for _line, row in checked.rows],
        file_name="bench.csv",
        language="de",
        user_id=user.pk,
    )
    done = time.monotonic()
    return {
        "rows": rows,
        "bytes": len(data),
        "check_s": checked_at - started,
        "store_s": done - checked_at,
        "total_s": done - started,
        "stored": Signature.objects.filter(source="paper").count(),
    }


def queue_update(count: int) -> dict[str, Any]:
    """``count`` confirmed signers who asked for news, and an update to all of them, queued."""
    from django.contrib.auth.models import User

    from signatures.mail import updates
    from signatures.models import Campaign, Signature, Update

    campaign = Campaign.objects.get(slug="assange")
    Signature.objects.filter(email__startswith="seed-SE-").update(contact_opt_in=True)
    user = User.objects.create_user("bench-organiser", is_staff=True)
    update = Update.objects.create(
        campaign=campaign,
        subjects={"en": "News"},
        texts={"en": "It was handed in."},
        created_by=user,
    )
    updates.start_sending(update.pk, user.pk)
    started = time.monotonic()
    queued = updates.queue_mails(update.pk)
    return {
        "signers": count,
        "queued": queued,
        "queue_s": time.monotonic() - started,
        "update_id": update.pk,
    }


def update_with_signing(
    env: dict[str, Any], page: str, rate: float, connections: int, seconds: int, update_id: int
) -> dict[str, Any]:
    """Send the queued update with the mail workers while signing goes on at ``rate``."""
    from signatures.models import Message

    owed().update(emails_delivered=F("emails_sent"))
    unsent = Message.objects.filter(kind="update", ref=update_id, sent_at__isnull=True)
    with smtp_sink() as (port, finish):
        processes = start_workers(env | {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}, MAIL_WORKERS)
        interval_ms = f"{THREADS * 1000 / rate:.3f}"
        rush_start = time.time()
        load = wrk(page, seconds, connections, "rush", page_started(page), interval_ms, "news")
        rush_end = time.time()
        deadline = time.monotonic() + 900
        while (unsent.exists() or owed().filter(email__startswith="news-").exists()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.5)
        stop(processes)
        accepted = finish()
    created, waits = confirmation_waits(accepted, "news")
    news = sorted(at for address, at in accepted if address.startswith("seed-SE-"))
    during = [at for at in news if rush_start <= at <= rush_end]
    per_address = Counter(address for address, _at in accepted if address.startswith("seed-SE-"))
    return {
        "signing_rps": load["rps"],
        "signing_errors": load["errors"],
        "signatures": len(created),
        "confirmations_never_mailed": len(created) - len(waits),
        "confirmation_p50_s": waits[len(waits) // 2] if waits else None,
        "confirmation_p99_s": waits[int(len(waits) * 0.99)] if waits else None,
        "update_mails": len(news),
        "update_mailed_twice": sum(1 for n in per_address.values() if n > 1),
        "update_per_second": (len(news) - 1) / (news[-1] - news[0]) if len(news) > 1 else 0.0,
        "update_per_second_while_signing": len(during) / (rush_end - rush_start),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rush-seconds", type=int, default=RUSH_SECONDS)
    parser.add_argument("--rate", type=float, default=20.0, help="signatures a second")
    options = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_env(static_root)
    prepare(env)
    setup_django(env)
    results: dict[str, Any] = {}
    peaks: dict[str, Any] = {}
    with gunicorn("petition_site.wsgi", env, options.workers) as server:
        page = server.url + "/en/assange/"
        started = page_started(page)
        wrk(page, 2, options.connections, "warm", started)
        results["signing"] = wrk(page, 10, options.connections, "sign", started)
        results["confirmations_alone"] = worker_rate(env, MAIL_WORKERS, 30, peaks)
        results["signing_without_update"] = mail_rush(
            env, page, options.rate, options.connections, options.rush_seconds, peaks
        )
        seed_export(env, "SE", INFORMED)
        results["update_queued"] = queued = queue_update(INFORMED)
        results["update_with_signing"] = update_with_signing(
            env,
            page,
            options.rate,
            options.connections,
            options.rush_seconds,
            queued["update_id"],
        )
    # Last, so that its notices are not in the mail rates above.
    results["paper_upload"] = paper_upload(PAPER_ROWS)
    shutil.rmtree(static_root, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
