"""Content negotiation by the rules (RFC 9110): q-values honoured, Vary only on what varies.

``accepts`` reads Accept-Encoding with its q-values, so ``gzip;q=0`` means
"not gzip". ``gzip_page`` is Django's decorator with that reading.
``same_in_every_language`` marks a response whose body no language changes,
so ``LocaleMiddleware`` adds no ``Vary: Accept-Language`` that would split a
shared cache into one copy per header value.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.decorators import decorator_from_middleware

QVALUE = re.compile(r"\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*", re.IGNORECASE)


def accepts(accept_encoding: str, coding: str) -> bool:
    """Whether a client that sent ``accept_encoding`` takes ``coding`` (e.g. "gzip").

    A coding named with q=0 is refused; one not named is taken when "*" is,
    with a q above 0. A q-value that is not one is read as 0.
    """
    wildcard = False
    for item in accept_encoding.split(","):
        name, _semicolon, params = item.partition(";")
        name = name.strip().lower()
        weight = 1.0
        if params.strip():
            match = QVALUE.fullmatch(params)
            weight = float(match[1]) if match else 0.0
        if name == coding:
            return weight > 0
        if name == "*":
            wildcard = weight > 0
    return wildcard


class NegotiatedGZipMiddleware(GZipMiddleware):
    """Django's compression, for clients whose Accept-Encoding takes gzip by its q-value."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not accepts(request.headers.get("Accept-Encoding", ""), "gzip"):
            if not response.has_header("Content-Encoding"):
                patch_vary_headers(response, ["Accept-Encoding"])
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed


gzip_page = decorator_from_middleware(NegotiatedGZipMiddleware)


def same_in_every_language[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """The view's body is the same whatever the request's language: no Vary on it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response.same_in_every_language = True  # type: ignore[attr-defined]
        return response

    return wrapped  # type: ignore[return-value]


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, leaving out ``Vary: Accept-Language`` where the body never varies by it."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(response, "same_in_every_language", False):
            return response
        localised: HttpResponseBase = super().process_response(request, response)
        return localised
