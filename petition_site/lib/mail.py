"""Mail transport: ``EMAIL_URL`` as Django 6.1's ``MAILERS``, and a connection kept open.

django-environ still produces the deprecated ``EMAIL_*`` keys, and its file
URL parsing drops the leading slash of absolute paths, so we parse here.
"""

import threading
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend

BACKENDS = {
    "smtp": "petition_site.lib.smtp.EmailBackend",
    "smtp+tls": "petition_site.lib.smtp.EmailBackend",
    "smtp+ssl": "petition_site.lib.smtp.EmailBackend",
    "smtps": "petition_site.lib.smtp.EmailBackend",
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
        options["timeout"] = float(query.get("timeout", ["10"])[0])
    elif scheme == "filemail":
        options["file_path"] = unquote(parts.netloc + parts.path)
        if not options["file_path"]:
            raise ValueError("EMAIL_URL filemail:// needs a directory, e.g. filemail:///var/mail")
    return {"BACKEND": BACKENDS[scheme], "OPTIONS": options}


# The replies one send may wait for, each up to the timeout: connecting, the
# greeting, EHLO, STARTTLS and EHLO again, a two-step login, MAIL, RCPT, DATA,
# the message's end, and one to spare.
REPLIES_PER_SEND = 12


def send_seconds(mailer: dict[str, Any]) -> float:
    """The longest one mail can take through ``mailer`` before its timeout ends it."""
    timeout = mailer.get("OPTIONS", {}).get("timeout") or 10
    return float(timeout * REPLIES_PER_SEND)


class KeptConnection(threading.local):
    """One mail connection a process keeps open from message to message.

    The worker sends mail after mail: connecting, greeting and quitting for
    every message would cost more than the message. Each thread keeps its
    own. The connection is opened afresh when ``MAILERS`` changes or after a
    failed send (the server may have dropped us); ``close()`` ends it.
    """

    def __init__(self) -> None:
        self._connection: BaseEmailBackend | None = None
        self._config: dict[str, Any] | None = None

    def send(self, message: EmailMessage) -> None:
        config = settings.MAILERS["default"]
        if self._connection is None or self._config != config:
            self.close()
            self._connection = mailers.default
            self._connection.open()
            self._config = config
        try:
            self._connection.send_messages([message])
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = self._config = None


kept_connection = KeptConnection()
