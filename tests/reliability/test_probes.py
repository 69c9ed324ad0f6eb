"""/healthz for the load balancer, /readyz that fails while migrations are unapplied, and the Dutch 503 page
instead of a traceback when the database is unreachable."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder

from portero import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_readiness(monkeypatch):
    monkeypatch.setattr(views, "_ready_since", None)


def test_healthz_checks_the_database_and_redis_when_configured(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected = {"status": "ok", "database": "ok"} | ({"redis": "ok"} if settings.REDIS_URL else {})
    assert response.json() == expected


def test_healthz_is_503_when_redis_is_configured_but_unreachable(client, settings, free_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "fout"


def test_readyz_is_ok_when_every_migration_is_applied(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_503_while_a_migration_is_unapplied(client):
    latest = MigrationRecorder.Migration.objects.filter(app="accounts").order_by("-id").first()
    latest.delete()  # as during a deploy: the new code runs, its migration has not been applied yet
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "fout", "migraties_niet_toegepast": 1}
    MigrationRecorder.Migration.objects.create(app=latest.app, name=latest.name)
    assert client.get("/readyz").status_code == 200


def test_a_database_error_gives_the_dutch_503_page_without_a_traceback(client_as, user_a):
    http = client_as(user_a)
    http.raise_request_exception = False
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed the connection")):
        response = http.get("/aanvragen/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Portero is even niet beschikbaar" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_other_errors_still_give_the_500_page(client_as, user_a):
    http = client_as(user_a)
    http.raise_request_exception = False
    with mock.patch("aanvragen.views.render", side_effect=ValueError("stuk")):
        response = http.get("/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
