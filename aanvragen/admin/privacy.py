"""The CIZ admin's pages for a data subject's requests: the inzageverzoek report (the BSN POSTed, never in a URL;
portero/admin_search.py) and the verzoek tot verwijdering of a concept or withdrawn application. Both call
aanvragen.services.privacy; ClientAdmin and AanvraagAdmin route to them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from aanvragen.models import Aanvraag
from aanvragen.services.privacy import ERASABLE, aanvraag_erase, inzage_report
from portero.forms import add_service_errors
from portero.http import posted


class InzageForm(forms.Form):
    bsn = forms.CharField(
        label=_("BSN van de betrokkene"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van verwijderen"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: verzoek tot verwijdering van de cliënt van 2 december, kenmerk van het verzoek."),
    )


def inzage_view(model_admin, request):
    """GET: the form. POST: the printable report of that person, in the response itself (no redirect that would
    carry the BSN), and its request logged."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = InzageForm(posted(request))
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = inzage_report(user=request.user, bsn=form.cleaned_data["bsn"], request=request)
        except ValidationError as error:
            form.add_error("bsn", error)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Inzageverzoek: wie heeft gegevens van de betrokkene ingezien"),
        "form": form,
        "report": report,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "aanvragen/admin/inzageverzoek.html", context)


def erasure_view(model_admin, request, pk):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    aanvraag = get_object_or_404(Aanvraag, pk=pk)
    form = ErasureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            aanvraag_erase(user=request.user, aanvraag_id=aanvraag.pk, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De aanvraag %(aanvraag)s is verwijderd.") % {"aanvraag": aanvraag})
            return redirect("admin:aanvragen_aanvraag_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Aanvraag %(aanvraag)s verwijderen op verzoek") % {"aanvraag": aanvraag},
        "aanvraag": aanvraag,
        "erasable": aanvraag.status in ERASABLE,
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "aanvragen/admin/verwijderen_op_verzoek.html", context)
