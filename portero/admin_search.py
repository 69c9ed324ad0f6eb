"""The CIZ admin's search box is POSTed, so that a BSN typed into it never reaches a URL (browser history, the
proxy's access log). A term that is no BSN is sent on to the list's usual ?q= (a kenmerk, a name). A list of
client data keeps a BSN in the session and filters by it (`bsn_search_field`), until 'Wis BSN-filter'; a list
without BSNs refuses a BSN. A BSN in ?q= (typed by hand, an old bookmark) is neither searched nor shown again.

Every ModelAdmin of the site gets this, also those of installed apps (`post_search_everywhere`), and the search box
template (templates/admin/search_form.html) posts whenever the list supports it."""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from aanvragen.validators import bsn_normalise, is_bsn_term, looks_like_bsn, validate_bsn

SEARCH_POSTED = "_zoeken"
CLEAR_BSN = "_wis_bsn"
BSN_IN_URL = _("Een BSN hoort niet in het adres van de pagina. Vul het BSN in het zoekveld in en kies 'Zoeken'.")
NO_BSN_HERE = _("In deze lijst kunt u niet op BSN zoeken.")


class PostSearchAdminMixin:
    bsn_search_field: str | None = None  # the model's BSN field: its list can be filtered by a BSN

    def _session_key(self, suffix: str) -> str:
        return f"admin_{suffix}:{self.opts.label_lower}"

    def bsn_filter(self, request: HttpRequest) -> str:
        return request.session.get(self._session_key("bsn"), "") if self.bsn_search_field else ""

    def bsn_searched(self, request: HttpRequest, bsn: str) -> None:
        """Called once per search by BSN; the client-data admins log it."""

    def _bsn_in_term(self, term: str) -> bool:
        return is_bsn_term(term) or (bool(self.bsn_search_field) and looks_like_bsn(term))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and SEARCH_POSTED in request.POST:
            return self._search_posted(request)
        if self._bsn_in_term(request.GET.get(SEARCH_VAR, "")):
            messages.error(request, BSN_IN_URL)
            return self._back_to_list(request)
        return super().changelist_view(request, extra_context)

    def _back_to_list(self, request, **params):
        """The list with the page's filters, without the old search term and page number."""
        query = request.GET.copy()
        for name in (SEARCH_VAR, PAGE_VAR):
            query.pop(name, None)
        query.update({name: value for name, value in params.items() if value})
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)

    def _search_posted(self, request):
        if CLEAR_BSN in request.POST:
            request.session.pop(self._session_key("bsn"), None)
            return self._back_to_list(request)
        term = request.POST.get(SEARCH_VAR, "").strip()
        if not self._bsn_in_term(term):
            return self._back_to_list(request, **{SEARCH_VAR: term})
        if not self.bsn_search_field:
            messages.error(request, NO_BSN_HERE)
            return self._back_to_list(request)
        bsn = bsn_normalise(term)
        try:
            validate_bsn(bsn)
        except ValidationError as error:
            request.session[self._session_key("search_error")] = str(error.messages[0])
            return self._back_to_list(request)
        request.session[self._session_key("bsn")] = bsn
        self.bsn_searched(request, bsn)
        return self._back_to_list(request)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # What the search box template shows: it posts, the BSN filter (masked) and an error next to the box.
        changelist.post_search = True
        changelist.bsn_search = bool(self.bsn_search_field)
        bsn = self.bsn_filter(request)
        changelist.bsn_filter = "*" * 6 + bsn[-3:] if bsn else ""
        changelist.search_error = request.session.pop(self._session_key("search_error"), "")
        return changelist

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        bsn = self.bsn_filter(request)
        if bsn:
            queryset = queryset.filter(**{self.bsn_search_field: bsn})
        return queryset, may_have_duplicates


def post_search_everywhere(site: admin.AdminSite) -> None:
    """The ModelAdmins of installed apps (auth, django-otp, axes) get the POSTed search too: re-registered with
    the mixin in front, through the registry's public register/unregister."""
    for model in apps.get_models():
        if not site.is_registered(model) or isinstance(site.get_model_admin(model), PostSearchAdminMixin):
            continue
        cls = type(site.get_model_admin(model))
        site.unregister(model)
        site.register(model, type(cls.__name__, (PostSearchAdminMixin, cls), {"__module__": cls.__module__}))
