"""Spreadsheets of the beheer site: reading an uploaded file of users (CSV or XLSX) and neutralising cells that a
spreadsheet program would run as a formula in every file Portero writes.

Reading: the format is told by the content (an XLSX file is a zip archive), never by the name alone. A CSV file
is UTF-8 (with or without a byte order mark) or Windows-1252, separated by ';' or ','; tablib parses it. An XLSX
file is read with openpyxl (the library tablib uses for XLSX) with data_only=False: a formula cell gives its
formula as text, never a value some program computed. The caps (PORTERO_USER_IMPORT_MAX_BYTES, _MAX_ROWS) are
checked before anything is parsed where they can be; every refusal is a ValidationError with a Dutch message.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The columns of a file of users: the field, its Dutch header, and the header spellings that name it.
COLUMNS = {
    "initials": (gettext_lazy("voorletters"), ("voorletters",)),
    "name_prefix": (gettext_lazy("tussenvoegsels"), ("tussenvoegsels", "tussenvoegsel")),
    "first_name": (gettext_lazy("voornaam"), ("voornaam",)),
    "last_name": (gettext_lazy("achternaam"), ("achternaam",)),
    "email": (gettext_lazy("e-mail"), ("email", "emailadres")),
    "mobile": (gettext_lazy("mobiel nummer"), ("mobielnummer", "mobiel", "mobielenummer", "telefoonnummer")),
    "uzi_number": (gettext_lazy("UZI-nummer"), ("uzinummer", "uzi")),
}
REQUIRED_COLUMNS = ("initials", "first_name", "last_name", "email")
CELL_MAX_LENGTH = 1000  # longer than any field: the form reports the field's own limit; the rest is not kept
XLSX_EXPANSION = 10  # an XLSX file may unpack to at most this many times the file size cap


def neutralise(value):
    """A cell value safe to write to CSV or XLSX: text that a spreadsheet program would run as a formula (starting
    with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so it is shown as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    """The rows of an uploaded file: per row its number in the file (the header is row 1) and its cells by field."""

    rows: list[tuple[int, dict[str, str]]]


def _size(value: int) -> str:
    return number_format(value, force_grouping=True)


def _header_key(header) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", text)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a spreadsheet cell: 612345678.0 is 612345678
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).strip()[:CELL_MAX_LENGTH]


def _columns(headers: list) -> list[str | None]:
    """The field of each column, or ValidationError naming the unknown, double and missing headers."""
    spellings = {spelling: field for field, (_label, names) in COLUMNS.items() for spelling in names}
    fields: list[str | None] = []
    unknown = []
    for header in headers:
        key = _header_key(header)
        if not key:
            fields.append(None)  # an empty column without a header: ignored
            continue
        if key not in spellings:
            unknown.append(str(header))
        fields.append(spellings.get(key))
    expected = ", ".join(str(label) for label, _names in COLUMNS.values())
    if unknown:
        raise ValidationError(
            _("Onbekende kolom: %(columns)s. De kolommen heten: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": expected}
        )
    named = [field for field in fields if field]
    double = sorted({str(COLUMNS[field][0]) for field in named if named.count(field) > 1})
    if double:
        raise ValidationError(
            _("Deze kolom staat twee keer in het bestand: %(columns)s.") % {"columns": ", ".join(double)}
        )
    missing = [str(COLUMNS[field][0]) for field in REQUIRED_COLUMNS if field not in named]
    if missing:
        raise ValidationError(
            _(
                "De eerste rij moet de kolomnamen bevatten; deze ontbreken: %(columns)s. "
                "De kolommen heten: %(expected)s."
            )
            % {"columns": ", ".join(missing), "expected": expected}
        )
    return fields


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(
            _("Het bestand is niet te lezen. Sla het op als CSV (UTF-8 of Windows) of als Excel-bestand (.xlsx).")
        ) from None


def _csv_rows(content: bytes) -> list[list]:
    text = _decode(content)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    dataset = tablib.Dataset()
    try:
        dataset.load(text, format="csv", delimiter=delimiter, headers=False)
    except Exception as exc:  # tablib and the csv module raise several kinds for a malformed file
        raise ValidationError(_("Het bestand is geen geldig CSV-bestand.")) from exc
    return [list(row) for row in dataset]


def _xlsx_rows(content: bytes) -> list[list]:
    unreadable = ValidationError(_("Het Excel-bestand is niet te lezen. Sla het opnieuw op als .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise unreadable from None
    if unpacked > settings.PORTERO_USER_IMPORT_MAX_BYTES * XLSX_EXPANSION:
        raise _too_big()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged archive
        raise unreadable from exc
    try:
        rows = []
        for row in workbook.active.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > settings.PORTERO_USER_IMPORT_MAX_ROWS + 1:
                break  # over the cap: no need to read further
        return rows
    finally:
        workbook.close()


def _too_big() -> ValidationError:
    return ValidationError(
        _("Het bestand is te groot: hoogstens %(size)s bytes.")
        % {"size": _size(settings.PORTERO_USER_IMPORT_MAX_BYTES)}
    )


def read_users_file(content: bytes) -> Table:
    """The rows of an uploaded file of users, or ValidationError with a Dutch message (caps, format, headers)."""
    if len(content) > settings.PORTERO_USER_IMPORT_MAX_BYTES:
        raise _too_big()
    if not content.strip():
        raise ValidationError(_("Het bestand is leeg."))
    rows = _xlsx_rows(content) if content.startswith(b"PK\x03\x04") else _csv_rows(content)
    if not rows:
        raise ValidationError(_("Het bestand is leeg."))
    fields = _columns(rows[0])
    table = Table(rows=[])
    for number, row in enumerate(rows[1:], start=2):
        cells = {field: "" for field in COLUMNS}
        for field, value in zip(fields, row, strict=False):
            if field:
                cells[field] = _cell(value)
        if any(cells.values()):  # an empty row (often the last one) is no user
            table.rows.append((number, cells))
    if not table.rows:
        raise ValidationError(_("Het bestand bevat geen gebruikers: alleen de kolomnamen."))
    if len(table.rows) > settings.PORTERO_USER_IMPORT_MAX_ROWS:
        raise ValidationError(
            _(
                "Het bestand heeft te veel rijen: hoogstens %(max)s gebruikers per import. "
                "Verdeel het over meer bestanden."
            )
            % {"max": _size(settings.PORTERO_USER_IMPORT_MAX_ROWS)}
        )
    return table
