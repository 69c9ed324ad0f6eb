from datetime import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter(expects_localtime=True)
def minute(value: datetime | None) -> str:
    """A time as the beheer lists show it, dd-mm-jjjj uu:mm on the Dutch clock; '' for none. The same text as
    |date:"d-m-Y H:i" at a tenth of its cost (about 30 µs a value, a sixth of the user list's rows)."""
    return value.strftime("%d-%m-%Y %H:%M") if value else ""


@register.simple_tag
def user_rows(rows) -> SafeString:
    """The rows of 'Gebruikers' (orgadmin.user_search.UserRow, each with its url from the view), a <tr> each with a
    cell per column of orgadmin.user_search.columns(): login name as the link to the account, 'achternaam,
    voornaam tussenvoegsels', last login (minute, or 'Nog niet ingelogd'), the login methods (or 'Geen') and the
    remark. Written here rather than as a {% for %} of the template: the template engine's lookup, filter chain and
    escape for each of 25 rows × 8 values made the loop about a quarter of the page's rendering (0.2 ms here); this
    is the same HTML, each value escaped (the escape of Django's templates, html.escape)."""
    not_yet, none = escape(gettext("Nog niet ingelogd")), escape(gettext("Geen"))
    zone = timezone.get_current_timezone()  # once, not per row
    lines = []
    for row in rows:
        last_login = row["last_login"]
        prefix = row["name_prefix"]
        methods = row["inlogmethoden"]
        lines.append(
            f'\n    <tr><td><a href="{escape(row["url"])}">{escape(row["username"])}</a></td>'
            f"<td>{escape(row['last_name'])}, {escape(row['first_name'])}{' ' + escape(prefix) if prefix else ''}</td>"
            f"<td>{minute(last_login.astimezone(zone)) if last_login else not_yet}</td>"
            f"<td>{escape(', '.join(methods)) if methods else none}</td>"
            f"<td>{escape(row['remark'])}</td></tr>"
        )
    return mark_safe("".join(lines))  # noqa: S308 - every value is escaped above
