"""'Exporteren' on the beheer user list: the list's current search, filter and sort as CSV or XLSX.

Streamed: the rows are read in batches (orgadmin.user_search.user_export_batches, one database cursor) and the
login methods once per batch (accounts.selectors.login_methods_by_user), so 50,000 accounts never sit in memory
at once. CSV goes out batch by batch as it is read; XLSX is written by openpyxl's write-only workbook to a
temporary file (a zip cannot be sent before it is complete) and that file is streamed. Every text cell is
neutralised: a value starting with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a
spreadsheet shows it as text and never evaluates it.
"""

import csv
import io
import tempfile

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from accounts.selectors import login_methods_by_user
from orgadmin import services
from orgadmin.decorators import org_admin_required
from orgadmin.forms import UserSearchForm
from orgadmin.user_search import user_export_batches

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 64 * 1024


def _neutralise(value):
    """A cell's text as data: a leading apostrophe before a formula's first character (the same rule as the
    import's report; one shared function once both are in)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def header() -> list[str]:
    return [
        _("Inlognaam"),
        _("Naam"),
        _("E-mailadres"),
        _("Laatste inlog"),
        _("Status"),
        _("Opmerking"),
        _("Inlogmethoden"),
    ]


def export_rows(batches):
    """The export's lines after the header: a list of them per batch, one list of neutralised cells per account.
    The texts are taken in the request's language here: the response is read after the view has returned."""
    texts = {"never": _("Nog niet ingelogd"), "deleted": _("verwijderd"), "inactive": _("inactief")}
    texts["active"] = _("actief")
    return _lines(batches, texts)


def _lines(batches, texts):
    for batch in batches:
        methods = login_methods_by_user(row["pk"] for row in batch)
        yield [_line(row, methods.get(row["pk"], []), texts) for row in batch]


def _line(row, methods: list[str], texts: dict) -> list:
    name = f"{row['last_name']}, {row['first_name']}"
    if row["name_prefix"]:
        name += f" {row['name_prefix']}"
    last_login = row["last_login"]
    if row["deleted_at"] is not None:
        status = texts["deleted"]
    else:
        status = texts["inactive"] if row["deactivated_at"] is not None else texts["active"]
    cells = [
        row["username"],
        name,
        row["email"],
        timezone.localtime(last_login).strftime("%d-%m-%Y %H:%M") if last_login else texts["never"],
        status,
        row["remark"],
        ", ".join(methods),
    ]
    return [_neutralise(cell) for cell in cells]


def csv_stream(batches):
    """UTF-8 with a byte-order mark and ';' between the fields, as Dutch Excel opens it; a chunk per batch."""
    return _csv_chunks(header(), export_rows(batches))


def _csv_chunks(first, lines):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(first)
    yield "\ufeff" + buffer.getvalue()
    for batch in lines:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


def xlsx_stream(batches):
    return _xlsx_chunks(_("Gebruikers"), header(), export_rows(batches))


def _xlsx_chunks(title, first, lines):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(first)
    for batch in lines:
        for line in batch:
            sheet.append(line)
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(_CHUNK):
            yield chunk


@require_GET
@org_admin_required
def user_export(request):
    """GET ?formaat=csv|xlsx with the list's own parameters (zoeken, verwijderd, sort): never a BSN, the list's
    search form refuses one. The export is audited before the first row is read."""
    form = UserSearchForm(request.GET)
    search = form.cleaned_data if form.is_valid() else {"zoeken": "", "verwijderd": False}
    file_format = request.GET.get("formaat", "csv")
    if file_format not in FORMATS:
        file_format = "csv"
    services.user_export_record(
        admin=request.user,
        file_format=file_format,
        query=search["zoeken"],
        show_deleted=search["verwijderd"],
        request=request,
    )
    batches = user_export_batches(
        admin=request.user, query=search["zoeken"], show_deleted=search["verwijderd"], sort=request.GET.get("sort", "")
    )
    content_type, extension = FORMATS[file_format]
    stream = csv_stream(batches) if file_format == "csv" else xlsx_stream(batches)
    response = StreamingHttpResponse(stream, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="gebruikers-{stamp}.{extension}"'
    return response
