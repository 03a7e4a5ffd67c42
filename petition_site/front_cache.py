"""Pages any cache may keep, kept for a moment in front of Django.

The campaign page is the same for every visitor: no cookie, nothing per
person, ``Cache-Control: public``. nginx or a CDN keeps it in production, but
a site served straight from gunicorn spends most of each such request in
Django's request cycle (sixteen middlewares, URL resolving), far more than
in the view, which already answers from a copy. ``FrontCache`` wraps the WSGI
application and keeps each response that says any cache may keep it, exactly
as Django made it (status, headers, body), for ``FRONT_CACHE_SECONDS`` at
most, and answers the same request again without entering Django.

It is a shared cache by the rules of RFC 9111, and a cautious one:
- it only answers a plain GET: no query string, no cookie, no credentials, no
  conditional or range request (those go to Django, which answers them);
- it only keeps a 200 HTML response that is ``public`` with a ``max-age``,
  sets no cookie, and varies on nothing but ``Accept-Encoding``;
- the scheme, the forwarded protocol, the host and whether the client takes
  gzip are part of the key, so a plain-http request still gets its redirect
  and a host Django refuses is never kept;
- a copy lives no longer than its own ``max-age`` allows, and says its
  ``Age``.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from petition_site.negotiation import accepts

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAX_COPIES = 64  # pages x languages x encodings of a site; more are not kept
MAX_BYTES = 512 * 1024
# Request headers that make the answer the asker's own, or conditional on what they hold.
PERSONAL = (
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)


@dataclass(frozen=True)
class Copy:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    stored: float
    expires: float


def takes_gzip(accept_encoding: str) -> bool:
    """Whether a client that sent ``accept_encoding`` gets the gzipped page.

    The one test for it: the views (signatures.pages.shared_response) choose the
    variant with it, and the copies here are keyed by it.
    """
    return accepts(accept_encoding, "gzip")


def lifetime(headers: list[tuple[str, str]], longest: float) -> float:
    """How long a response with ``headers`` may be kept here; 0 if not at all."""
    fields: dict[str, list[str]] = {}
    for name, value in headers:
        fields.setdefault(name.lower(), []).append(value)
    if "set-cookie" in fields:
        return 0
    if not ",".join(fields.get("content-type", [])).startswith("text/html"):
        return 0
    varies = {v.strip().lower() for value in fields.get("vary", []) for v in value.split(",")}
    if varies - {"accept-encoding"}:
        return 0
    directives = {}
    for value in fields.get("cache-control", []):
        for directive in value.split(","):
            name, _, argument = directive.strip().lower().partition("=")
            directives[name] = argument
    if "public" not in directives or directives.keys() & {"private", "no-store", "no-cache"}:
        return 0
    try:
        max_age = int(directives.get("s-maxage") or directives.get("max-age", ""))
    except ValueError:
        return 0
    return min(float(max_age), longest)


class FrontCache:
    def __init__(
        self, app: WSGIApp, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.clock = clock
        self.copies: dict[tuple[str, ...], Copy] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            self.seconds <= 0
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or any(environ.get(header) for header in PERSONAL)
        ):
            return self.app(environ, start_response)
        key = (
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            "gzip" if takes_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")) else "",
        )
        now = self.clock()
        copy = self.copies.get(key)
        if copy is not None and now < copy.expires:
            start_response(copy.status, [*copy.headers, ("Age", str(int(now - copy.stored)))])
            return [copy.body]
        return self._fetch(key, environ, start_response, now)

    def _fetch(
        self,
        key: tuple[str, ...],
        environ: dict[str, Any],
        start_response: StartResponse,
        now: float,
    ) -> Iterable[bytes]:
        seen: list[Any] = []

        def remember(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, *exc_info)

        result = self.app(environ, remember)
        if not seen or not seen[0].startswith("200 "):
            return result
        keep = lifetime(seen[1], self.seconds)
        declared = dict((name.lower(), value) for name, value in seen[1]).get("content-length")
        if keep <= 0 or declared is None or int(declared) > MAX_BYTES:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(self.copies) >= MAX_COPIES:
            self.copies = {k: c for k, c in self.copies.items() if now < c.expires}
        if len(self.copies) < MAX_COPIES:
            self.copies[key] = Copy(seen[0], list(seen[1]), body, now, now + keep)
        return [body]
