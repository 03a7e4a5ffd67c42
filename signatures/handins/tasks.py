"""Hand-in tasks: take primary keys, call the hand-in modules."""

from django.tasks import task

from signatures.handins import files as batch_files


# Hand-in files have a queue of their own: a worker can be kept for them,
# and a rush of mail does not delay them (nor they the mail).
@task(queue_name="batches")
def claim_batch(batch_id: int) -> str:
    """Fill a batch just made, then queue its files, a task a part."""
    volumes = batch_files.fill_batch(batch_id)
    if volumes:
        for volume in range(1, volumes + 1):
            prepare_batch_pdf.enqueue(batch_id, 1, volume)
        prepare_batch_csv.enqueue(batch_id, 1)
    return f"{volumes} volumes"


@task(queue_name="batches")
def prepare_batch_csv(batch_id: int, version: int) -> str:
    try:
        batch_files.write_csv(batch_id, version)
    except Exception as exc:
        batch_files.fail(batch_id, version, f"CSV: {exc}")
        raise
    return "csv"


@task(queue_name="batches")
def prepare_batch_pdf(batch_id: int, version: int, volume: int) -> str:
    try:
        batch_files.write_pdf(batch_id, version, volume)
    except Exception as exc:
        batch_files.fail(batch_id, version, f"PDF volume {volume}: {exc}")
        raise
    return f"pdf {volume}"
