"""Where private files (hand-in batches) are kept: a directory no web server serves, or
a bucket of an S3-compatible store (django-storages), private and never overwritten."""

from pathlib import Path
from typing import Any


def private_storage(
    directory: Path,
    *,
    bucket: str = "",
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
) -> dict[str, Any]:
    """A ``STORAGES`` entry: the bucket when one is named, else ``directory``."""
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": directory, "base_url": None},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
