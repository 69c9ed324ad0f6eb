"""No BSN in any URL: URLs stand in browser history and in the proxy's access log. The crawl logs in as each
persona, walks every page it can reach (every URL pattern, filled with the persona's own records, and every link
on those pages), submits every form on them with a valid BSN in every text field, follows the redirects, and
fails on any request URL or Location header that holds a 9-digit number that is a BSN (11-proef).

A GET form puts its fields in the URL, so a page may only have GET forms whose text fields cannot take a BSN:
searches that may be given a BSN are POSTed (the aanvragen list, the CIZ admin's lists, the beheer user list).
The proxy's log format itself (docker-compose's nginx) is checked in its own test."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import get_resolver

from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create
from aanvragen.validators import bsn_is_valid
from tests.aanvragen.helpers import submitted_aanvraag
from tests.conftest import login_client
from tests.security.test_url_sweep import walk

pytestmark = pytest.mark.django_db
BSN = "123456782"  # a demo BSN that passes the 11-proef
TEXT_TYPES = {"", "text", "search", "tel", "email", "number", "url", "password"}
MAX_PAGES = 250
SKIP = re.compile(r"/(uitloggen|logout)/|/delete/|/verwijderen/$|^/dev/")


class Forms(HTMLParser):
    """The page's links and its forms: method, action, fields (name, kind, value) and named submit buttons."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self.select = [], [], None

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": [],
                               "buttons": []})  # fmt: skip
        elif not self.forms:
            return
        elif tag in ("input", "button"):
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            if kind == "submit":
                if a.get("name"):
                    self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))
            elif a.get("name") and kind not in ("file", "reset", "button", "image"):
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                value = BSN if kind in TEXT_TYPES else a.get("value", "2026-01-05" if kind == "date" else "on")
                self.forms[-1]["fields"].append((a["name"], value))
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"].append((a["name"], BSN))
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None]
            self.forms[-1]["fields"].append(self.select)
        elif tag == "option" and self.select is not None and (self.select[1] is None or "selected" in a):
            self.select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def bsns_in(url: str) -> list[str]:
    return [n for n in re.findall(r"(?<!\d)\d{9}(?!\d)", unquote(unquote(url))) if bsn_is_valid(n)]


class Crawl:
    def __init__(self, http: Client, user):
        self.http, self.user, self.leaks = http, user, []

    def check(self, method: str, url: str, response) -> None:
        for where in (url, response.get("Location", "")):
            if bsns_in(where):
                self.leaks.append((self.user.username, method, url, where))

    def request(self, method: str, url: str, data=None):
        if method == "POST":
            response = self.http.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
        else:
            response = self.http.get(url)
        self.check(method, url, response)
        for _hop in range(5):  # follow the redirects, each Location checked
            if response.status_code not in (301, 302, 303) or not response.has_header("Location"):
                break
            url = urljoin(url, response["Location"])
            if urlsplit(url).netloc not in ("", "testserver"):
                break
            response = self.http.get(url)
            self.check("GET", url, response)
        return response

    def submit(self, page_url: str, form: dict) -> None:
        action = urljoin(page_url, form["action"] or page_url)
        data = [(name, value or "") for name, value in form["fields"]]
        for button in form["buttons"] or [None]:
            fields = data + ([button] if button else [])
            if form["method"] == "post":
                self.request("POST", action, fields)
            else:
                self.request("GET", action.split("?")[0] + "?" + urlencode(fields))
            login_client(self.http, self.user)  # a form may have ended the session (password, logout)

    def run(self, seeds: list[str]) -> None:
        queue, seen = list(seeds), set()
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen or SKIP.search(url):
                continue
            seen.add(url)
            response = self.request("GET", url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(response.content.decode("utf-8", errors="replace"))
            for form in parser.forms:
                self.submit(url, form)
            for href in parser.links:
                link = urljoin(url, href).split("#")[0]
                if urlsplit(link).netloc in ("", "testserver") and urlsplit(link).path.startswith("/"):
                    queue.append(urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else ""))
        assert seen, "the crawl reached no page"


def seeds(user) -> list[str]:
    """Every URL pattern, its parameters filled with the persona's own records where it takes any."""
    aanvragen = list(user.organisation.aanvragen.all()) if user.organisation_id else []
    urls = []
    for _name, route in walk(get_resolver()):
        if "<" not in route:
            urls.append("/" + route)
        elif re.fullmatch(r"aanvragen/<int:pk>/[a-z]*/?", route):
            urls += ["/" + route.replace("<int:pk>", str(aanvraag.pk)) for aanvraag in aanvragen]
        elif "<slug:step>" in route:
            urls += [f"/aanvragen/{aanvraag.pk}/stap/client/" for aanvraag in aanvragen]
    return urls


@pytest.mark.parametrize("persona", ["user_a", "admin_a", "staff"])
def test_no_form_of_any_page_puts_a_bsn_in_a_url(request, persona, user_a, staff):
    submitted_aanvraag(user_a, client_bsn=BSN)
    concept = aanvraag_create(user=user_a, soort="wlz")
    aanvraag_concept_save(aanvraag=concept, values={"client_bsn": BSN})
    user = request.getfixturevalue(persona)
    http = Client(raise_request_exception=False)
    crawl = Crawl(login_client(http, user), user)
    crawl.run(seeds(user))
    assert crawl.leaks == []


def test_the_crawl_finds_a_bsn_in_a_get_form(user_a):
    """The crawl itself: a GET form with a text field is caught."""
    crawl = Crawl(login_client(Client(), user_a), user_a)
    parser = Forms()
    parser.feed('<form method="get" action="/aanvragen/"><input name="zoek"><button>Zoek</button></form>')
    crawl.submit("/aanvragen/", parser.forms[0])
    assert crawl.leaks and BSN in crawl.leaks[0][2]
