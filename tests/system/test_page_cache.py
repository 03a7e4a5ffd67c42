"""nginx with deploy/nginx.conf keeps the campaign page as its Cache-Control allows."""

import gzip
import urllib.parse
import urllib.request

from django.utils import timezone

from signatures.models import Campaign, Signature
from tests.helpers import found


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def test_nginx_serves_the_campaign_page_from_its_cache_and_passes_posts_on(
    gunicorn, nginx, campaign
):
    site = gunicorn(CAMPAIGN_CACHE_SECONDS="0", CAMPAIGN_PAGE_MAX_AGE="60")
    proxy = nginx(site)
    path = campaign.get_absolute_url()
    first = urllib.request.urlopen(proxy.url + path).read()

    Campaign.objects.filter(pk=campaign.pk).update(title="Edited", updated_at=timezone.now())
    assert b"Edited" in urllib.request.urlopen(site + path).read()  # the site has the edit
    assert urllib.request.urlopen(proxy.url + path).read() == first  # nginx serves its copy
    packed = urllib.request.urlopen(
        urllib.request.Request(proxy.url + path, headers={"Accept-Encoding": "gzip"})
    )
    assert packed.headers["Content-Encoding"] == "gzip"
    assert b"Edited" in gzip.decompress(packed.read())  # a variant of its own, fetched fresh

    started = found(r'name="started" value="([^"]+)"', first.decode())
    form = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "country": "GB",
        "consent": "on",
        "started": started,
    }
    opener = urllib.request.build_opener(NoRedirect())
    try:
        opener.open(proxy.url + path, urllib.parse.urlencode(form).encode())
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
    assert Signature.objects.filter(email="ada@example.org").exists()
