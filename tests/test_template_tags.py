"""portero/templatetags.py: the page links and the layout's links, built in Python for speed, give the HTML the
templates of tags gave."""

import re

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory

# The template the pagination tag replaced (templates/includes/pagination.html before it), as the reference;
# the views gave it page_numbers, which the tag now works out itself.
TEMPLATE_OF_TAGS = """{% load i18n %}
{% if page.paginator.num_pages > 1 %}
<nav class="pagination" aria-label="{% translate 'Paginering' %}">
  <ul>
    {% if page.has_previous %}<li><a href="{% querystring pagina=page.previous_page_number %}" rel="prev">{% translate "Vorige" %}</a></li>{% endif %}
    {% for number in page_numbers %}
      <li>{% if number == page.paginator.ELLIPSIS %}<span>{{ number }}</span>{% elif number == page.number %}<span aria-current="page">{{ number }}</span>{% else %}<a href="{% querystring pagina=number %}"><span class="visually-hidden">{% translate "Pagina" %} </span>{{ number }}</a>{% endif %}</li>
    {% endfor %}
    {% if page.has_next %}<li><a href="{% querystring pagina=page.next_page_number %}" rel="next">{% translate "Volgende" %}</a></li>{% endif %}
  </ul>
</nav>
{% endif %}"""  # noqa: E501


def items(html: str) -> list[str]:
    return re.findall(r"<nav[^>]*>|<li>.*?</li>", html)


@pytest.mark.parametrize("count, number", [(10, 1), (60, 1), (60, 3), (300, 1), (300, 2), (300, 6), (300, 12)])
def test_the_pagination_tag_writes_the_links_the_template_of_tags_wrote(count, number):
    request = RequestFactory().get("/lijst/", {"zoeken": 'a "b" <c>&', "sort": "-naam", "pagina": "9", "x": ["1", "2"]})
    page = Paginator(range(count), 25).page(number)
    context = {
        "page": page,
        "page_numbers": list(page.paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)),
    }
    engine = engines["django"]
    expected = engine.from_string(TEMPLATE_OF_TAGS).render(context, request)
    written = engine.from_string("{% load portero %}{% pagination %}").render(context, request)
    assert items(written) == items(expected)
    assert ('rel="next"' in written) is page.has_next() and (count > 25) is ("<nav" in written)
