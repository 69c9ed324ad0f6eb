"""The views of 'Gebruikers importeren': upload, the import's page (the dry run's progress, the preview with the
confirmation, the import's progress, the report), the confirmation, and the report as CSV. Thin: the rules are in
orgadmin.import_services and the reads in orgadmin.selectors.

The progress pages work without JavaScript: a 'Vernieuwen' link reloads them, and on request
(?vernieuwen=aan) they reload themselves every few seconds with <meta http-equiv="refresh"> until the admin stops
it (WCAG 2.2.1: a timed refresh the user turns on and off)."""

import csv

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orgadmin import import_services, selectors
from orgadmin.decorators import org_admin_required
from orgadmin.forms import UserForm, UserImportConfirmForm, UserImportForm
from orgadmin.models import UserImport, UserImportRow
from orgadmin.spreadsheet import COLUMNS, neutralise
from portero.forms import add_service_errors

ROWS_PER_PAGE = 100
REFRESH_SECONDS = 5
Status = UserImport.Status


@require_http_methods(["GET", "POST"])
@org_admin_required
def import_upload(request):
    form = UserImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bestand"]
        try:
            user_import = import_services.import_create(
                admin=request.user, file_name=upload.name, content=upload.read(), request=request
            )
        except ValidationError as error:
            form.add_error("bestand", error)
        else:
            return redirect("orgadmin:import_detail", import_id=user_import.pk)
    context = {"form": form, "imports": selectors.imports_for_admin(admin=request.user), "columns": COLUMNS.values()}
    return render(request, "orgadmin/import/upload.html", context)


def _field_labels() -> dict[str, str]:
    labels = {name: str(field.label) for name, field in UserForm.base_fields.items()}
    return {**labels, import_services.NOT_ALLOWED: ""}


def _rows_page(request, user_import: UserImport):
    labels = _field_labels()
    page = Paginator(selectors.import_rows(user_import=user_import), ROWS_PER_PAGE).get_page(request.GET.get("pagina"))
    for row in page.object_list:
        row.reasons = [
            f"{labels.get(field, field)}: {message}" if labels.get(field, field) else message
            for field, messages in row.errors.items()
            for message in messages
        ]
    return page


@require_GET
@org_admin_required
def import_detail(request, import_id):
    """The import's one page, by its state: progress of the dry run, the preview, progress of the import, report."""
    user_import = selectors.import_for_admin(admin=request.user, import_id=import_id)
    counts = selectors.import_counts(user_import=user_import)
    context = {
        "user_import": user_import,
        "counts": counts,
        "Plan": UserImportRow.Plan,
        "Outcome": UserImportRow.Outcome,
    }
    if user_import.status in (Status.CHECKING, Status.IMPORTING):
        refresh = request.GET.get("vernieuwen") == "aan"
        done = counts["checked"] if user_import.status == Status.CHECKING else counts["processed"]
        context.update(refresh=refresh, refresh_seconds=REFRESH_SECONDS, done=done)
        return render(request, "orgadmin/import/progress.html", context)
    context["page"] = _rows_page(request, user_import)
    if user_import.status == Status.READY:
        context["form"] = UserImportConfirmForm()
        return render(request, "orgadmin/import/preview.html", context)
    return render(request, "orgadmin/import/report.html", context)


@require_POST
@org_admin_required
def import_confirm(request, import_id):
    user_import = selectors.import_for_admin(admin=request.user, import_id=import_id)
    form = UserImportConfirmForm(request.POST)
    if form.is_valid():
        try:
            import_services.import_confirm(
                admin=request.user,
                user_import=user_import,
                accept_errors=form.cleaned_data["accept_errors"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgadmin:import_detail", import_id=user_import.pk)
    user_import.refresh_from_db()
    if user_import.status != Status.READY:
        return redirect("orgadmin:import_detail", import_id=user_import.pk)
    counts = selectors.import_counts(user_import=user_import)
    context = {"user_import": user_import, "counts": counts, "form": form, "page": _rows_page(request, user_import)}
    context.update(Plan=UserImportRow.Plan, Outcome=UserImportRow.Outcome)
    return render(request, "orgadmin/import/preview.html", context)


class _Echo:
    def write(self, value):
        return value


def _report_lines(user_import: UserImport):
    labels = _field_labels()
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    header = [_("rij"), _("uitkomst"), _("inlognaam"), *(str(label) for label, _names in COLUMNS.values()), _("reden")]
    yield writer.writerow(header)
    for row in selectors.import_rows(user_import=user_import).iterator(chunk_size=1000):
        reasons = "; ".join(
            f"{labels.get(field, field)}: {message}" if labels.get(field, field) else message
            for field, messages in row.errors.items()
            for message in messages
        )
        cells = [
            row.number,
            row.get_outcome_display(),
            row.user.username if row.user else "",
            *(row.data.get(field, "") for field in COLUMNS),
            reasons,
        ]
        yield writer.writerow([neutralise(cell) for cell in cells])


@require_GET
@org_admin_required
def import_report_csv(request, import_id):
    """The report, every row with its outcome, as CSV (';', UTF-8); every cell neutralised (no formulas)."""
    user_import = selectors.import_for_admin(admin=request.user, import_id=import_id)
    if user_import.status != Status.DONE:
        raise Http404
    name = slugify(user_import.file_name.rsplit(".", 1)[0]) or "import"
    response = StreamingHttpResponse(_report_lines(user_import), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-{name}.csv"'
    return response
