import functools
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import number_format
from django.utils.http import RFC3986_SUBDELIMS, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aanvragen.choices import ROLE_LABELS
from aanvragen.selectors import aanvraagsoorten_allowed
from orgadmin import selectors, services
from orgadmin.decorators import org_admin_required
from orgadmin.forms import UserDeleteForm, UserForm, UserSearchForm
from orgadmin.user_search import current_columns, parse_sort, user_list_page
from portero.forms import add_service_errors
from portero.hosts import AANVRAAG, absolute_url
from portero.templatetags import query_string

SESSION_ADDED = "orgadmin_user_added"  # the confirmation page belongs to the create that just happened
_MARKER = "PORTERO-USERNAME"


@login_not_required
def start(request):
    """Before login: what the beheer module is and 'Log in >>'. After login: the beheer home."""
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        return render(request, "orgadmin/start.html")
    if not user.is_org_admin:
        raise PermissionDenied("beheer")
    return render(request, "orgadmin/home.html")


@functools.lru_cache(maxsize=16)
def _grouped(number: int, language: str | None) -> str:
    """The number with thousands grouping ('1.000'), formatted once per number and language: Django's
    number_format looks the format up anew on every call, 0.2 ms of the list."""
    return number_format(number, force_grouping=True)


@functools.lru_cache(maxsize=8)
def _user_detail_url_parts(urlconf, script_prefix) -> list[str]:
    """The user page's URL before and after the login name, reversed once per URL configuration and prefix."""
    return reverse("orgadmin:user_detail", kwargs={"username": _MARKER}).split(_MARKER)


def user_detail_url() -> Callable[[str], str]:
    """reverse('orgadmin:user_detail', username=…) as a function that reverses once: the URL resolver's 40 µs a
    call is most of a row's cost. reverse() quotes each character on its own (pchar of RFC 3986), so the URL of a
    name is the URL of a marker with the marker replaced by the quoted name. A name the <str:> converter rejects
    (empty, or with a '/') goes to reverse() itself, which raises as it always did."""
    before, after = _user_detail_url_parts(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())

    def url(username: str) -> str:
        if not username or "/" in username:
            return reverse("orgadmin:user_detail", kwargs={"username": username})
        return before + quote(username, safe=RFC3986_SUBDELIMS + "/~:@") + after

    return url


def _sort_columns(sort: str, query) -> list[dict]:
    """The column headers: the current direction (for aria-sort) and the link a click on the title follows (the
    list's URL `query` with that sort, from page 1; none for a column that is not sortable)."""
    current, descending = parse_sort(sort)
    columns = []
    for column in current_columns():
        direction = ("descending" if descending else "ascending") if column.key == current else None
        columns.append(
            {
                "key": column.key,
                "label": column.label,
                "sortable": column.sortable,
                "aria_sort": direction,
                "href": query_string(
                    query, sort=f"-{column.key}" if direction == "ascending" else column.key, pagina=None
                ),
            }
        )
    return columns


@require_http_methods(["GET", "POST"])
@org_admin_required
def user_list(request):
    if request.method == "POST":  # the search form: on to the list's URL, which never holds a BSN
        form = UserSearchForm(request.POST)
        if form.is_valid():
            query = urlencode(form.url_query(request.POST.get("sort", "")))
            return redirect(reverse("orgadmin:user_list") + (f"?{query}" if query else ""))
    else:
        form = UserSearchForm(request.GET)
    search = form.cleaned_data if form.is_valid() else {"zoeken": "", "verwijderd": False}
    sort = request.GET.get("sort", "")
    page, found = user_list_page(
        admin=request.user,
        query=search["zoeken"],
        show_deleted=search["verwijderd"],
        sort=sort,
        page_number=request.GET.get("pagina"),
    )
    url = user_detail_url()
    for row in page.object_list:  # each login name links to the account's page
        row["url"] = url(row["username"])
    context = {
        "form": form,
        "page": page,
        "limited": found.limited,
        "limit": _grouped(found.count, get_language()) if found.limited else "",
        "columns": _sort_columns(sort, request.GET),
    }
    return render(request, "orgadmin/user_list.html", context)


@require_http_methods(["GET", "POST"])
@org_admin_required
def user_add(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_add(admin=request.user, data=form.cleaned_data, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SESSION_ADDED] = user.username
            return redirect("orgadmin:user_added", username=user.username)
    return render(request, "orgadmin/user_form.html", {"form": form})


@require_GET
@org_admin_required
def user_added(request, username):
    target = selectors.user_for_admin(admin=request.user, username=username, active_only=True)
    if request.session.get(SESSION_ADDED) != target.username:
        return redirect("orgadmin:user_detail", username=target.username)
    site_url = absolute_url(AANVRAAG, "aanvragen:home")
    return render(request, "orgadmin/user_added.html", {"target": target, "site_url": site_url})


@require_http_methods(["GET", "POST"])
@org_admin_required
def user_detail(request, username):
    """The user's page: change the data; deleted and inactive accounts are shown read-only (POST: 404)."""
    target = selectors.user_for_admin(admin=request.user, username=username, active_only=request.method == "POST")
    if not target.is_active:
        return render(request, "orgadmin/user_readonly.html", {"target": target})
    form = UserForm(request.POST or None, initial=UserForm.initial_for(target))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(admin=request.user, user=target, data=form.cleaned_data, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect("orgadmin:user_detail", username=target.username)
    context = {
        "form": form,
        "target": target,
        "delete_refusal": services.user_delete_refusal(admin=request.user, user=target),
        "factors_reset_refusal": services.user_factors_reset_refusal(admin=request.user, user=target),
    }
    return render(request, "orgadmin/user_form.html", context)


@require_http_methods(["GET", "POST"])
@org_admin_required
def user_delete(request, username):
    """'Gebruiker verwijderen': a required reason, then 'Ja' (delete) or 'Nee' (back to the user page)."""
    target = selectors.user_for_admin(admin=request.user, username=username, active_only=True)
    form = UserDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(
                admin=request.user, user=target, reason=form.cleaned_data["deletion_reason"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgadmin:user_deleted", username=target.username)
    refusal = services.user_delete_refusal(admin=request.user, user=target)
    return render(request, "orgadmin/user_delete.html", {"form": form, "target": target, "refusal": refusal})


@require_GET
@org_admin_required
def user_deleted(request, username):
    target = selectors.user_for_admin(admin=request.user, username=username)
    if target.deleted_at is None:
        raise Http404
    return render(request, "orgadmin/user_deleted.html", {"target": target})


@require_GET
@org_admin_required
def organisation(request):
    organisation = selectors.organisation_for_admin(admin=request.user)
    aanvraagsoorten = aanvraagsoorten_allowed(organisation)
    context = {"organisation": organisation, "aanvraagsoorten": [ROLE_LABELS[soort] for soort in aanvraagsoorten]}
    return render(request, "orgadmin/organisation.html", context)
