"""CIZ staff's admin of the spot checks of consents (draw a sample, record the findings) and of the sanctions that
follow (a warning, a suspension), each taken through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanvragen import selectors
from aanvragen.admin.clients import ClientAccessLogMixin, ReadOnly
from aanvragen.models.steekproeven import OrganisationSanction, SpotCheck, SpotCheckItem
from aanvragen.services.steekproeven import (
    organisation_suspend,
    organisation_warn,
    spot_check_clients,
    spot_check_draw,
    spot_check_outcome_errors,
    spot_check_outcome_record,
)
from accounts.models import Organisation
from portero.fields import limited_form_field
from portero.forms import add_service_errors
from portero.http import posted


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
            errors = spot_check_outcome_errors(outcome=data["outcome"], remark=data.get("remark", ""))
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
class SpotCheckAdmin(ClientAccessLogMixin, admin.ModelAdmin):
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
                spot_check = spot_check_draw(user=request.user, request=request, **form.cleaned_data)
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
        return spot_check_clients(spot_check)

    def save_model(self, request, obj, form, change):
        """The spot check itself is never edited in a form; only its findings (save_formset)."""

    def save_formset(self, request, form, formset, change):
        # What the admin's history message reads; the findings themselves are written by the service.
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(f.instance, f.changed_data) for f in formset.forms if f.has_changed()]
        for item_form in formset.forms:
            if item_form.has_changed() and item_form.cleaned_data.get("outcome"):
                spot_check_outcome_record(
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
                organisation_suspend
                if data["decision"] == OrganisationSanction.Decision.OPGESCHORT
                else organisation_warn
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
