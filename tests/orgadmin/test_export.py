"""'Exporteren' on the beheer user list: the current search, filter and sort as CSV or XLSX, streamed in batches
with a fixed number of queries, formula cells neutralised, the export audited, scoped to the organisation."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent, User
from orgadmin import export, user_search
from tests.factories import UserFactory
from tests.orgadmin.test_user_list import bulk_users

pytestmark = pytest.mark.django_db
EXPORT = reverse("orgadmin:user_export")
HEADER = ["Inlognaam", "Naam", "E-mailadres", "Laatste inlog", "Status", "Opmerking", "Inlogmethoden"]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def people(org_a, admin_a, user_a, deleted_a, inactive_a):
    return UserFactory(
        organisation=org_a,
        username="pvdberg",
        first_name="Pieter",
        name_prefix="van den",
        last_name="Berg",
        email="p.bergje@zorg-a.nl",
        mobile="",
        last_login=timezone.now() - timedelta(days=1),
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_has_the_seven_columns_of_the_current_search_and_filter(admin_client, people, file_format):
    read = csv_rows if file_format == "csv" else xlsx_rows
    response = admin_client.get(EXPORT, {"formaat": file_format})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    rows = read(response)
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["beheerdera", "gebruikera", "pvdberg"]  # active only, by login name
    berg = rows[3]
    assert berg[1:3] == ["Berg, Pieter van den", "p.bergje@zorg-a.nl"]
    assert berg[3] == timezone.localtime(people.last_login).strftime("%d-%m-%Y %H:%M")
    assert berg[4:] == ["actief", "", ""]  # no mobile: no login method
    assert rows[2][6] == "Sms"

    rows = read(admin_client.get(EXPORT, {"formaat": file_format, "verwijderd": "on", "sort": "-naam"}))
    assert [row[0] for row in rows[1:]] == ["slaper", "oudgebruiker", "gebruikera", "beheerdera", "pvdberg"]
    assert rows[1][3:6] == ["Nog niet ingelogd", "inactief", "Inactief: 6 maanden niet ingelogd"]
    assert rows[2][4:6] == ["verwijderd", "Verwijderd: Uit dienst"]
    rows = read(admin_client.get(EXPORT, {"formaat": file_format, "zoeken": "ruik", "verwijderd": "on"}))
    assert [row[0] for row in rows[1:]] == ["gebruikera", "oudgebruiker"]


def test_the_export_holds_only_the_admins_own_organisation(admin_client, people, admin_b):
    rows = csv_rows(admin_client.get(EXPORT, {"verwijderd": "on"}))
    names = {row[0] for row in rows[1:]}
    assert admin_b.username not in names
    assert names == set(User.objects.filter(organisation=people.organisation).values_list("username", flat=True))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_cells_are_neutralised(admin_client, org_a, admin_a, file_format, start):
    UserFactory(organisation=org_a, username="formule", first_name=f'{start}HYPERLINK("x")', last_name=f"{start}1+1")
    read = csv_rows if file_format == "csv" else xlsx_rows
    (row,) = [row for row in read(admin_client.get(EXPORT, {"formaat": file_format})) if row[0] == "formule"]
    assert row[1] == f'\'{start}1+1, {start}HYPERLINK("x")'


def test_neutralise_leaves_plain_text_and_other_values_alone():
    assert export._neutralise("Jansen") == "Jansen"
    assert export._neutralise("\tcmd") == "'\tcmd"
    assert export._neutralise(None) is None


def test_the_export_is_audited_with_its_format_and_filter(admin_client, admin_a, people):
    admin_client.get(EXPORT, {"formaat": "xlsx", "zoeken": "berg", "verwijderd": "on"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.USERS_EXPORTED)
    assert (event.actor, event.organisation_id) == (admin_a, admin_a.organisation_id)
    assert event.detail == {"format": "xlsx", "search": "berg", "show_deleted": True}
    assert event.ip_address


def test_a_bsn_in_the_url_is_not_searched(admin_client, people):
    rows = csv_rows(admin_client.get(EXPORT, {"zoeken": "123456782"}))
    assert len(rows) == 4  # everyone active, as the list shows for a BSN in its URL
    assert AuditEvent.objects.get(action=AuditEvent.Action.USERS_EXPORTED).detail["search"] == ""


def test_the_export_is_streamed_the_first_chunk_before_all_rows_are_read(admin_client, org_a, admin_a, monkeypatch):
    bulk_users(org_a, 30)
    monkeypatch.setattr(user_search, "EXPORT_BATCH_SIZE", 10)
    read = []
    original = export.login_methods_by_user

    def counting(user_ids):
        ids = list(user_ids)
        read.append(len(ids))
        return original(ids)

    monkeypatch.setattr(export, "login_methods_by_user", counting)
    response = admin_client.get(EXPORT, {"verwijderd": "on"})
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    assert next(chunks).decode().startswith("\ufeffInlognaam;")  # the header, before any row is read
    assert read == []
    next(chunks)
    assert read == [10]  # a chunk of the first batch, the other batches not read yet
    rest = b"".join(chunks)
    assert read == [10, 10, 10, 1] and rest.count(b"\r\n") > 0


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_query_count_does_not_grow_with_the_rows(admin_client, org_a, admin_a, file_format):
    """The same queries for 40 accounts as for 400 in one batch; more batches add a fixed few each."""
    bulk_users(org_a, 40)
    admin_client.get(reverse("orgadmin:user_list"))  # a session's first request writes its row
    with CaptureQueriesContext(connection) as small:
        b"".join(admin_client.get(EXPORT, {"formaat": file_format, "verwijderd": "on"}).streaming_content)
    bulk_users(org_a, 360, start=40)
    with CaptureQueriesContext(connection) as large:
        b"".join(admin_client.get(EXPORT, {"formaat": file_format, "verwijderd": "on"}).streaming_content)
    assert len(large) == len(small) <= 12


def test_every_batch_adds_the_same_few_queries(admin_client, org_a, admin_a, monkeypatch):
    bulk_users(org_a, 39)
    admin_client.get(reverse("orgadmin:user_list"))
    counts = []
    for size in (40, 20, 10):  # one, two and four batches of the 40 accounts
        monkeypatch.setattr(user_search, "EXPORT_BATCH_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            b"".join(admin_client.get(EXPORT, {"verwijderd": "on"}).streaming_content)
        counts.append(len(queries))
    per_batch = counts[1] - counts[0]
    assert counts[2] - counts[0] == 3 * per_batch and per_batch <= 4


def test_the_export_link_on_the_list_keeps_the_search_filter_and_sort(admin_client, people):
    html = admin_client.get(reverse("orgadmin:user_list"), {"zoeken": "berg", "verwijderd": "on", "sort": "naam"})
    html = html.content.decode()
    assert f'href="{EXPORT}?zoeken=berg&amp;verwijderd=on&amp;sort=naam&amp;formaat=csv"' in html
    assert f'href="{EXPORT}?zoeken=berg&amp;verwijderd=on&amp;sort=naam&amp;formaat=xlsx"' in html


def test_only_org_admins_export(client_as, user_a):
    assert client_as(user_a).get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.USERS_EXPORTED).exists()
