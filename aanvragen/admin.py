"""CIZ staff: the client register (the only place with a name search), consent spot checks, the read-only access
log, and processing applications through aanvraag_status_change."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aanvragen import admin_werkvoorraad, selectors, services, werkvoorraad
from aanvragen.choices import STATUS_TRANSITIONS, AanvraagStatus, Besluit, WzdVerklaring, Zorgprofiel
from aanvragen.choices import AanvraagStatus as S
from aanvragen.models import (
    Aanvraag,
    AanvraagStatusChange,
    AccessLogEntry,
    Bijlage,
    Client,
    ClientConsent,
    Indicatie,
    OrganisationSanction,
    SpotCheck,
    SpotCheckItem,
)
from aanvragen.views import posted
from accounts.models import Organisation
from portero.admin_search import PostSearchAdminMixin
from portero.fields import limited_form_field
from portero.forms import add_service_errors


class ClientDataAdmin(PostSearchAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose pages show client data. Every showing is a NEN 7513 access-log row:
    - the list: one row per client on the displayed page (one insert for the page);
    - a record opened (or saved): one row per client it shows (`clients_of`);
    - a search by BSN (POSTed, kept in the session; portero/admin_search.py): one row per search.
    `client_bsn_field` names the model's BSN field (its list is filtered and logged by it); a model without one
    (a spot check) only logs its records through `clients_of`."""

    client_bsn_field: str | None = None

    @property
    def bsn_search_field(self):
        return self.client_bsn_field

    def clients_of(self, obj) -> list[tuple[str, object]]:
        """(BSN, consent) of every client the record's page shows."""
        return [(getattr(obj, self.client_bsn_field), None)] if self.client_bsn_field else []

    def bsn_searched(self, request, bsn):
        found = self.get_queryset(request).filter(**{self.client_bsn_field: bsn}).exists()
        services.client_search_by_staff(user=request.user, bsn=bsn, found=found, request=request)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if self.client_bsn_field and response.status_code == 200 and changelist is not None:
            # The page's rows are read here once; the template renders from the same, already read, list.
            services.clients_access_by_staff(
                user=request.user,
                clients=[(getattr(obj, self.client_bsn_field), None) for obj in changelist.result_list],
                changed=False,
                request=request,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self.log_record_access(request, response, object_id)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self.log_record_access(request, response, object_id)
        return response

    def delete_view(self, request, object_id, extra_context=None):
        # Read before: once deleted, the record no longer says whose it was.
        obj = self.get_object(request, unquote(object_id))
        response = super().delete_view(request, object_id, extra_context)
        if obj is not None and response.status_code in (200, 302):
            services.clients_access_by_staff(
                user=request.user, clients=self.clients_of(obj), changed=response.status_code == 302, request=request
            )
        return response

    def log_record_access(self, request, response, object_id: str) -> None:
        """Opening (or saving) a record is an access to client data. A mistyped or unknown id opened nothing, so
        it logs nothing (get_object answers None for it, never an error)."""
        if response.status_code not in (200, 302):
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            services.clients_access_by_staff(
                user=request.user, clients=self.clients_of(obj), changed=response.status_code == 302, request=request
            )


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatieInline(admin.TabularInline):
    model = Indicatie
    extra = 0


@admin.register(Client)
class ClientAdmin(ClientDataAdmin):
    list_display = ["bsn", "full_name", "date_of_birth", "city"]
    client_bsn_field = "bsn"
    search_fields = ["last_name", "first_name", "city"]
    search_help_text = _("Zoek op BSN (het volledige BSN), achternaam, voornaam of woonplaats.")
    inlines = [IndicatieInline]


@admin.register(ClientConsent)
class ClientConsentAdmin(ReadOnly, ClientDataAdmin):
    """Spot checks: CIZ asks the organisation to show the signed form with this archive reference."""

    list_display = ["recorded_at", "organisation", "kind", "given_by", "signed_on", "archive_reference", "recorded_by"]
    list_filter = ["kind", "given_by", "organisation"]
    client_bsn_field = "client_bsn"
    search_fields = ["archive_reference"]
    search_help_text = _("Zoek op BSN (het volledige BSN) of op het kenmerk in het archief van de organisatie.")
    date_hierarchy = "recorded_at"


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnly, ClientDataAdmin):
    """Reading the log is itself an access to client data (NEN 7513 asks that access to the log is logged)."""

    list_display = ["at", "user", "organisation", "client_bsn", "action", "consent", "outcome", "ip_address"]
    list_filter = ["action", "outcome", "organisation"]
    client_bsn_field = "client_bsn"
    search_fields = ["user__username"]
    search_help_text = _("Zoek op BSN (het volledige BSN) of op inlognaam.")
    date_hierarchy = "at"
    list_select_related = ["user", "organisation", "consent"]


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
class AanvraagAdmin(ClientDataAdmin):
    """The applications. A record's page shows that application only: the processing facts, the actions (a button
    per status it may move to, 'Besluit vastleggen'), the status history and the attachments on top, then what the
    applicant filled in, step by step, with the labels and the Dutch names of the codes of the aanvraag site
    (steps.step_summary). It is a page to read: status and besluit change only through their forms, which call
    services.aanvraag_status_change."""

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
            *super().get_urls(),
        ]

    def _status_change(self, request, aanvraag: Aanvraag, form: forms.Form, **fixed):
        """The service called with the form's data; its refusal shown next to the field it is about."""
        try:
            services.aanvraag_status_change(aanvraag_id=aanvraag.pk, user=request.user, **form.cleaned_data, **fixed)
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
        services.client_access_by_staff(
            user=request.user, bsn=bijlage.aanvraag.client_bsn, changed=False, request=request
        )
        return FileResponse(
            bijlage.file.open("rb"),
            as_attachment=True,
            filename=services.bijlage_download_name(bijlage),
            content_type=bijlage.content_type,
        )


