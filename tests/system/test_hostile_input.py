"""Property-based: whatever arrives, no server error, nothing stored wrongly, no markup back."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signatures.models import Signature
from signatures.signing.forms import JOINERS, SignatureForm
from tests.helpers import form_started

FIELDS = ["first_name", "last_name", "email", "country", "consent", "contact_opt_in"]
anything = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
hostile = st.one_of(
    anything,
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "=cmd|' /C calc'!A0",
            "a@b.c\r\nBcc: victim@example.org",
            "\x00",
            "ä" * 5000,
            "' OR 1=1 --",
            "{{ settings.SECRET_KEY }}",
        ]
    ),
)
form_data = st.fixed_dictionaries({}, optional={name: hostile for name in FIELDS})
checks = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@checks
@given(data=form_data)
def test_the_form_never_raises_and_only_accepts_clean_names(data):
    form = SignatureForm(data)
    if form.is_valid():
        for name in ("first_name", "last_name"):
            value = form.cleaned_data[name]
            assert value and value == value.strip() and len(value) <= 100
            assert not any(
                unicodedata.category(ch).startswith("C") and ch not in JOINERS for ch in value
            )
            assert value[0] not in "=+-@"
            assert "<" not in value


@pytest.mark.django_db
@checks
@given(data=form_data)
def test_signing_with_any_input_answers_without_a_server_error(client, campaign, data):
    before = Signature.objects.count()
    response = client.post(campaign.get_absolute_url(), data | {"started": form_started()})

    assert response.status_code in {200, 302}
    stored = Signature.objects.count() - before
    if response.status_code == 200:
        assert stored == 0
        html = response.content.decode()
        for value in data.values():
            if "<" in value and len(value) > 3:
                assert value not in html
    else:
        assert stored <= 1


@pytest.mark.django_db
@checks
@given(slug=anything, token=anything)
def test_links_with_any_token_answer_without_a_server_error(client, campaign, slug, token):
    from urllib.parse import quote

    for path in (
        f"/{quote(slug, safe='')}/",
        f"/{campaign.slug}/confirm/{quote(token, safe='')}/",
        f"/{campaign.slug}/withdraw/{quote(token, safe='')}/",
    ):
        assert client.get(path).status_code < 500
        assert client.post(path).status_code < 500
