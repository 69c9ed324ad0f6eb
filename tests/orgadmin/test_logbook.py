"""'Logboek': the organisation's own audit trail, newest first, its filters (never typed text or a BSN in the URL),
pagination, scoping and query budget."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import audit_log
from accounts.models import AuditEvent
from accounts.services.passwords import password_link_send
from accounts.services.phone import phone_change_password_check
from orgadmin import services
from tests.conftest import password_step, two_factor_login
from tests.factories import UserFactory
from tests.orgadmin.conftest import user_form_data
from tests.orgadmin.import_files import person
from tests.orgadmin.test_user_import import confirm, upload

pytestmark = pytest.mark.django_db
LOGBOOK = reverse("orgadmin:logbook")
AMS = ZoneInfo("Europe/Amsterdam")


def rows(response) -> list[str]:
    """Each row's cells as one line of text."""
    html = response.content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    if not body:
        return []
    lines = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        text = re.sub(r"<[^>]+>", " ", row)
        lines.append(" ".join(text.split()))
    return lines


def test_changes_of_own_users_show_who_what_where_and_old_to_new(admin_client, admin_a, user_a):
    data = user_form_data(first_name="Bram", last_name="Jansen-Smit", email=user_a.email, initials=user_a.initials)
    services.user_update(admin=admin_a, user=user_a, data=data)
    (row,) = [line for line in rows(admin_client.get(LOGBOOK)) if "account gewijzigd" in line]
    assert "Anna Dijkstra (beheerdera)" in row and "(gebruikera)" in row
    assert "achternaam: Jansen → wordt Jansen-Smit" in row


def test_newest_first_with_date_actor_target_and_address(admin_client, admin_a, user_a):
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=AMS), tick=False):
        audit_log(AuditEvent.Action.PASSWORD_SET, actor=user_a, target=user_a)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=AMS), tick=False):
        AuditEvent.objects.create(
            action=AuditEvent.Action.USER_DELETED, actor=admin_a, target=user_a, organisation_id=user_a.organisation_id,
            ip_address="192.0.2.7",
        )  # fmt: skip
    lines = rows(admin_client.get(LOGBOOK))
    assert (
        lines[-2]
        == "02-03-2026 09:00:00 account verwijderd Anna Dijkstra (beheerdera) Bram Jansen (gebruikera) 192.0.2.7"
    )
    assert lines[-1].startswith("01-03-2026 09:00:00 wachtwoord ingesteld Bram Jansen (gebruikera)")


def test_logins_failed_logins_and_lockouts_of_its_users_are_in_it(
    admin_client, org_a, user_a, password, sms_outbox, settings
):
    colleague = UserFactory(organisation=org_a, username="collega", first_name="Cor", last_name="Lega")
    two_factor_login(Client(), colleague.username, password, sms_outbox)
    stranger = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        password_step(stranger, user_a.username, "verkeerd-wachtwoord")
    actions = [line.split(" ", 2)[2] for line in rows(admin_client.get(LOGBOOK))]
    assert "ingelogd Cor Lega (collega) Cor Lega (collega)" in [a.rsplit(" ", 1)[0] for a in actions]
    failed = [a for a in actions if a.startswith("inloggen mislukt Niet vastgelegd Bram Jansen (gebruikera)")]
    assert len(failed) == settings.AXES_FAILURE_LIMIT
    assert any(
        a.startswith("geblokkeerd na te veel pogingen Niet vastgelegd Bram Jansen (gebruikera)") for a in actions
    )


def test_ciz_staff_acting_on_its_users_are_in_it_by_role_not_by_name(admin_client, staff, user_a):
    audit_log(
        AuditEvent.Action.USER_CHANGED, actor=staff, target=user_a, changes={"email": {"before": "a", "after": "b"}}
    )
    (row,) = [line for line in rows(admin_client.get(LOGBOOK)) if "account gewijzigd" in line]
    assert "CIZ-medewerker" in row and staff.username not in row and staff.last_name not in row


def test_another_organisations_admin_sees_none_of_it(client_as, admin_a, user_a, admin_b):
    services.user_delete(admin=admin_a, user=user_a, reason="Uit dienst")
    audit_log(AuditEvent.Action.PASSWORD_SET, actor=admin_b, target=admin_b)
    response = client_as(admin_b).get(LOGBOOK)
    text = response.content.decode()
    assert "gebruikera" not in text and "beheerdera" not in text and "Uit dienst" not in text
    shown = rows(response)
    assert shown and all("Zorggroep B" not in line for line in shown)
    own = AuditEvent.objects.filter(organisation_id=admin_b.organisation_id).count()
    assert len(shown) == own


