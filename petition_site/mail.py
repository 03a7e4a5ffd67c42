"""Turn an ``EMAIL_URL`` into Django 6.1's ``MAILERS`` setting.

django-environ still produces the deprecated ``EMAIL_*`` keys, and its file
URL parsing drops the leading slash of absolute paths, so we parse here.
"""

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "consolemail": "django.core.mail.backends.console.EmailBackend",
    "filemail": "django.core.mail.backends.filebased.EmailBackend",
    "memorymail": "django.core.mail.backends.locmem.EmailBackend",
    "dummymail": "django.core.mail.backends.dummy.EmailBackend",
}


def mailer_from_url(url: str) -> dict[str, Any]:
    """Return one ``MAILERS`` entry for ``url``; raise ValueError if unknown."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(f"EMAIL_URL scheme {scheme!r} is not one of {sorted(BACKENDS)}")

    options: dict[str, Any] = {}
    if scheme.startswith("smtp"):
        options["host"] = parts.hostname or "localhost"
        options["port"] = parts.port or (465 if scheme in {"smtp+ssl", "smtps"} else 25)
        if parts.username:
            options["username"] = unquote(parts.username)
            options["password"] = unquote(parts.password or "")
        options["use_tls"] = scheme == "smtp+tls"
        options["use_ssl"] = scheme in {"smtp+ssl", "smtps"}
        query = parse_qs(parts.query)
        options["timeout"] = int(query.get("timeout", ["10"])[0])
    elif scheme == "filemail":
        options["file_path"] = unquote(parts.netloc + parts.path)
        if not options["file_path"]:
            raise ValueError("EMAIL_URL filemail:// needs a directory, e.g. filemail:///var/mail")
    return {"BACKEND": BACKENDS[scheme], "OPTIONS": options}
