import pytest

from signatures.addresses import canonical_email


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Ada@Example.ORG", "ada@example.org"),
        ("  ada@example.org ", "ada@example.org"),
        ("ada+petition@example.org", "ada@example.org"),
        ("a.d.a@gmail.com", "ada@gmail.com"),
        ("A.Da+x@GoogleMail.com", "ada@gmail.com"),
        ("a.da@example.org", "a.da@example.org"),
    ],
)
def test_canonical_address_ignores_case_tags_and_gmail_dots(typed, canonical):
    assert canonical_email(typed) == canonical
