"""Database constraints of the account models, the Twilio seam, and the CIZ admin's lists."""

import re
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_names_are_unique_in_the_database(org_a):
    UserFactory(organisation=org_a, username="jjansen")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(organisation=org_a, username="jjansen")


def test_email_is_unique_among_active_accounts_case_insensitively(org_a, org_b):
    UserFactory(organisation=org_a, email="j.jansen@zorg-a.nl")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(organisation=org_b, email="J.Jansen@zorg-a.nl")


def test_a_deleted_or_inactive_accounts_address_can_be_used_again(org_a):
    deleted = UserFactory(organisation=org_a, email="j.jansen@zorg-a.nl")
    deleted.deleted_at = timezone.now()
    deleted.save()
    inactive = UserFactory(organisation=org_a, email="j.jansen@zorg-a.nl")
    inactive.deactivated_at = timezone.now()
    inactive.save()
    UserFactory(organisation=org_a, email="j.jansen@zorg-a.nl")


def test_an_org_admin_always_belongs_to_an_organisation(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(organisation=None, is_org_admin=True, email="x@ciz.nl")


def test_twilio_gateway_sends_the_dutch_code_text_to_the_number(client, user_a, password, settings):
    settings.TWO_FACTOR_SMS_GATEWAY = "two_factor.gateways.twilio.gateway.Twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "0" * 32, "token"
    settings.TWILIO_CALLER_ID, settings.TWILIO_MESSAGING_SERVICE_SID = "+3197000000000", None
    with mock.patch("two_factor.gateways.twilio.gateway.Client") as twilio_client:
        client.post(
            "/inloggen/",
            {"portero_login_view-current_step": "auth", "auth-username": user_a.username, "auth-password": password},
        )
    sent = twilio_client.return_value.messages.create.call_args.kwargs
    assert sent["to"] == user_a.mobile.as_e164
    assert sent["from_"] == "+3197000000000"
    assert re.fullmatch(
        r"Uw Portero-verificatiecode is \d{6}\. Geef deze code aan niemand door\.", sent["body"].strip()
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/organisation/?q=zorg&profile__exact=basis",
        "/admin/accounts/user/?q=jan&status=actief",
        "/admin/accounts/user/?status=inactief",
        "/admin/accounts/auditevent/?action__exact=login_failed",
        "/admin/accounts/organisation/add/",
    ],
)
def test_ciz_admin_lists_search_and_filter(client, client_as, staff, user_a, url):
    client_as(staff)
    assert client.get(url).status_code == 200


def test_audit_log_cannot_be_changed_or_deleted_in_the_admin(client, client_as, staff, user_a):
    from accounts.models import AuditEvent

    event = AuditEvent.objects.create(action="login_failed", target=user_a)
    client_as(staff)
    client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"action": "logged_out"})
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.action == "login_failed"


def test_the_database_refuses_to_change_or_delete_audit_events(user_a):
    from django.db import DatabaseError, connection

    from accounts.models import AuditEvent

    event = AuditEvent.objects.create(action="login_failed", target=user_a)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="logged_out")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "login_failed"


def test_an_account_or_organisation_in_the_audit_log_cannot_be_deleted(admin_a, user_a):
    """The audit log's references have no constraint in the database (the nightly jobs' cost at national scale,
    db_constraint=False on AuditEvent); Django's PROTECT is what still refuses the delete, and the indexes stay."""
    from django.db import connection
    from django.db.models import ProtectedError

    from accounts.models import AuditEvent

    AuditEvent.objects.create(action="user_changed", actor=admin_a, target=user_a, organisation=user_a.organisation)
    for referenced in (user_a, admin_a, user_a.organisation):
        with pytest.raises(ProtectedError), transaction.atomic():
            referenced.delete()
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "accounts_auditevent")
    assert not [name for name, c in constraints.items() if c["foreign_key"]]
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert {("actor_id",), ("organisation_id",), ("target_id", "created_at")} <= indexed
