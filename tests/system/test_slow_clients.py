"""Slow clients cannot starve the site as deployed: nginx in front of gunicorn's sync workers."""

import contextlib
import http.client
import socket
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor


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


def open_slow_bodies(port: int, count: int, source: str) -> list[socket.socket]:
    """``count`` connections from ``source``, each past its headers and one byte into
    a body that never comes: what holds nginx's connection slots longest."""
    head = (
        b"POST /en/test-action/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na"
    )
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
        sock.sendall(head)
        held.append(sock)
    return held


def get(url: str, source: str, path: str = "/en/test-action/") -> tuple[int, float]:
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=5, source_address=(source, 0)
    )
    try:
        connection.request("GET", path)
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started


def test_a_thousand_slow_bodies_from_one_address_leave_the_page_to_everyone_else(
    gunicorn, nginx, campaign
):
    proxy = nginx(gunicorn(workers=2))
    held = open_slow_bodies(proxy.port, 1050, "127.0.0.2")
    try:
        answers = []
        for _ in range(10):
            for sock in held:  # a byte each, as a slow client keeps its body going
                with contextlib.suppress(OSError):
                    sock.send(b"a")
            answers.append(get(proxy.url, "127.0.0.1"))
            time.sleep(0.3)
        # nginx turned the holder away at once (429), keeping few of its connections.
        turned_away = sum(answer(sock).startswith(b"HTTP/1.1 429 ") for sock in held)
    finally:
        for sock in held:
            sock.close()

    assert [status for status, _seconds in answers] == [200] * 10
    assert max(seconds for _status, seconds in answers) < 1
    assert turned_away >= 1050 - 100  # limit_conn: 100 at most per address


def answer(sock: socket.socket) -> bytes:
    """What the server said on ``sock`` so far, without waiting."""
    sock.setblocking(False)
    try:
        return sock.recv(64)
    except OSError:
        return b""


def test_a_flood_of_signing_posts_from_one_address_is_answered_429_past_its_burst(
    gunicorn, nginx, campaign
):
    proxy = nginx(gunicorn(workers=2))
    parts = urllib.parse.urlsplit(proxy.url)

    def post(_n: int) -> int:
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=10, source_address=("127.0.0.3", 0)
        )
        connection.request(
            "POST",
            "/en/test-action/",
            body="first_name=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        status = connection.getresponse().status
        connection.close()
        return status

    # Sixteen at a time, so the flood outruns the limit's refill (5 a second)
    # however long each answer takes on a slow machine.
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(post, range(120)))
    seconds = time.monotonic() - started

    assert seconds < 20
    assert statuses[:40].count(429) == 0  # the burst goes through
    assert 429 in statuses  # then the limit
    assert len(statuses) - statuses.count(429) <= 50 + 5 * seconds + 5  # burst + refill
    assert get(proxy.url, "127.0.0.1")[0] == 200  # everyone else reads on
