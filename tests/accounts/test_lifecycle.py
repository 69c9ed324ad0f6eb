"""Set-password links, expiry, idle accounts and the nightly jobs, with time travel at the exact boundaries."""

import smtplib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.forms import LOGIN_FAILED_MESSAGE
from accounts.models import AuditEvent, User
from tests.conftest import link_in_mail, password_step, request_password_link
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
NEW = "Qx7#Bw9!Zt4k"


def set_password_via(client, link, password=NEW):
    response = client.get(link, follow=True)
    if "Deze link werkt niet meer" in response.content.decode():
        return response
    return client.post(response.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


# --- 'Wachtwoord aanvragen' and the link --------------------------------------------------------------


def test_request_gives_the_same_answer_for_existing_inactive_and_unknown_names(
    client, user_a, org_a, django_capture_on_commit_callbacks
):
    gone = UserFactory(organisation=org_a)
    services.user_deactivate_idle(user=gone)
    answers = []
    for username in (user_a.username, gone.username, "onbekend"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/wachtwoord/aanvragen/", {"username": username}, follow=True)
        answers.append((response.status_code, response.redirect_chain, response.content))
    assert answers[0] == answers[1] == answers[2]
    assert [message.to for message in mail.outbox] == [[user_a.email]]


def test_requests_are_rate_limited_per_login_name_and_per_address(
    client, user_a, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            client.post("/wachtwoord/aanvragen/", {"username": user_a.username})
    assert len(mail.outbox) == 5  # per login name per hour
    # per address: sized for a whole organisation behind one address (docs/SECURITY.md), exactly at its limit
    per_address = settings.PORTERO_PASSWORD_REQUEST_LIMITS["per_address"]["limit"]
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, 1, tzinfo=ZoneInfo("UTC")), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(per_address + 5):
                client.post("/wachtwoord/aanvragen/", {"username": f"iemand{n}"}, REMOTE_ADDR="10.9.9.9")
    refused = AuditEvent.objects.filter(action="password_link_refused", detail__rate_limited=True)
    assert refused.count() == 2 + 5


def test_link_is_valid_8_hours_to_the_second(client, user_a, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + timedelta(hours=8), tick=False):
        assert "Wachtwoord instellen" in client.get(link, follow=True).content.decode()
    with time_machine.travel(T0 + timedelta(hours=8, seconds=1), tick=False):
        assert "Deze link werkt niet meer" in client.get(link, follow=True).content.decode()


def test_link_works_once(client, user_a, django_capture_on_commit_callbacks):
    link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    assert set_password_via(client, link).status_code == 302
    response = client.get(link, follow=True)
    assert "Deze link werkt niet meer" in response.content.decode()
    assert "Nieuwe link aanvragen" in response.content.decode()


def test_a_new_request_makes_older_links_invalid(client, user_a, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        first = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        second = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
        assert "Deze link werkt niet meer" in client.get(first, follow=True).content.decode()
        assert set_password_via(client, second).status_code == 302


def test_set_password_page_lists_every_failed_rule_next_to_the_field(
    client, user_a, django_capture_on_commit_callbacks
):
    link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    page = set_password_via(client, link, password="abc").content.decode()
    assert "te kort" in page and "minimaal 3 van deze 4 groepen" in page
    assert 'id="id_new_password1_error"' in page


# --- Password validity -------------------------------------------------------------------------------


@pytest.fixture
def expiring(org_a):
    return UserFactory(organisation=org_a, password_changed_at=T0, last_login=T0)


def test_password_valid_until_3_months_after_it_was_set(client, expiring, password):
    expires = T0 + relativedelta(months=3)
    with time_machine.travel(expires - timedelta(seconds=1), tick=False):
        response = password_step(client, expiring.username, password)
        assert "verlopen" not in response.content.decode()
        assert "Code uit de sms" in response.content.decode()
    client.cookies.clear()
    with time_machine.travel(expires, tick=False):
        response = password_step(client, expiring.username, password)
        page = response.content.decode()
        assert "Uw wachtwoord is verlopen" in page
        assert "Code uit de sms" not in page


def test_expired_password_offers_the_mailed_renewal_link(
    client, expiring, password, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0 + relativedelta(months=4), tick=False):
        assert "Stuur mij een link" in password_step(client, expiring.username, password).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/wachtwoord/vernieuwen/")
        assert "Link verstuurd" in response.content.decode()
        assert mail.outbox[-1].to == [expiring.email]
        assert set_password_via(client, link_in_mail(mail.outbox[-1].body)).status_code == 302
        expiring.refresh_from_db()
        assert expiring.password_changed_at == T0 + relativedelta(months=4)


def test_renewal_without_a_proven_expired_login_sends_nothing(client, expiring):
    response = client.post("/wachtwoord/vernieuwen/")
    assert response.status_code == 302
    assert response["Location"] == "/wachtwoord/aanvragen/"
    assert mail.outbox == []


def test_warning_shows_from_2_weeks_before_expiry(client, client_as, expiring):
    expires = T0 + relativedelta(months=3)
    with time_machine.travel(expires - timedelta(days=14, seconds=1), tick=False):
        client_as(expiring)
        assert "Uw wachtwoord verloopt op" not in client.get("/").content.decode()
    with time_machine.travel(expires - timedelta(days=14), tick=False):
        page = client.get("/").content.decode()
        assert "Uw wachtwoord verloopt op 2 juni 2026" in page
        assert "Stuur mij een link voor een nieuw wachtwoord" in page


def test_warning_button_mails_a_renewal_link(client, client_as, expiring, django_capture_on_commit_callbacks):
    with time_machine.travel(T0 + relativedelta(months=3) - timedelta(days=3), tick=False):
        client_as(expiring)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/wachtwoord/vernieuwen/")
    assert mail.outbox[-1].subject == "Portero: vernieuw uw wachtwoord"


# --- Idle accounts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_login", [True, False], ids=["last-login", "never-logged-in"])
def test_idle_for_6_months_is_refused_at_login_to_the_second(client, org_a, password, with_login):
    user = UserFactory(organisation=org_a, last_login=T0 if with_login else None, date_joined=T0)
    with time_machine.travel(T0 + relativedelta(months=6) - timedelta(seconds=1), tick=False):
        assert "Code uit de sms" in password_step(client, user.username, password).content.decode()
    client.cookies.clear()
    with time_machine.travel(T0 + relativedelta(months=6), tick=False):
        page = password_step(client, user.username, password).content.decode()
    assert "inactief gemaakt" in page and "organisatiebeheerder" in page
    user.refresh_from_db()
    assert user.deactivated_at is not None
    assert AuditEvent.objects.filter(action="user_deactivated", target=user).count() == 1


def test_inactive_org_admin_is_told_to_mail_contractbeheer(client, admin_a, password):
    services.user_deactivate_idle(user=admin_a)
    page = password_step(client, admin_a.username, password).content.decode()
    assert "contractbeheer@ciz.nl" in page


def test_inactive_message_needs_the_right_password(client, user_a):
    services.user_deactivate_idle(user=user_a)
    page = password_step(client, user_a.username, "Verkeerd#123").content.decode()
    assert "inactief" not in page
    assert str(LOGIN_FAILED_MESSAGE) in page


def test_sessions_of_deactivated_accounts_end(client, client_as, user_a):
    client_as(user_a)
    assert client.get("/").status_code == 200
    services.user_deactivate_idle(user=user_a)
    assert client.get("/").status_code == 302


def test_admin_cannot_reactivate_an_account(client, client_as, staff, user_a):
    services.user_deactivate_idle(user=user_a)
    client_as(staff)
    url = f"/admin/accounts/user/{user_a.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="deactivated_at"' not in page
    client.post(url, {"deactivated_at": "", "deactivation_reason": "", "is_staff": "", "groups": []})
    user_a.refresh_from_db()
    assert user_a.deactivated_at is not None
    assert not client.get(f"/admin/accounts/user/{user_a.pk}/delete/").status_code == 200


# --- Nightly jobs -------------------------------------------------------------------------------------------


def make_users(org, count, **fields):
    return [UserFactory(organisation=org, **fields) for _ in range(count)]


def test_deactivate_idle_accounts_at_the_boundary_idempotent_and_audited(org_a):
    cutoff_moment = T0 + relativedelta(months=6)
    idle = UserFactory(organisation=org_a, last_login=T0)
    fresh = UserFactory(organisation=org_a, last_login=T0 + timedelta(seconds=1))
    never = UserFactory(organisation=org_a, last_login=None, date_joined=T0)
    with time_machine.travel(cutoff_moment, tick=False):
        call_command("deactivate_idle_accounts", stdout=open("/dev/null", "w"))
        assert services.idle_accounts_deactivate() == 0  # second run changes nothing
    assert set(User.objects.filter(deactivated_at__isnull=False)) == {idle, never}
    assert fresh.is_active
    assert AuditEvent.objects.filter(action="user_deactivated").count() == 2


def test_expire_passwords_marks_expired_and_warns_once_per_period(org_a, django_capture_on_commit_callbacks):
    expired = UserFactory(organisation=org_a, password_changed_at=T0)
    warned = UserFactory(organisation=org_a, password_changed_at=T0 + timedelta(days=10))
    fine = UserFactory(organisation=org_a, password_changed_at=T0 + timedelta(days=40))
    now = T0 + relativedelta(months=3)
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.passwords_expire() == (1, 1)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.passwords_expire() == (0, 0)
    assert [m.to for m in mail.outbox] == [[warned.email]]
    assert "verloopt op" in mail.outbox[0].body
    for user in (expired, warned, fine):
        user.refresh_from_db()
    assert expired.password_expired_at == now and warned.password_expiry_warned_at == now
    assert fine.password_expired_at is None and fine.password_expiry_warned_at is None
    services.password_set(user=warned, raw_password=NEW)
    warned.refresh_from_db()
    assert warned.password_expiry_warned_at is None  # a new period can be warned again


def audit_rows(action):
    events = AuditEvent.objects.filter(action=action)
    return sorted(events.values_list("target_id", "organisation_id", "detail", "created_at", "actor_id", "ip_address"))


def test_nightly_jobs_write_one_audit_event_per_changed_account_with_its_organisation(org_a, org_b):
    """The jobs write the audit rows in the database (INSERT ... SELECT): each changed account exactly once, with
    its own organisation (none for CIZ staff), and none for an account the job leaves alone."""
    old = {"last_login": T0 - relativedelta(months=7), "password_changed_at": T0 - relativedelta(months=4)}
    changed = [UserFactory(organisation=org_a, **old), UserFactory(organisation=org_b, **old), StaffFactory(**old)]
    UserFactory(organisation=org_a, **old, deleted_at=T0 - timedelta(days=1))
    UserFactory(organisation=org_b, last_login=T0, password_changed_at=T0)
    expected = sorted((user.pk, user.organisation_id) for user in changed)
    with time_machine.travel(T0, tick=False):
        assert services.passwords_expire() == (3, 0)
        assert services.idle_accounts_deactivate() == 3
    reason = {"reason": services.IDLE_REASON, "by": "nachtelijke taak"}
    assert audit_rows("password_expired") == [(pk, org, {}, T0, None, None) for pk, org in expected]
    assert audit_rows("user_deactivated") == [(pk, org, reason, T0, None, None) for pk, org in expected]


def warn_tonight(org, count):
    """`count` accounts the expiry job warns at T0, with the moment its mail task is queued with."""
    users = make_users(org, count, password_changed_at=T0 - relativedelta(months=3) + timedelta(days=5))
    with time_machine.travel(T0, tick=False):
        assert services.passwords_expire() == (0, count)
    return users, timezone.localtime(T0).isoformat()


def test_expiry_warning_mails_only_accounts_still_warned_and_active(org_a, django_capture_on_commit_callbacks):
    """The mail task selects the accounts by the moment the job marked them: one that set a new password or was
    deactivated before the mail went out gets none, and an account marked at another moment gets none."""
    UserFactory(organisation=org_a, password_expiry_warned_at=T0 - timedelta(days=1))  # another night's
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (warned, renewed, gone), _moment = warn_tonight(org_a, 3)
    services.password_set(user=renewed, raw_password=NEW)
    services.user_deactivate_idle(user=gone)
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[warned.email]]


def test_an_id_list_queued_before_the_deploy_is_still_mailed(org_a):
    """The task took an id list before it took the job's moment: such a message, still in the queue or retrying
    at the deploy, is mailed to those of its accounts that are still warned and active."""
    from accounts.tasks import send_password_expiry_warnings

    never_warned = UserFactory(organisation=org_a)
    (warned, gone), _moment = warn_tonight(org_a, 2)
    services.user_deactivate_idle(user=gone)
    send_password_expiry_warnings([warned.pk, gone.pk, never_warned.pk])
    assert [message.to for message in mail.outbox] == [[warned.email]]


def test_expiry_warning_mails_after_an_smtp_failure_halfway_go_once_to_each(org_a, monkeypatch, settings):
    """SMTP drops the connection at the third mail: the task retries (MailTask) and mails the third and later
    accounts, not the first two again."""
    from accounts import tasks

    settings.CELERY_TASK_EAGER_PROPAGATES = False
    users, moment = warn_tonight(org_a, 5)
    real_send, calls = tasks.send_mail, []

    def flaky_send(subject, body, sender, recipients):
        calls.append(recipients)
        if len(calls) == 3:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real_send(subject, body, sender, recipients)

    monkeypatch.setattr(tasks, "send_mail", flaky_send)
    tasks.send_password_expiry_warnings.delay(moment)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in users)
    assert len(calls) == 6  # five mails and the one attempt that failed
    assert not User.objects.filter(password_expiry_mailed_at__isnull=True, pk__in=[u.pk for u in users]).exists()
    tasks.send_password_expiry_warnings.delay(moment)  # the same message delivered twice (acks_late)
    assert len(mail.outbox) == 5


def test_a_large_night_of_expiry_warnings_is_mailed_in_batches_and_in_runs_that_queue_the_rest(
    org_a, monkeypatch, settings
):
    """Accounts are read a batch at a time; a run past its time queues the rest as a new run (each run then within
    the task time limit). Here every run's time is up after one mail."""
    from accounts import tasks

    monkeypatch.setattr(tasks, "EXPIRY_MAIL_BATCH", 2)
    users, moment = warn_tonight(org_a, 5)
    tasks.send_password_expiry_warnings.delay(moment)  # all in one run: three batches of 2, 2 and 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in users)

    mail.outbox.clear()
    User.objects.filter(pk__in=[user.pk for user in users]).update(password_expiry_mailed_at=None)
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 0  # the run's share of it is up after its first mail
    runs = []
    real_run = tasks.send_password_expiry_warnings.run
    monkeypatch.setattr(tasks.send_password_expiry_warnings, "run", lambda at: runs.append(at) or real_run(at))
    tasks.send_password_expiry_warnings.delay(moment)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in users)
    assert runs == [moment] * 6  # one mail a run, then a sixth run that finds none left


