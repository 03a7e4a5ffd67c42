import pytest

from petition_site.lib.addresses import InvalidAddress, canonical_email, normalise


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


def test_one_mailbox_spelled_four_ways_has_one_key():
    spellings = [
        "dup@example.net",
        "dup@e\u00adxample.net",  # soft hyphen
        "dup@ex\u200bample.net",  # zero-width space
        "dup@\uff45xample.net",  # fullwidth e
        "DUP@EXAMPLE.NET.",
        "\uff44up@example.net",  # fullwidth d in the local part
    ]
    assert {canonical_email(s) for s in spellings} == {"dup@example.net"}


@pytest.mark.parametrize(
    "typed",
    ["dup@e\u00adxample.net", "dup@ex\u200bample.net", "d\u200dup@example.net", "dup\x00@x.org"],
)
def test_invisible_characters_are_refused_in_either_part(typed):
    with pytest.raises(InvalidAddress, match="invisible"):
        normalise(typed)


def test_a_domain_is_stored_in_its_ascii_form_and_the_local_part_as_typed():
    assert normalise(" Ada@\uff45xample.NET ") == "Ada@example.net"
    assert normalise("jürgen@bücher.de") == "jürgen@xn--bcher-kva.de"


def test_a_domain_idna_refuses_is_refused():
    with pytest.raises(InvalidAddress, match="domain"):
        normalise("ada@exa_mple..net")


@pytest.mark.parametrize(
    "typed",
    [
        "root@localhost",
        "ada@intranet",
        "ada@printer.local",
        "ada@site.invalid",
        "ada@mail.test",
        "ada@amnesty.example",
        "ada@mail.localhost",
    ],
)
def test_an_address_no_mail_from_us_can_reach_is_refused(typed, settings):
    settings.DEBUG = False
    with pytest.raises(InvalidAddress, match="We cannot send mail to this address"):
        normalise(typed)


def test_example_domains_are_allowed_while_developing(settings):
    settings.DEBUG = True
    assert normalise("ada@amnesty.example") == "ada@amnesty.example"
    with pytest.raises(InvalidAddress):
        normalise("root@localhost")
