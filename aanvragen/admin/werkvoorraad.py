"""The CIZ admin's start page: the work queue ('Werkvoorraad'). What is in it, its order and its counts are
aanvragen/werkvoorraad.py's; this module only shows them, with the filters (GET: a type, an organisation, a status,
a term group; never a BSN) and every other part of the admin under 'Alle onderdelen van het beheer'.

The page shows which client each application is for, so every client shown is a NEN 7513 row, written like the
application list's by the applications admin (ClientAccessLogMixin.clients_shown), one insert for the page."""

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanvragen import werkvoorraad
from aanvragen.choices import AanvraagStatus
from aanvragen.models.aanvraag import Aanvraag
from accounts.models import Organisation

PER_PAGE = 50
TEMPLATE = "admin/aanvragen/werkvoorraad.html"


class WerkvoorraadFilterForm(forms.Form):
    soort = forms.ChoiceField(
        label=_("Soort aanvraag"), choices=[("", _("Alle soorten")), *werkvoorraad.SOORT_CHOICES], required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Alle organisaties"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Alle statussen")),
            *((status, AanvraagStatus(status).label) for status in werkvoorraad.WERKVOORRAAD_STATUSES),
        ],
        required=False,
    )
    termijn = forms.ChoiceField(
        label=_("Uiterste beslisdatum"),
        choices=[("", _("Alle termijnen")), *werkvoorraad.TERMIJN_CHOICES],
        required=False,
    )

    def filters(self) -> dict:
        """The valid filters; a value typed by hand that is not offered is named next to its field and ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def werkvoorraad_view(model_admin: admin.ModelAdmin, request, extra_context=None) -> TemplateResponse:
    site = model_admin.admin_site
    today = timezone.localdate()
    form = WerkvoorraadFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    scope = {name: filters[name] for name in ("soort", "organisation") if name in filters}
    counts = werkvoorraad.werkvoorraad_counts(today=today, **scope)
    page = Paginator(werkvoorraad.werkvoorraad(today=today, **filters), PER_PAGE).get_page(request.GET.get("p"))
    rows = [(aanvraag, werkvoorraad.termijn_of(aanvraag, today)) for aanvraag in page.object_list]
    model_admin.clients_shown(request, [(aanvraag.client_bsn, None) for aanvraag, _termijn in rows])
    termijn_labels = dict(werkvoorraad.TERMIJN_CHOICES)
    context = {
        **site.each_context(request),
        "title": _("Werkvoorraad"),
        "subtitle": None,
        "app_list": site.get_app_list(request),
        "form": form,
        "counts": counts,
        "status_counts": [
            (status, AanvraagStatus(status).label, counts.per_status[status])
            for status in werkvoorraad.WERKVOORRAAD_STATUSES
        ],
        "rows": [
            (aanvraag, werkvoorraad.soort_label(aanvraag), termijn, termijn_labels.get(termijn, ""))
            for aanvraag, termijn in rows
        ],
        "page": page,
        "filtered": bool(filters),
        "opts": Aanvraag._meta,
        **(extra_context or {}),
    }
    request.current_app = site.name
    return TemplateResponse(request, TEMPLATE, context)


def install(site: admin.AdminSite) -> None:
    """The werkvoorraad as the site's start page (/admin/) for staff who may see applications; others keep the
    usual list of the admin's parts. AdminSite.index is the admin's override point; the site's class is chosen in
    portero/urls.py (the OTP-required site), so the index is set on this site instance and that choice stays."""
    usual_index = site.index

    def index(request, extra_context=None):
        model_admin = site.get_model_admin(Aanvraag)
        if not model_admin.has_view_permission(request):
            return usual_index(request, extra_context)
        return werkvoorraad_view(model_admin, request, extra_context)

    site.index = index
