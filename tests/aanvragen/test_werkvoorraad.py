"""The CIZ work queue (aanvragen/werkvoorraad.py): which applications are in it, te laat / deze week / later at the
exact Dutch day and week boundaries, the ordering, the filters, and the counts in one grouped query."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aanvragen import werkvoorraad
from aanvragen.models import Aanvraag
from aanvragen.services.aanvraag import aanvraag_create, aanvraag_status_change
from tests.aanvragen.helpers import submitted_aanvraag, submitted_wzd
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def with_deadline(aanvraag, deadline, **fields):
    Aanvraag.objects.filter(pk=aanvraag.pk).update(deadline=deadline, **fields)
    aanvraag.refresh_from_db()
    return aanvraag


def in_group(aanvraag, termijn):
    return werkvoorraad.werkvoorraad(termijn=termijn).filter(pk=aanvraag.pk).exists()


# --- Te laat: the deadline day itself is still on time --------------------------------------------------------


@pytest.mark.parametrize(
    "moment, expected",
    [
        (datetime(2026, 4, 15, 0, 0, 0, tzinfo=AMS), werkvoorraad.DEZE_WEEK),  # the deadline day: still due
        (datetime(2026, 4, 15, 23, 59, 59, tzinfo=AMS), werkvoorraad.DEZE_WEEK),
        (datetime(2026, 4, 16, 0, 0, 0, tzinfo=AMS), werkvoorraad.TE_LAAT),  # the day after: late
        # 23:30 UTC on the deadline day is already the next day in Amsterdam.
        (datetime(2026, 4, 15, 22, 30, 0, tzinfo=ZoneInfo("UTC")), werkvoorraad.TE_LAAT),
    ],
)
def test_an_application_is_late_from_the_dutch_day_after_its_deadline(user_a, moment, expected):
    aanvraag = with_deadline(submitted_aanvraag(user_a), date(2026, 4, 15))  # a Wednesday
    with time_machine.travel(moment, tick=False):
        assert werkvoorraad.termijn_of(aanvraag) == expected
        for termijn, _label in werkvoorraad.TERMIJN_CHOICES:
            assert in_group(aanvraag, termijn) == (termijn == expected), termijn


# --- Deze week: up to Sunday 23:59 local time; Monday 00:00 starts a new week ---------------------------------


@pytest.mark.parametrize(
    "moment, sunday, next_monday",
    [
        (datetime(2026, 4, 19, 23, 59, 59, tzinfo=AMS), werkvoorraad.DEZE_WEEK, werkvoorraad.LATER),
        (datetime(2026, 4, 20, 0, 0, 0, tzinfo=AMS), werkvoorraad.TE_LAAT, werkvoorraad.DEZE_WEEK),
        # Sunday 22:30 UTC is Monday 00:30 in Amsterdam (summer time).
        (datetime(2026, 4, 19, 22, 30, 0, tzinfo=ZoneInfo("UTC")), werkvoorraad.TE_LAAT, werkvoorraad.DEZE_WEEK),
    ],
)
def test_this_week_ends_on_sunday_2359_amsterdam_time(user_a, moment, sunday, next_monday):
    on_sunday = with_deadline(submitted_aanvraag(user_a), date(2026, 4, 19))
    on_monday = with_deadline(submitted_aanvraag(user_a, client_bsn="123456782"), date(2026, 4, 20))
    next_sunday = with_deadline(submitted_aanvraag(user_a, client_bsn="111222333"), date(2026, 4, 26))
    with time_machine.travel(moment, tick=False):
        assert werkvoorraad.termijn_of(on_sunday) == sunday
        assert werkvoorraad.termijn_of(on_monday) == next_monday
        assert in_group(on_sunday, sunday) and in_group(on_monday, next_monday)
        monday_started = moment.astimezone(AMS).date() == date(2026, 4, 20)
        assert werkvoorraad.termijn_of(next_sunday) == (
            werkvoorraad.DEZE_WEEK if monday_started else werkvoorraad.LATER
        )


@time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=AMS), tick=False)
def test_a_suspended_term_is_never_late_and_a_besluit_leaves_the_term_behind(user_a, staff):
    onvolledig = with_deadline(submitted_aanvraag(user_a), date(2026, 4, 1))
    aanvraag_status_change(aanvraag_id=onvolledig.pk, user=staff, to_status="onvolledig")
    besloten = with_deadline(submitted_aanvraag(user_a, client_bsn="123456782"), date(2026, 4, 1))
    aanvraag_status_change(aanvraag_id=besloten.pk, user=staff, to_status="in_behandeling")
    aanvraag_status_change(aanvraag_id=besloten.pk, user=staff, to_status="besluit_genomen", besluit="afgewezen")
    onvolledig.refresh_from_db()
    besloten.refresh_from_db()
    assert werkvoorraad.termijn_of(onvolledig) == werkvoorraad.OPGESCHORT
    assert werkvoorraad.termijn_of(besloten) is None
    assert not in_group(onvolledig, werkvoorraad.TE_LAAT) and not in_group(besloten, werkvoorraad.TE_LAAT)
    assert in_group(onvolledig, werkvoorraad.OPGESCHORT)
    # A besluit still awaits 'afgesloten': it stays in the queue, at the end.
    assert list(werkvoorraad.werkvoorraad()) == [onvolledig, besloten]


# --- What the queue holds and its order ----------------------------------------------------------------------


@time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=AMS), tick=False)  # a Wednesday
def test_late_first_longest_overdue_on_top_then_this_week_then_the_rest(user_a, staff):
    bsns = iter(["111222333", "123456782", "111222333", "123456782", "111222333", "123456782"])
    later = with_deadline(submitted_aanvraag(user_a, client_bsn=next(bsns)), date(2026, 6, 1))
    this_week_sunday = with_deadline(submitted_aanvraag(user_a, client_bsn=next(bsns)), date(2026, 5, 10))
    late_1_day = with_deadline(submitted_aanvraag(user_a, client_bsn=next(bsns)), date(2026, 5, 5))
    today = with_deadline(submitted_aanvraag(user_a, client_bsn=next(bsns)), date(2026, 5, 6))
    late_long = with_deadline(submitted_aanvraag(user_a, client_bsn=next(bsns)), date(2026, 4, 1))
    suspended = with_deadline(submitted_aanvraag(user_a, client_bsn=next(bsns)), date(2026, 4, 1))
    aanvraag_status_change(aanvraag_id=suspended.pk, user=staff, to_status="onvolledig")
    concept = aanvraag_create(user=user_a, soort="wlz")
    closed = submitted_aanvraag(user_a)
    aanvraag_status_change(aanvraag_id=closed.pk, user=staff, to_status="ingetrokken")

    queue = list(werkvoorraad.werkvoorraad())
    assert queue == [late_long, late_1_day, today, this_week_sunday, later, suspended]
    assert concept not in queue and closed not in queue


@time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=AMS), tick=False)
def test_filters_by_type_organisation_status_and_term(user_a, staff):
    wlz = with_deadline(submitted_aanvraag(user_a), date(2026, 5, 1))
    wzd = with_deadline(submitted_wzd(user_a), date(2026, 6, 1))
    org_b = OrganisationFactory(name="Zorggroep B")
    other = with_deadline(submitted_aanvraag(UserFactory(organisation=org_b)), date(2026, 5, 7))
    aanvraag_status_change(aanvraag_id=other.pk, user=staff, to_status="in_behandeling")

    assert list(werkvoorraad.werkvoorraad(soort="wzd21")) == [wzd]
    assert list(werkvoorraad.werkvoorraad(soort="wlz")) == [wlz, other]
    assert list(werkvoorraad.werkvoorraad(soort="combinatie")) == []
    assert list(werkvoorraad.werkvoorraad(organisation=org_b)) == [other]
    assert list(werkvoorraad.werkvoorraad(status="in_behandeling")) == [other]
    assert list(werkvoorraad.werkvoorraad(termijn="te_laat")) == [wlz]
    assert list(werkvoorraad.werkvoorraad(termijn="deze_week")) == [other]
    assert list(werkvoorraad.werkvoorraad(termijn="later")) == [wzd]


# --- The counts: one grouped query, whatever the number of applications ---------------------------------------


def test_counts_per_status_late_and_this_week(user_a, staff):
    with time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=AMS), tick=False):
        with_deadline(submitted_aanvraag(user_a), date(2026, 5, 1))
        with_deadline(submitted_aanvraag(user_a, client_bsn="123456782"), date(2026, 5, 8))
        suspended = with_deadline(submitted_aanvraag(user_a), date(2026, 5, 1))
        aanvraag_status_change(aanvraag_id=suspended.pk, user=staff, to_status="onvolledig")
        counts = werkvoorraad.werkvoorraad_counts()
    assert counts.per_status == {
        "ingediend": 2,
        "onvolledig": 1,
        "in_behandeling": 0,
        "huisbezoek_gepland": 0,
        "besluit_genomen": 0,
    }
    assert (counts.total, counts.te_laat, counts.deze_week) == (3, 1, 1)


def test_counts_are_one_query_however_many_applications(user_a, staff):
    submitted_aanvraag(user_a)
    with CaptureQueriesContext(connection) as small:
        werkvoorraad.werkvoorraad_counts()
    for index in range(6):
        aanvraag = submitted_aanvraag(user_a, client_bsn="123456782")
        if index % 2:
            aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    with CaptureQueriesContext(connection) as large:
        counts = werkvoorraad.werkvoorraad_counts()
    assert counts.total == 7
    assert len(small) == len(large) == 1
    assert "GROUP BY" in large[0]["sql"]


def test_besluit_fields_per_type(user_a):
    from tests.aanvragen.helpers import submitted_wzd

    assert werkvoorraad.besluit_fields(Aanvraag(soort="wlz")) == ("besluit", "besluit_zorgprofiel")
    assert werkvoorraad.besluit_fields(Aanvraag(soort="wlz", combinatie=True)) == (
        "besluit",
        "besluit_zorgprofiel",
        "wzd_verklaring",
        "wzd_besluit_tot",
    )
    assert werkvoorraad.besluit_fields(Aanvraag(soort="partnerverblijf")) == ("besluit",)
    assert werkvoorraad.besluit_fields(submitted_wzd(user_a)) == ("wzd_verklaring", "wzd_besluit_tot")


# --- The start page of the admin ---------------------------------------------------------------------------


def page_rows(response):
    return [aanvraag.reference for aanvraag, *_rest in response.context["rows"]]


@time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=AMS), tick=False)
def test_the_admin_opens_on_the_werkvoorraad_late_first_with_the_counts(user_a, staff, client_as):
    later = with_deadline(submitted_aanvraag(user_a), date(2026, 6, 1))
    late = with_deadline(submitted_aanvraag(user_a, client_bsn="123456782"), date(2026, 5, 1))
    response = client_as(staff).get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Werkvoorraad</h1>" in page
    assert page_rows(response) == [late.reference, later.reference]
    assert '<span class="aantal">1</span> te laat' in page
    assert '<span class="aantal">2</span> ingediend' in page
    # The app list stays reachable from the start page.
    assert 'href="#onderdelen"' in page and 'href="/admin/accounts/organisation/"' in page


@time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=AMS), tick=False)
def test_werkvoorraad_filters_in_the_url_and_a_bad_filter_is_named(user_a, staff, client_as):
    wlz = with_deadline(submitted_aanvraag(user_a), date(2026, 5, 1))
    wzd = with_deadline(submitted_wzd(user_a), date(2026, 6, 1))
    http = client_as(staff)
    assert page_rows(http.get("/admin/", {"soort": "wzd21"})) == [wzd.reference]
    assert page_rows(http.get("/admin/", {"termijn": "te_laat"})) == [wlz.reference]
    assert page_rows(http.get("/admin/", {"organisation": user_a.organisation_id})) == [wlz.reference, wzd.reference]
    response = http.get("/admin/", {"termijn": "gisteren"})
    assert response.status_code == 200
    assert response.context["form"].errors["termijn"]
    assert page_rows(response) == [wlz.reference, wzd.reference]


def test_werkvoorraad_logs_every_client_it_shows_and_puts_no_bsn_in_a_url(user_a, staff, client_as):
    from aanvragen.models import AccessLogEntry

    submitted_aanvraag(user_a)
    submitted_aanvraag(user_a, client_bsn="123456782")
    before = AccessLogEntry.objects.count()
    page = client_as(staff).get("/admin/").content.decode()
    rows = AccessLogEntry.objects.order_by("pk")[before:]
    assert sorted((row.client_bsn, row.action, row.user_id) for row in rows) == [
        ("111222333", "ciz_inzien", staff.pk),
        ("123456782", "ciz_inzien", staff.pk),
    ]
    import re

    for url in re.findall(r'(?:href|action)="([^"]*)"', page):
        assert "111222333" not in url and "123456782" not in url


def test_werkvoorraad_is_for_ciz_staff_only(user_a, client_as):
    response = client_as(user_a).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_werkvoorraad_takes_the_same_number_of_queries_for_many_applications(user_a, staff, client_as):
    http = client_as(staff)
    submitted_aanvraag(user_a)
    http.get("/admin/")  # the first request warms the caches (content types, the session)
    with CaptureQueriesContext(connection) as small:
        assert http.get("/admin/").status_code == 200
    org_b = OrganisationFactory()
    other = UserFactory(organisation=org_b)
    for index in range(8):
        aanvraag = submitted_aanvraag(other if index % 2 else user_a, client_bsn="123456782")
        if index % 3 == 0:
            aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="onvolledig")
    with CaptureQueriesContext(connection) as large:
        response = http.get("/admin/")
    assert len(response.context["rows"]) == 9
    assert len(small) == len(large) <= 12, [query["sql"] for query in large]


def test_staff_who_may_not_see_applications_keep_the_usual_start_page(user_a, client_as):
    from tests.factories import StaffFactory

    submitted_aanvraag(user_a)
    clerk = StaffFactory(username="baliemedewerker", is_superuser=False)
    response = client_as(clerk).get("/admin/")
    assert response.status_code == 200
    assert "rows" not in response.context and "Werkvoorraad" not in response.content.decode()
