"""Static files as production serves them: collected, through WhiteNoise under gunicorn."""

import urllib.request


def test_static_files_carry_the_security_headers(gunicorn):
    site = gunicorn(workers=1)

    response = urllib.request.urlopen(site + "/static/css/site.css")

    assert response.status == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
