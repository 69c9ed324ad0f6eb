"""The client register in the CIZ admin, demo clients, and the append-only access log."""

import pytest
from django.core.management import call_command

from aanvragen.choices import AccessAction, AccessOutcome
from aanvragen.demo import DEMO_CLIENTS, seed_demo_clients
from aanvragen.models import AccessLogEntry, Client, Indicatie
from aanvragen.validators import bsn_is_valid

pytestmark = pytest.mark.django_db


def test_demo_clients_have_valid_bsns_and_seeding_twice_adds_nothing():
    seed_demo_clients()
    seed_demo_clients()
    assert Client.objects.count() == len(DEMO_CLIENTS)
    assert all(bsn_is_valid(bsn) for bsn in Client.objects.values_list("bsn", flat=True))
    assert Indicatie.objects.exists()


def test_seed_demo_command_adds_demo_clients():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Client.objects.filter(bsn=DEMO_CLIENTS[0][0]).exists()


def test_staff_finds_a_client_by_name_in_the_admin(client_as, staff):
    seed_demo_clients()
    response = client_as(staff).get("/admin/aanvragen/client/", {"q": "Smit"})
    assert response.status_code == 200
    assert "100023757" in response.content.decode()


def test_access_log_is_read_only_in_the_admin(client_as, staff, user_a):
    entry = AccessLogEntry.objects.create(
        user=user_a,
        organisation=user_a.organisation,
        client_bsn="111222333",
        action=AccessAction.ZOEKEN,
        outcome=AccessOutcome.NOT_FOUND,
    )
    http = client_as(staff)
    assert http.get("/admin/aanvragen/accesslogentry/").status_code == 200
    assert http.get("/admin/aanvragen/accesslogentry/add/").status_code == 403
    assert http.post(f"/admin/aanvragen/accesslogentry/{entry.pk}/delete/").status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_access_log_entry_cannot_be_changed_or_deleted(user_a):
    entry = AccessLogEntry.objects.create(
        user=user_a,
        organisation=user_a.organisation,
        client_bsn="111222333",
        action=AccessAction.ZOEKEN,
        outcome=AccessOutcome.FOUND,
    )
    entry.outcome = AccessOutcome.NOT_FOUND
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_staff_spot_check_consents_by_organisation_and_archive_reference(client_as, staff, user_a):
    from datetime import date

    from aanvragen.services.clients import consent_record

    consent_record(
        user=user_a,
        bsn="111222333",
        kind="naw_inzien",
        given_by="client",
        signed_on=date(2026, 1, 5),
        archive_reference="DOS-2026-17",
    )
    response = client_as(staff).get("/admin/aanvragen/clientconsent/", {"q": "DOS-2026-17"})
    page = response.content.decode()
    assert response.status_code == 200 and "DOS-2026-17" in page and "Zorggroep A" in page


def test_the_database_refuses_to_change_the_access_log(user_a):
    from django.db import DatabaseError, connection, transaction

    entry = AccessLogEntry.objects.create(
        user=user_a, organisation=user_a.organisation, client_bsn="111222333",
        action=AccessAction.ZOEKEN, outcome=AccessOutcome.FOUND,
    )  # fmt: skip
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(outcome=AccessOutcome.NOT_FOUND)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).outcome == AccessOutcome.FOUND


def test_ciz_staff_viewing_or_changing_a_client_in_the_admin_is_logged(client, client_as, staff):
    person = Client.objects.create(
        bsn="111222333", initials="A.", last_name="Bos", date_of_birth="1940-01-01", sex="V",
        street="Dorpsstraat 1", postcode="1234 AB", city="Utrecht",
    )  # fmt: skip
    client_as(staff)
    assert client.get(f"/admin/aanvragen/client/{person.pk}/change/").status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.organisation, entry.client_bsn, entry.action) == (staff, None, "111222333", "ciz_inzien")
