"""Spot checks on consents in the CIZ admin: the sample, the request mail, the findings, the sanction policy
(the CIZ's sanctiebeleid for careless use and misuse) with suspension at login, the audit trail and who may reach it."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from aanvragen import selectors
from aanvragen.choices import AccessAction, ConsentGivenBy, ConsentKind
from aanvragen.models import AccessLogEntry, ClientConsent, OrganisationSanction, SpotCheck, SpotCheckItem
from aanvragen.services.clients import bsn_mask, consent_record
from aanvragen.services.steekproeven import (
    SPOT_CHECK_OUTCOME_RECORDED,
    organisation_suspend,
    organisation_warn,
    spot_check_draw,
    spot_check_outcome_record,
)
from aanvragen.validators import bsn_is_valid
from accounts.models import AuditEvent
from tests.conftest import sms_count, wait_until_someone_waits_for_a_lock
from tests.factories import OrgAdminFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BSNS = [bsn for bsn in (f"{n:09d}" for n in range(100000000, 100002000)) if bsn_is_valid(bsn)]
SPOT_CHECKS = "/admin/aanvragen/spotcheck/"
SANCTION_ADD = "/admin/aanvragen/organisationsanction/add/"
IN_ORDE, NIET_IN_ORDE = SpotCheckItem.Outcome.IN_ORDE, SpotCheckItem.Outcome.NIET_IN_ORDE


def declare(user, recorded_at: datetime, count: int = 1, first: int = 0) -> list[ClientConsent]:
    """`count` consent declarations of the user's organisation, recorded in Portero at `recorded_at`."""
    consents = []
    with time_machine.travel(recorded_at, tick=False):
        for index in range(first, first + count):
            consents.append(
                consent_record(
                    user=user,
                    bsn=BSNS[index],
                    kind=ConsentKind.NAW_INZIEN,
                    given_by=ConsentGivenBy.CLIENT,
                    signed_on=recorded_at.date(),
                    archive_reference=f"ARCH-{index:04d}",
                )
            )
    return consents


def at(day: str, time: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=AMSTERDAM)


def draw(staff, organisation, size=None, percentage=None, start=date(2026, 3, 1), end=date(2026, 3, 31)):
    return spot_check_draw(
        user=staff,
        organisation=organisation,
        period_from=start,
        period_to=end,
        sample_size=size,
        percentage=percentage,
    )


def record_all(staff, spot_check, outcome, remark=""):
    for item in spot_check.items.all():
        spot_check_outcome_record(user=staff, item_id=item.pk, outcome=outcome, remark=remark)
    spot_check.refresh_from_db()
    return spot_check


def findings_form(spot_check, *findings):
    """The POST of the spot check's change page: (item, outcome, remark) for each drawn declaration, in order."""
    form = {"items-TOTAL_FORMS": str(len(findings)), "items-INITIAL_FORMS": str(len(findings))}
    for index, (item, outcome, remark) in enumerate(findings):
        form |= {
            f"items-{index}-id": item.pk,
            f"items-{index}-spot_check": spot_check.pk,
            f"items-{index}-outcome": outcome,
            f"items-{index}-remark": remark,
        }
    return form


@pytest.fixture
def march(user_a):
    """Org A declared 10 consents in March 2026 (both Dutch calendar ends included), 2 just outside it."""
    inside = declare(user_a, at("2026-03-01", "00:30"), 5) + declare(user_a, at("2026-03-31", "23:30"), 5, first=5)
    outside = declare(user_a, at("2026-02-28", "23:59"), 1, first=10) + declare(
        user_a, at("2026-04-01", "00:00"), 1, 11
    )
    return inside, outside


# --- The sample -------------------------------------------------------------------------------------------


def test_sample_comes_only_from_that_organisation_and_period_and_has_the_asked_size(march, staff, org_a, admin_b):
    inside, _outside = march
    declare(admin_b, at("2026-03-15"), 4, first=20)
    spot_check = draw(staff, org_a, size=6)
    drawn = list(spot_check.items.values_list("consent_id", flat=True))
    assert spot_check.sample_size == len(drawn) == len(set(drawn)) == 6
    assert set(drawn) <= {consent.pk for consent in inside}


