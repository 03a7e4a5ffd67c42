import pytest
from django.urls import reverse


def test_count_json_is_cacheable_by_a_proxy(client, campaign, make_signatures):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    make_signatures(1, country="FR", confirm=False)

    response = client.get(f"/{campaign.slug}/count.json")

    assert response.json() == {
        "campaign": campaign.slug,
        "count": 3,
        "goal": campaign.goal,
        "hand_ins": [],
    }
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=30" in cache_control
    assert "stale-while-revalidate=60" in cache_control
    assert "stale-if-error=86400" in cache_control
    assert "Cookie" not in response.get("Vary", "")
    assert "Set-Cookie" not in response


def test_countries_json_lists_confirmed_signatures_per_country(client, campaign, make_signatures):
    make_signatures(2, country="DE")
    make_signatures(1, country="FR")
    data = client.get(f"/{campaign.slug}/countries.json").json()
    assert data["countries"] == {"DE": 2, "FR": 1}
    assert data["count"] == 3


def test_unknown_campaign_has_no_count(client, db):
    assert client.get("/nothing/count.json").status_code == 404


@pytest.mark.parametrize("name", ["count_json", "countries_json"])
def test_the_counts_vary_on_nothing_but_what_changes_their_body(client, campaign, name):
    for language in ["de", "ar"]:
        response = client.get(
            reverse(name, args=[campaign.slug]), headers={"Accept-Language": language}
        )
        assert response.status_code == 200
        assert "Accept-Language" not in response.get("Vary", "")
        assert "Cookie" not in response.get("Vary", "")


def test_robots_txt_does_not_vary_by_language(client):
    response = client.get("/robots.txt", headers={"Accept-Language": "de"})
    assert "Accept-Language" not in response.get("Vary", "")
