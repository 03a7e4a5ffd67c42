"""Slow clients cannot starve the site as deployed: nginx in front of gunicorn's sync workers."""

import socket
import threading
import time
import urllib.request


def slow_client(port: int, request: bytes, stop: threading.Event) -> None:
    """Send a request a byte a second, as a slowloris does, until told to stop."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for byte in request:
            if stop.wait(1):
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return  # the server gave up on us: that is the point


def test_twenty_slow_clients_for_thirty_seconds_do_not_starve_healthz(gunicorn, nginx):
    site = gunicorn(workers=2)
    proxy = nginx(site)
    slow_headers = b"GET /en/assange/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 60
    slow_body = (
        b"POST /en/assange/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n"
        + b"a"
        * 60
    )
    stop = threading.Event()
    clients = [
        threading.Thread(target=slow_client, args=(proxy.port, request, stop), daemon=True)
        for request in [slow_headers] * 10 + [slow_body] * 10
    ]
    for client in clients:
        client.start()

    answers = []
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            started = time.monotonic()
            with urllib.request.urlopen(proxy.url + "/healthz", timeout=5) as response:
                answers.append((response.status, time.monotonic() - started))
            time.sleep(0.5)
    finally:
        stop.set()

    assert len(answers) >= 40
    assert all(status == 200 for status, _ in answers)
    assert max(seconds for _, seconds in answers) < 1
