"""Two sites on their own hosts (BEHEER_HOST, AANVRAAG_HOST), the path prefixes without them, and links in
mails that point at the right host."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts import services as account_services
from portero.hosts import AANVRAAG, BEHEER, absolute_url
from tests.aanvragen.helpers import submitted_aanvraag
from tests.conftest import latest_sms_code, link_in_mail
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db
AANVRAAG_HOST = "aanvraag.example.nl"
BEHEER_HOST = "beheer.example.nl"


@pytest.fixture
def two_hosts(settings):
    settings.AANVRAAG_HOST = AANVRAAG_HOST
    settings.BEHEER_HOST = BEHEER_HOST
    settings.ALLOWED_HOSTS = [AANVRAAG_HOST, BEHEER_HOST, "testserver"]
    settings.PORTERO_URL_SCHEME = "https"


def get(http, host, path, **extra):
    return http.get(path, HTTP_HOST=host, **extra)


# --- Routing --------------------------------------------------------------------------------------------


def test_without_hosts_one_host_serves_both_sites_under_their_prefixes(client_as, admin_a):
    http = client_as(admin_a)
    assert http.get("/beheer/gebruikers/").status_code == 200
    assert http.get("/aanvragen/").status_code == 200
    assert "Gebruikers" in http.get("/beheer/").content.decode()


def test_beheer_host_serves_gebruikersbeheer_at_its_root(two_hosts, client_as, admin_a):
    http = client_as(admin_a)
    response = get(http, BEHEER_HOST, "/gebruikers/")
    assert response.status_code == 200
    assert admin_a.username in response.content.decode()
    assert response.resolver_match.namespace == "orgadmin"
    assert get(http, BEHEER_HOST, "/").resolver_match.url_name == "start"


def test_aanvraag_host_serves_the_aanvraag_site_at_its_root(two_hosts, client_as, user_a):
    response = get(client_as(user_a), AANVRAAG_HOST, "/aanvragen/")
    assert response.status_code == 200
    assert response.resolver_match.namespace == "aanvragen"


@pytest.mark.parametrize(
    ("host", "path", "target"),
    [
        (AANVRAAG_HOST, "/beheer/gebruikers/?q=jansen", f"https://{BEHEER_HOST}/gebruikers/?q=jansen"),
        (AANVRAAG_HOST, "/admin/accounts/user/", f"https://{BEHEER_HOST}/admin/accounts/user/"),
        (BEHEER_HOST, "/aanvraag/aanvragen/12/", f"https://{AANVRAAG_HOST}/aanvragen/12/"),
    ],
)
def test_the_other_sites_paths_redirect_to_its_host(two_hosts, client, host, path, target):
    response = get(client, host, path)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize(("host", "start"), [(BEHEER_HOST, "start"), (AANVRAAG_HOST, "home")])
def test_login_on_each_host_ends_on_that_hosts_start(two_hosts, client, admin_a, password, sms_outbox, host, start):
    data = {"portero_login_view-current_step": "auth", "auth-username": admin_a.username, "auth-password": password}
    client.post("/inloggen/", data, HTTP_HOST=host)
    code = {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(sms_outbox)}
    response = client.post("/inloggen/", code, HTTP_HOST=host, follow=True)
    assert response.resolver_match.url_name == start


def test_probes_answer_on_every_host(two_hosts, client):
    for host in (AANVRAAG_HOST, BEHEER_HOST, "testserver"):
        assert get(client, host, "/healthz").status_code == 200


def test_an_unknown_host_is_refused(two_hosts, client):
    assert get(client, "evil.example.com", "/").status_code == 400


def test_only_one_host_configured_is_refused(settings):
    settings.AANVRAAG_HOST = AANVRAAG_HOST
    settings.BEHEER_HOST = ""
    with pytest.raises(ImproperlyConfigured):
        absolute_url(AANVRAAG, "aanvragen:home")


# --- Links in mails and pages -------------------------------------------------------------------------


def test_absolute_url_follows_the_configuration(settings, two_hosts):
    assert absolute_url(BEHEER, "orgadmin:user_list") == f"https://{BEHEER_HOST}/gebruikers/"
    assert absolute_url(AANVRAAG, "aanvragen:detail", 7) == f"https://{AANVRAAG_HOST}/aanvragen/7/"
    settings.AANVRAAG_HOST = settings.BEHEER_HOST = ""
    settings.PORTERO_BASE_URL = "http://127.0.0.1:8000"
    assert absolute_url(BEHEER, "orgadmin:user_list") == "http://127.0.0.1:8000/beheer/gebruikers/"


def test_welcome_mail_of_a_user_added_on_the_beheer_host_links_the_aanvraag_host(
    two_hosts, client_as, admin_a, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin_a).post("/gebruikers/nieuw/", user_form_data(), HTTP_HOST=BEHEER_HOST)
    assert response.status_code == 302
    body = mail.outbox[-1].body
    link = link_in_mail(body)
    assert link.startswith(f"https://{AANVRAAG_HOST}/wachtwoord/instellen/")
    assert f"Aanvragen indienen: https://{AANVRAAG_HOST}/" in body
    assert BEHEER_HOST not in body  # not an organisation admin
    page = client.get(link.removeprefix(f"https://{AANVRAAG_HOST}"), HTTP_HOST=AANVRAAG_HOST, follow=True)
    assert "Wachtwoord instellen" in page.content.decode()
    added = client_as(admin_a).get(response["Location"], HTTP_HOST=BEHEER_HOST).content.decode()
    assert f"https://{AANVRAAG_HOST}/" in added  # 'Geef de nieuwe gebruiker ook het webadres'


def test_welcome_mail_of_an_org_admin_names_the_beheer_host(two_hosts, admin_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.password_link_send(user=admin_a, purpose="welcome")
    assert f"Gebruikersbeheer (als organisatiebeheerder): https://{BEHEER_HOST}/" in mail.outbox[-1].body


def test_reset_and_expiry_mails_link_to_the_aanvraag_host(two_hosts, user_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.password_link_request(username=user_a.username)
    assert link_in_mail(mail.outbox[-1].body).startswith(f"https://{AANVRAAG_HOST}/wachtwoord/instellen/")
    from accounts.tasks import send_password_expiry_warnings

    warned_at = timezone.now()
    type(user_a).objects.filter(pk=user_a.pk).update(password_expiry_warned_at=warned_at)
    send_password_expiry_warnings.delay(warned_at.isoformat())
    assert f"https://{AANVRAAG_HOST}/wachtwoord/aanvragen/" in mail.outbox[-1].body


def test_receipt_mail_links_the_application_on_the_aanvraag_host(
    two_hosts, user_a, org_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    type(org_a).objects.filter(pk=org_a.pk).update(contract_start="2020-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        aanvraag = submitted_aanvraag(user_a)
    assert f"https://{AANVRAAG_HOST}/aanvragen/{aanvraag.pk}/" in mail.outbox[-1].body
