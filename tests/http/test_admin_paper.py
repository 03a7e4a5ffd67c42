"""Paper signatures through the admin: typed in row by row, uploaded whole, withdrawn whole."""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from signatures import counts
from signatures.handins import batches
from signatures.models import Message, PaperEntry, Signature
from signatures.signing.sheets import new_code
from tests import factories
from tests.helpers import read_csv, shown_count
from tests.unit.test_batch_files import hand_in_csv

ENTER = "admin:signatures_paperentry_add"
UPLOAD = "admin:signatures_paperentry_upload"


@pytest.fixture
def volunteer(make_staff):
    return make_staff("Volunteers")


def row(campaign, code, **fields):
    return {
        "campaign": campaign.pk,
        "language": "de",
        "sheet_code": code,
        "country": "DE",
        "first_name": "Jürgen",
        "last_name": "Müller",
        "email": "",
        **fields,
    }


def upload(client, campaign, content: bytes, name="sheets.csv", language="de"):
    return client.post(
        reverse(UPLOAD),
        {"campaign": campaign.pk, "language": language, "file": SimpleUploadedFile(name, content)},
    )


def test_a_volunteer_sees_paper_signatures_and_nothing_else(client, volunteer, campaign):
    client.force_login(volunteer)
    home = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:signatures_paperentry_changelist") in home
    assert reverse("admin:signatures_signature_changelist") not in home
    assert reverse("admin:signatures_campaign_changelist") not in home
    assert client.get(reverse(ENTER)).status_code == 200
    assert client.get(reverse(UPLOAD)).status_code == 200
    assert client.get(reverse("admin:signatures_signature_changelist")).status_code == 403


def test_a_moderator_without_the_permission_cannot_enter_paper_signatures(
    client, moderator, campaign
):
    client.force_login(moderator)
    assert reverse(ENTER) not in client.get(reverse("admin:index")).content.decode()
    assert client.get(reverse(ENTER)).status_code == 403
    response = client.post(reverse(ENTER), row(campaign, new_code()))
    assert response.status_code == 403
    assert upload(client, campaign, b"given_name,family_name,country\nA,B,DE\n").status_code == 403
    assert not Signature.objects.exists()


def test_a_typed_row_is_confirmed_counted_logged_and_the_sheet_and_country_stay(
    client, volunteer, campaign
):
    code = new_code()
    client.force_login(volunteer)

    response = client.post(reverse(ENTER), row(campaign, code.lower().replace("-", " ")))

    signature = Signature.objects.get()
    assert signature.state == Signature.State.CONFIRMED
    assert (signature.source, signature.sheet_code, signature.language) == ("paper", code, "de")
    assert signature.email == "" and signature.emails_sent == 0
    assert shown_count(client, campaign) == 1
    log = LogEntry.objects.get(object_id=str(signature.pk))
    assert log.user == volunteer and code in log.get_change_message()
    assert f"sheet_code={code}" in response["Location"] and "country=DE" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert f"Sheet {code}: 1 signature entered" in page
    assert 'value="DE" selected' in page and f'value="{code}"' in page


def test_a_sheet_code_the_site_did_not_print_is_refused(client, volunteer, campaign):
    client.force_login(volunteer)
    response = client.post(reverse(ENTER), row(campaign, "AAAAA-AAA"))
    assert "not a code the site printed" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_address_that_signed_online_is_refused_on_paper(client, volunteer, campaign):
    factories.signature(campaign, email="ada@example.org")
    client.force_login(volunteer)
    response = client.post(
        reverse(ENTER), row(campaign, new_code(), email="Ada@Example.org", keep_informed="on")
    )
    assert response.status_code == 200
    assert "has signed already" in response.content.decode()
    assert Signature.objects.count() == 1


def test_a_likely_duplicate_without_address_is_flagged_and_entered_only_when_told(
    client, volunteer, campaign
):
    factories.signature(campaign, first_name="Jürgen", last_name="Müller", country="DE")
    client.force_login(volunteer)
    code = new_code()

    flagged = client.post(reverse(ENTER), row(campaign, code, first_name="jürgen"))
    assert "Someone of this name and country has signed already" in flagged.content.decode()
    assert 'name="enter_anyway"' in flagged.content.decode()
    assert Signature.objects.count() == 1

    client.post(reverse(ENTER), row(campaign, code, first_name="jürgen", enter_anyway="on"))
    assert Signature.objects.filter(source="paper").count() == 1


def test_keep_informed_needs_an_address(client, volunteer, campaign):
    client.force_login(volunteer)
    response = client.post(reverse(ENTER), row(campaign, new_code(), keep_informed="on"))
    assert "News needs an e-mail address" in response.content.decode()
    assert not Signature.objects.exists()


CLEAN = (
    "\ufeffGiven name;Family name;Country;E-mail;Keep informed;Sheet code\n"
    "Ada;Lovelace;GB;ada@example.org;x;{code}\n"
    "Jürgen;Müller;Deutschland;;;{code}\n"
    "محمد;عبدالله;EG;mo@example.net;;\n"
)


