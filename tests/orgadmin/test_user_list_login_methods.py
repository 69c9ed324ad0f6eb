"""The column 'Inlogmethoden' of 'Gebruikers': per account the kinds of second factor it has, never a secret, read
for the page's rows only (one query over every device model), not sortable."""

import re

import django_otp
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import LOGIN_METHOD_LABELS
from orgadmin import user_search
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("orgadmin:user_list")
DEVICE_MODELS = [m for m in django_otp.device_classes() if m._meta.label_lower in LOGIN_METHOD_LABELS]


def factor_reads(queries) -> list[str]:
    """The queries that read the kinds of factor of several accounts (not the OTP middleware's own device)."""
    tables = {model._meta.db_table for model in DEVICE_MODELS}
    return [
        q["sql"]
        for q in queries.captured_queries
        if ("user_id IN" in q["sql"] or "user_id = ANY(" in q["sql"]) and any(f'"{t}"' in q["sql"] for t in tables)
    ]


def cells(html: str, username: str) -> list[str]:
    row = re.search(rf'<tr><td><a href="/beheer/gebruiker/{username}/">.*?</tr>', html).group(0)
    return re.findall(r"<td>(.*?)</td>", row)


@pytest.fixture
def strong(org_a):
    user = UserFactory(organisation=org_a, username="sterk", mobile="+31612345678")
    TOTPDevice.objects.create(user=user, name="Telefoon", key="3132333435363738393031323334353637383930")
    codes = StaticDevice.objects.create(user=user, name="Herstelcodes")
    StaticToken.objects.create(device=codes, token="geheimcode1")
    return user


def test_each_row_shows_the_kinds_of_factor_and_never_a_secret(admin_client, org_a, admin_a, user_a, strong):
    nothing = UserFactory(organisation=org_a, username="zonder", mobile="")
    TOTPDevice.objects.create(user=nothing, name="Half", confirmed=False)  # not confirmed: not a factor yet
    html = admin_client.get(LIST).content.decode()
    assert cells(html, "sterk")[3] == "Sms, Authenticator-app, Herstelcodes"
    assert cells(html, user_a.username)[3] == "Sms"
    assert cells(html, "zonder")[3] == "Geen"
    for secret in ("3132333435363738393031323334353637383930", "geheimcode1", "612345678", "Telefoon"):
        assert secret not in html


def test_the_column_is_not_sortable(admin_client, user_a, strong):
    html = admin_client.get(LIST, {"sort": "-inlogmethoden"}).content.decode()
    header = re.search(r'<th scope="col"[^>]*>\s*Inlogmethoden\s*</th>', html)
    assert header and "aria-sort" not in header.group(0)  # a plain header, no sort link
    # No sort link (the export link keeps the query string as it was asked, and the export sorts it by login name).
    assert '"?sort=inlogmethoden' not in html and '"?sort=-inlogmethoden' not in html
    assert 'aria-sort="ascending"' in html  # an unknown sort: the login name, ascending
    assert "inlogmethoden" not in {column.key for column in user_search.sortable_columns()}


def test_only_the_pages_rows_are_read_in_one_query_over_every_device_model(admin_client, org_a, monkeypatch):
    for n in range(60):
        UserFactory(organisation=org_a, username=f"bulk{n:03d}")
    asked = []
    real = user_search.login_methods_by_user

    def spy(ids):
        asked.append(list(ids))
        return real(ids)

    declared = user_search.columns
    monkeypatch.setattr(user_search, "columns", lambda language=None: tuple(
        user_search.Column(c.key, c.label, c.ordering, c.values, page_values=spy) if c.page_values else c
        for c in declared(language)
    ))  # fmt: skip
    admin_client.get(LIST, {"pagina": "2"})
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(LIST, {"pagina": "2"})
    shown = re.findall(r'<td><a href="/beheer/gebruiker/[^/]+/">([^<]+)</a></td>', response.content.decode())
    assert len(shown) == 25
    assert sorted(asked[-1]) == sorted(row["pk"] for row in response.context["page"].object_list)
    (read,) = factor_reads(queries)
    assert all(f'FROM "{model._meta.db_table}" WHERE confirmed AND user_id ' in read for model in DEVICE_MODELS)


def test_both_search_paths_get_the_same_kinds(admin_a, user_a, strong):
    for search in (user_search.user_list, user_search.reference_user_list):
        page, _found = user_search.user_list_page(
            admin=admin_a, query="", show_deleted=False, sort="", page_number=1, search=search
        )
        kinds = {row.username: row.inlogmethoden for row in page.object_list}
        assert kinds["sterk"] == ["Sms", "Authenticator-app", "Herstelcodes"] and kinds[user_a.username] == ["Sms"]


def test_a_list_without_matches_reads_no_factors(admin_client):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(LIST, {"zoeken": "qqqqq"})
    assert factor_reads(queries) == []
