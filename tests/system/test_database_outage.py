"""The site under gunicorn while PostgreSQL goes away and comes back."""

import time
import urllib.error
import urllib.request

from django.db import connection

from tests.system.relay import Relay


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
    outage = Relay(int(db["PORT"]))
    outage.up()
    url = gunicorn(
        workers=2,
        DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{outage.port}/{db['NAME']}",
        # Every page view asks the database, as no process copy answers for it.
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