def test_a_clean_upload_is_stored_whole_counted_and_noticed_by_mail(
    client, volunteer, campaign, run_tasks, mailoutbox
):
    code = new_code()
    client.force_login(volunteer)

    response = upload(client, campaign, CLEAN.format(code=code).encode())

    entry = PaperEntry.objects.get()
    assert response["Location"] == reverse("admin:signatures_paperentry_change", args=[entry.pk])
    stored = {s.last_name: s for s in Signature.objects.filter(paper_entry=entry)}
    assert set(stored) == {"Lovelace", "Müller", "عبدالله"}
    assert stored["Müller"].country == "DE" and stored["Lovelace"].sheet_code == code
    assert stored["Lovelace"].contact_opt_in and not stored["عبدالله"].contact_opt_in
    assert all(s.state == "confirmed" and s.source == "paper" for s in stored.values())
    assert shown_count(client, campaign) == 3
    assert LogEntry.objects.get(object_id=str(entry.pk)).user == volunteer

    run_tasks()

    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.org", "mo@example.net"]
    for mail in mailoutbox:
        assert "Papier" in mail.subject  # the sheet's language
        assert "/de/test-action/withdraw/" in mail.body
        assert "/confirm/" not in mail.body
    assert Message.objects.filter(sent_at__isnull=False).count() == 2
    run_tasks()
    assert len(mailoutbox) == 2  # one notice, never two


def test_an_upload_with_bad_rows_reports_each_and_stores_nothing(client, volunteer, campaign):
    factories.signature(campaign, email="taken@example.org")
    content = (
        "given_name,family_name,country,email\n"
        "Ada,Lovelace,GB,ada@example.org\n"
        ",Nobody,GB,\n"
        "Bob,Builder,Atlantis,\n"
        "Carl,Sagan,US,not-an-address\n"
        "Dora,Explorer,US,ada@example.org\n"
        "Eve,Online,FR,taken@example.org\n"
        "=HYPERLINK(1),Evil,FR,\n"
    )
    client.force_login(volunteer)

    response = upload(client, campaign, content.encode())

    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td><td>(.*?)</td></tr>", page)
    assert [(line, column) for line, column, _reason in rows] == [
        ("3", "given_name"),
        ("4", "country"),
        ("5", "email"),
        ("6", "email"),
        ("7", "email"),
        ("8", "given_name"),
    ]
    reasons = " ".join(reason for _line, _column, reason in rows)
    for reason in [
        "missing name",
        "unknown country",
        "not a valid e-mail address",
        "the same address as line 2",
        "has signed already",
        "formula",
    ]:
        assert reason in reasons
    assert "Nothing was stored" in page
    assert Signature.objects.count() == 1 and not PaperEntry.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("given_name,family_name,country\nJürgen,Müller,DE\n".encode("latin-1"), "not UTF-8"),
        (b"", "The submitted file is empty"),
        (b"name,surname,nation\nA,B,DE\n", "Missing: given name, family name, country"),
        (b"given_name,family_name,country\n" + b"A,B,DE\n" * 20_001, "more than 20,000 rows"),
        (
            b"given_name,family_name,country\n" + b"A" * (20 * 1024 * 1024) + b",B,DE\n",
            "larger than 5 MB",
        ),
        (b"given_name,family_name,country\n" + b"A" * 10_000 + b",B,DE\n", "longer than 254"),
        (b"given_name,family_name,country\n" + b"A" * 101 + b",B,DE\n", "longer than 100"),
        (b"given_name,family_name,country\nA\x00,B,DE\n", "NUL"),
        (b"given_name,family_name,country\n+A,B,DE\n-C,D,DE\n@E,F,DE\n", "formula"),
        (b"given_name,family_name,country\n", "no rows"),
        (b'given_name,family_name,country\n"A,B,DE\n', "could not be read"),
    ],
)
def test_a_bad_file_gets_a_clear_answer_and_stores_nothing(
    client, volunteer, campaign, content, message
):
    client.force_login(volunteer)
    response = upload(client, campaign, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Signature.objects.exists() and not PaperEntry.objects.exists()


def test_withdrawing_an_entry_moves_the_count_back_unless_it_is_batched(
    client, volunteer, organiser, campaign
):
    client.force_login(volunteer)
    upload(client, campaign, CLEAN.format(code=new_code()).encode())
    entry = PaperEntry.objects.get()
    client.post(reverse(ENTER), row(campaign, new_code(), country="IT"))
    typed = PaperEntry.objects.exclude(pk=entry.pk).get()
    factories.batch(campaign, "IT", None)  # the typed sheet's signature is in a batch
    client.force_login(organiser)
    changelist = reverse("admin:signatures_paperentry_changelist")

    client.post(
        changelist, {"action": "withdraw_entries", "_selected_action": [entry.pk, typed.pk]}
    )

    entry.refresh_from_db()
    assert entry.withdrawn_at is not None and entry.withdrawn_count == 3
    assert not Signature.objects.filter(paper_entry=entry).exists()
    assert Signature.objects.filter(paper_entry=typed).count() == 1
    assert counts.refresh(campaign).total == 1
    messages = [str(m) for m in client.get(changelist).context["messages"]]
    assert any("in a hand-in batch" in m for m in messages)


def test_a_volunteer_cannot_withdraw(client, volunteer, campaign):
    client.force_login(volunteer)
    upload(client, campaign, CLEAN.format(code=new_code()).encode())
    entry = PaperEntry.objects.get()
    changelist = reverse("admin:signatures_paperentry_changelist")
    client.post(changelist, {"action": "withdraw_entries", "_selected_action": [entry.pk]})
    assert Signature.objects.filter(paper_entry=entry).count() == 3


def test_a_paper_signature_is_handed_in_in_the_batch_csv_and_pdf(client, volunteer, campaign):
    client.force_login(volunteer)
    client.post(reverse(ENTER), row(campaign, new_code(), first_name="Käthe", last_name="Kollwitz"))
    batch = factories.batch(campaign, "DE", None)

    [_header, csv_row] = read_csv(hand_in_csv(batch))
    assert "Käthe" in csv_row and "Kollwitz" in csv_row
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(batches.pdf(batch))).pages)
    assert "Käthe" in text and "Kollwitz" in text
