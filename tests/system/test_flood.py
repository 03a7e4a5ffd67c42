"""A flood from one client is stopped across gunicorn workers, whatever it claims."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

from signatures.models import Signature
from tests.helpers import found


def test_flood_from_one_client_is_stopped_across_workers(gunicorn, make_campaign):
    campaign = make_campaign()
    url = (
        gunicorn(
            workers=4,
            SIGN_RATE_IP_SOFT="100/h",
            SIGN_RATE_IP_HARD="6/h",
            SIGN_MIN_FILL_SECONDS="0",
        )
        + campaign.get_absolute_url()
    )
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    page = opener.open(url).read().decode()
    started = found(r'name="started" value="([^"]+)"', page)

    statuses = []
    for n in range(20):
        body = urllib.parse.urlencode(
            {
                "started": started,
                "first_name": "Flood",
                "last_name": f"Bot{n}",
                "email": f"bot{n}@example.org",
                "country": "DE",
                "consent": "on",
            }
        ).encode()
        request = urllib.request.Request(
            url,
            data=body,
            headers={
                "X-Forwarded-For": f"10.1.{n}.1",
                "Connection": "close",
            },
        )
        try:
            statuses.append(opener.open(request).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    assert statuses.count(302) == 6
    assert statuses.count(429) == 14
    assert Signature.objects.filter(campaign=campaign).count() == 6


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
