"""The SMTP backend's own serialisation reads back as Django's does."""

import email
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from django.core.mail import EmailMessage as DjangoMessage
from django.core.mail import EmailMultiAlternatives

from petition_site.lib.smtp import lean_bytes

TEXT = (
    "Hallo Jörg,\n\n"
    ". a line that starts with a dot\n"
    "trailing spaces   \n"
    "a line far longer than seventy-six characters, which quoted-printable must break softly "
    "and the reader must join again: https://petition.example.org/de/assange/confirm/"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:1tQ2x3:abcdefghijklmnopqrstuvwxyz0123/\n"
    "=3D is not an escape here, and \\r\\n\r\nline endings of every kind\rmix\n"
)
HTML = '<p dir="rtl">مرحبا <b>Jörg</b> &amp; “friends”</p>\n<p>' + "ü" * 300 + "</p>"


def confirmation(**overrides: object) -> EmailMultiAlternatives:
    fields: dict = {
        "subject": "Bitte bestätigen Sie Ihre Unterschrift: USA müssen die Anklage gegen "
        "Julian Assange fallen lassen",
        "body": TEXT,
        "from_email": "=?utf-8?q?Amnesty_Sektion_=C3=96sterreich?= <noreply@example.org>",
        "to": ["ada.lovelace+petition@example.org"],
        "reply_to": ["kampagnen@example.org"],
        "headers": {"Auto-Submitted": "auto-generated", "Message-ID": "<confirm.ab12.1@x.org>"},
    }
    fields.update(overrides)
    message = EmailMultiAlternatives(**fields)
    message.attach_alternative(HTML, "text/html")
    return message


def parsed(data: bytes | None) -> EmailMessage:
    assert data is not None, "not a confirmation's shape"
    message = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def django_bytes(message: DjangoMessage) -> bytes:
    return message.message(policy=email.policy.SMTP).as_bytes()


@pytest.mark.parametrize(
    "subject",
    [
        "Please confirm your signature: USA must drop charges against Julian Assange",
        "Bitte bestätigen Sie Ihre Unterschrift: USA müssen die Anklage fallen lassen",
        "يرجى تأكيد توقيعك: على الولايات المتحدة إسقاط التهم الموجهة إلى جوليان أسانج",
    ],
)
def test_a_confirmation_reads_back_exactly_as_djangos_own_serialisation(subject):
    message = confirmation(subject=subject)
    ours, theirs = parsed(lean_bytes(message)), parsed(django_bytes(message))

    for header in ["Subject", "From", "To", "Reply-To", "Message-ID", "Auto-Submitted"]:
        # Folding may differ; what the header says may not.
        assert ours[header].split() == theirs[header].split(), header
    assert ours.get_content_type() == "multipart/alternative"
    for kind in ["plain", "html"]:
        mine, django = (
            ours.get_body(preferencelist=(kind,)),
            theirs.get_body(preferencelist=(kind,)),
        )
        assert mine is not None and django is not None
        assert mine.get_content() == django.get_content()
    assert ours["Date"] is not None
    assert ours.defects == [] and all(part.defects == [] for part in ours.walk())


def test_the_mail_is_ascii_with_crlf_lines_no_longer_than_smtp_allows():
    data = lean_bytes(confirmation())

    assert data is not None
    data.decode("ascii")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 78


def test_a_message_id_is_made_when_none_is_given():
    message = confirmation(headers={})

    assert parsed(lean_bytes(message))["Message-ID"].startswith("<")


@pytest.mark.parametrize(
    "overrides",
    [
        {"to": ["jörg@example.org"]},  # a non-ASCII local part needs SMTPUTF8
        {"to": ["ada@bücher.example"]},  # an IDNA domain
        {"to": ["Ada Lovelace <ada@example.org>"]},
        {"cc": ["someone@example.org"]},
        {"headers": {"X-Note": "Grüße"}},
        {"headers": {"X-Note": "one\r\nBcc: victim@example.org"}},
        {"headers": {"Date": "Tue, 01 Dec 2026 00:00:00 +0000"}},
        {"from_email": "Jörg <noreply@example.org>"},
    ],
)
def test_anything_beyond_the_plain_shape_is_left_to_django(overrides):
    assert lean_bytes(confirmation(**overrides)) is None


def test_attachments_and_plain_messages_are_left_to_django():
    with_attachment = confirmation()
    with_attachment.attach("list.csv", "a,b\n", "text/csv")

    assert lean_bytes(with_attachment) is None
    assert lean_bytes(DjangoMessage("Subject", "Body", to=["ada@example.org"])) is None


def test_a_subject_with_a_line_break_is_left_to_django_which_refuses_it():
    assert lean_bytes(confirmation(subject="Hello\r\nBcc: victim@example.org")) is None
