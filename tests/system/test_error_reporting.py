"""Errors reach Sentry when SENTRY_DSN is set, and nothing is sent when it is not."""

import gzip
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import brotli

from tests.helpers import ROOT, free_port
from tests.system.conftest import site_env


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        match self.headers.get("Content-Encoding"):
            case "gzip":
                body = gzip.decompress(body)
            case "br":
                body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def run_with_an_error(**env: str) -> None:
    code = "import logging; logging.getLogger('signatures').error('Mail failed for good: boom')"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=site_env(**env),
        check=True,
        timeout=60,
        capture_output=True,
    )


def test_an_error_is_reported_to_sentry_only_when_a_dsn_is_set(db):
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Collector.received.clear()
    try:
        run_with_an_error(SENTRY_DSN="")
        assert Collector.received == []

        run_with_an_error(SENTRY_DSN=f"http://public@127.0.0.1:{port}/1")
    finally:
        server.shutdown()

    assert any(b"Mail failed for good: boom" in body for body in Collector.received)
