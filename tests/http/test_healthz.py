"""/healthz: what a load balancer and an operator read about each dependency."""

from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures.handins import services as handins
from signatures.models import Signature
from tests import factories


def test_healthz_reports_each_dependency_by_ip_over_plain_http(client, db):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "mail_queue": {"status": "ok", "oldest_wait_seconds": 0},
    }


def test_without_the_cache_healthz_says_degraded_but_answers_200(client, db, cache_down):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cache"]) == ("degraded", "down")


def test_a_mail_queue_nobody_works_on_makes_healthz_say_late(client, campaign, settings):
    settings.MAIL_QUEUE_LATE_SECONDS = 60
    signature = factories.signature(campaign, Signature.State.PENDING)  # owes its mail
    Signature.objects.filter(pk=signature.pk).update(
        mail_due_at=timezone.now() - timedelta(minutes=5)
    )

    report = client.get("/healthz").json()

    assert report["status"] == "degraded"
    assert report["mail_queue"]["status"] == "late"
    assert 290 <= report["mail_queue"]["oldest_wait_seconds"] <= 310


def test_a_task_nobody_works_on_makes_healthz_say_late_too(client, campaign, settings):
    settings.MAIL_QUEUE_LATE_SECONDS = 60
    handins.make(campaign, "DE", None)  # queues a task for the worker
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))

    assert client.get("/healthz").json()["mail_queue"]["status"] == "late"


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    connection = connections["default"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = 1  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.settings_dict["PORT"] = port
        connection.close()
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down"}