def test_a_new_password_clears_the_warning_and_its_mail_so_the_next_period_is_mailed_again(org_a):
    from accounts.tasks import send_password_expiry_warnings

    (user,), moment = warn_tonight(org_a, 1)
    send_password_expiry_warnings.delay(moment)
    user.refresh_from_db()
    assert user.password_expiry_mailed_at is not None
    services.password_set(user=user, raw_password=NEW)
    user.refresh_from_db()
    assert (user.password_expiry_warned_at, user.password_expiry_mailed_at) == (None, None)
    next_warning = user.password_changed_at + relativedelta(months=3) - timedelta(days=5)
    with time_machine.travel(next_warning, tick=False):
        assert services.passwords_expire() == (0, 1)
        send_password_expiry_warnings.delay(timezone.localtime().isoformat())
    assert [message.to for message in mail.outbox] == [[user.email]] * 2


@pytest.mark.parametrize("job", [services.idle_accounts_deactivate, services.passwords_expire])
def test_nightly_jobs_issue_a_constant_number_of_queries(org_a, job):
    def count(n, moment):
        make_users(
            org_a, n, last_login=moment - relativedelta(months=7), password_changed_at=moment - relativedelta(months=4)
        )
        with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as ctx:
            job()
        return len(ctx.captured_queries)

    # each round only finds its own new users: the earlier ones were handled by the previous round
    assert count(3, T0) == count(30, T0 + relativedelta(years=1))


def test_the_management_commands_run_the_same_services(org_a):
    from io import StringIO

    UserFactory(organisation=org_a, password_changed_at=T0, last_login=T0)
    out = StringIO()
    with time_machine.travel(T0 + relativedelta(months=3), tick=False):
        call_command("expire_passwords", stdout=out)
    with time_machine.travel(T0 + relativedelta(months=6), tick=False):
        call_command("deactivate_idle_accounts", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 wachtwoord(en) verlopen, 0 waarschuwing(en) verstuurd.",
        "1 account(s) inactief gemaakt.",
    ]
