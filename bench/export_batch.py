"""Time one batch export and report peak memory: python bench/export_batch.py csv|pdf BATCH_ID."""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petition_site.settings")

import django

django.setup()

from signatures import batches  # noqa: E402
from signatures.models import Batch  # noqa: E402


def main() -> None:
    kind, batch_id = sys.argv[1], int(sys.argv[2])
    batch = Batch.objects.select_related("campaign").get(pk=batch_id)
    started = time.perf_counter()
    if kind == "csv":
        size = sum(len(chunk) for chunk in batches.csv_chunks(batch))
    else:
        size = len(batches.pdf(batch))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": size}))


if __name__ == "__main__":
    main()
