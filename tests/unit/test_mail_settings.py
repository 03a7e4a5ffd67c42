import pytest

from petition_site.lib.mail import mailer_from_url


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("consolemail://", "django.core.mail.backends.console", {}),
        ("memorymail://", "django.core.mail.backends.locmem", {}),
        (
            "filemail:///var/mail/petition",
            "django.core.mail.backends.filebased",
            {"file_path": "/var/mail/petition"},
        ),
        (
            "smtp://user:p%40ss@mail.example.org:2525",
            "petition_site.lib.smtp",
            {
                "host": "mail.example.org",
                "port": 2525,
                "username": "user",
                "password": "p@ss",
                "use_tls": False,
                "use_ssl": False,
                "timeout": 10,
            },
        ),
        (
            "smtp+tls://mail.example.org:587?timeout=5",
            "petition_site.lib.smtp",
            {
                "host": "mail.example.org",
                "port": 587,
                "use_tls": True,
                "use_ssl": False,
                "timeout": 5,
            },
        ),
    ],
)
def test_email_url_becomes_a_mailers_entry(url, backend, options):
    mailer = mailer_from_url(url)
    assert mailer["BACKEND"] == f"{backend}.EmailBackend"
    assert mailer["OPTIONS"] == options


@pytest.mark.parametrize("url", ["http://example.org", "filemail://"])
def test_unusable_email_url_is_refused(url):
    with pytest.raises(ValueError):
        mailer_from_url(url)