# --- Steekproeven (spot checks) ---


def form_page(model_admin: admin.ModelAdmin, request, template: str, title: str, form: forms.Form) -> TemplateResponse:
    """A one-form page inside the admin's layout."""
    context = {**model_admin.admin_site.each_context(request), "title": title, "form": form, "opts": model_admin.opts}
    return TemplateResponse(request, template, context)


class SpotCheckDrawForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.order_by("name"))
    period_from = forms.DateField(
        label=_("Toestemmingen vastgelegd vanaf"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_("Toestemmingen vastgelegd tot en met"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sample_size = forms.IntegerField(label=_("Aantal te trekken toestemmingen"), min_value=1, required=False)
    percentage = forms.IntegerField(
        label=_("Of: percentage van de toestemmingen in de periode"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Vul een aantal of een percentage in. Bij een percentage wordt naar boven afgerond."),
    )


class SpotCheckItemForm(forms.ModelForm):
    class Meta:
        model = SpotCheckItem
        fields = ["outcome", "remark"]
        widgets = {"outcome": forms.RadioSelect, "remark": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "outcome" in self.fields:  # read-only once the spot check is closed
            self.fields["outcome"].choices = SpotCheckItem.Outcome.choices
            self.fields["outcome"].required = False

    def clean(self):
        data = super().clean()
        if data.get("outcome"):
            errors = services.spot_check_outcome_errors(outcome=data["outcome"], remark=data.get("remark", ""))
            for field, message in errors.items():
                if field not in self.errors:  # a remark refused as too long is not a missing one
                    self.add_error(field, message)
        elif self.instance.outcome:
            self.add_error("outcome", _("Een vastgelegde uitkomst kan niet leeg worden gemaakt."))
        return data


class SpotCheckItemInline(admin.StackedInline):
    model = SpotCheckItem
    form = SpotCheckItemForm
    extra = 0
    can_delete = False
    fields = ["declaration", "outcome", "remark", "recorded"]
    readonly_fields = ["declaration", "recorded"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("consent", "recorded_by")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.closed_at is not None:
            return [*self.readonly_fields, "outcome", "remark"]
        return self.readonly_fields

    @admin.display(description=_("toestemming"))
    def declaration(self, item):
        consent = item.consent
        return _("%(kind)s, kenmerk %(reference)s, BSN %(bsn)s, gegeven door %(given_by)s, getekend %(signed)s") % {
            "kind": consent.get_kind_display(),
            "reference": consent.archive_reference,
            "bsn": consent.client_bsn,
            "given_by": consent.get_given_by_display(),
            "signed": f"{consent.signed_on:%d-%m-%Y}",
        }

    @admin.display(description=_("beoordeeld"))
    def recorded(self, item):
        if item.recorded_at is None:
            return _("nog niet")
        return f"{item.recorded_by} — {timezone.localtime(item.recorded_at):%d-%m-%Y %H:%M}"


@admin.register(SpotCheck)
class SpotCheckAdmin(ClientDataAdmin):
    """Draw a sample (the add page), record 'in orde' / 'niet in orde' per declaration (the change page), and
    from there warn or suspend the organisation. Every opening of a spot check is in the access log."""

    list_display = ["__str__", "organisation", "period_from", "period_to", "sample_size", "reply_deadline", "status"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter), "organisation"]
    list_select_related = ["organisation"]
    readonly_fields = [
        "organisation",
        "period_from",
        "period_to",
        "sample_size",
        "reply_deadline",
        "created_by",
        "created_at",
        "request_sent_at",
        "closed_at",
        "sanction_advice",
    ]
    inlines = [SpotCheckItemInline]
    actions = ["organisation_suspend_action", "organisation_warn_action"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def status(self, spot_check):
        return _("afgesloten") if spot_check.closed_at else _("open")

    @admin.display(description=_("sanctiebeleid"))
    def sanction_advice(self, spot_check):
        advice = selectors.suspension_advice(spot_check.organisation)
        text = _(
            "%(failed)s afgesloten steekproef/steekproeven met 'niet in orde', %(since)s daarvan na een waarschuwing."
        ) % {"failed": advice.failed_spot_checks, "since": advice.failed_since_warning}
        if spot_check.organisation.is_suspended:
            return _("%(text)s De toegang is opgeschort.") % {"text": text}
        if advice.advised:
            return _("%(text)s Opschorten wegens onzorgvuldig gebruik is geadviseerd.") % {"text": text}
        return text

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SpotCheckDrawForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                spot_check = services.spot_check_draw(user=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("De steekproef is getrokken; de organisatiebeheerders krijgen het verzoek per mail.")
                )
                return redirect("admin:aanvragen_spotcheck_change", spot_check.pk)
        return form_page(
            self, request, "admin/aanvragen/spotcheck/draw.html", _("Steekproef toestemmingen trekken"), form
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # The service refused a finding after the form was valid: a colleague closed the spot check in between
            # (spot_check_outcome_record waits for their save). The admin's transaction is rolled back: none of
            # this save's findings are kept, and the page shows the findings as they now are.
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
            self.message_user(request, _("Uw wijzigingen zijn niet opgeslagen."), messages.ERROR)
            return redirect(request.get_full_path())
        return response

    def clients_of(self, spot_check):
        return services.spot_check_clients(spot_check)

    def save_model(self, request, obj, form, change):
        """The spot check itself is never edited in a form; only its findings (save_formset)."""

    def save_formset(self, request, form, formset, change):
        # What the admin's history message reads; the findings themselves are written by the service.
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(f.instance, f.changed_data) for f in formset.forms if f.has_changed()]
        for item_form in formset.forms:
            if item_form.has_changed() and item_form.cleaned_data.get("outcome"):
                services.spot_check_outcome_record(
                    user=request.user,
                    item_id=item_form.instance.pk,
                    outcome=item_form.cleaned_data["outcome"],
                    remark=item_form.cleaned_data.get("remark", ""),
                    request=request,
                )

    def _sanction_redirect(self, request, queryset, decision):
        organisations = {spot_check.organisation_id for spot_check in queryset}
        if len(organisations) != 1:
            self.message_user(request, _("Kies steekproeven van één organisatie."), messages.ERROR)
            return None
        latest = queryset.order_by("-created_at", "-pk").first()
        url = reverse("admin:aanvragen_organisationsanction_add")
        return redirect(f"{url}?organisation={latest.organisation_id}&spot_check={latest.pk}&decision={decision}")

    @admin.action(description=_("Organisatie opschorten"), permissions=["sanction"])
    def organisation_suspend_action(self, request, queryset):
        return self._sanction_redirect(request, queryset, OrganisationSanction.Decision.OPGESCHORT)

    @admin.action(description=_("Waarschuwing vastleggen (na contact met de organisatie)"), permissions=["sanction"])
    def organisation_warn_action(self, request, queryset):
        return self._sanction_redirect(request, queryset, OrganisationSanction.Decision.WAARSCHUWING)

    def has_sanction_permission(self, request):
        return request.user.has_perm("aanvragen.add_organisationsanction")


class SanctionForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.order_by("name"))
    decision = forms.ChoiceField(label=_("Besluit"), choices=OrganisationSanction.Decision.choices)
    kind = forms.ChoiceField(label=_("Soort"), choices=OrganisationSanction.Kind.choices)
    spot_check = forms.ModelChoiceField(
        label=_("Naar aanleiding van steekproef"), queryset=SpotCheck.objects.all(), required=False
    )
    note = limited_form_field(
        OrganisationSanction._meta.get_field("note").max_length,
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat er is gebeurd, met wie er contact is geweest en wanneer."),
    )


@admin.register(OrganisationSanction)
class OrganisationSanctionAdmin(ReadOnly, admin.ModelAdmin):
    """The sanction decisions, read-only; 'toevoegen' takes a decision through the services."""

    list_display = ["decided_at", "organisation", "decision", "kind", "spot_check", "decided_by"]
    list_filter = ["decision", "kind", "organisation"]
    list_select_related = ["organisation", "spot_check__organisation", "decided_by"]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("aanvragen.add_organisationsanction")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SanctionForm(posted(request), initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            decide = (
                services.organisation_suspend
                if data["decision"] == OrganisationSanction.Decision.OPGESCHORT
                else services.organisation_warn
            )
            try:
                decide(
                    user=request.user,
                    organisation_id=data["organisation"].pk,
                    kind=data["kind"],
                    note=data["note"],
                    spot_check=data["spot_check"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Het besluit is vastgelegd."))
                return redirect("admin:aanvragen_organisationsanction_changelist")
        return form_page(
            self, request, "admin/aanvragen/organisationsanction/decide.html", _("Sanctie vastleggen"), form
        )


# The work queue is the admin's start page (aanvragen/admin_werkvoorraad.py).
admin_werkvoorraad.install(admin.site)
