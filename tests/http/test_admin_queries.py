"""The admin lists cost the same number of queries for one row as for many."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signatures.handins import services as handins
from signatures.models import Invalidation
from tests import factories


def queries_for(client, url: str) -> int:
    caches["local"].clear()  # each view from cold: the country filter's list is kept a while
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_rows(campaign, user, n: int) -> None:
    for i in range(n):
        country = ["DE", "FR", "ES", "IT", "PT", "NL"][i]
        factories.signature(campaign, country=country)
        factories.batch(campaign, country, user)
        Invalidation.objects.create(
            campaign=campaign, reason=f"wave {i}", country=country, created_by=user
        )


@pytest.mark.parametrize("model", ["signature", "invalidation", "batch", "campaign"])
def test_no_admin_list_column_runs_a_query_per_row(admin_client, admin_user, campaign, model):
    url = reverse(f"admin:signatures_{model}_changelist")
    add_rows(campaign, admin_user, 1)
    one_row = queries_for(admin_client, url)

    add_rows(campaign, admin_user, 5)

    assert queries_for(admin_client, url) == one_row


def test_the_campaign_batch_page_costs_the_same_for_one_batch_as_for_many(
    client, organiser, campaign, run_tasks
):
    client.force_login(organiser)
    page = reverse("admin:signatures_batch_campaign", args=[campaign.pk])

    def ready_batches(countries: list[str]) -> None:
        for country in countries:
            factories.signature(campaign, country=country)
        for country in countries:
            handins.make(campaign, country, None)
        run_tasks()

    ready_batches(["DE"])
    one = queries_for(client, page)
    ready_batches(["FR", "ES", "IT"])

    assert queries_for(client, page) == one
