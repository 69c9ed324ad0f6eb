"""'Logboek' of the beheer site: the organisation's own audit trail (orgadmin.selectors.audit_events_for_admin).

Generic over the actions every app declares in its audit module (accounts.audit.action_choices): a new action
shows up here with its label, its changed fields as old → new (a detail `changes` of {field: {before, after}}, or
the pair `before` / `after`) and its other plain details. Nothing that looks like a secret is shown (a key naming
a password, token, code, key, hash or BSN), and a BSN in any shown value is masked.

The filter is POSTed and redirected to a URL of ids, action codes and ISO dates (orgadmin.forms.LogbookFilterForm):
no typed text of a person and no BSN in a URL.
"""

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aanvragen.services.clients import bsn_mask
from aanvragen.validators import bsn_is_valid
from accounts import selectors as account_selectors
from accounts.audit import action_choices
from accounts.models import AuditEvent, Organisation, User
from orgadmin import selectors
from orgadmin.decorators import org_admin_required
from orgadmin.forms import LogbookFilterForm, LogbookQueryForm
from orgadmin.models import UserImportRow
from orgadmin.user_search import CountedPaginator

EVENTS_PER_PAGE = 50
# The count stops here (200 pages): an organisation of 50,000 accounts logs in tens of thousands of times a day, and
# counting years of its rows for every page would read them all. Beyond this the page says to narrow the filter.
EVENTS_LIMIT = 10_000
_SECRET = re.compile(r"pass|wachtwoord|token|code|secret|key|otp|hash|bsn|pin\b", re.IGNORECASE)
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


# The Dutch label of each detail key the services write that is not a field of an account or organisation (those
# take the field's verbose_name); the outcomes and plans of an import take their choices' labels.
DETAIL_LABELS = {
    "imported_from": gettext_lazy("geïmporteerd uit"),
    "user_import": gettext_lazy("importnummer"),
    "file_name": gettext_lazy("bestand"),
    "rows": gettext_lazy("rijen"),
    "planned": gettext_lazy("gepland"),
    "counts": gettext_lazy("aantallen"),
    "kind": gettext_lazy("soort"),
    "name": gettext_lazy("naam"),
    "old": gettext_lazy("oud"),
    "error": gettext_lazy("fout"),
    "reason": gettext_lazy("reden"),
    "step": gettext_lazy("stap"),
    "purpose": gettext_lazy("doel"),
    "rate_limited": gettext_lazy("te vaak aangevraagd"),
    "regenerated": gettext_lazy("opnieuw gemaakt"),
    "removed": gettext_lazy("verwijderd"),
    "by_ciz": gettext_lazy("door het CIZ"),
    "mobile_cleared": gettext_lazy("mobiel nummer gewist"),
    "format": gettext_lazy("formaat"),
    "search": gettext_lazy("zoekopdracht"),
    "show_deleted": gettext_lazy("met verwijderde accounts"),
    "note": gettext_lazy("opmerking"),
    **dict(UserImportRow.Plan.choices),
    **dict(UserImportRow.Outcome.choices),
}


# The Dutch text of the codes the services write as a detail's value (a step, a reason, a link's purpose, a kind of
# second factor); any other value is shown as written.
_CODE_KEYS = ("step", "reason", "purpose", "kind")
VALUE_LABELS = {
    "password_confirmed": gettext_lazy("wachtwoord bevestigd"),
    "password_wrong": gettext_lazy("wachtwoord onjuist"),
    "password_limited": gettext_lazy("wachtwoord te vaak onjuist"),
    "old_code_confirmed": gettext_lazy("code van het oude nummer bevestigd"),
    "old_code_wrong": gettext_lazy("code van het oude nummer onjuist"),
    "old_code_limited": gettext_lazy("code van het oude nummer te vaak onjuist"),
    "new_code_sent": gettext_lazy("code naar het nieuwe nummer verstuurd"),
    "new_code_confirmed": gettext_lazy("code van het nieuwe nummer bevestigd"),
    "new_code_wrong": gettext_lazy("code van het nieuwe nummer onjuist"),
    "new_code_limited": gettext_lazy("code van het nieuwe nummer te vaak onjuist"),
    "register": gettext_lazy("registreren"),
    "login": gettext_lazy("inloggen"),
    "confirm_limited": gettext_lazy("bevestigingscode te vaak onjuist"),
    "confirm_stale": gettext_lazy("QR-code verlopen"),
    "confirm_wrong": gettext_lazy("bevestigingscode onjuist"),
    "remove_unknown": gettext_lazy("verwijderen: onbekende inlogmethode"),
    "remove_limited": gettext_lazy("verwijderen: wachtwoord te vaak onjuist"),
    "remove_password_wrong": gettext_lazy("verwijderen: wachtwoord onjuist"),
    "remove_last": gettext_lazy("verwijderen: laatste inlogmethode"),
    "remove_without_password": gettext_lazy("verwijderen zonder wachtwoord"),
    "login_wrong": gettext_lazy("code onjuist bij inloggen"),
    "unknown": gettext_lazy("onbekende sleutel"),
    "other_account": gettext_lazy("sleutel van een ander account"),
    "cloned": gettext_lazy("gekopieerde sleutel"),
    "invalid": gettext_lazy("ongeldig antwoord"),
    "no_password": gettext_lazy("zonder wachtwoord"),
    "wrong_password": gettext_lazy("wachtwoord onjuist"),
    "limited": gettext_lazy("te vaak geprobeerd"),
    "welcome": gettext_lazy("welkomstmail"),
    "reset": gettext_lazy("wachtwoord vergeten"),
    "renew": gettext_lazy("wachtwoord verlopen"),
    "factors_reset": gettext_lazy("inlogmethoden hersteld door de beheerder"),
    "factors_reset_ciz": gettext_lazy("inlogmethoden hersteld door het CIZ"),
    # A kind of second factor: the name the beheer list's 'Inlogmethoden' column gives it.
    **{kind: account_selectors.LOGIN_METHOD_LABELS[model] for model, kind in account_selectors.FACTOR_MODELS.items()},
}


