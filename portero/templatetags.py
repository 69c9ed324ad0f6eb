"""Template tags every site uses, registered as the library 'portero' (settings.TEMPLATES, OPTIONS libraries)."""

from html import escape
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.http import QueryDict
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_NAMED_URLS: dict[tuple, str] = {}


@register.simple_tag
def named_url(name: str) -> str:
    """{% url name %} for a page that takes no arguments, reversed once per URL configuration (each host has its
    own, portero/hosts.py) and script prefix instead of on every render: the layout links to seven such pages and
    Django's reverse() costs about 30 µs a call. For Portero's namespaces, each included once; the
    admin's, whose links depend on the current app, keep {% url %}."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)
    try:
        return _NAMED_URLS[key]
    except KeyError:
        url = _NAMED_URLS[key] = reverse(name)
        return url


_STATIC_URLS: dict[str, str] = {}


@register.simple_tag
def static_url(path: str) -> str:
    """{% static path %}, looked up once per process: the manifest of the hashed file names is read at start-up and
    does not change while the process runs, and the storage's look-up cost 30 µs on every page (the layout's
    style sheet)."""
    try:
        return _STATIC_URLS[path]
    except KeyError:
        url = _STATIC_URLS[path] = static(path)
        return url


def _forget_cached_urls(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":  # as Django clears its own URL caches (tests override the setting)
        _NAMED_URLS.clear()
    if setting in ("STORAGES", "STATIC_URL"):  # as Django resets its static files storage
        _STATIC_URLS.clear()


setting_changed.connect(_forget_cached_urls)


def query_string(query: QueryDict, **changes) -> str:
    """What Django's {% querystring %} writes for these changes to `query` (a parameter set to None is removed), as
    a function for tags written in Python: the URL's other parameters (search, filter, sort) stay, in their order, and
    a changed one keeps its place. Built from the pairs, without the copy of the QueryDict the tag makes (a page of
    the beheer list writes eleven such links)."""
    pairs = []
    for key, values in query.lists():
        if key not in changes:
            pairs += [(key, value) for value in values]
        elif changes[key] is not None:
            pairs.append((key, changes[key]))
    pairs += [(key, value) for key, value in changes.items() if value is not None and key not in query]
    return f"?{urlencode(pairs)}" if pairs or query else ""


@register.simple_tag(takes_context=True)
def pagination(context) -> SafeString:
    """Page links (page parameter: pagina) that keep the search, filter and sort of the current URL, for the
    context's `page`: the first and last page, two on each side of this one, '…' between; nothing when there is
    one page. Written here rather than in a template of its own: with {% querystring %} for each link it was a
    seventh of the beheer list's rendering. Every href is escaped (html.escape, as the templates do)."""
    page = context["page"]
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return ""
    query = context["request"].GET

    def href(number) -> str:
        return escape(query_string(query, pagina=number))

    items = []
    if page.has_previous():
        items.append(
            f'<li><a href="{href(page.previous_page_number())}" rel="prev">{escape(gettext("Vorige"))}</a></li>'
        )
    hidden = f'<span class="visually-hidden">{escape(gettext("Pagina"))} </span>'
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append(f"<li><span>{escape(str(number))}</span></li>")
        elif number == page.number:
            items.append(f'<li><span aria-current="page">{number}</span></li>')
        else:
            items.append(f'<li><a href="{href(number)}">{hidden}{number}</a></li>')
    if page.has_next():
        items.append(f'<li><a href="{href(page.next_page_number())}" rel="next">{escape(gettext("Volgende"))}</a></li>')
    label = escape(gettext("Paginering"))
    return mark_safe(  # noqa: S308 - every text and href is escaped above
        f'\n<nav class="pagination" aria-label="{label}">\n  <ul>\n    ' + "\n    ".join(items) + "\n  </ul>\n</nav>\n"
    )


@register.simple_tag
def masked_mobile(number) -> SafeString:
    """A mobile number as the SMS pages show it: the first two and last two digits, the rest as pairs of stars,
    "06 ** ** ** 01" (a Dutch number; another country's starts with its +code). Screen readers skip the stars and
    hear "nummer eindigend op 0 1" instead (digits apart, so it is not read as "one")."""
    import phonenumbers

    if not isinstance(number, phonenumbers.PhoneNumber):
        number = phonenumbers.parse(str(number), None)
    national = str(number.national_number)
    last = national[-2:]
    if number.country_code == 31:
        shown = f"0{national[0]} ** ** ** {last}"
    else:
        shown = f"+{number.country_code} ** ** ** {last}"
    spoken = gettext("nummer eindigend op %(digits)s") % {"digits": " ".join(last)}
    return mark_safe(  # noqa: S308 - both parts are escaped here
        f'<span aria-hidden="true">{escape(shown)}</span><span class="visually-hidden">{escape(spoken)}</span>'
    )
