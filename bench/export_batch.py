"""Prepare one country's hand-in files as the site does, and measure it.

python bench/export_batch.py COUNTRY WORKERS: makes the batch (what the
organiser's request does), then runs WORKERS `manage.py worker --batch`
processes on the batches queue until the files are ready, and reports the
request's time, the time to ready files, the workers' peak memory and how soon
a download of the prepared PDF starts.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petition_site.settings")

import django  # noqa: E402

django.setup()

from signatures.handins import files as batch_files  # noqa: E402
from signatures.handins import services as handins  # noqa: E402
from signatures.models import Campaign  # noqa: E402


def main() -> None:
    country, workers = sys.argv[1], int(sys.argv[2])
    started = time.perf_counter()
    [batch] = handins.make(Campaign.objects.get(slug="assange"), country, None)
    request_s = time.perf_counter() - started

    started = time.perf_counter()
    command = [sys.executable, "manage.py", "worker", "--batch", "--no-startup-delay"]
    processes = [
        subprocess.Popen([*command, "--queue-name", "batches"], cwd=ROOT) for _ in range(workers)
    ]
    for process in processes:
        process.wait()
    ready_s = time.perf_counter() - started
    batch.refresh_from_db()
    files = batch_files.current(batch)

    started = time.perf_counter()
    pdf = next(f for f in files if f.kind == "pdf")
    with batch_files.storage().open(pdf.name, "rb") as content:
        content.read(65536)
    first_byte_s = time.perf_counter() - started

    print(
        json.dumps(
            {
                "names": batch.signature_count,
                "state": batch.files,
                "request_s": round(request_s, 3),
                "ready_s": round(ready_s, 1),
                "worker_peak_mb": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                ),
                "download_first_byte_s": round(first_byte_s, 4),
                "pdf_volumes": sum(1 for f in files if f.kind == "pdf"),
                "bytes": sum(f.size for f in files),
            }
        )
    )


if __name__ == "__main__":
    main()
