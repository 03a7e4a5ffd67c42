"""Hand-in files in an S3-compatible bucket (BATCH_STORAGE_BUCKET), as the README offers.

A real S3 API on loopback (moto's server) stands in for the store; the site
and its worker run as deployed, configured by the environment alone.
"""

import hashlib
import time
from collections.abc import Iterator

import boto3
import pytest
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from signatures.models import Batch, BatchFile
from tests.helpers import free_port
from tests.system.test_handin_at_scale import Browser

NAMES = 3_000
BUCKET = "handins"


@pytest.fixture
def bucket() -> Iterator[dict[str, str]]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "BATCH_STORAGE_BUCKET": BUCKET,
        "BATCH_STORAGE_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "BATCH_STORAGE_ACCESS_KEY": "organisers-key",
        "BATCH_STORAGE_SECRET_KEY": "organisers-secret",
        "BATCH_STORAGE_REGION": "eu-central-1",
    }
    s3 = client(env)
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    yield env
    server.stop()


def client(env: dict[str, str]):
    return boto3.client(
        "s3",
        endpoint_url=env["BATCH_STORAGE_ENDPOINT_URL"],
        aws_access_key_id=env["BATCH_STORAGE_ACCESS_KEY"],
        aws_secret_access_key=env["BATCH_STORAGE_SECRET_KEY"],
        region_name=env["BATCH_STORAGE_REGION"],
    )


def test_a_hand_in_kept_in_a_bucket_is_downloaded_by_an_organiser_and_not_by_a_moderator(
    gunicorn, worker, organiser, moderator, campaign, bucket, tmp_path
):
    call_command(
        "seed_signatures", "--campaign", campaign.slug, "--country", "DE", "--count", NAMES
    )
    private = tmp_path / "private"
    env = {**bucket, "PRIVATE_MEDIA_ROOT": str(private)}
    site = gunicorn(workers=2, **env)
    organisers = Browser(site)
    assert (
        organisers.form("/admin/login/", {"username": "organisers", "password": "pw"}).status == 302
    )

    assert (
        organisers.form(
            f"/admin/signatures/batch/campaign/{campaign.pk}/", {"country": "DE"}
        ).status
        == 302
    )
    worker(**env)
    batch = Batch.objects.get(campaign=campaign)
    deadline = time.monotonic() + 120
    while batch.files != "ready":
        assert batch.files != "failed", batch.files_error
        assert time.monotonic() < deadline, "the files were not ready in time"
        time.sleep(0.5)
        batch.refresh_from_db()

    stored = {
        o["Key"]: o["Size"] for o in client(bucket).list_objects_v2(Bucket=BUCKET)["Contents"]
    }
    files = list(BatchFile.objects.filter(batch=batch))
    assert sorted(stored) == sorted(f.name for f in files)
    csv_file = next(f for f in files if f.kind == "csv")
    downloaded = organisers.open(f"/admin/signatures/batch/file/{csv_file.pk}/").read()
    assert hashlib.sha256(downloaded).hexdigest() == csv_file.sha256 == batch.checksum
    assert len(downloaded.decode("utf-8-sig").splitlines()) == NAMES + 1
    assert stored[csv_file.name] == len(downloaded)

    moderators = Browser(site)
    assert (
        moderators.form("/admin/login/", {"username": "moderators", "password": "pw"}).status == 302
    )
    refused = moderators.open(f"/admin/signatures/batch/file/{csv_file.pk}/")
    assert refused.status == 403
    assert b"Efternamn" not in refused.read()

    # Nothing of the hand-in on the web server's disk.
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))
