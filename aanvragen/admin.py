"""CIZ staff: the client register (the only place with a name search), consent spot checks, the read-only access
log, and processing applications through aanvraag_status_change."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aanvragen import services
from aanvragen.choices import STATUS_TRANSITIONS, AanvraagStatus, Besluit, Zorgprofiel
from aanvragen.models import Aanvraag, AanvraagStatusChange, AccessLogEntry, Bijlage, Client, ClientConsent, Indicatie
from aanvragen.views import posted


def log_staff_access(request, response, bsn_query) -> None:
    """Opening (or saving) a client or an application in the admin is an access to client data."""
    bsn = bsn_query.first() if response.status_code in (200, 302) else None
    if bsn:
        services.client_access_by_staff(
            user=request.user, bsn=bsn, changed=response.status_code == 302, request=request
        )


class ReadOnlyAdmin(admin.ModelAdmin):
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
class ClientAdmin(admin.ModelAdmin):
    list_display = ["bsn", "full_name", "date_of_birth", "city"]
    search_fields = ["=bsn", "last_name", "first_name", "city"]
    inlines = [IndicatieInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        log_staff_access(request, response, Client.objects.filter(pk=object_id).values_list("bsn", flat=True))
        return response


@admin.register(ClientConsent)
class ClientConsentAdmin(ReadOnlyAdmin):
    """Spot checks: CIZ asks the organisation to show the signed form with this archive reference."""

    list_display = ["recorded_at", "organisation", "kind", "given_by", "signed_on", "archive_reference", "recorded_by"]
    list_filter = ["kind", "given_by", "organisation"]
    search_fields = ["=client_bsn", "archive_reference"]
    date_hierarchy = "recorded_at"


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "organisation", "client_bsn", "action", "consent", "outcome", "ip_address"]
    list_filter = ["action", "outcome", "organisation"]
    search_fields = ["=client_bsn", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user", "organisation", "consent"]


class StatusChangeInline(admin.TabularInline):
    model = AanvraagStatusChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ["changed_at", "changed_by", "from_status", "to_status", "note", "deadline"]

    def has_add_permission(self, request, obj=None):
        return False


class BijlageInline(admin.TabularInline):
    model = Bijlage
    extra = 0
    can_delete = False
    fields = readonly_fields = ["soort", "download", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("bestand"))
    def download(self, obj):
        from django.utils.html import format_html

        url = reverse("admin:aanvragen_aanvraag_bijlage", args=[obj.aanvraag_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nieuwe status"))
    besluit = forms.ChoiceField(
        label=_("Uitkomst besluit"), choices=[("", "---------"), *Besluit.choices], required=False
    )
    besluit_zorgprofiel = forms.ChoiceField(
        label=_("Toegekend zorgprofiel"), choices=[("", "---------"), *Zorgprofiel.choices], required=False
    )
    note = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, aanvraag: Aanvraag, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(aanvraag.status, ())
        self.fields["to_status"].choices = [(s, AanvraagStatus(s).label) for s in allowed]


@admin.register(Aanvraag)
class AanvraagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "soort", "organisation", "status", "submitted_at", "deadline", "urgent"]
    list_filter = ["status", "soort", "urgent", "organisation"]
    search_fields = ["=reference", "=client_bsn"]
    list_select_related = ["organisation"]
    inlines = [StatusChangeInline, BijlageInline]
    change_form_template = "aanvragen/admin/aanvraag_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        log_staff_access(request, response, Aanvraag.objects.filter(pk=object_id).values_list("client_bsn", flat=True))
        return response

    def get_urls(self):
        return [
            path("<int:pk>/status/", self.admin_site.admin_view(self.status_view), name="aanvragen_aanvraag_status"),
            path(
                "<int:pk>/bijlagen/<int:bijlage_pk>/",
                self.admin_site.admin_view(self.bijlage_view),
                name="aanvragen_aanvraag_bijlage",
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        aanvraag = get_object_or_404(Aanvraag, pk=pk)
        form = StatusChangeForm(posted(request), aanvraag=aanvraag)
        if request.method == "POST" and form.is_valid():
            try:
                services.aanvraag_status_change(aanvraag_id=aanvraag.pk, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                messages.success(request, _("De status is gewijzigd."))
                return redirect("admin:aanvragen_aanvraag_change", aanvraag.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Status wijzigen van %(aanvraag)s") % {"aanvraag": aanvraag},
            "aanvraag": aanvraag,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "aanvragen/admin/status_change.html", context)

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
            filename=bijlage.original_name,
            content_type=bijlage.content_type,
        )
