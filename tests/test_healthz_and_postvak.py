import pytest
from django.test import override_settings
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login_and_checks_the_database(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    if settings.REDIS_URL:
        assert response.json()["redis"] == "ok"


def test_healthz_reports_a_broken_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fout", "database": "ok", "redis": "fout"}


@pytest.fixture
def debug_urls(settings):
    """/dev/postvak/ only exists with DEBUG on; reload the URLconf with it."""
    import importlib

    import portero.urls

    settings.DEBUG = True
    importlib.reload(portero.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portero.urls)
    clear_url_caches()


def test_postvak_does_not_exist_without_debug(client):
    assert client.get("/dev/postvak/").status_code in (302, 404)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
def test_postvak_lists_sms_codes_and_mails_with_clickable_links(
    debug_urls, client, user_a, password, sms_outbox, settings, tmp_path, django_capture_on_commit_callbacks
):
    from accounts import services

    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with django_capture_on_commit_callbacks(execute=True):
        services.password_link_send(user=user_a, purpose="reset")
    client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": user_a.username, "auth-password": password},
    )
    page = client.get("/dev/postvak/").content.decode()
    assert "Uw Portero-verificatiecode is" in page
    assert user_a.mobile.as_e164 in page
    assert "Portero: nieuw wachtwoord instellen" in page
    assert '<a href="http://127.0.0.1:8000/wachtwoord/instellen/' in page