def _actions() -> list[tuple[str, str]]:
    return sorted(((value, str(label)) for value, label in action_choices()), key=lambda choice: choice[1].lower())


def _label(key: str) -> str:
    if key in DETAIL_LABELS:
        return str(DETAIL_LABELS[key])
    for model in (User, Organisation):
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return key.replace("_", " ")


def _shown(value: Any, key: str = "") -> str:
    """A detail's value as text: a code in Dutch (a step, reason, purpose or kind), any BSN masked."""
    if value is None or value == "":
        return "—"
    if key in _CODE_KEYS and isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list | tuple):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{_label(str(key))}: {item}" for key, item in value.items() if not _SECRET.search(str(key)))
    else:
        text = str(value)
    return _NINE_DIGITS.sub(lambda m: bsn_mask(m.group(0)) if bsn_is_valid(m.group(0)) else m.group(0), text)


def changes_of(detail: dict) -> list[tuple[str, str, str]]:
    """(field, old, new) of each changed field the detail names, secrets left out."""
    pairs = {}
    changes = detail.get("changes")
    if isinstance(changes, dict):
        for key, change in changes.items():
            if isinstance(change, dict):
                pairs[key] = (change.get("before"), change.get("after"))
    before, after = detail.get("before"), detail.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        for key in {**before, **after}:
            pairs[key] = (before.get(key), after.get(key))
    return [(_label(key), _shown(old), _shown(new)) for key, (old, new) in pairs.items() if not _SECRET.search(key)]


def details_of(detail: dict) -> list[tuple[str, str]]:
    """The detail's other entries (a purpose, a step, counts), secrets left out, codes in Dutch."""
    return [
        (_label(key), _shown(value, key))
        for key, value in detail.items()
        if key not in ("changes", "before", "after") and not _SECRET.search(key)
    ]


def person(user: User | None, organisation_id: int) -> str:
    """Who an account is in this organisation's logbook: its name and login name; CIZ staff only as such."""
    if user is None:
        return _("Niet vastgelegd")
    if user.organisation_id == organisation_id:
        name = f"{user.first_name} {user.name_prefix} {user.last_name}".replace("  ", " ").strip()
        return f"{name} ({user.username})"
    if user.organisation_id is None:
        return _("CIZ-medewerker")
    return _("Niet vastgelegd")


def entry(event: AuditEvent, organisation_id: int) -> dict:
    detail = event.detail if isinstance(event.detail, dict) else {}
    target = event.target if event.target_id and event.target.organisation_id == organisation_id else None
    return {
        "created_at": event.created_at,
        "action": event.get_action_display(),
        "actor": person(event.actor, organisation_id),
        "target": person(target, organisation_id) if target else "",
        "target_username": target.username if target else "",
        "ip_address": event.ip_address or "",
        "changes": changes_of(detail),
        "details": details_of(detail),
    }


@require_http_methods(["GET", "POST"])
@org_admin_required
def logbook(request):
    admin = request.user
    actions = _actions()
    query = LogbookQueryForm(request.GET, actions=actions)
    filters = query.cleaned_data if query.is_valid() else {}
    chosen = selectors.user_of_organisation(admin=admin, pk=filters.get("gebruiker"))

    def lookup(value):
        return selectors.user_by_login_or_email(admin=admin, value=value)

    if request.method == "POST":
        form = LogbookFilterForm(request.POST, actions=actions, lookup=lookup)
        if form.is_valid():
            params = urlencode(form.url_query())
            return redirect(reverse("orgadmin:logbook") + (f"?{params}" if params else ""))
    else:
        initial = {key: value for key, value in filters.items() if key != "gebruiker" and value}
        form = LogbookFilterForm(initial={**initial, "gebruiker": chosen.username if chosen else ""}, actions=actions)
    unknown_user = bool(filters.get("gebruiker")) and chosen is None
    events = selectors.audit_events_for_admin(
        admin=admin,
        user_id=chosen.pk if chosen else None,
        action=filters.get("actie", ""),
        date_from=filters.get("van"),
        date_to=filters.get("tot"),
    )
    if unknown_user or not query.is_valid():  # an id of no account of this organisation, a hand-made URL
        events = events.none()
    count = events[: EVENTS_LIMIT + 1].count()
    paginator = CountedPaginator(events, EVENTS_PER_PAGE, count=min(count, EVENTS_LIMIT))
    page = paginator.get_page(request.GET.get("pagina"))
    page.object_list = [entry(event, admin.organisation_id) for event in page.object_list]
    limit = number_format(EVENTS_LIMIT, force_grouping=True)
    context = {"form": form, "page": page, "limited": count > EVENTS_LIMIT, "limit": limit}
    return render(request, "orgadmin/logbook.html", context)
