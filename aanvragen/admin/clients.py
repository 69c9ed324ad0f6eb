"""CIZ staff's admin of the client register (the only place with a name search), the consents organisations declared
and the read-only access log; and the mixin with which every admin page that shows client data logs it."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _

from aanvragen.models.clients import AccessLogEntry, Client, ClientConsent, Indicatie
from aanvragen.services.clients import client_search_by_staff, clients_access_by_staff
from portero.admin_search import PostSearchAdminMixin


class ClientAccessLogMixin(PostSearchAdminMixin):
    """For a ModelAdmin whose pages show client data. Every showing is a NEN 7513 access-log row, written by
    `clients_shown`, the one place the admin logs client data (also the work queue and attachment downloads):
    - the list: one row per client on the displayed page (one insert for the page);
    - a record opened, saved, its history or its delete page: one row per client it shows (`clients_of`);
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

    def clients_shown(self, request: HttpRequest, clients, *, changed: bool = False) -> None:
        """CIZ staff saw (or changed) these (BSN, consent) pairs: one access-log row each, one insert."""
        clients_access_by_staff(user=request.user, clients=clients, changed=changed, request=request)

    def bsn_searched(self, request, bsn):
        found = self.get_queryset(request).filter(**{self.client_bsn_field: bsn}).exists()
        client_search_by_staff(user=request.user, bsn=bsn, found=found, request=request)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if self.client_bsn_field and response.status_code == 200 and changelist is not None:
            # The page's rows are read here once; the template renders from the same, already read, list.
            self.clients_shown(request, [(getattr(obj, self.client_bsn_field), None) for obj in changelist.result_list])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self.record_shown(request, response, object_id)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self.record_shown(request, response, object_id)
        return response

    def delete_view(self, request, object_id, extra_context=None):
        # Read before: once deleted, the record no longer says whose it was.
        obj = self.get_object(request, unquote(object_id))
        response = super().delete_view(request, object_id, extra_context)
        self.record_shown(request, response, obj=obj)
        return response

    def record_shown(self, request, response, object_id: str | None = None, *, obj=None) -> None:
        """Opening (or saving, 302) a record is an access to client data. A mistyped or unknown id opened nothing,
        so it logs nothing (get_object answers None for it, never an error)."""
        if response.status_code not in (200, 302):
            return
        if obj is None and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            self.clients_shown(request, self.clients_of(obj), changed=response.status_code == 302)


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
class ClientAdmin(ClientAccessLogMixin, admin.ModelAdmin):
    list_display = ["bsn", "full_name", "date_of_birth", "city"]
    client_bsn_field = "bsn"
    search_fields = ["last_name", "first_name", "city"]
    search_help_text = _("Zoek op BSN (het volledige BSN), achternaam, voornaam of woonplaats.")
    inlines = [IndicatieInline]

    def get_urls(self):
        from aanvragen.admin.privacy import inzage_view

        return [
            path(
                "inzageverzoek/",
                self.admin_site.admin_view(lambda request: inzage_view(self, request)),
                name="aanvragen_client_inzage",
            ),
            *super().get_urls(),
        ]


@admin.register(ClientConsent)
class ClientConsentAdmin(ReadOnly, ClientAccessLogMixin, admin.ModelAdmin):
    """Spot checks: CIZ asks the organisation to show the signed form with this archive reference."""

    list_display = ["recorded_at", "organisation", "kind", "given_by", "signed_on", "archive_reference", "recorded_by"]
    list_filter = ["kind", "given_by", "organisation"]
    client_bsn_field = "client_bsn"
    search_fields = ["archive_reference"]
    search_help_text = _("Zoek op BSN (het volledige BSN) of op het kenmerk in het archief van de organisatie.")
    date_hierarchy = "recorded_at"


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnly, ClientAccessLogMixin, admin.ModelAdmin):
    """Reading the log is itself an access to client data (NEN 7513 asks that access to the log is logged)."""

    list_display = ["at", "user", "organisation", "client_bsn", "action", "consent", "outcome", "ip_address"]
    list_filter = ["action", "outcome", "organisation"]
    client_bsn_field = "client_bsn"
    search_fields = ["user__username"]
    search_help_text = _("Zoek op BSN (het volledige BSN) of op inlognaam.")
    date_hierarchy = "at"
    list_select_related = ["user", "organisation", "consent"]
