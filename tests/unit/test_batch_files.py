import hashlib
import io
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from signatures.handins import batches
from signatures.handins import files as batch_files
from signatures.handins import services as handins
from signatures.models import Batch, BatchFile, Signature
from signatures.signing import services
from tests import factories
from tests.helpers import read_csv


def hand_in_csv(batch) -> bytes:
    """The batch's CSV as the worker writes and stores it."""
    batch_files.write_csv(batch.pk, batch.files_version)
    [csv_file] = [f for f in BatchFile.objects.filter(batch=batch) if f.kind == "csv"]
    with batch_files.storage().open(csv_file.name, "rb") as content:
        return content.read()


def test_csv_has_only_what_a_hand_in_needs(campaign, make_signatures):
    [signature] = make_signatures(1, country="DE", first_name="Ada", last_name="Lovelace")
    batch = factories.batch(campaign, "DE", None)

    [header, row] = read_csv(hand_in_csv(batch))

    assert header == ["number", "first name", "last name", "country", "date signed"]
    assert row == ["1", "Ada", "Lovelace", "Germany", signature.created_at.date().isoformat()]
    assert signature.email.encode() not in hand_in_csv(batch)


@pytest.mark.parametrize("cell", ["=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(campaign, make_signatures, cell):
    [signature] = make_signatures(1, country="DE")
    Signature.objects.filter(pk=signature.pk).update(last_name=cell)  # as if imported
    batch = factories.batch(campaign, "DE", None)
    [_header, row] = read_csv(hand_in_csv(batch))
    assert row[2] == "'" + cell


def test_redownload_is_byte_identical_and_matches_the_checksum(
    client, organiser, campaign, make_signatures, run_tasks
):
    make_signatures(3, country="FR")
    [batch] = handins.make(campaign, "FR", None)
    run_tasks()
    client.force_login(organiser)
    url = reverse("admin:signatures_batch_csv", args=[batch.pk])

    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)

    batch.refresh_from_db()
    assert first == second
    assert hashlib.sha256(first).hexdigest() == batch.checksum
    assert batches.pdf(batch) == batches.pdf(batch)


def test_pdf_has_the_letter_and_every_name_in_its_own_script(campaign, make_signatures):
    names = [
        ("Jürgen", "Müller"),
        ("Дмитрий", "Иванов"),
        ("Ελένη", "Παπαδοπούλου"),
        ("محمد", "عبدالله"),
        ("王", "芳"),
        ("佐藤", "花子"),
    ]
    for first, last in names:
        make_signatures(1, country="GB", first_name=first, last_name=last)
    batch = factories.batch(campaign, "GB", None)

    reader = PdfReader(io.BytesIO(batches.pdf(batch)))
    text = "\n".join(page.extract_text() for page in reader.pages)

    for fragment in [
        campaign.title,
        campaign.target,
        campaign.salutation,
        campaign.petition_text,
        "United Kingdom",
        "Signatures",
        "6",
    ]:
        assert fragment in text
    for first, last in names:
        assert first in text and last in text, (first, last)
    assert "Page 1 / 2" in text


def test_export_command_writes_one_file_per_country_batch(campaign, make_signatures, tmp_path):
    make_signatures(2, country="DE")
    make_signatures(1, country="IT")
    out = StringIO()

    call_command(
        "export_batches",
        "--campaign",
        campaign.slug,
        "--format",
        "csv",
        "--out",
        str(tmp_path / "out"),
        stdout=out,
    )

    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 2 and "-DE-" in files[0] and "-IT-" in files[1]
    assert len(read_csv((tmp_path / "out" / files[0]).read_bytes())) == 3
    assert "DE (2 names): PDF volume 1 of 1 written" in out.getvalue()

    call_command(
        "export_batches",
        "--campaign",
        campaign.slug,
        "--country",
        "de",
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    assert "No signatures waiting" in out.getvalue()


def stored(file: BatchFile) -> bytes:
    with batch_files.storage().open(file.name, "rb") as content:
        return content.read()


def test_the_worker_prepares_the_files_records_their_checksums_and_keeps_them(
    campaign, make_signatures, run_tasks
):
    make_signatures(3, country="DE")
    [batch] = handins.make(campaign, "DE", None)
    queued = DBTaskResult.objects.filter(queue_name="batches")
    assert (batch.files, batch.signature_count, queued.count()) == ("queued", 0, 1)  # to claim

    run_tasks()

    batch.refresh_from_db()
    assert (batch.files, batch.files_done, batch.files_total) == ("ready", 3, 3)
    csv_file, pdf_file = batch_files.current(batch)
    for file in (csv_file, pdf_file):
        content = stored(file)
        assert (file.size, file.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert batch.checksum == csv_file.sha256
    assert len(read_csv(stored(csv_file))) == 4


def test_a_big_batch_is_split_into_numbered_volumes_each_with_the_letter(
    campaign, make_signatures, run_tasks, settings
):
    settings.BATCH_NAMES_PER_VOLUME = 2
    make_signatures(5, country="DE")
    [batch] = handins.make(campaign, "DE", None)
    run_tasks()

    csv_file, *volumes = batch_files.current(batch)
    assert volumes[1].filename.endswith("-v1-volume-2-of-3.pdf")
    assert [(v.volume, v.volumes, v.first_number, v.last_number) for v in volumes] == [
        (1, 3, 1, 2),
        (2, 3, 3, 4),
        (3, 3, 5, 5),
    ]
    second = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(stored(volumes[1]))).pages)
    assert "Volume 2 of 3" in second and campaign.petition_text in second
    assert "3. Signer" in second and "1. Signer" not in second
    assert len(read_csv(stored(csv_file))) == 6  # the CSV stays one file


def test_a_changed_batch_is_prepared_again_as_a_new_version_and_the_old_stays(
    campaign, make_signatures, run_tasks
):
    first, _second, third = make_signatures(3, country="DE")
    [batch] = handins.make(campaign, "DE", None)
    run_tasks()
    batch.refresh_from_db()
    version_one = {f.name: f.sha256 for f in batch_files.current(batch)}

    services.withdraw_signature(first.pk)
    Signature.objects.filter(pk=third.pk).update(email="", first_name="", last_name="")

    assert batch_files.changes(batch) == batch_files.Changes(removed=1, anonymised=1)
    assert handins.prepare_again(batch) == 2
    run_tasks()
    batch.refresh_from_db()

    assert (batch.files_version, batch.files, batch.signature_count) == (2, "ready", 2)
    for name, sha in version_one.items():
        assert hashlib.sha256(batch_files.storage().open(name).read()).hexdigest() == sha
    assert handins.mark_handed_in(batch, "Berlin")
    batch.refresh_from_db()
    assert batch.handed_in_version == 2


def test_a_failed_preparation_says_why_and_can_be_retried(
    campaign, make_signatures, run_tasks, monkeypatch
):
    make_signatures(2, country="DE")
    [batch] = handins.make(campaign, "DE", None)

    def disk_full(*args) -> bytes:
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(batches, "pdf", disk_full)
        run_tasks()
    batch.refresh_from_db()
    assert batch.files == "failed"
    assert "PDF volume 1: disk full" in batch.files_error

    assert handins.retry(batch)
    run_tasks()
    batch.refresh_from_db()
    assert batch.files == "ready"
    assert BatchFile.objects.filter(batch=batch).count() == 2  # the CSV was not made twice


def test_the_export_command_shows_progress_as_plain_lines_off_a_terminal(
    campaign, make_signatures, tmp_path, settings
):
    settings.BATCH_NAMES_PER_VOLUME = 1
    make_signatures(2, country="DE")
    out = StringIO()

    target = tmp_path / "out"
    call_command("export_batches", "--campaign", campaign.slug, "--out", str(target), stdout=out)

    lines = out.getvalue().splitlines()
    assert "DE (2 names): PDF volume 1 of 2 written" in lines
    assert "DE (2 names): PDF volume 2 of 2 written" in lines
    assert len(list(target.iterdir())) == 3


def test_a_batch_made_for_a_country_whose_pool_emptied_meanwhile_is_cancelled(
    campaign, make_signatures, run_tasks
):
    make_signatures(1, country="DE")
    [late] = handins.make(campaign, "DE", None)
    factories.batch(campaign, "DE", None)  # another organiser was quicker

    run_tasks()

    late.refresh_from_db()
    assert (late.state, late.signature_count) == ("cancelled", 0)
    assert "No signatures were waiting" in late.files_error


def test_the_letter_names_its_sender_and_the_pdf_is_tagged_with_title_author_and_language(
    make_campaign, make_signatures, settings
):
    settings.HANDIN_ORGANISATION = "Fallback Org"
    campaign = make_campaign(
        slug="letter",
        sender_organisation="Amnesty International Deutschland",
        sender_contact="Zinnowitzer Str. 8, 10115 Berlin",
        sender_signatory="Julia Duchrow",
    )
    signature = factories.signature(campaign, country="DE")
    batch = factories.batch(campaign, "DE", None)

    reader = PdfReader(io.BytesIO(batches.pdf(batch)))

    letter = reader.pages[0].extract_text()
    for line in ["Yours sincerely,", "Julia Duchrow", "Amnesty International Deutschland"]:
        assert line in letter
    assert "Zinnowitzer Str. 8, 10115 Berlin" in letter
    root: Any = reader.trailer["/Root"]
    assert reader.metadata is not None and reader.metadata.title is not None
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title.startswith(campaign.title)
    assert reader.metadata.author == "Amnesty International Deutschland"
    assert signature.last_name in reader.pages[1].extract_text()


def test_a_campaign_without_a_sender_is_signed_by_the_organisers_of_the_settings(
    campaign, make_signatures, settings
):
    settings.HANDIN_ORGANISATION = "Amnesty International Deutschland"
    campaign.sender_organisation = ""
    campaign.save()
    make_signatures(1, country="DE")
    batch = factories.batch(campaign, "DE", None)

    reader = PdfReader(io.BytesIO(batches.pdf(batch)))

    assert "Amnesty International Deutschland" in reader.pages[0].extract_text()
    assert reader.metadata is not None
    assert reader.metadata.author == "Amnesty International Deutschland"


def test_names_are_listed_as_their_owners_write_them_in_fonts_of_their_language(
    campaign, make_signatures
):
    for first, last in [
        ("はなこ", "佐藤"),  # Japanese, kana: family name first, no space
        ("小明", "王"),  # Chinese
        ("민수", "김"),  # Korean
        ("Ada", "Lovelace"),
        ("محمد", "عبدالله"),
        ("דוד", "כהן"),
        ("زهرا", "محمدی\u200cنژاد"),  # Persian, with a zero-width non-joiner
    ]:
        make_signatures(1, country="GB", first_name=first, last_name=last)
    batch = factories.batch(campaign, "GB", None)

    reader = PdfReader(io.BytesIO(batches.pdf(batch)))
    text = reader.pages[1].extract_text()

    for written in ["佐藤はなこ", "王小明", "김민수", "Ada Lovelace"]:
        assert written in text, written
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert {"CJK-JP", "CJK-SC", "CJK-KR"} <= {f.split("Noto-Sans-")[-1] for f in fonts}, fonts
    assert any("Arabic" in font for font in fonts) and any("Hebrew" in font for font in fonts)


def test_a_name_in_han_alone_takes_the_language_of_the_embassy_country(
    make_campaign, make_signatures
):
    campaign = make_campaign(slug="japan")
    for country in ["JP", "TW"]:
        signature = factories.signature(campaign, country=country)
        Signature.objects.filter(pk=signature.pk).update(first_name="太郎", last_name="山田")
    fonts = {}
    for country in ["JP", "TW"]:
        reader = PdfReader(io.BytesIO(batches.pdf(factories.batch(campaign, country, None))))
        assert "山田太郎" in reader.pages[1].extract_text()
        fonts[country] = {
            str(f["/BaseFont"])
            for f in reader.pages[1]["/Resources"]["/Font"].values()  # type: ignore[index]
        }
    assert any("CJK-JP" in f for f in fonts["JP"]) and not any("CJK-SC" in f for f in fonts["JP"])
    assert any("CJK-TC" in f for f in fonts["TW"])


def test_the_script_of_a_name_gives_its_language():
    assert batches.hand_in_name("花子", "佐藤") == ("佐藤花子", "zh")
    assert batches.hand_in_name("花子", "佐藤", "JP") == ("佐藤花子", "ja")
    assert batches.hand_in_name("はなこ", "佐藤") == ("佐藤はなこ", "ja")
    assert batches.hand_in_name("Jürgen", "Müller") == ("Jürgen Müller", "")
    assert batches.script_language("Иванов") == ""


def test_the_export_command_refuses_a_letter_without_a_real_sender(
    campaign, make_signatures, tmp_path, settings
):
    settings.HANDIN_ORGANISATION, settings.HANDIN_CONTACT = "", ""
    campaign.sender_organisation = campaign.sender_contact = ""
    campaign.save()
    make_signatures(1, country="DE")

    with pytest.raises(CommandError, match="names no organisation"):
        call_command("export_batches", "--campaign", campaign.slug, "--out", str(tmp_path))

    assert not Batch.objects.exists()