def test_sample_is_random(march, staff, org_a):
    inside, _outside = march
    samples = {frozenset(draw(staff, org_a, size=3).items.values_list("consent_id", flat=True)) for _ in range(12)}
    # 120 possible samples of 3 out of 10: twelve identical draws would mean there is no randomness.
    assert len(samples) > 1
    assert set().union(*samples) <= {consent.pk for consent in inside}


def test_sample_by_percentage_rounds_up(march, staff, org_a):
    assert draw(staff, org_a, percentage=25).items.count() == 3  # 25% of 10 = 2.5


def test_a_sample_larger_than_the_declarations_is_refused_in_dutch(march, staff, org_a):
    with pytest.raises(ValidationError) as error:
        draw(staff, org_a, size=11)
    assert error.value.message_dict["sample_size"] == [
        "In deze periode zijn 10 toestemmingen vastgelegd; trek er niet meer dan dat."
    ]
    assert draw(staff, org_a, size=10).items.count() == 10
    assert SpotCheck.objects.count() == 1


def test_a_period_without_declarations_draws_nothing(staff, org_a, user_a):
    declare(user_a, at("2026-02-10"))
    with pytest.raises(ValidationError, match="geen toestemmingen vastgelegd"):
        draw(staff, org_a, size=1)
    assert not SpotCheck.objects.exists() and not AuditEvent.objects.filter(action="spot_check_drawn").exists()


def test_a_declaration_is_drawn_at_most_once_per_spot_check_by_the_database(march, staff, org_a):
    spot_check = draw(staff, org_a, size=1)
    item = spot_check.items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpotCheckItem.objects.create(spot_check=spot_check, consent_id=item.consent_id)
    # The same declaration may be drawn again in another spot check.
    other = draw(staff, org_a, size=10)
    assert other.items.filter(consent_id=item.consent_id).exists()


# --- The request to the organisation -----------------------------------------------------------------------


