"""CIZ staff's admin of the applications: a page to read each one, and processing it through
aanvraag_status_change (a status change, 'Besluit vastleggen'); attachments are downloaded from here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aanvragen import werkvoorraad
from aanvragen.admin.clients import ClientAccessLogMixin
from aanvragen.admin.privacy import erasure_view
from aanvragen.choices import STATUS_TRANSITIONS, AanvraagStatus, Besluit, WzdVerklaring, Zorgprofiel
from aanvragen.choices import AanvraagStatus as S
from aanvragen.models.aanvraag import Aanvraag, AanvraagStatusChange, Bijlage
from aanvragen.services.aanvraag import aanvraag_status_change, bijlage_download_name
from portero.fields import limited_form_field
from portero.forms import add_service_errors
from portero.http import posted


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nieuwe status"))
    besluit = forms.ChoiceField(
        label=_("Uitkomst besluit"), choices=[("", "---------"), *Besluit.choices], required=False
    )
    besluit_zorgprofiel = forms.ChoiceField(
        label=_("Toegekend zorgprofiel"),
        choices=[("", "---------"), *Zorgprofiel.choices],
        required=False,
        help_text=_("Bij partnerverblijf altijd 999 (ZZP0: Partnerverblijf); leeg laten mag."),
    )
    wzd_verklaring = forms.ChoiceField(
        label=_("Wzd-verklaring (COD127)"),
        choices=[("", "---------"), *WzdVerklaring.choices],
        required=False,
        help_text=_("Alleen bij een artikel 21-aanvraag of een combinatie-aanvraag."),
    )
    wzd_besluit_tot = forms.DateField(
        label=_("Artikel 21-besluit geldig tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Alleen bij verklaring 1 (aangewezen); hoogstens 5 jaar."),
    )
    note = limited_form_field(
        AanvraagStatusChange._meta.get_field("note").max_length,
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, aanvraag: Aanvraag, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(aanvraag.status, ())
        self.fields["to_status"].choices = [(s, AanvraagStatus(s).label) for s in allowed]


class BesluitForm(StatusChangeForm):
    """'Besluit vastleggen': only the outcome fields of this application's type (werkvoorraad.besluit_fields)."""

    def __init__(self, *args, aanvraag: Aanvraag, **kwargs):
        super().__init__(*args, aanvraag=aanvraag, **kwargs)
        del self.fields["to_status"]
        wanted = werkvoorraad.besluit_fields(aanvraag)
        for name in ("besluit", "besluit_zorgprofiel", "wzd_verklaring", "wzd_besluit_tot"):
            if name not in wanted:
                del self.fields[name]
        if "wzd_verklaring" in self.fields:
            self.fields["wzd_verklaring"].help_text = ""
        if "wzd_besluit_tot" in self.fields:
            self.fields["wzd_besluit_tot"].help_text = _("Alleen bij verklaring 1 (aangewezen); hoogstens 5 jaar.")