def test_another_organisations_user_id_in_the_url_shows_nothing(admin_client, admin_a, admin_b):
    audit_log(AuditEvent.Action.USER_CHANGED, actor=admin_b, target=admin_b, changes={})
    response = admin_client.get(LOGBOOK, {"gebruiker": admin_b.pk})
    assert response.status_code == 200 and rows(response) == []
    assert admin_b.username not in response.content.decode()


def test_no_password_code_or_token_is_shown_and_a_bsn_is_masked(admin_client, admin_a, user_a):
    audit_log(
        AuditEvent.Action.USER_CHANGED,
        actor=admin_a,
        target=user_a,
        changes={
            "password": {"before": "oud-Geheim1", "after": "nieuw-Geheim2"},
            "uzi_number": {"before": "", "after": "123456782"},
        },
        token="abc-token-xyz",
        sms_code="123987",
        note="BSN 123456782 genoemd",
    )
    text = admin_client.get(LOGBOOK).content.decode()
    for secret in ("oud-Geheim1", "nieuw-Geheim2", "abc-token-xyz", "123987", "123456782"):
        assert secret not in text
    assert "******782" in text


def post_filter(http, **data):
    return http.post(LOGBOOK, {"gebruiker": "", "actie": "", "van": "", "tot": "", **data})


def test_the_user_filter_is_posted_and_the_url_holds_only_the_accounts_id(admin_client, admin_a, user_a):
    services.user_update(admin=admin_a, user=user_a, data=user_form_data(email=user_a.email, last_name="Anders"))
    response = post_filter(admin_client, gebruiker="GEBRUIKERA")
    assert response.status_code == 302 and response["Location"] == f"{LOGBOOK}?gebruiker={user_a.pk}"
    response = post_filter(admin_client, gebruiker=user_a.email)
    assert response["Location"] == f"{LOGBOOK}?gebruiker={user_a.pk}"
    page = admin_client.get(response["Location"])
    lines = rows(page)
    assert lines and all("(gebruikera)" in line for line in lines)
    assert 'value="gebruikera"' in page.content.decode()  # the filter shows whom it is for


@pytest.mark.parametrize("typed", ["123456782", "1234 56 782"])
def test_a_bsn_typed_in_the_user_filter_is_refused_and_never_reaches_a_url(admin_client, typed):
    response = post_filter(admin_client, gebruiker=typed)
    assert response.status_code == 200
    assert "Een BSN hoort hier niet." in response.content.decode()


def test_an_unknown_or_foreign_user_is_told_and_not_put_in_the_url(admin_client, admin_b):
    response = post_filter(admin_client, gebruiker=admin_b.username)
    assert response.status_code == 200
    assert "Uw organisatie heeft geen gebruiker met deze inlognaam of dit e-mailadres." in response.content.decode()


def test_filter_by_action_and_by_period_in_dutch_days_both_ends_included(admin_client, admin_a, user_a):
    moments = [
        datetime(2026, 2, 28, 23, 59, 59, tzinfo=AMS),
        datetime(2026, 3, 1, 0, 0, tzinfo=AMS),
        datetime(2026, 3, 2, 23, 59, 59, tzinfo=AMS),
        datetime(2026, 3, 3, 0, 0, tzinfo=AMS),
    ]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            audit_log(AuditEvent.Action.PASSWORD_SET, actor=user_a, target=user_a)
    response = post_filter(admin_client, actie="password_set", van="2026-03-01", tot="2026-03-02")
    assert response["Location"] == f"{LOGBOOK}?actie=password_set&van=2026-03-01&tot=2026-03-02"
    lines = rows(admin_client.get(response["Location"]))
    assert [line[:19] for line in lines] == ["02-03-2026 23:59:59", "01-03-2026 00:00:00"]
    response = post_filter(admin_client, van="2026-03-03", tot="2026-03-01")
    assert response.status_code == 200 and "Deze datum ligt vóór de datum bij" in response.content.decode()


def test_every_declared_action_can_be_chosen(admin_client):
    from accounts.audit import action_choices

    html = admin_client.get(LOGBOOK).content.decode()
    for value, _label in action_choices():
        assert f'value="{value}"' in html


def test_paginated_fifty_a_page(admin_client, admin_a, user_a):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="password_set", actor=user_a, target=user_a, organisation_id=user_a.organisation_id)
        for _i in range(120)
    )
    assert len(rows(admin_client.get(LOGBOOK))) == 50
    assert (
        len(rows(admin_client.get(LOGBOOK, {"pagina": 3})))
        == AuditEvent.objects.filter(organisation_id=admin_a.organisation_id).count() - 100
    )


