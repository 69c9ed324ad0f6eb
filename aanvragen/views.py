"""The aanvraag site: thin views. Scoped lookup (selectors) → form → service → redirect."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aanvragen import selectors, services
from aanvragen.choices import AanvraagSoort, AanvraagStatus, AccessAction, ConsentKind
from aanvragen.forms import (
    AanvraagFilterForm,
    BijlageForm,
    ClientSearchForm,
    ConsentForm,
    KiesAanvraagForm,
    bsn_clean,
)
from aanvragen.steps import first_incomplete_step, flow_for, step_summary, steps_with_errors
from portero.http import posted

SESSION_BSN = "aanvragen_client_bsn"
SESSION_LIST_BSN = "aanvragen_lijst_bsn"  # the BSN the list of applications is filtered by
# The BSN typed on an application's step when it sent the user to a consent page: {"aanvraag": pk, "bsn": ...}.
# Nothing of the step is stored before the consent exists; coming back, the step shows this BSN again.
SESSION_STEP_BSN = "aanvragen_stap_bsn"
AANVRAGEN_PER_PAGE = 25
CLIENT_DATA_ACTIONS = (AccessAction.NAW_INZIEN, AccessAction.INDICATIE_RAADPLEGEN)


def organisation_member(view):
    """The aanvraag site is for employees of a care organisation; CIZ staff get a clear 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.organisation_id is None:
            return render(request, "aanvragen/geen_organisatie.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def home(request):
    """Start page of the aanvraag site for every logged-in, verified user."""
    return render(request, "aanvragen/home.html")


# --- Cliënt zoeken ----------------------------------------------------------------------------------------


@organisation_member
def client_search(request):
    form = ClientSearchForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.client_search(user=request.user, bsn=form.cleaned_data["bsn"], request=request)
        # The BSN stays in the session, never in a URL (and so never in access logs of proxies).
        request.session[SESSION_BSN] = form.cleaned_data["bsn"]
        return redirect("aanvragen:client_detail")
    return render(request, "aanvragen/client_search.html", {"form": form})


@organisation_member
def client_detail(request):
    bsn = request.session.get(SESSION_BSN)
    if not bsn:
        return redirect("aanvragen:client_search")
    sections = {}
    for action in CLIENT_DATA_ACTIONS:
        try:
            sections[action] = services.client_data_access(user=request.user, bsn=bsn, action=action, request=request)
        except services.ConsentRequired:
            sections[action] = None
    overnemen = selectors.consent_valid(
        organisation=request.user.organisation, bsn=bsn, kind=ConsentKind.INDICATIEGEGEVENS_OVERNEMEN
    )
    context = {
        "bsn": bsn,
        "naw": sections[AccessAction.NAW_INZIEN],
        "indicatie": sections[AccessAction.INDICATIE_RAADPLEGEN],
        "overnemen": overnemen,
        "kinds": ConsentKind,
    }
    return render(request, "aanvragen/client_detail.html", context)


@organisation_member
def consent_create(request, kind):
    bsn = request.session.get(SESSION_BSN)
    if kind not in ConsentKind.values:
        raise Http404
    if not bsn:
        return redirect("aanvragen:client_search")
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("aanvragen:client_detail")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("aanvragen:client_detail")
    form = ConsentForm(posted(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "statement"}
        services.consent_record(user=request.user, bsn=bsn, kind=kind, **data)
        messages.success(request, _("De toestemming is vastgelegd."))
        return redirect(next_url)
    context = {"form": form, "kind": ConsentKind(kind), "bsn": bsn, "next": next_url}
    return render(request, "aanvragen/consent_form.html", context)


# --- Nieuwe aanvraag -------------------------------------------------------------------------------------


@organisation_member
def aanvraag_new(request):
    form = KiesAanvraagForm(posted(request), keuzes=selectors.aanvraag_keuzes(request.user.organisation))
    if request.method == "POST":
        # A hand-made POST for a type outside the profile is refused (403) by the service, not only by the form.
        keuze = request.POST.get("soort", "")
        if keuze in AanvraagSoort.values or keuze == selectors.KEUZE_COMBINATIE:
            combinatie = keuze == selectors.KEUZE_COMBINATIE
            soort = AanvraagSoort.WLZ if combinatie else keuze
            aanvraag = services.aanvraag_create(user=request.user, soort=soort, combinatie=combinatie)
            return redirect(flow_for(aanvraag).steps[0].url(aanvraag.pk))
        form.is_valid()  # shows 'Kies een soort aanvraag.' next to the field
    context = {"form": form, "refusal": selectors.submit_refusal(request.user.organisation)}
    return render(request, "aanvragen/kies_aanvraag.html", context)


@organisation_member
def aanvraag_step(request, pk, step):
    aanvraag = selectors.concept_for_user(request.user, pk)
    spec = flow_for(aanvraag).step(step)
    if spec.form is None:
        raise Http404
    if request.method == "POST" and "overnemen" in request.POST:
        return _client_take_over(request, aanvraag, spec)
    concept = "concept" in request.POST
    form = spec.form(posted(request), instance=aanvraag, concept=concept, initial=_typed_bsn(request, aanvraag, spec))
    consent_url = None
    if request.method == "POST" and form.is_valid():
        try:
            services.aanvraag_step_save(
                aanvraag=aanvraag, user=request.user, values=form.values(), concept=concept, request=request
            )
        except services.ConsentRequired:
            bsn = form.cleaned_data["client_bsn"]
            consent_url = _consent_url(request, bsn, ConsentKind.INDICATIE_RAADPLEGEN, spec.url(aanvraag.pk), aanvraag)
            form.add_error("client_bsn", services.INDICATIE_TOESTEMMING_NODIG)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if concept:
                messages.success(request, _("Het concept is opgeslagen. U kunt later verder gaan via 'Aanvragen'."))
                return redirect("aanvragen:list")
            return redirect(spec.next_url(aanvraag.pk))
    context = {**_step_context(aanvraag, spec), "form": form, "consent_url": consent_url}
    _form_shown(request, aanvraag)
    return render(request, spec.template, context)


def _typed_bsn(request, aanvraag, spec) -> dict:
    """Initial data for a step shown (GET) after a consent page: the BSN typed there before, for this application
    only, and used once."""
    if request.method != "GET" or "client_bsn" not in spec.form.base_fields:
        return {}
    typed = request.session.get(SESSION_STEP_BSN)
    if not typed or typed.get("aanvraag") != aanvraag.pk:
        return {}
    del request.session[SESSION_STEP_BSN]
    return {"client_bsn": typed["bsn"]}


def _form_shown(request, aanvraag) -> None:
    """Each page of an application's form (a step, the attachments, 'Controleren') shows part of the client's
    file: every rendering is an access-log row. A concept without a BSN yet names no client."""
    if request.method == "POST":  # a form that did not validate has put the typed values on the instance
        aanvraag.refresh_from_db(fields=["client_bsn"])
    services.aanvraag_access(user=request.user, aanvraag=aanvraag, action=AccessAction.AANVRAAG_INZIEN, request=request)


def _step_context(aanvraag, spec) -> dict:
    flow = flow_for(aanvraag)
    return {"aanvraag": aanvraag, "step": spec, "steps": flow.steps, "flow": flow}


def _consent_url(request, bsn: str, kind: str, next_url: str, aanvraag) -> str:
    """The consent page for this client, coming back to `next_url` (the application's step) afterwards, where the
    BSN typed before is shown again (_typed_bsn)."""
    request.session[SESSION_BSN] = bsn
    request.session[SESSION_STEP_BSN] = {"aanvraag": aanvraag.pk, "bsn": bsn}
    return f"{reverse('aanvragen:consent_create', args=[kind])}?next={next_url}"


def _client_take_over(request, aanvraag, spec):
    here = reverse("aanvragen:step", args=[aanvraag.pk, spec.slug])
    try:
        bsn = bsn_clean(request.POST.get("client_bsn", ""))
    except ValidationError:
        messages.error(request, _("Vul eerst een geldig BSN in; daarna kunt u de gegevens overnemen."))
        return redirect(here)
    try:
        found = services.aanvraag_client_take_over(aanvraag=aanvraag, user=request.user, bsn=bsn, request=request)
    except services.ConsentRequired:
        return redirect(_consent_url(request, bsn, ConsentKind.INDICATIEGEGEVENS_OVERNEMEN, here, aanvraag))
    if found:
        messages.success(request, _("De gegevens van de cliënt zijn overgenomen uit het CIZ-register."))
    else:
        messages.warning(request, _("Dit BSN staat niet in het CIZ-register. Vul de gegevens van de cliënt zelf in."))
    return redirect(here)


@organisation_member
def aanvraag_bijlagen(request, pk):
    aanvraag = selectors.concept_for_user(request.user, pk)
    form = BijlageForm(*posted(request, files=True), soorten=flow_for(aanvraag).bijlage_soorten)
    if request.method == "POST" and form.is_valid():
        services.bijlage_add(aanvraag=aanvraag, user=request.user, **form.cleaned_data_for_service())
        messages.success(request, _("De bijlage is toegevoegd."))
        return redirect("aanvragen:bijlagen", aanvraag.pk)
    spec = flow_for(aanvraag).step("bijlagen")
    context = {**_step_context(aanvraag, spec), "form": form}
    _form_shown(request, aanvraag)
    return render(request, spec.template, context)


@require_POST
@organisation_member
def bijlage_delete(request, pk, bijlage_pk):
    bijlage = selectors.bijlage_for_user(request.user, aanvraag_pk=pk, pk=bijlage_pk)
    services.bijlage_delete(bijlage=bijlage)
    messages.success(request, _("De bijlage is verwijderd."))
    return redirect("aanvragen:bijlagen", pk)


@organisation_member
def bijlage_download(request, pk, bijlage_pk):
    bijlage = selectors.bijlage_for_user(request.user, aanvraag_pk=pk, pk=bijlage_pk)
    services.aanvraag_access(
        user=request.user, aanvraag=bijlage.aanvraag, action=AccessAction.BIJLAGE_DOWNLOADEN, request=request
    )
    return FileResponse(
        bijlage.file.open("rb"),
        as_attachment=True,
        filename=services.bijlage_download_name(bijlage),
        content_type=bijlage.content_type,
    )


@organisation_member
def aanvraag_review(request, pk):
    aanvraag = selectors.aanvraag_for_user(request.user, pk)
    if request.method == "POST":
        try:
            aanvraag = services.aanvraag_submit(aanvraag_id=aanvraag.pk, user=request.user)
        except ValidationError:
            pass  # the page below shows why: the organisation's refusal or what is still missing
        else:
            return redirect("aanvragen:receipt", aanvraag.pk)
    if aanvraag.status != AanvraagStatus.CONCEPT:
        return redirect("aanvragen:detail", aanvraag.pk)
    spec = flow_for(aanvraag).step("controleren")
    context = {
        "aanvraag": aanvraag,
        "summary": step_summary(aanvraag),
        "problems": steps_with_errors(aanvraag),
        "refusal": selectors.submit_refusal(request.user.organisation),
        **_step_context(aanvraag, spec),
    }
    _form_shown(request, aanvraag)
    return render(request, spec.template, context)


@organisation_member
def aanvraag_receipt(request, pk):
    aanvraag = selectors.aanvraag_for_user(request.user, pk)
    if aanvraag.status == AanvraagStatus.CONCEPT:
        return redirect("aanvragen:review", aanvraag.pk)
    return render(request, "aanvragen/receipt.html", {"aanvraag": aanvraag})


# --- Aanvragen -----------------------------------------------------------------------------------------


@organisation_member
def aanvraag_list(request):
    """The filter form is POSTed: a BSN is kept in the session (like 'Cliënt zoeken'), status, type and a kenmerk
    go to the URL of the redirect. A BSN typed into the URL by hand is not searched and not shown again."""
    if request.method == "POST":
        if "wis" in request.POST:
            request.session.pop(SESSION_LIST_BSN, None)
            return redirect("aanvragen:list")
        form = AanvraagFilterForm(request.POST)
        if form.is_valid():
            if form.bsn:
                services.aanvragen_search_by_bsn(user=request.user, bsn=form.bsn, request=request)
                request.session[SESSION_LIST_BSN] = form.bsn
            elif form.cleaned_data["zoek"]:
                request.session.pop(SESSION_LIST_BSN, None)  # a kenmerk is a new search, not a narrower one
            query = urlencode(form.url_query())
            return redirect(reverse("aanvragen:list") + (f"?{query}" if query else ""))
    else:
        form = AanvraagFilterForm(request.GET or None, from_url=True)
    filters = form.cleaned_data if form.is_bound and form.is_valid() and request.method == "GET" else {}
    bsn = request.session.get(SESSION_LIST_BSN, "")
    filters = {name: filters.get(name, "") for name in ("status", "soort", "zoek")}
    aanvragen = selectors.aanvragen_for_organisation(request.user.organisation, **filters, bsn=bsn)
    page = Paginator(aanvragen, AANVRAGEN_PER_PAGE).get_page(request.GET.get("pagina"))
    context = {
        "form": form,
        "page": page,
        "aanvragen": page.object_list,
        "filter_bsn": bsn,
    }
    return render(request, "aanvragen/list.html", context)


@organisation_member
def aanvraag_detail(request, pk):
    aanvraag = selectors.aanvraag_for_user(request.user, pk)
    services.aanvraag_access(user=request.user, aanvraag=aanvraag, action=AccessAction.AANVRAAG_INZIEN, request=request)
    context = {
        "aanvraag": aanvraag,
        "summary": step_summary(aanvraag),
        "history": aanvraag.status_changes.select_related("changed_by"),
        "bijlagen": aanvraag.bijlagen.all(),
        "resume_step": first_incomplete_step(aanvraag) if aanvraag.status == AanvraagStatus.CONCEPT else None,
    }
    return render(request, "aanvragen/detail.html", context)


@organisation_member
def wzd_besluiten(request):
    """Art. 21 decisions of the organisation that expire soon, with the week in which to file the renewal."""
    besluiten = [
        (aanvraag, selectors.RenewalWeeks(aanvraag.wzd_besluit_tot))
        for aanvraag in selectors.wzd_besluiten_expiring(request.user.organisation)
    ]
    # The list names each client: one access-log row per client shown, in one insert.
    services.aanvragen_shown(user=request.user, aanvragen=(aanvraag for aanvraag, _weeks in besluiten), request=request)
    return render(request, "aanvragen/wzd_besluiten.html", {"besluiten": besluiten})