@admin.register(Aanvraag)
class AanvraagAdmin(ClientAccessLogMixin, admin.ModelAdmin):
    """The applications. A record's page shows that application only: the processing facts, the actions (a button
    per status it may move to, 'Besluit vastleggen'), the status history and the attachments on top, then what the
    applicant filled in, step by step, with the labels and the Dutch names of the codes of the aanvraag site
    (steps.step_summary). It is a page to read: status and besluit change only through their forms, which call
    aanvraag_status_change."""

    # Status and deadline first and short dates: at 1280 px they stay in view beside the filter panel and the nav
    # sidebar, without a table that scrolls sideways.
    list_display = ["__str__", "status", "beslisdatum", "soort_kort", "organisation", "ingediend"]
    list_filter = ["status", "soort", "combinatie", "urgent", "wzd_verklaring", "organisation"]
    client_bsn_field = "client_bsn"
    search_fields = ["=reference"]
    search_help_text = _("Zoek op het volledige kenmerk of het volledige BSN.")
    list_select_related = ["organisation"]
    change_form_template = "admin/aanvragen/aanvraag/change_form.html"
    fields = ["reference"]
    readonly_fields = ["reference"]

    @admin.display(description=_("soort"), ordering="soort")
    def soort_kort(self, aanvraag):
        return werkvoorraad.soort_label(aanvraag)

    @admin.display(description=_("uiterste beslisdatum"), ordering="deadline")
    def beslisdatum(self, aanvraag):
        termijn = werkvoorraad.termijn_of(aanvraag)
        if termijn == werkvoorraad.OPGESCHORT:
            return _("opgeschort")
        deadline = f"{aanvraag.deadline:%-d-%-m-%Y}" if aanvraag.deadline else "—"
        if termijn in (werkvoorraad.TE_LAAT, werkvoorraad.DEZE_WEEK):
            return format_html("{} <strong>{}</strong>", deadline, dict(werkvoorraad.TERMIJN_CHOICES)[termijn].lower())
        return deadline

    @admin.display(description=_("ingediend op"), ordering="submitted_at")
    def ingediend(self, aanvraag):
        return f"{timezone.localtime(aanvraag.submitted_at):%-d-%-m-%Y}" if aanvraag.submitted_at else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def clients_of(self, aanvraag):
        """The client and, for Partnerverblijf, the partner: both are shown on the page."""
        return [(bsn, None) for bsn in (aanvraag.client_bsn, aanvraag.partner_bsn) if bsn]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.aanvraag_context(obj), title=_("Aanvraag"))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def aanvraag_context(self, aanvraag: Aanvraag) -> dict:
        from aanvragen import steps

        transitions = STATUS_TRANSITIONS.get(aanvraag.status, ())
        termijn = werkvoorraad.termijn_of(aanvraag)
        besluit = [
            (Aanvraag._meta.get_field(name).verbose_name, steps.display(aanvraag, name))
            for name in werkvoorraad.besluit_fields(aanvraag)
        ]
        return {
            "flow": steps.flow_for(aanvraag),
            "summary": steps.step_summary(aanvraag),
            "termijn": termijn,
            "termijn_label": dict(werkvoorraad.TERMIJN_CHOICES).get(termijn, ""),
            "status_buttons": [
                (status, AanvraagStatus(status).label) for status in transitions if status != S.BESLUIT_GENOMEN
            ],
            "besluit_possible": S.BESLUIT_GENOMEN in transitions,
            "besluit": besluit if aanvraag.besluit or aanvraag.wzd_verklaring else [],
            "history": aanvraag.status_changes.select_related("changed_by").order_by("changed_at", "pk"),
            "bijlagen": aanvraag.bijlagen.select_related("uploaded_by").order_by("uploaded_at", "pk"),
            "note_max_length": AanvraagStatusChange._meta.get_field("note").max_length,
        }

    def get_urls(self):
        return [
            path("<int:pk>/status/", self.admin_site.admin_view(self.status_view), name="aanvragen_aanvraag_status"),
            path("<int:pk>/besluit/", self.admin_site.admin_view(self.besluit_view), name="aanvragen_aanvraag_besluit"),
            path(
                "<int:pk>/bijlagen/<int:bijlage_pk>/",
                self.admin_site.admin_view(self.bijlage_view),
                name="aanvragen_aanvraag_bijlage",
            ),
            path(
                "<int:pk>/verwijderen-op-verzoek/",
                self.admin_site.admin_view(lambda request, pk: erasure_view(self, request, pk)),
                name="aanvragen_aanvraag_erase",
            ),
            *super().get_urls(),
        ]

    def _status_change(self, request, aanvraag: Aanvraag, form: forms.Form, **fixed):
        """The service called with the form's data; its refusal shown next to the field it is about."""
        try:
            aanvraag_status_change(aanvraag_id=aanvraag.pk, user=request.user, **form.cleaned_data, **fixed)
        except ValidationError as error:
            add_service_errors(form, error)
            return None
        return redirect("admin:aanvragen_aanvraag_change", aanvraag.pk)

    def status_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        aanvraag = get_object_or_404(Aanvraag, pk=pk)
        form = StatusChangeForm(posted(request), aanvraag=aanvraag)
        if request.method == "POST" and form.is_valid():
            done = self._status_change(request, aanvraag, form)
            if done:
                messages.success(
                    request,
                    _("De status is gewijzigd. Nieuwe status: %(status)s.")
                    % {"status": AanvraagStatus(form.cleaned_data["to_status"]).label},
                )
                return done
        context = {
            **self.admin_site.each_context(request),
            "title": _("Status wijzigen van %(aanvraag)s") % {"aanvraag": aanvraag},
            "aanvraag": aanvraag,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "aanvragen/admin/status_change.html", context)

    def besluit_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        aanvraag = get_object_or_404(Aanvraag, pk=pk)
        form = BesluitForm(posted(request), aanvraag=aanvraag)
        transitions = STATUS_TRANSITIONS.get(aanvraag.status, ())
        if S.BESLUIT_GENOMEN not in transitions:
            form = None
        elif request.method == "POST" and form.is_valid():
            done = self._status_change(request, aanvraag, form, to_status=S.BESLUIT_GENOMEN)
            if done:
                messages.success(request, _("Het besluit is vastgelegd."))
                return done
        context = {
            **self.admin_site.each_context(request),
            "title": _("Besluit vastleggen voor %(aanvraag)s") % {"aanvraag": aanvraag},
            "aanvraag": aanvraag,
            "form": form,
            "first_in_behandeling": S.IN_BEHANDELING in transitions,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/aanvragen/aanvraag/besluit.html", context)

    def bijlage_view(self, request, pk, bijlage_pk):
        if not self.has_view_permission(request):
            raise Http404
        bijlage = get_object_or_404(Bijlage.objects.select_related("aanvraag"), pk=bijlage_pk, aanvraag_id=pk)
        self.clients_shown(request, [(bijlage.aanvraag.client_bsn, None)])
        return FileResponse(
            bijlage.file.open("rb"),
            as_attachment=True,
            filename=bijlage_download_name(bijlage),
            content_type=bijlage.content_type,
        )
