from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from two_factor.plugins.phonenumber.admin import PhoneDeviceAdmin
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import selectors, services
from accounts.forms import OrganisationWithAdminForm
from accounts.models import AuditEvent, EmailDomain, Organisation, User


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 0
    min_num = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "agb_code",
        "kvk_number",
        "profile",
        "contract_start",
        "contract_end",
        "is_suspended",
        "active_users",
    )
    list_filter = ("profile", "is_suspended", "contract_end")
    search_fields = ("name", "agb_code", "kvk_number", "city", "email_domains__domain")
    inlines = [EmailDomainInline]
    fieldsets = (
        (None, {"fields": ("name", "agb_code", "kvk_number")}),
        (_("Adres"), {"fields": ("street", "postcode", "city")}),
        (_("Contract en profiel"), {"fields": ("profile", "contract_start", "contract_end", "is_suspended")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_user_count=Count(
                    "users", filter=Q(users__deleted_at__isnull=True, users__deactivated_at__isnull=True)
                )
            )
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            services.organisation_changed(
                organisation=obj,
                before={name: form.initial.get(name) for name in form.changed_data},
                actor=request.user,
                request=request,
            )

    @admin.display(description=_("actieve gebruikers"), ordering="active_user_count")
    def active_users(self, obj):
        return obj.active_user_count

    def add_view(self, request, form_url="", extra_context=None):
        """The admin's one way to add an organisation, at its stock 'add' URL (where the changelist's and the index's
        'Toevoegen' point): the organisation, its mail domains and its first organisation admin, who gets the
        welcome mail, in one service call. A bad input stores nothing and is answered next to its field."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OrganisationWithAdminForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                organisation, org_admin = services.organisation_create_with_admin(
                    **form.service_arguments(), created_by=request.user, request=request
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Organisatie %(org)s aangemaakt; beheerder %(login)s heeft een welkomstmail ontvangen.")
                    % {"org": organisation.name, "login": org_admin.username},
                )
                return redirect(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Organisatie met eerste organisatiebeheerder toevoegen"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/organisation/create_with_admin.html", context)


class UserStateFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("actief", _("actief")),
            ("inactief", _("inactief (6 maanden niet ingelogd)")),
            ("verwijderd", _("verwijderd")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "actief":
            return queryset.filter(selectors.active_users())
        if self.value() == "inactief":
            return queryset.filter(deactivated_at__isnull=False)
        if self.value() == "verwijderd":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """CIZ staff see every account. Accounts are created and changed by the organisation admins (and the
    first org admin with the organisation); here only CIZ roles can be set. A deleted or inactive account
    cannot be brought back by anyone, so its state is read-only."""

    list_display = ("username", "get_full_name", "organisation", "is_org_admin", "last_login", "state")
    list_filter = (UserStateFilter, "is_org_admin", "is_staff", "organisation__profile")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    list_select_related = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "organisation", "is_org_admin")}),
        (
            _("Persoon"),
            {"fields": ("initials", "first_name", "name_prefix", "last_name", "email", "mobile", "uzi_number")},
        ),
        (
            _("Status"),
            {
                "fields": (
                    "date_joined",
                    "last_login",
                    "password_changed_at",
                    "deactivated_at",
                    "deactivation_reason",
                    "deleted_at",
                    "deletion_reason",
                    "deleted_by",
                )
            },
        ),
        (_("CIZ-rechten"), {"fields": ("is_staff", "is_superuser", "groups")}),
    )
    editable_fields = ("is_staff", "is_superuser", "groups")

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"] if f not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def state(self, obj):
        if obj.deleted_at:
            return _("verwijderd")
        if obj.deactivated_at:
            return _("inactief")
        return _("actief")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is append-only: readable and filterable, never changed or deleted."""

    list_display = ("created_at", "action", "actor", "target", "organisation", "ip_address")
    list_filter = ("action", ("created_at", admin.DateFieldListFilter), "organisation")
    search_fields = ("actor__username", "target__username", "ip_address")
    list_select_related = ("actor", "target", "organisation")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(PhoneDevice)


@admin.register(PhoneDevice)
class ReadOnlyPhoneDeviceAdmin(PhoneDeviceAdmin):
    """django-two-factor-auth's admin for the SMS devices, read-only: a device follows the mobile number on file,
    which changes only through accounts.services.user_set_mobile (beheer or 'Mobiel nummer wijzigen'), so that the
    person is always told. Editing a device here would move the second factor silently."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
