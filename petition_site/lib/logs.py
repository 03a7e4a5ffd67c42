"""What logs may say: never a link's token, and no client address unless asked for.

Confirmation and withdraw links carry a signed token in their path; anyone who
reads a log must not be able to use it. The README promises that client
addresses are not stored, so gunicorn's access log leaves them out too
(``LOG_CLIENT_ADDRESSES=1`` puts them back, e.g. while fighting a flood).
This module needs no Django settings: gunicorn.conf.py loads it.
"""

import logging
import os
import re
from typing import Any, cast

from gunicorn.glogging import Logger
from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

TOKEN_IN_PATH = re.compile(r"/(confirm|withdraw)/[^/\s\"?]+")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"/\1/[token]", text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message with every link token replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_IN_PATH.search(message):
            record.msg, record.args = redact(message), None
        return True


class AccessLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """gunicorn's access log without link tokens, and without client addresses by default."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactTokens())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        if os.environ.get("LOG_CLIENT_ADDRESSES", "") not in {"1", "true", "yes", "on"}:
            atoms["h"] = "-"
            atoms["{x-forwarded-for}i"] = "-"
        return atoms


def scrub_event(event: Event, hint: Hint) -> Event | None:
    """Sentry's before_send: the same redaction for every string the event carries."""
    return cast(Event, _scrub(event))


def scrub_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb | None:
    return cast(Breadcrumb, _scrub(crumb))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value
