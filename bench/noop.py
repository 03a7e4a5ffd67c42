"""The do-nothing WSGI app: the baseline every scenario is compared with."""

from collections.abc import Callable, Iterable
from typing import Any

BODY = b"ok\n"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]