def test_the_query_count_does_not_grow_with_the_rows(admin_client, admin_a, org_a):
    people = [UserFactory(organisation=org_a, mobile="") for _i in range(5)]

    def add(count):
        AuditEvent.objects.bulk_create(
            AuditEvent(action="user_changed", actor=admin_a, target=people[i % 5], organisation_id=org_a.pk)
            for i in range(count)
        )

    add(3)
    admin_client.get(LOGBOOK)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(LOGBOOK, {"gebruiker": people[0].pk})
    add(200)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(LOGBOOK, {"gebruiker": people[0].pk})
    assert len(rows(response)) == 41  # of people[0]: 1 of the first 3, 40 of the next 200
    assert len(large) == len(small) <= 10


def test_only_org_admins_open_it(client_as, user_a):
    assert client_as(user_a).get(LOGBOOK).status_code == 403


def test_the_logbook_is_in_the_beheer_menu(admin_client):
    html = admin_client.get(LOGBOOK).content.decode()
    assert f'<a href="{LOGBOOK}" aria-current="page">Logboek</a>' in html


def test_the_page_is_read_through_the_organisation_index_newest_first(admin_a):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    index = constraints["audit_org_created_idx"]
    assert index["columns"] == ["organisation_id", "created_at", "id"]
    if connection.vendor == "postgresql":
        from orgadmin.selectors import audit_events_for_admin

        with connection.cursor() as cursor:
            # A test's few rows are cheaper to sort than to walk by index: the question is whether the index gives
            # the page's order, so sorting and scanning the table are made the planner's last resort.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            events = audit_events_for_admin(admin=admin_a).select_related(None)[:50]
            sql, params = events.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 - the ORM's own SQL
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "audit_org_created_idx" in plan and "Sort" not in plan  # the index's order is the page's


def test_the_count_stops_at_its_limit_and_says_so(admin_client, admin_a, user_a, monkeypatch):
    from orgadmin import logbook

    monkeypatch.setattr(logbook, "EVENTS_LIMIT", 60)
    AuditEvent.objects.bulk_create(
        AuditEvent(action="password_set", actor=user_a, target=user_a, organisation_id=user_a.organisation_id)
        for _i in range(70)
    )
    first = admin_client.get(LOGBOOK)
    assert "Meer dan 60 gebeurtenissen gevonden." in first.content.decode() and len(rows(first)) == 50
    assert len(rows(admin_client.get(LOGBOOK, {"pagina": 2}))) == 10
    assert len(rows(admin_client.get(LOGBOOK, {"pagina": 3}))) == 10  # no page beyond the limit: the last one


def test_an_imports_accounts_are_marked_with_the_file_and_every_detail_is_labelled_in_dutch(
    admin_client, admin_a, django_capture_on_commit_callbacks
):
    user_import = upload(admin_a, [person(1)], django_capture_on_commit_callbacks)
    confirm(admin_a, user_import, django_capture_on_commit_callbacks)
    lines = rows(admin_client.get(LOGBOOK))
    (created,) = [line for line in lines if "account aangemaakt" in line]
    assert "geïmporteerd uit: personeel.csv" in created
    (started,) = [line for line in lines if "import van gebruikers gestart" in line]
    assert "bestand: personeel.csv" in started and "rijen: 1" in started and "wordt aangemaakt: 1" in started
    (finished,) = [line for line in lines if "import van gebruikers afgerond" in line]
    assert "aangemaakt: 1" in finished and "geweigerd: 0" in finished
    english = re.compile(r"\b(file name|rows|planned|user import|create|created|refused|unchanged|changed|error)\b")
    assert not [line for line in lines if english.search(line)]  # no detail under its code's English name


def test_the_codes_of_steps_reasons_purposes_and_kinds_are_shown_in_dutch(admin_client, user_a):
    phone_change_password_check(user=user_a, raw_password="niet het wachtwoord")
    password_link_send(user=user_a, purpose="welcome")
    audit_log(AuditEvent.Action.FACTOR_FAILED, actor=user_a, target=user_a, kind="totp", reason="confirm_stale")
    lines = rows(admin_client.get(LOGBOOK))
    assert any("stap: wachtwoord onjuist" in line for line in lines), lines
    assert any("doel: welkomstmail" in line for line in lines), lines
    assert any("soort: Authenticator-app" in line and "reden: QR-code verlopen" in line for line in lines), lines
    assert not [line for line in lines if re.search(r"password_wrong|welcome|totp|confirm_stale", line)]
