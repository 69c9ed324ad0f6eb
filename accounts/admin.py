from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.phonenumber.models import PhoneDevice
from two_factor.utils import default_device

from accounts import selectors, services
from accounts.forms import LiftSuspensionForm, OrganisationWithAdminForm
from accounts.models import AuditEvent, EmailDomain, Organisation, User
from accounts.services.factors_reset import factors_reset, factors_reset_refusal
from portero.forms import add_service_errors

# The CIZ werkplek's name, in place of Django's "Django-beheer" (its look: templates/admin/base_site.html).
admin.site.site_header = _("Portero — CIZ-beheer")
admin.site.site_title = _("Portero CIZ-beheer")
admin.site.index_title = _("Overzicht")


class EmailDomainInline(admin.StackedInline):
    # Stacked, not tabular: a tabular inline names its inputs only by the column headers, so a screen reader hears
    # an unlabelled field (WCAG 1.3.1 / 4.1.2); the stacked rows carry a <label> per input.
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
        "access",
        "active_users",
    )
    list_filter = ("profile", "is_suspended", "sms_allowed", "contract_end")
    search_fields = ("name", "agb_code", "kvk_number", "city", "email_domains__domain")
    inlines = [EmailDomainInline]
    fieldsets = (
        (None, {"fields": ("name", "agb_code", "kvk_number")}),
        (_("Adres"), {"fields": ("street", "postcode", "city")}),
        (_("Contract en profiel"), {"fields": ("profile", "contract_start", "contract_end", "access_state")}),
        (_("Inloggen"), {"fields": ("sms_allowed",)}),
    )
    # The suspension is no tick box: it is set and lifted only through the actions below, each asking the reason
    # and writing its own audit event (a tick box would lift it as a bare 'organisatie gewijzigd').
    readonly_fields = ("access_state",)
    actions = ["suspend_action", "lift_suspension_action"]

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

    @admin.display(description=_("toegang"), ordering="is_suspended")
    def access(self, obj):
        return _("opgeschort") if obj.is_suspended else _("open")

    @admin.display(description=_("toegang"))
    def access_state(self, obj):
        if obj.is_suspended:
            return _(
                "Opgeschort: de gebruikers van de organisatie kunnen niet inloggen en geen aanvragen indienen. "
                "Heffen op met de actie 'Opschorting opheffen' in de lijst Organisaties."
            )
        return _(
            "Open. Opschorten gaat met de actie 'Organisatie opschorten' in de lijst Organisaties (of in de lijst "
            "Steekproeven), met de soort en de reden."
        )

    def _one_organisation(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Kies één organisatie."), messages.ERROR)
            return None
        return queryset.get()

    @admin.action(description=_("Organisatie opschorten"), permissions=["sanction"])
    def suspend_action(self, request, queryset):
        """The sanction decision (misbruik or onzorgvuldig gebruik, with the reason) is taken on the sanction page,
        through aanvragen.services.organisation_suspend."""
        organisation = self._one_organisation(request, queryset)
        if organisation is None:
            return None
        url = reverse("admin:aanvragen_organisationsanction_add")
        return redirect(f"{url}?organisation={organisation.pk}&decision=opgeschort")

    @admin.action(description=_("Opschorting opheffen"), permissions=["sanction"])
    def lift_suspension_action(self, request, queryset):
        """An intermediate page asks the reason; services.organisation_suspension_lift lifts and audits."""
        organisation = self._one_organisation(request, queryset)
        if organisation is None:
            return None
        form = LiftSuspensionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                services.organisation_suspension_lift(
                    user=request.user, organisation_id=organisation.pk, note=form.cleaned_data["note"], request=request
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("De opschorting van %(name)s is opgeheven.") % {"name": organisation.name},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Opschorting opheffen"),
            "form": form,
            "organisation": organisation,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/organisation/lift_suspension.html", context)

    def has_sanction_permission(self, request):
        return request.user.has_perm("aanvragen.add_organisationsanction")

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
                add_service_errors(form, exc)
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

    list_display = ("username", "full_name", "organisation", "org_admin", "last_login", "state")
    list_filter = (UserStateFilter, "is_org_admin", "is_staff", "organisation__profile")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    list_select_related = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "organisation", "org_admin")}),
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
                    "second_factor",
                )
            },
        ),
        (_("CIZ-rechten"), {"fields": ("is_staff", "is_superuser", "groups")}),
    )
    editable_fields = ("is_staff", "is_superuser", "groups")
    actions = ["factors_reset_action"]

    @admin.display(description=_("naam"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("organisatiebeheerder"), ordering="is_org_admin")
    def org_admin(self, obj):
        # Words, not Django's boolean icon: its alt text is the English "True"/"False".
        return _("ja") if obj.is_org_admin else _("nee")

    @admin.display(description=_("tweede factor (sms)"))
    def second_factor(self, obj):
        device = default_device(obj)
        if device is None:
            return _("nog niet ingesteld")
        return _("ingesteld op het mobiele nummer dat eindigt op %(last)s") % {"last": str(device.number)[-2:]}

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"] if f not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Inlogmethoden herstellen (organisatiebeheerder)"), permissions=["change"])
    def factors_reset_action(self, request, queryset):
        """A lost phone or key of an org admin: a confirmation page, then accounts.services.factors_reset (every
        device removed, sessions ended, a set-password link to enrol again), audited with this staff member as
        actor. The organisation's other people are reset by their org admin in the beheer site."""
        if queryset.count() != 1:
            self.message_user(request, _("Kies één account."), messages.ERROR)
            return None
        target = queryset.select_related("organisation").get()
        refusal = factors_reset_refusal(actor=request.user, user=target)
        if refusal is None and not target.is_org_admin:
            refusal = _(
                "Alleen de inlogmethoden van een organisatiebeheerder worden hier hersteld; die van andere "
                "gebruikers herstelt de organisatiebeheerder van hun organisatie in het gebruikersbeheer."
            )
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return None
        if "apply" in request.POST:
            factors_reset(user=target, actor=request.user, request=request)
            self.message_user(
                request,
                _(
                    "De inlogmethoden van %(login)s zijn hersteld; een mail met een link om ze opnieuw vast te "
                    "leggen is verstuurd."
                )
                % {"login": target.username},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Inlogmethoden herstellen"),
            "target": target,
            "methods": selectors.login_methods_by_user([target.pk]).get(target.pk, []),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/factors_reset.html", context)

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


class DutchPermissionField(forms.ModelMultipleChoiceField):
    """Django stores a permission's name in English ('Can add organisatie'): shown here as model and action in
    Dutch, from the codename's standard prefix."""

    ACTIONS = {"add": _("toevoegen"), "change": _("wijzigen"), "delete": _("verwijderen"), "view": _("bekijken")}

    def label_from_instance(self, permission):
        model = permission.content_type.model_class()
        action = permission.codename.split("_", 1)[0]
        if model is None or action not in self.ACTIONS:
            return permission.name
        return f"{capfirst(model._meta.verbose_name_plural)}: {self.ACTIONS[action]}"


admin.site.unregister(Group)


@admin.register(Group)
class PorteroGroupAdmin(GroupAdmin):
    """CIZ roles as groups of rights: only the rights of Portero's own models (the hidden third-party models'
    rights would give nothing), named in Dutch. A plain multiple select: Django's two-pane filter widget puts an
    aria-label on a span without a role (axe: aria-prohibited-attr)."""

    filter_horizontal = ()

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.filter(
                content_type__app_label__in=["accounts", "aanvragen"]
            ).select_related("content_type")
            kwargs["form_class"] = DutchPermissionField
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


# --- The third-party apps' models: hidden where CIZ staff have no use for them -------------------------------
#
# - The SMS devices (django-two-factor-auth): a device follows the mobile number on file, which changes only through
#   accounts.services.user_set_mobile (beheer or 'Mobiel nummer wijzigen') so that the person is always told; an
#   admin page for them could only move the second factor silently. The user page shows what staff need to know:
#   whether the account has its SMS second factor (UserAdmin.second_factor).
# - Portero has no TOTP apps nor backup codes (django-otp's static and TOTP devices): nothing to see.
# - django-axes' lockouts end by themselves after AXES_COOLOFF_TIME and every lockout and failed login is in the
#   audit log ("geblokkeerd na te veel pogingen", "inloggen mislukt"); an operator lifts one earlier with
#   `manage.py axes_reset_username`. Its own tables would be a second, English, log of the same.
for model in (PhoneDevice, StaticDevice, TOTPDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
