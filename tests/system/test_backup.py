"""A backup that is known to restore: made of a living site, loaded into an empty one."""

import subprocess
import sys

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from petition_site.lib.backup import table_summaries
from signatures.handins import services as handins
from signatures.models import Batch, BatchFile, Signature
from signatures.moderation import states as moderation
from signatures.signing import services
from tests import factories
from tests.helpers import ROOT
from tests.system.conftest import site_env

TARGET = "petition_restore_target"


def libpq(database: str) -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=site_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database():
    with psycopg.connect(libpq("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {TARGET}")
    yield libpq(TARGET)
    with psycopg.connect(libpq("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)")


def test_a_backup_of_a_living_site_restores_elsewhere_with_every_row_file_and_count(
    transactional_db, campaign, admin_user, run_tasks, settings, tmp_path, empty_database
):
    ContentType.objects.clear_cache()  # earlier tests flushed the table it remembers
    private = tmp_path / "private"
    settings.STORAGES["batches"]["OPTIONS"]["location"] = private / "batches"
    for state in Signature.State.values:
        for country in ["DE", "FR"]:
            factories.signature(campaign, state, country=country)
    [confirmed, *_] = Signature.objects.filter(state="confirmed", country="FR")
    moderation.move([confirmed.pk], moderation.Action.REJECT, admin_user.pk, "test")  # audit
    handins.make(campaign, "DE", admin_user)
    run_tasks()
    assert Batch.objects.get().files == "ready" and BatchFile.objects.count() == 2
    services.ask_for_withdraw_link(campaign, "nobody@example.org")
    backup = tmp_path / "backup"

    made = manage("backup", "--out", str(backup), PRIVATE_MEDIA_ROOT=str(private))
    assert made.returncode == 0, made.stderr
    restored_files = tmp_path / "elsewhere"
    loaded = manage(
        "restore", str(backup), DATABASE_URL=empty_database, PRIVATE_MEDIA_ROOT=str(restored_files)
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "every row and every file matches the backup" in loaded.stdout

    with (
        psycopg.connect(libpq(connection.settings_dict["NAME"]), autocommit=True) as source,
        psycopg.connect(empty_database, autocommit=True) as target,
    ):
        original, copy = table_summaries(source), table_summaries(target)
        by_state = "SELECT state, count(*) FROM signatures_signature GROUP BY state ORDER BY 1"
        assert source.execute(by_state).fetchall() == target.execute(by_state).fetchall()
        audit = "SELECT count(*) FROM django_admin_log"
        audited = [db.execute(audit).fetchone() for db in (target, source)]
        assert audited[0] == audited[1] and audited[0] is not None and audited[0][0] >= 1
    assert original == copy
    assert original["signatures_signature"]["rows"] == 10
    for file in BatchFile.objects.all():
        stored = (private / "batches" / file.name).read_bytes()
        assert (restored_files / "batches" / file.name).read_bytes() == stored


def test_a_restore_refuses_a_database_that_is_not_empty_and_a_damaged_backup(
    transactional_db, campaign, settings, tmp_path
):
    settings.STORAGES["batches"]["OPTIONS"]["location"] = tmp_path / "private" / "batches"
    factories.signature(campaign)
    backup = tmp_path / "backup"
    assert (
        manage("backup", "--out", str(backup), PRIVATE_MEDIA_ROOT=str(tmp_path / "p")).returncode
        == 0
    )

    into_living = manage("restore", str(backup), PRIVATE_MEDIA_ROOT=str(tmp_path / "q"))
    assert into_living.returncode != 0
    assert "The database is not empty" in into_living.stderr

    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"x")
    damaged = manage("restore", str(backup), PRIVATE_MEDIA_ROOT=str(tmp_path / "q"))
    assert "does not match the manifest" in damaged.stderr
    assert Signature.objects.count() == 1
