"""Query budgets: every page answers within a fixed number of queries, and that number does not grow with the data,
so an N+1 cannot come back unnoticed. Each page is requested once with a small organisation, then again
after the data has grown (more accounts, applications, consents, audit and access-log rows, another organisation);
the count must be the same and within the budget.

Budgeted elsewhere, not repeated here: the beheer user list (tests/orgadmin/test_user_list.py), the 'Aanvragen' list
(tests/aanvragen/test_aanvragen_list_status.py), the review step (tests/aanvragen/test_wlz_aanvraag.py) and the
client search itself (tests/aanvragen/test_client_lookup.py)."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.conf import settings

from aanvragen.choices import ConsentGivenBy, ConsentKind
from aanvragen.services.aanvraag import aanvraag_create, aanvraag_status_change
from aanvragen.services.clients import consent_record
from aanvragen.views import SESSION_BSN
from accounts.models import User
from tests.aanvragen.helpers import STEP_DATA, submitted_aanvraag
from tests.conftest import login_client
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
BSN = STEP_DATA["client"]["client_bsn"]


# A budget counts a logged-in page's queries with Redis, where a running session reads nothing of its login from
# the database (accounts.auth_cache). Without Redis every request also reads the session, the account with its
# organisation, and the device.
LOGIN_READS = 3


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "admin", "user" or "anonymous"
    url: str  # may name the world's objects: {username}, {aanvraag}, {concept}
    budget: int
    method: str = "get"
    data: dict | None = None


PAGES = [
    Page("beheer: start", "admin", "/beheer/", 0),
    Page("beheer: gebruiker", "admin", "/beheer/gebruiker/{username}/", 2),
    Page("beheer: nieuwe gebruiker", "admin", "/beheer/gebruikers/nieuw/", 0),
    Page("beheer: organisatie", "admin", "/beheer/organisatie/", 2),
    # The search and its page, plus the column 'Inlogmethoden': one query over every device model it reads.
    Page("beheer: gebruikers zoeken 'a' op naam", "admin", "/beheer/gebruikers/?zoeken=a&sort=naam", 3),
    Page("aanvraag: home", "user", "/", 0),
    Page("aanvraag: cliënt zoeken", "user", "/clienten/zoeken/", 0),
    Page("aanvraag: cliëntgegevens met toestemming", "user", "/clienten/gegevens/", 11),
    Page("aanvraag: kies aanvraag", "user", "/aanvragen/nieuw/", 0),
    Page("aanvraag: ingediende aanvraag", "user", "/aanvragen/{aanvraag}/", 5),
    Page("aanvraag: stap van een concept", "user", "/aanvragen/{concept}/stap/client/", 1),
    Page("inloggen", "anonymous", "/inloggen/", 4),
    Page("wachtwoord aanvragen", "anonymous", "/wachtwoord/aanvragen/", 0),
    Page(
        "inloggen: wachtwoordstap",
        "anonymous",
        "/inloggen/",
        11,
        method="post",
        data={"portero_login_view-current_step": "auth", "auth-username": "{username}", "auth-password": PASSWORD},
    ),
]


@pytest.fixture
def world(org_a, admin_a, user_a, staff):
    type(org_a).objects.filter(pk=org_a.pk).update(contract_start=date(2020, 1, 1), profile="volledig")
    org_a.refresh_from_db()
    for kind in (ConsentKind.NAW_INZIEN, ConsentKind.INDICATIE_RAADPLEGEN):
        consent(user_a, BSN, kind)
    return {
        "org": org_a,
        "admin": admin_a,
        "user": user_a,
        "staff": staff,
        "username": user_a.username,
        "aanvraag": submitted_aanvraag(user_a).pk,
        "concept": aanvraag_create(user=user_a, soort="wlz").pk,
    }


def consent(user, bsn, kind):
    return consent_record(
        user=user, bsn=bsn, kind=kind, given_by=ConsentGivenBy.CLIENT, signed_on=date.today(), archive_reference="T-1"
    )


def grow(world, times: int = 3) -> None:
    """More of everything a page could loop over: accounts, applications with history, consents, log rows."""
    user = world["user"]
    User.objects.bulk_create(
        User(
            organisation=world["org"],
            username=f"extra{n}",
            initials="A.",
            first_name="Anna",
            last_name=f"Extra{n}",
            email=f"extra{n}@zorg-a.nl",
        )
        for n in range(40)
    )
    for _ in range(times):
        submitted_aanvraag(user)
        aanvraag_create(user=user, soort="wlz")
        for kind in (ConsentKind.NAW_INZIEN, ConsentKind.INDICATIE_RAADPLEGEN):
            consent(user, BSN, kind)
    aanvraag_status_change(  # the detail page lists the history
        aanvraag_id=world["aanvraag"], user=world["staff"], to_status="in_behandeling"
    )
    other = OrganisationFactory()
    submitted_aanvraag(UserFactory(organisation=other))


def request(client, page: Page, world):
    url = page.url.format(**world)
    if page.method == "post":
        data = {key: value.format(**world) for key, value in page.data.items()}
        return client.post(url, data, REMOTE_ADDR="127.0.0.1")
    return client.get(url)


def warmed(http, page: Page, world) -> None:
    """A running session's first request reads its login from the database and keeps it in Redis
    (accounts.auth_cache); the budget is that of the requests after it."""
    if page.who != "anonymous":
        request(http, page, world)


def prepared(client, page: Page, world):
    if page.who != "anonymous":
        login_client(client, world[page.who])
        session = client.session
        session[SESSION_BSN] = BSN  # the client whose data 'cliëntgegevens' shows, as after a search
        session.save()
    return client


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_page_stays_within_its_query_budget_as_the_data_grows(page, world, client, django_assert_max_num_queries):
    from django.core.cache import cache

    http = prepared(client, page, world)
    budget = page.budget + (LOGIN_READS if page.who != "anonymous" and not settings.REDIS_URL else 0)
    warmed(http, page, world)
    with django_assert_max_num_queries(budget) as small:
        response = request(http, page, world)
    assert response.status_code == 200, (page.name, response.status_code)

    grow(world)
    cache.clear()  # rate limits and SMS cooldowns of the first request; not what is counted
    warmed(http, page, world)
    with django_assert_max_num_queries(budget) as large:
        response = request(http, page, world)
    assert response.status_code == 200, (page.name, response.status_code)
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
