import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import get_resolver
from django.utils.csp import build_policy
from django.utils.module_loading import import_string

from petition_site.lib.cache import CacheUnavailable

logger = logging.getLogger(__name__)


def health() -> tuple[int, dict[str, Any]]:
    """Each dependency's state, and the status a load balancer should act on.

    503 only when signatures cannot be taken at all (PostgreSQL is down);
    without the cache or with a late mail queue the site still takes them.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return 503, {"status": "down", "database": "down"}
    report: dict[str, Any] = {"status": "ok", "database": "ok", "cache": "ok"}
    try:
        cache.get("healthz")
    except CacheUnavailable:
        report |= {"status": "degraded", "cache": "down"}
    # The app says how long work has waited (HEALTH_QUEUE_WAIT): this module imports no app.
    waited = import_string(settings.HEALTH_QUEUE_WAIT)().total_seconds()
    late = waited > settings.MAIL_QUEUE_LATE_SECONDS
    report["mail_queue"] = {
        "status": "late" if late else "ok",
        "oldest_wait_seconds": round(waited),
    }
    if late:
        report["status"] = "degraded"
    return 200, report


class HealthCheckMiddleware:
    """Answer /healthz before host validation and the HTTPS redirect.

    Load balancers and container health checks call it by IP over plain HTTP.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/healthz":
            return self.get_response(request)
        status, report = health()
        response = JsonResponse(report, status=status)
        response["Cache-Control"] = "no-store"
        return response


class MalformedBodyMiddleware:
    """A form body in an encoding we cannot read gets 400 and one log line, never a 500.

    Django refuses urlencoded bodies that are not UTF-8, and an unknown
    charset or a broken multipart body fails deeper down; each would
    otherwise surface in whichever middleware reads the form first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (parsed here, once, so a failure is ours to answer)
            except (BadRequest, MultiPartParserError, UnicodeError, LookupError, ValueError) as exc:
                return self.refuse(request, str(exc))
        return self.get_response(request)

    def refuse(self, request: HttpRequest, why: str) -> HttpResponse:
        logger.warning(
            "Refused an unreadable %s request on %s: %s", request.method, request.path, why
        )
        response = HttpResponse(
            render_to_string("400.html", request=request),
            status=400,
            content_type="text/html; charset=utf-8",
        )
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response


class NulQueryMiddleware:
    """A query with a NUL gets the site's 400 page and one log line, never a 500.

    No database stores or compares a NUL: no query can mean one. It runs
    after authentication, so the URLconf's 400 handler knows who asks (staff
    get the admin's look).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not any(
            "\x00" in text for key, values in request.GET.lists() for text in (key, *values)
        ):
            return self.get_response(request)
        why = "a NUL character in the query"
        logger.warning(
            "Refused an unreadable %s request on %s: %s", request.method, request.path, why
        )
        handler: Callable[[HttpRequest, Exception], HttpResponse]
        handler = get_resolver().resolve_error_handler(400)  # type: ignore[assignment]
        response = handler(request, BadRequest(why))
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response


class SecurityHeadersMiddleware:
    """The headers every answer carries, whichever layer made it: outermost of all.

    Health checks, static files and the 400 for an unreadable body are
    answered before Django's own security, clickjacking and CSP middleware
    run; this adds what those would have (a page that set its own framing,
    the partners' embed, keeps it). The site uses no camera, microphone,
    location or payment: Permissions-Policy says so.
    """

    PERMISSIONS = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy(settings.SECURE_CSP)  # type: ignore[arg-type]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.setdefault("Content-Security-Policy", self.policy)
        if not getattr(response, "xframe_options_exempt", False):
            response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down or restarting: a 503 page at once, never a 500.

    Connections are health-checked before reuse (CONN_HEALTH_CHECKS), so the
    site recovers by itself when the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("Database unavailable: %s", exception)
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = "30"
        return response
