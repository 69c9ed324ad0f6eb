"""portero/templatetags.py: the page links ({% pagination %}) and the layout's links."""

import re

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory


def items(html: str) -> list[str]:
    return re.findall(r"<nav[^>]*>|<li>.*?</li>", html)


PARAMS = {"zoeken": 'a "b" <c>&', "sort": "-naam", "pagina": "9", "x": ["1", "2"]}
# The search, sort and filter stay, in their order; only the page number changes.
BEFORE, AFTER = "zoeken=a+%22b%22+%3Cc%3E%26&amp;sort=-naam", "x=1&amp;x=2"


def link(number: int, rel: str = "") -> str:
    href = f'href="?{BEFORE}&amp;pagina={number}&amp;{AFTER}"'
    if rel:
        return f'<li><a {href} rel="{rel}">{"Vorige" if rel == "prev" else "Volgende"}</a></li>'
    return f'<li><a {href}><span class="visually-hidden">Pagina </span>{number}</a></li>'


def render(count: int, number: int) -> str:
    request = RequestFactory().get("/lijst/", PARAMS)
    context = {"page": Paginator(range(count), 25).page(number)}
    return engines["django"].from_string("{% load portero %}{% pagination %}").render(context, request)


def test_one_page_has_no_links():
    assert "<nav" not in render(10, 1)


def test_the_links_keep_search_filter_and_sort_and_elide_the_middle():
    assert items(render(300, 6)) == [
        '<nav class="pagination" aria-label="Paginering">',
        link(5, "prev"),
        link(1),
        "<li><span>…</span></li>",
        link(4),
        link(5),
        '<li><span aria-current="page">6</span></li>',
        link(7),
        link(8),
        "<li><span>…</span></li>",
        link(12),
        link(7, "next"),
    ]


@pytest.mark.parametrize("number", [1, 12])
def test_the_first_page_has_no_previous_link_and_the_last_no_next(number):
    written = render(300, number)
    assert ('rel="prev"' in written) is (number > 1)
    assert ('rel="next"' in written) is (number < 12)


def test_static_url_is_the_url_static_gives_and_follows_a_changed_storage(settings):
    from django.templatetags.static import static

    def written() -> str:
        return engines["django"].from_string("{% load portero %}{% static_url 'css/portero.css' %}").render({})

    assert written() == static("css/portero.css") == "/static/css/portero.css"
    settings.STATIC_URL = "/elders/"
    assert written() == "/elders/css/portero.css"


@pytest.mark.parametrize(
    "url", ["/lijst/", "/lijst/?pagina=3", "/lijst/?zoeken=%C3%B6zt%C3%BCrk+%26+co&x=1&x=2&pagina=2"]
)
@pytest.mark.parametrize(
    "changes", [{"pagina": 4}, {"pagina": None}, {"sort": "-naam", "pagina": None}, {"x": "3"}, {"nieuw": "ja &"}]
)
def test_query_string_writes_what_djangos_querystring_tag_writes(url, changes):
    from portero.templatetags import query_string

    request = RequestFactory().get(url)
    arguments = " ".join(f"{key}={'None' if value is None else repr(value)}" for key, value in changes.items())
    expected = engines["django"].from_string(
        f"{{% autoescape off %}}{{% querystring {arguments} %}}{{% endautoescape %}}"
    )
    assert query_string(request.GET, **changes) == expected.render({}, request)
