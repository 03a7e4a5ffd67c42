"""A backup that is known to restore: the database and the private files, with a manifest.

``back_up`` writes, into a new directory:

- ``database.dump``: ``pg_dump --format=custom`` of one snapshot;
- ``files/``: every file of the private storage (hand-in batches), as stored;
- ``manifest.json``: for every table of that snapshot its row count and a
  checksum of its rows, for every file its size and SHA-256, and the dump's.

``restore`` checks the backup against its manifest, loads it into an empty
database and an empty storage, and checks the result against the manifest
again: the same rows in every table, the same bytes in every file.
"""

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from django.core.files import File
from django.core.files.storage import Storage
from django.utils import timezone
from psycopg import conninfo as libpq
from psycopg import sql

DUMP = "database.dump"
MANIFEST = "manifest.json"
FILES = "files"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


def _libpq(database: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A conninfo without the password, and an environment that carries it."""
    if database.get("ENGINE") != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://…).")
    conninfo = libpq.make_conninfo(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=str(database["PORT"]) if database.get("PORT") else None,
        user=database.get("USER") or None,
    )
    env = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    return conninfo, env


def _run(tool: str, *args: str, env: dict[str, str]) -> None:
    """Run PostgreSQL's ``tool`` (pg_dump, pg_restore) with our own arguments, no shell."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed: it comes with PostgreSQL's client tools.")
    result = subprocess.run([path, *args], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def _connect(conninfo: str, env: dict[str, str]) -> psycopg.Connection[Any]:
    return psycopg.connect(conninfo, password=env["PGPASSWORD"] or None, autocommit=True)


def table_summaries(connection: psycopg.Connection[Any]) -> dict[str, dict[str, Any]]:
    """Every table of the public schema: its row count, and a checksum of its rows.

    The checksum is order-free (the rows' own checksums, sorted) and read in
    UTC, so the same rows give the same figure in any database.
    """
    connection.execute("SET TIME ZONE 'UTC'")
    connection.execute("SET extra_float_digits = 1")
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    summaries = {}
    for table in tables:
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
            "FROM (SELECT md5(t::text) AS h FROM {} AS t) AS rows"
        ).format(sql.Identifier(table))
        row = connection.execute(query).fetchone()
        assert row is not None
        summaries[table] = {"rows": row[0], "checksum": row[1]}
    return summaries


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in ``storage``, through its folders (a directory or a bucket)."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from stored_names(storage, f"{directory}/{folder}" if directory else folder)


def back_up(directory: Path, database: dict[str, Any], storage: Storage) -> dict[str, Any]:
    """Write a backup of ``database`` and ``storage`` into the new ``directory``."""
    conninfo, env = _libpq(database)
    try:
        directory.mkdir(parents=True)
    except FileExistsError as exc:
        raise BackupError(f"{directory} exists already: a backup goes to a new directory.") from exc
    with _connect(conninfo, env) as connection:
        # One snapshot for the dump and the manifest's figures alike.
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = connection.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        tables = table_summaries(connection)
        _run(
            "pg_dump",
            "--format=custom",
            f"--snapshot={row[0]}",
            "--no-owner",
            "--no-privileges",
            f"--file={directory / DUMP}",
            f"--dbname={conninfo}",
            env=env,
        )
        connection.execute("ROLLBACK")
    files = []
    for name in sorted(stored_names(storage)):
        target = directory / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        files.append({"name": name, "size": target.stat().st_size, "sha256": _sha256(target)})
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": {"file": DUMP, "sha256": _sha256(directory / DUMP), "tables": tables},
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _checked_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, once every file of the backup is found to match it."""
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {directory}: {exc}") from exc
    if _sha256(directory / DUMP) != manifest["database"]["sha256"]:
        raise BackupError(f"{DUMP} does not match the manifest: the backup is damaged.")
    for entry in manifest["files"]:
        path = directory / FILES / entry["name"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['name']} is missing or damaged in the backup.")
    return manifest


def restore(directory: Path, database: dict[str, Any], storage: Storage) -> dict[str, Any]:
    """Load the backup in ``directory`` into an empty database and storage, and check it."""
    manifest = _checked_manifest(directory)
    conninfo, env = _libpq(database)
    with _connect(conninfo, env) as connection:
        if table_summaries(connection):
            raise BackupError("The database is not empty: restore into a new, empty one.")
    if next(stored_names(storage), None) is not None:
        raise BackupError("The file storage is not empty: restore into a new, empty one.")
    _run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={conninfo}",
        str(directory / DUMP),
        env=env,
    )
    for entry in manifest["files"]:
        with (directory / FILES / entry["name"]).open("rb") as source:
            saved = storage.save(entry["name"], File(source))
        if saved != entry["name"]:
            raise BackupError(f"{entry['name']} was stored as {saved}.")
    verify(manifest, database, storage)
    return manifest


def verify(manifest: dict[str, Any], database: dict[str, Any], storage: Storage) -> None:
    """Raise unless ``database`` and ``storage`` hold what ``manifest`` lists, no more."""
    conninfo, env = _libpq(database)
    with _connect(conninfo, env) as connection:
        tables = table_summaries(connection)
    if tables != manifest["database"]["tables"]:
        differ = sorted(
            name
            for name in set(tables) | set(manifest["database"]["tables"])
            if tables.get(name) != manifest["database"]["tables"].get(name)
        )
        raise BackupError(f"Restored tables differ from the backup: {', '.join(differ)}")
    for entry in manifest["files"]:
        with storage.open(entry["name"], "rb") as stored:
            digest = hashlib.file_digest(stored, "sha256").hexdigest()
        if digest != entry["sha256"]:
            raise BackupError(f"Restored file {entry['name']} differs from the backup.")
