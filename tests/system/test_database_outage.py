"""The site under gunicorn while PostgreSQL goes away and comes back."""

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request

from django.db import connection


class Outage:
    """A TCP relay in front of PostgreSQL that can drop every connection and refuse new ones."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def up(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone does not.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()


def fetch(url: str) -> tuple[int, float, str]:
    started = time.monotonic()
    try:
        response = urllib.request.urlopen(url, timeout=15)
        status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, time.monotonic() - started, body


def test_requests_during_a_database_outage_get_503_and_the_site_recovers(gunicorn, make_campaign):
    campaign = make_campaign()
    db = connection.settings_dict
    outage = Outage(int(db["PORT"]))
    outage.up()
    url = gunicorn(
        workers=2,
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{outage.port}/{db['NAME']}",
        CAMPAIGN_CACHE_SECONDS="0",
    )
    page = url + campaign.get_absolute_url()
    assert fetch(page)[0] == 200

    outage.down()
    during = [fetch(page) for _ in range(6)] + [fetch(url + "/healthz")]
    assert [status for status, _s, _b in during] == [503] * 7
    assert max(seconds for _st, seconds, _b in during) < 5  # answered, never hung
    assert "Back in a moment" in during[0][2]

    outage.up()
    deadline = time.monotonic() + 20
    while fetch(page)[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover"
        time.sleep(0.2)
    assert fetch(url + "/healthz")[0] == 200
