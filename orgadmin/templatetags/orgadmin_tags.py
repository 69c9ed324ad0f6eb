from collections.abc import Callable
from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from portero.templatetags import query_string

register = template.Library()

USER_ROW = '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>'
_MARKER = "PORTERO-USERNAME"


def user_detail_url() -> Callable[[str], str]:
    """reverse('orgadmin:user_detail', username=…) as a function that reverses once: the URL resolver's 40 µs a
    call is most of a row's cost. reverse() quotes each character on its own (pchar of RFC 3986), so the URL of a
    name is the URL of a marker with the marker replaced by the quoted name. A name the <str:> converter rejects
    (empty, or with a '/') goes to reverse() itself, which raises as it always did."""
    before, after = reverse("orgadmin:user_detail", kwargs={"username": _MARKER}).split(_MARKER)

    def url(username: str) -> str:
        if not username or "/" in username:
            return reverse("orgadmin:user_detail", kwargs={"username": username})
        return before + quote(username, safe=RFC3986_SUBDELIMS + "/~:@") + after

    return url


@register.simple_tag
def user_rows(users) -> SafeString:
    """The rows of the 'Gebruikers' table: login name (a link to the account), naam as 'achternaam, voornaam
    tussenvoegsels', laatste inlog as dd-mm-jjjj uu:mm on the Dutch clock, and the opmerking. Built here rather than
    in a template loop: a loop of Django template tags costs about 175 µs a row, most of the page's time (issue
    10). Every value is escaped as Django's escape() does (it is html.escape, which this calls directly)."""
    not_yet = gettext("Nog niet ingelogd")
    url = user_detail_url()
    clock = timezone.get_current_timezone()  # looked up once, not per row

    def row(person) -> tuple:
        name = f"{person.last_name}, {person.first_name}"
        if person.name_prefix:
            name = f"{name} {person.name_prefix}"
        last_login = (
            timezone.localtime(person.last_login, clock).strftime("%d-%m-%Y %H:%M") if person.last_login else not_yet
        )
        values = url(person.username), person.username, name, last_login, person.remark
        return USER_ROW.format(*(escape(str(value)) for value in values))

    return mark_safe("\n".join(row(person) for person in users))  # noqa: S308 - every value escaped in row()


SORT_MARK = '<span class="sort-indicator" aria-hidden="true"> {}</span><span class="visually-hidden"> ({})</span>'
SORT_MARKS = {
    "ascending": ("▲", gettext_lazy("oplopend gesorteerd")),
    "descending": ("▼", gettext_lazy("aflopend gesorteerd")),
}


@register.simple_tag(takes_context=True)
def sort_headers(context, columns) -> SafeString:
    """The column headers of 'Gebruikers' (orgadmin.views._sort_columns): each a link that sorts by it (and goes
    back to page 1, keeping the search), aria-sort and a mark on the column the list is sorted by."""
    params = context["request"].GET.copy()
    cells = []
    for column in columns:
        direction = column["aria_sort"]
        mark = SORT_MARK.format(SORT_MARKS[direction][0], escape(str(SORT_MARKS[direction][1]))) if direction else ""
        href = query_string(params, sort=column["next_sort"], pagina=None)
        aria = f' aria-sort="{direction}"' if direction else ""
        label = escape(str(column["label"]))
        cells.append(
            f'<th scope="col"{aria}>\n          <a class="sort-link" href="{href}">{label}{mark}</a>\n        </th>'
        )
    return mark_safe("\n        ".join(cells))  # noqa: S308 - every value escaped above