@time_machine.travel("2026-04-02 10:00+02:00", tick=False)
def test_the_org_admins_get_the_request_with_masked_bsns_once(
    march, staff, org_a, admin_a, user_a, admin_b, django_capture_on_commit_callbacks
):
    second_admin = OrgAdminFactory(organisation=org_a)
    OrgAdminFactory(organisation=org_a, deleted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        spot_check = draw(staff, org_a, size=2)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [admin_a.email, second_admin.email]
    assert "uiterlijk 16-04-2026" in message.subject  # 14 days (PORTERO_SPOT_CHECK_REPLY_DAYS)
    for item in spot_check.items.select_related("consent"):
        bsn = item.consent.client_bsn
        assert bsn not in message.body and f"******{bsn[-3:]}" in message.body
        assert item.consent.archive_reference in message.body
    assert "16 april 2026" in message.body
    spot_check.refresh_from_db()
    assert spot_check.request_sent_at == timezone.now()

    from aanvragen.tasks import send_spot_check_request

    send_spot_check_request(spot_check.pk)
    assert len(mail.outbox) == 1


def test_bsn_mask_keeps_only_the_last_three_digits():
    assert bsn_mask("111222333") == "******333"


# --- Findings and closure ---------------------------------------------------------------------------------


def test_a_spot_check_from_sample_to_recorded_outcome_in_the_admin(march, staff, org_a, client_as):
    http = client_as(staff)
    response = http.post(
        f"{SPOT_CHECKS}add/",
        {"organisation": org_a.pk, "period_from": "2026-03-01", "period_to": "2026-03-31", "sample_size": "2"},
    )
    spot_check = SpotCheck.objects.get()
    assert response.status_code == 302 and response.url == f"{SPOT_CHECKS}{spot_check.pk}/change/"
    first, second = spot_check.items.all()
    page = http.get(response.url).content.decode()
    assert first.consent.archive_reference in page and "nog niet" in page
    decide = f"{SANCTION_ADD}?organisation={org_a.pk}&amp;spot_check={spot_check.pk}&amp;decision="
    assert f'href="{decide}waarschuwing"' in page and f'href="{decide}opgeschort"' in page

    form = findings_form(spot_check, (first, IN_ORDE, ""), (second, NIET_IN_ORDE, ""))
    response = http.post(response.url, form)
    assert response.status_code == 200
    assert "Licht toe wat er niet in orde is." in response.content.decode()
    assert not SpotCheckItem.objects.exclude(outcome="").exists()

    response = http.post(f"{SPOT_CHECKS}{spot_check.pk}/change/", {**form, "items-1-remark": "Geen handtekening."})
    assert response.status_code == 302
    spot_check.refresh_from_db()
    assert spot_check.closed_at is not None
    second.refresh_from_db()
    assert (second.outcome, second.remark, second.recorded_by) == (NIET_IN_ORDE, "Geen handtekening.", staff)


def test_spot_check_closes_only_when_every_declaration_has_an_outcome(march, staff, org_a):
    spot_check = draw(staff, org_a, size=3)
    first, second, third = spot_check.items.all()
    spot_check_outcome_record(user=staff, item_id=first.pk, outcome=IN_ORDE)
    spot_check_outcome_record(user=staff, item_id=second.pk, outcome=NIET_IN_ORDE, remark="Ander BSN.")
    spot_check.refresh_from_db()
    assert spot_check.closed_at is None
    spot_check_outcome_record(user=staff, item_id=third.pk, outcome=IN_ORDE)
    spot_check.refresh_from_db()
    assert spot_check.closed_at is not None
    with pytest.raises(ValidationError, match="afgesloten"):
        spot_check_outcome_record(user=staff, item_id=first.pk, outcome=NIET_IN_ORDE, remark="Toch niet.")
    first.refresh_from_db()
    assert first.outcome == IN_ORDE


def test_niet_in_orde_needs_a_remark_also_in_the_database(march, staff, org_a):
    item = draw(staff, org_a, size=1).items.get()
    with pytest.raises(ValidationError) as error:
        spot_check_outcome_record(user=staff, item_id=item.pk, outcome=NIET_IN_ORDE, remark="  ")
    assert error.value.message_dict == {"remark": ["Licht toe wat er niet in orde is."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        SpotCheckItem.objects.filter(pk=item.pk).update(
            outcome=NIET_IN_ORDE, recorded_by=staff, recorded_at=timezone.now()
        )


def test_the_audit_trail_holds_every_step_with_before_and_after(march, staff, org_a):
    spot_check = draw(staff, org_a, size=1)
    item = spot_check.items.get()
    spot_check_outcome_record(user=staff, item_id=item.pk, outcome=NIET_IN_ORDE, remark="Kwijt.")
    organisation_suspend(user=staff, organisation_id=org_a.pk, kind="misbruik", note="Gegevens verkocht.")
    events = list(AuditEvent.objects.filter(organisation=org_a, actor=staff).order_by("id"))
    assert [event.action for event in events] == [
        "spot_check_drawn",
        "spot_check_outcome_recorded",
        "spot_check_closed",
        "organisation_suspended",
    ]
    drawn, recorded, closed, suspended = (event.detail for event in events)
    assert drawn["consents"] == [item.consent_id] and drawn["period"] == ["2026-03-01", "2026-03-31"]
    assert recorded["before"] == {"outcome": "", "remark": ""}
    assert recorded["after"] == {"outcome": "niet_in_orde", "remark": "Kwijt."}
    assert closed["before"] == {"closed_at": None} and closed["niet_in_orde"] == 1
    assert suspended["before"] == {"is_suspended": False} and suspended["after"] == {"is_suspended": True}
    assert suspended["kind"] == "misbruik" and suspended["note"] == "Gegevens verkocht."


# --- The sanction policy ----------------------------------------------------------------------------------


def failed_spot_check(staff, organisation, when: str, outcome=NIET_IN_ORDE):
    """A spot check of the organisation, closed at `when`, with the given outcome for its declaration."""
    with time_machine.travel(at(when), tick=False):
        spot_check = draw(staff, organisation, size=1)
        return record_all(staff, spot_check, outcome, remark="Formulier ontbreekt.")


def warn(staff, organisation, when: str):
    with time_machine.travel(at(when), tick=False):
        return organisation_warn(
            user=staff, organisation_id=organisation.pk, kind="onzorgvuldig", note="Gebeld met de beheerder."
        )


@pytest.mark.parametrize(
    ("steps", "advised"),
    [
        # (kind, date): f = closed spot check with 'niet in orde', w = warning, ok = closed spot check all 'in orde'
        ([("f", "2026-04-01"), ("f", "2026-05-01")], False),  # twice, but never contacted
        ([("w", "2026-03-20"), ("f", "2026-04-01")], False),  # after contact, but only once
        ([("f", "2026-04-01"), ("w", "2026-04-02"), ("ok", "2026-05-01")], False),  # contact helped
        ([("f", "2026-04-01"), ("f", "2026-04-03"), ("w", "2026-04-05")], False),  # contacted after both
        ([("f", "2026-04-01"), ("w", "2026-04-02"), ("f", "2026-05-01")], True),  # contact and repetition
        ([("w", "2026-03-20"), ("f", "2026-04-01"), ("f", "2026-05-01")], True),
    ],
)
def test_suspension_is_advised_after_contact_and_repetition(march, staff, org_a, steps, advised):
    for kind, when in steps:
        if kind == "w":
            warn(staff, org_a, when)
        else:
            failed_spot_check(staff, org_a, when, outcome=IN_ORDE if kind == "ok" else NIET_IN_ORDE)
    assert selectors.suspension_advice(org_a).advised is advised


def test_a_warning_at_the_same_moment_as_the_closure_is_not_before_it(march, staff, org_a):
    failed_spot_check(staff, org_a, "2026-04-01")
    warn(staff, org_a, "2026-04-02")
    failed_spot_check(staff, org_a, "2026-05-01")
    assert selectors.suspension_advice(org_a).advised
    OrganisationSanction.objects.update(decided_at=SpotCheck.objects.order_by("closed_at").last().closed_at)
    assert not selectors.suspension_advice(org_a).advised


def test_the_threshold_is_a_setting(march, staff, org_a, settings):
    failed_spot_check(staff, org_a, "2026-04-01")
    warn(staff, org_a, "2026-04-02")
    failed_spot_check(staff, org_a, "2026-05-01")
    settings.PORTERO_SPOT_CHECK_FAILURES_FOR_SUSPENSION = 3
    assert not selectors.suspension_advice(org_a).advised
    failed_spot_check(staff, org_a, "2026-06-01")
    assert selectors.suspension_advice(org_a).advised


def test_an_open_spot_check_does_not_count_yet(march, staff, org_a):
    failed_spot_check(staff, org_a, "2026-04-01")
    warn(staff, org_a, "2026-04-02")
    spot_check = draw(staff, org_a, size=2)
    first = spot_check.items.first()
    spot_check_outcome_record(user=staff, item_id=first.pk, outcome=NIET_IN_ORDE, remark="Kwijt.")
    assert selectors.suspension_advice(org_a).failed_spot_checks == 1


def test_careless_use_is_not_suspended_without_contact_and_repetition(march, staff, org_a):
    failed_spot_check(staff, org_a, "2026-04-01")
    failed_spot_check(staff, org_a, "2026-05-01")
    with pytest.raises(ValidationError, match="pas opgeschort na contact en herhaling"):
        organisation_suspend(user=staff, organisation_id=org_a.pk, kind="onzorgvuldig", note="Weer fout.")
    org_a.refresh_from_db()
    assert not org_a.is_suspended
    assert not OrganisationSanction.objects.exists()
    assert not AuditEvent.objects.filter(action="organisation_suspended").exists()

    warn(staff, org_a, "2026-05-02")
    failed_spot_check(staff, org_a, "2026-06-01")
    spot_check = SpotCheck.objects.order_by("closed_at").last()
    sanction = organisation_suspend(
        user=staff, organisation_id=org_a.pk, kind="onzorgvuldig", note="Derde keer.", spot_check=spot_check
    )
    org_a.refresh_from_db()
    assert org_a.is_suspended and sanction.decision == "opgeschort" and sanction.spot_check == spot_check


def test_misuse_suspends_at_once_and_only_once(staff, org_a):
    organisation_suspend(user=staff, organisation_id=org_a.pk, kind="misbruik", note="Account uitgeleend.")
    org_a.refresh_from_db()
    assert org_a.is_suspended
    with pytest.raises(ValidationError, match="al opgeschort"):
        organisation_suspend(user=staff, organisation_id=org_a.pk, kind="misbruik", note="Nogmaals.")
    assert OrganisationSanction.objects.count() == 1


def test_a_sanction_names_a_spot_check_of_the_same_organisation_only(march, staff, org_a, org_b):
    spot_check = draw(staff, org_a, size=1)
    with pytest.raises(ValidationError, match="andere organisatie"):
        organisation_warn(
            user=staff, organisation_id=org_b.pk, kind="onzorgvuldig", note="Gebeld.", spot_check=spot_check
        )


def test_suspend_action_in_the_admin_leads_to_the_decision_form(march, staff, org_a, client_as):
    spot_check = draw(staff, org_a, size=1)
    http = client_as(staff)
    response = http.post(SPOT_CHECKS, {"action": "organisation_suspend_action", "_selected_action": [spot_check.pk]})
    assert response.status_code == 302
    assert response.url == f"{SANCTION_ADD}?organisation={org_a.pk}&spot_check={spot_check.pk}&decision=opgeschort"
    page = http.get(response.url).content.decode()
    assert "Sanctie vastleggen" in page
    response = http.post(
        SANCTION_ADD,
        {"organisation": org_a.pk, "spot_check": spot_check.pk, "decision": "opgeschort", "kind": "onzorgvuldig",
         "note": "Formulier ontbrak."},
    )  # fmt: skip
    assert "pas opgeschort na contact en herhaling" in response.content.decode()
    response = http.post(
        SANCTION_ADD,
        {"organisation": org_a.pk, "spot_check": spot_check.pk, "decision": "opgeschort", "kind": "misbruik",
         "note": "Cliëntgegevens buiten de zorg gebruikt."},
    )  # fmt: skip
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.is_suspended


# --- Suspension closes the door at login -------------------------------------------------------------------


def test_users_of_a_suspended_organisation_cannot_log_in(client, staff, org_a, admin_a, password, sms_outbox):
    organisation_suspend(user=staff, organisation_id=org_a.pk, kind="misbruik", note="Misbruik.")
    response = client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": admin_a.username, "auth-password": password},
    )
    assert "De toegang van uw organisatie tot Portero is door het CIZ opgeschort." in response.content.decode()
    assert sms_count(sms_outbox) == 0
    assert "_auth_user_id" not in client.session


def test_login_refusal_names_the_suspension_for_every_user_of_that_organisation_only(staff, org_a, user_a, admin_b):
    from accounts.services import LoginRefusal, login_refusal

    assert login_refusal(user=user_a) is None
    organisation_suspend(user=staff, organisation_id=org_a.pk, kind="misbruik", note="Misbruik.")
    assert login_refusal(user=type(user_a).objects.get(pk=user_a.pk)) == LoginRefusal.ORGANISATION_SUSPENDED
    assert login_refusal(user=admin_b) is None
    assert login_refusal(user=staff) is None


# --- Who may reach it, and the access log --------------------------------------------------------------------


def test_organisation_users_cannot_reach_spot_checks(march, staff, org_a, admin_a, client_as):
    spot_check = draw(staff, org_a, size=1)
    http = client_as(admin_a)
    for url in (SPOT_CHECKS, f"{SPOT_CHECKS}add/", f"{SPOT_CHECKS}{spot_check.pk}/change/", SANCTION_ADD):
        response = http.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url


def test_staff_need_the_permissions(march, staff, org_a, client_as):
    spot_check = draw(staff, org_a, size=1)
    colleague = StaffFactory(is_superuser=False)
    http = client_as(colleague)
    assert http.get(SPOT_CHECKS).status_code == 403
    assert http.get(f"{SPOT_CHECKS}{spot_check.pk}/change/").status_code == 403
    assert http.get(f"{SPOT_CHECKS}add/").status_code == 403
    assert http.post(SANCTION_ADD, {"organisation": org_a.pk}).status_code == 403

    colleague.user_permissions.add(Permission.objects.get(codename="view_spotcheck"))
    http = client_as(type(colleague).objects.get(pk=colleague.pk))
    assert http.get(f"{SPOT_CHECKS}{spot_check.pk}/change/").status_code == 200
    assert http.get(f"{SPOT_CHECKS}add/").status_code == 403
    response = http.post(SPOT_CHECKS, {"action": "organisation_suspend_action", "_selected_action": [spot_check.pk]})
    assert response.status_code == 200  # the action is not offered: the list is shown again
    org_a.refresh_from_db()
    assert not org_a.is_suspended and not OrganisationSanction.objects.exists()


def test_opening_a_spot_check_logs_access_to_each_drawn_consent(
    march, staff, org_a, client_as, django_assert_max_num_queries
):
    spot_check = draw(staff, org_a, size=4)
    http = client_as(staff)
    with django_assert_max_num_queries(25):
        assert http.get(f"{SPOT_CHECKS}{spot_check.pk}/change/").status_code == 200
    entries = AccessLogEntry.objects.filter(user=staff)
    assert sorted(entries.values_list("consent_id", flat=True)) == sorted(
        spot_check.items.values_list("consent_id", flat=True)
    )
    assert {(entry.action, entry.organisation_id) for entry in entries} == {(AccessAction.CIZ_INZIEN, None)}


def test_opening_a_consent_in_the_admin_is_logged(march, staff, client_as):
    consent = march[0][0]
    assert client_as(staff).get(f"/admin/aanvragen/clientconsent/{consent.pk}/change/").status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.client_bsn, entry.action) == (staff, consent.client_bsn, AccessAction.CIZ_INZIEN)


def test_the_reply_deadline_is_fourteen_days_after_the_draw(march, staff, org_a):
    with time_machine.travel(at("2026-04-30", "23:59"), tick=False):
        spot_check = draw(staff, org_a, size=1)
    assert spot_check.reply_deadline == date(2026, 4, 30) + timedelta(days=14)


def test_user_fixture_of_other_org_is_untouched_by_suspension(staff, org_a, org_b):
    user_b = UserFactory(organisation=org_b)
    organisation_suspend(user=staff, organisation_id=org_a.pk, kind="misbruik", note="Misbruik.")
    org_b.refresh_from_db()
    assert not org_b.is_suspended and user_b.organisation == org_b


def test_a_closed_spot_check_shows_its_findings_read_only(march, staff, org_a, client_as):
    spot_check = record_all(staff, draw(staff, org_a, size=2), NIET_IN_ORDE, remark="Handtekening ontbreekt.")
    http = client_as(staff)
    response = http.get(f"{SPOT_CHECKS}{spot_check.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200 and "Handtekening ontbreekt." in page
    assert 'name="items-0-outcome"' not in page
    assert "Opschorten wegens onzorgvuldig gebruik" not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no row locks to wait for")
@pytest.mark.django_db(transaction=True)
def test_a_finding_saved_while_a_colleague_closes_the_spot_check_is_refused_in_dutch_not_a_500(
    march, staff, org_a, client_as
):
    """Two CIZ staff save at the same moment: the colleague records the last findings and holds the spot check
    until the commit; this save's form was valid when it was read, then waits, and finds the check closed."""
    spot_check = draw(staff, org_a, size=2)
    first, second = spot_check.items.all()
    url = f"{SPOT_CHECKS}{spot_check.pk}/change/"
    http = client_as(staff)
    form = findings_form(spot_check, (first, NIET_IN_ORDE, "Handtekening ontbreekt."), (second, "", ""))
    responses = []

    def save():
        try:
            responses.append(http.post(url, form))
        finally:
            connection.close()

    saving = threading.Thread(target=save)
    with transaction.atomic():  # the colleague's save: it holds the spot check until it commits
        record_all(staff, spot_check, IN_ORDE)
        saving.start()
        wait_until_someone_waits_for_a_lock("the second save never waited for the colleague's lock")
    saving.join(timeout=30)

    (response,) = responses
    assert response.status_code == 302 and response.url == url
    page = http.get(url).content.decode()
    assert "Deze steekproef is afgesloten; de uitkomsten liggen vast." in page
    assert "Uw wijzigingen zijn niet opgeslagen." in page
    first.refresh_from_db()
    assert (first.outcome, first.remark) == (IN_ORDE, "")  # the colleague's finding stands
    assert not AuditEvent.objects.filter(
        action=SPOT_CHECK_OUTCOME_RECORDED, detail__after__outcome=NIET_IN_ORDE
    ).exists()


def test_a_mistyped_spot_check_url_is_not_found_and_logs_nothing(staff, client_as):
    response = client_as(staff).get(f"{SPOT_CHECKS}1/change/widgets.css/change/")
    assert response.status_code == 302 and not AccessLogEntry.objects.exists()


def test_spot_checks_closed_at_the_same_moment_each_count(march, staff, org_a):
    failed_spot_check(staff, org_a, "2026-04-01")
    failed_spot_check(staff, org_a, "2026-04-01")
    assert selectors.suspension_advice(org_a).failed_spot_checks == 2
