"""Files of users for the import tests: CSV in a chosen encoding and separator, or XLSX."""

import io

import openpyxl

HEADER = ["voorletters", "tussenvoegsels", "voornaam", "achternaam", "e-mail", "mobiel nummer", "UZI-nummer"]


def person(i: int, domain: str = "zorg-a.nl", **overrides) -> list[str]:
    values = {
        "voorletters": "K.",
        "tussenvoegsels": "",
        "voornaam": f"Kees{i}",
        "achternaam": f"Import{i}",
        "e-mail": f"kees.import{i}@{domain}",
        "mobiel nummer": f"06 1234{i:04d}",
        "UZI-nummer": "",
    }
    values.update(overrides)
    return [values[column] for column in HEADER]


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
