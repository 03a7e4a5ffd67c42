"""The mail and export scenarios: the workers alone, a rush, a hand-in's files."""

import json
import time
from collections import Counter
from typing import Any

from django.db.models import F

from bench.tools import (
    MAIL_WORKERS,
    PYTHON,
    THREADS,
    page_started,
    peak_rss,
    run,
    smtp_sink,
    sql,
    start_workers,
    stop,
    wrk,
)


def owed() -> Any:
    """Signatures still owed a confirmation mail, as the outbox itself says (the domain's
    MAIL_OWED): the benchmark process has the site's settings by now."""
    from signatures.models import MAIL_OWED, Signature

    return Signature.objects.filter(MAIL_OWED)


def worker_rate(
    env: dict[str, Any], workers: int, seconds: int, peaks: dict[str, Any]
) -> dict[str, Any]:
    """Confirmation mails per second that ``workers`` worker processes deliver, alone."""
    queued = owed().count()
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
    env: dict[str, Any],
    page: str,
    rate: float,
    connections: int,
    seconds: int,
    peaks: dict[str, Any],
) -> dict[str, Any]:
    """Sign at ``rate`` a second for ``seconds`` with MAIL_WORKERS running; time every mail."""
    # Earlier scenarios' mail is not this rush's: it is taken as delivered.
    owed().update(emails_delivered=F("emails_sent"))
    with smtp_sink() as (port, finish):
        processes = start_workers(env | {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}, MAIL_WORKERS)
        with peak_rss(peaks, "mail_worker", lambda: [p.pid for p in processes]):
            # Each wrk thread starts a request every interval: together, ``rate`` a second.
            interval_ms = f"{THREADS * 1000 / rate:.3f}"
            load = wrk(page, seconds, connections, "rush", page_started(page), interval_ms)
            deadline = time.monotonic() + 300
            while owed().filter(email__startswith="rush-").exists():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        stop(processes)
        accepted = finish()
    created, waits = confirmation_waits(accepted, "rush")
    mails = Counter(address for address, _at in accepted if address in created)
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


def confirmation_waits(accepted: list[Any], prefix: str) -> tuple[dict[str, float], list[float]]:
    """When each signature whose address starts with ``prefix`` was made, and the seconds,
    sorted, from then to the sink's first acceptance of its mail."""
    created: dict[str, float] = dict(
        sql(
            "SELECT email, extract(epoch FROM created_at)::float FROM signatures_signature "
            f"WHERE email LIKE '{prefix}-%%'"
        )
    )
    first: dict[str, float] = {}
    for address, at in accepted:
        first.setdefault(address, at)
    return created, sorted(first[a] - created[a] for a in created if a in first)


def seed_export(env: dict[str, Any], country: str, rows: int) -> None:
    """A country's worth of confirmed signatures, made by the database itself."""
    run(PYTHON, "manage.py", "seed_signatures", "--country", country, "--count", str(rows), env=env)


def export(env: dict[str, Any], country: str, workers: int) -> dict[str, Any]:
    """Prepare a country's batch files with the site's own worker path (bench/export_batch.py)."""
    measured: dict[str, Any] = json.loads(
        run(PYTHON, "bench/export_batch.py", country, str(workers), env=env)
    )
    return measured
