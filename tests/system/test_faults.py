"""Parts fail mid-traffic: no acknowledged signature is lost, and none gets two mails.

gunicorn behind nginx (deploy/nginx.conf), the mail worker, Redis through a
relay the test cuts, and an SMTP server on loopback, all real. While one
thread signs and another reads the public pages, the test cuts Redis, kills
the worker, and stops the mail server, then restores each.
"""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from signatures.models import Signature
from tests.system.relay import Relay
from tests.system.smtp import SMTPServer


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


@dataclass
class Traffic:
    site: str
    slug: str
    acknowledged: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    def get(self, opener, path: str) -> str:
        try:
            with opener.open(self.site + path, timeout=10) as response:
                self.statuses[path.rsplit("/", 1)[-1] or "page", response.status] += 1
                return response.read().decode()
        except urllib.error.HTTPError as error:
            self.statuses[path, error.code] += 1
            return ""

    def sign(self) -> None:
        n = 0
        while not self.stop.is_set():
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar), NoRedirect()
            )
            page = self.get(opener, f"/en/{self.slug}/")
            tokens = dict(re.findall(r'name="(started)" value="([^"]+)"', page))
            if not tokens:
                continue
            email = f"signer{n}@example.org"
            n += 1
            data = urllib.parse.urlencode(
                tokens
                | {
                    "first_name": "Ada",
                    "last_name": f"Number{n}",
                    "email": email,
                    "country": "DE",
                    "consent": "on",
                }
            ).encode()
            request = urllib.request.Request(self.site + f"/en/{self.slug}/", data=data)
            try:
                opener.open(request, timeout=10)
            except urllib.error.HTTPError as answer:
                self.statuses["sign", answer.code] += 1
                if answer.code == 302 and answer.headers["Location"].endswith("/thanks/"):
                    self.acknowledged.append(email)

    def read(self) -> None:
        opener = urllib.request.build_opener()
        while not self.stop.wait(0.05):
            self.get(opener, f"/{self.slug}/count.json")
            self.get(opener, f"/en/{self.slug}/")


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_no_acknowledged_signature_is_lost_when_redis_the_worker_or_smtp_fail(
    gunicorn, nginx, worker, make_campaign, settings
):
    campaign = make_campaign(slug="assange-faults")
    redis = Relay(6379)
    redis.up()
    smtp = SMTPServer().start()
    common = {
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/1",
        "CACHE_RETRY_SECONDS": "1",
        # A lease must outlast one send (12 replies at the timeout): 6 s here.
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=0.5",
        "MAIL_RETRY_SECONDS": "1",
        "TASK_LEASE_SECONDS": "3",
        # The killed worker may hold a claimed batch of mail: another takes it after this.
        "MAIL_LEASE_SECONDS": "7",
        "SIGN_MIN_FILL_SECONDS": "0",
        "SIGN_RATE_IP_HARD": "100000/h",
        "TRUSTED_PROXY_COUNT": "1",
    }
    proxy = nginx(gunicorn(workers=3, **common))
    first_worker = worker(**common)
    traffic = Traffic(proxy.url, campaign.slug)
    threads = [threading.Thread(target=t, daemon=True) for t in (traffic.sign, traffic.read)]
    for thread in threads:
        thread.start()

    try:
        time.sleep(3)
        redis.down()  # every Redis connection dropped, new ones refused
        time.sleep(5)
        redis.up()
        time.sleep(2)
        first_worker.kill()  # SIGKILL, perhaps mid-send
        time.sleep(1)
        worker(**common)
        time.sleep(2)
        smtp.stop()
        time.sleep(4)
        smtp = SMTPServer(smtp.port, smtp.inbox).start()  # back, same port, same inbox
        time.sleep(3)
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        redis.down()

    signed = traffic.acknowledged
    assert len(signed) > 50, traffic.statuses
    server_errors = {k: n for k, n in traffic.statuses.items() if k[1] >= 500}
    assert server_errors == {}
    stored = Counter(Signature.objects.values_list("email", flat=True))
    assert all(stored[email] == 1 for email in signed)

    def everyone_mailed() -> bool:
        return Signature.objects.filter(email__in=signed, emails_delivered__gte=1).count() == len(
            signed
        )

    try:
        assert wait_until(everyone_mailed, 60), "some acknowledged signatures got no mail"
        time.sleep(2)  # a duplicate, if any, would arrive now
    finally:
        smtp.stop()
    # One message each. SMTP cannot rule out a second delivery when the link
    # breaks between the server's "250" and our record of it (the worker was
    # killed, the server stopped): such a message is sent again with the same
    # Message-ID, which mail systems read as the same message.
    ids: dict[str, set[str]] = {email: set() for email in signed}
    for message in smtp.inbox.messages:
        ids.setdefault(message["To"], set()).add(message["Message-ID"])
    assert {email: len(ids[email]) for email in signed} == dict.fromkeys(signed, 1)
    resent = len(smtp.inbox.messages) - sum(len(found) for found in ids.values())
    assert resent <= 2, "more than the two cuts could explain"
