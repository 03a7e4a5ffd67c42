import hashlib
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from signatures import batches
from signatures.models import Signature
from tests.helpers import read_csv


def test_csv_has_only_what_a_hand_in_needs(campaign, make_signatures):
    [signature] = make_signatures(1, country="DE", first_name="Ada", last_name="Lovelace")
    batch = batches.create(campaign, "DE", None)

    [header, row] = read_csv(b"".join(batches.csv_chunks(batch)))

    assert header == ["number", "first name", "last name", "country", "date signed"]
    assert row == ["1", "Ada", "Lovelace", "Germany", signature.created_at.date().isoformat()]
    assert signature.email.encode() not in b"".join(batches.csv_chunks(batch))


@pytest.mark.parametrize("cell", ["=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(campaign, make_signatures, cell):
    [signature] = make_signatures(1, country="DE")
    Signature.objects.filter(pk=signature.pk).update(last_name=cell)  # as if imported
    batch = batches.create(campaign, "DE", None)
    [_header, row] = read_csv(b"".join(batches.csv_chunks(batch)))
    assert row[2] == "'" + cell


def test_redownload_is_byte_identical_and_matches_the_checksum(
    client, organiser, campaign, make_signatures
):
    make_signatures(3, country="FR")
    batch = batches.create(campaign, "FR", None)
    client.force_login(organiser)
    url = reverse("admin:signatures_batch_csv", args=[batch.pk])

    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)

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
    batch = batches.create(campaign, "GB", None)

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
        str(tmp_path),
        stdout=out,
    )

    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and "-DE-" in files[0] and "-IT-" in files[1]
    assert len(read_csv((tmp_path / files[0]).read_bytes())) == 3
    assert "2 signatures (Germany)" in out.getvalue()

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
