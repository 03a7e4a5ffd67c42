"""Every bad input gets a clear error next to its field and stores nothing."""

from urllib.parse import urlencode

import pytest

from signatures.models import Signature
from tests.helpers import form_started

BAD_INPUTS = [
    ("email", "not-an-address", "email", "valid e-mail"),
    ("email", "a@b@example.org", "email", "valid e-mail"),
    ("email", "x" * 250 + "@example.org", "email", "at most 254"),
    ("email", "ada@example.org\r\nBcc: victim@example.org", "email", "valid e-mail"),
    ("email", "", "email", "required"),
    ("country", "XX", "country", "valid choice"),
    ("country", "Germany", "country", "valid choice"),
    ("country", "", "country", "required"),
    ("first_name", "", "first_name", "required"),
    ("first_name", "   ", "first_name", "required"),
    ("first_name", "A" * 101, "first_name", "at most 100"),
    ("last_name", "B" * 101, "last_name", "at most 100"),
    ("first_name", '=HYPERLINK("http://evil")', "first_name", "cannot start with"),
    ("last_name", "+1234", "last_name", "cannot start with"),
    ("last_name", "-Smith", "last_name", "cannot start with"),
    ("first_name", "@admin", "first_name", "cannot start with"),
    ("first_name", "Visit https://spam.example", "first_name", "web address"),
    ("last_name", "www.casino.example", "last_name", "web address"),
    ("last_name", "buy-now.com", "last_name", "web address"),
    ("first_name", "Ada\x00", "first_name", "Null characters"),
    ("first_name", "Ada\x07Bell", "first_name", "control or invisible"),
    ("last_name", "Love\u202elace", "last_name", "control or invisible"),
    ("last_name", "<b>Lovelace</b>", "last_name", "cannot contain < or >"),
    ("consent", None, "consent", "Please agree"),
]


@pytest.mark.parametrize(("field", "value", "error_field", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_its_error_and_stores_nothing(
    client, campaign, sign_data, field, value, error_field, message
):
    data = dict(sign_data)
    if value is None:
        data.pop(field)
    else:
        data[field] = value

    response = client.post(campaign.get_absolute_url(), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[error_field])
    assert Signature.objects.count() == 0
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'href="#id_{error_field}"' in html
    assert f'id="id_{error_field}_error"' in html


def test_entered_values_are_kept_after_an_error(client, campaign, sign_data):
    response = client.post(campaign.get_absolute_url(), sign_data | {"email": "nope"})
    html = response.content.decode()
    assert 'value="Ada"' in html
    assert 'value="Lovelace"' in html
    assert '<option value="GB" selected>' in html


def test_markup_in_input_is_escaped_in_the_answer(client, campaign, sign_data):
    response = client.post(
        campaign.get_absolute_url(), sign_data | {"first_name": "<script>alert(1)</script>"}
    )
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert Signature.objects.count() == 0


def test_names_in_any_script_are_accepted(client, campaign, sign_data):
    names = [
        ("Zoë", "O'Brien-Ngũgĩ"),
        ("Дмитрий", "Иванов"),
        ("محمد", "عبدالله"),
        ("王", "芳"),
        ("مهسا", "نیم\u200cفاصله"),
        ("Ελένη", "Παπαδοπούλου"),
    ]
    for n, (first, last) in enumerate(names):
        data = sign_data | {"first_name": first, "last_name": last, "email": f"p{n}@example.org"}
        assert client.post(campaign.get_absolute_url(), data).status_code == 302, (first, last)
    assert sorted(Signature.objects.values_list("last_name", flat=True)) == sorted(
        last for _first, last in names
    )


def test_names_and_country_are_normalised(client, campaign, sign_data):
    data = sign_data | {"first_name": "  Ada   Augusta ", "country": "gb"}
    response = client.post(campaign.get_absolute_url(), data)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.first_name == "Ada Augusta"
    assert signature.country.code == "GB"


def test_one_mailbox_signs_once_however_its_address_is_spelled(client, campaign, sign_data):
    for typed in ["dup@example.net", "dup@\uff45xample.net", "DUP@Example.net"]:
        client.post(
            campaign.get_absolute_url(), sign_data | {"email": typed, "started": form_started()}
        )
    for typed in ["dup@e\u00adxample.net", "dup@ex\u200bample.net"]:
        answer = client.post(
            campaign.get_absolute_url(), sign_data | {"email": typed, "started": form_started()}
        )
        assert "invisible or control characters" in answer.content.decode()

    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    ["\u200d\u200c", "\u0301\u0301", "\u3164", "\u115f\u1160", "\u2800\u2800", "\u3164 \u2800"],
    ids=[
        "joiners",
        "combining-marks",
        "hangul-filler",
        "hangul-fillers",
        "braille-blanks",
        "mixed",
    ],
)
def test_a_name_without_a_letter_is_refused(client, campaign, sign_data, name):
    answer = client.post(campaign.get_absolute_url(), sign_data | {"first_name": name})

    assert "A name needs at least one letter." in answer.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize("value", ["off", "no", "false", "0", "", "nein"])
def test_only_a_ticked_box_counts_as_yes(client, campaign, sign_data, value):
    client.post(campaign.get_absolute_url(), sign_data | {"contact_opt_in": value})
    refused = client.post(
        campaign.get_absolute_url(),
        sign_data | {"email": "x@example.org", "consent": value, "started": form_started()},
    )

    assert Signature.objects.get().contact_opt_in is False
    assert "Please agree so that we can hand in your signature." in refused.content.decode()


@pytest.mark.parametrize("value", ["on", "ON", "true", "1", "yes"])
def test_a_ticked_box_or_an_explicit_yes_counts(client, campaign, sign_data, value):
    client.post(
        campaign.get_absolute_url(), sign_data | {"contact_opt_in": value, "consent": value}
    )
    assert Signature.objects.get().contact_opt_in is True


def test_the_error_summary_names_each_field_by_a_short_label(client, campaign, sign_data):
    answer = client.post(campaign.get_absolute_url(), sign_data | {"consent": "", "last_name": ""})

    html = answer.content.decode()
    assert "Consent: Please agree so that we can hand in your signature." in html
    assert "Last name: This field is required." in html
    assert ".:" not in html


def test_french_puts_a_no_break_space_before_the_colon(client, campaign, sign_data):
    answer = client.post(f"/fr/{campaign.slug}/", sign_data | {"last_name": ""})

    assert "Nom\u00a0: " in answer.content.decode()


def test_a_name_sent_in_bytes_that_are_not_utf8_is_refused_not_altered(client, campaign, sign_data):
    body = urlencode(sign_data | {"first_name": "X"}).replace("first_name=X", "first_name=J%FCrgen")

    response = client.post(
        campaign.get_absolute_url(), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "Some characters could not be read, so nothing was saved." in response.content.decode()
    assert 'name="email"' in response.content.decode()  # the form, shown again
    assert not Signature.objects.exists()
