"""Browser journey 'Gebruikers importeren': a file of 25 rows, 3 of them wrong, gives a preview with the three
reasons; confirmed, 22 users get their welcome mail and the admin a report (also as CSV); the same file again
creates nobody. axe on every page of the import, the progress page included."""

import csv
import io

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from orgadmin.models import UserImport
from tests.orgadmin.browser_steps import assert_accessible, login_to_beheer, open_user_list
from tests.orgadmin.import_files import csv_bytes, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GENERIC = "E-mailadres: Gebruik een persoonlijk werk-e-mailadres, geen algemeen adres zoals info@zorg-a.nl."
OUTSIDE = "E-mailadres: Het e-mailadres moet binnen het domein van uw organisatie vallen (zorg-a.nl)."
BAD = {
    5: ({"e-mail": "info@zorg-a.nl"}, GENERIC),
    12: ({"e-mail": "kees@gmail.com"}, OUTSIDE),
    20: ({"mobiel nummer": "020 1234567"}, "Mobiel nummer: Dit is geen mobiel nummer."),
}


def the_file(tmp_path):
    rows = [person(i, **BAD[i][0]) if i in BAD else person(i) for i in range(1, 26)]
    path = tmp_path / "medewerkers.csv"
    path.write_bytes(csv_bytes(rows, encoding="cp1252"))
    return path


def upload(page, path):
    open_user_list(page)
    page.get_by_role("link", name="Gebruikers importeren").click()
    expect(page.get_by_role("heading", name="Gebruikers importeren")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="Voorbeeld van de import")).to_be_visible()


def test_import_25_rows_with_3_wrong_then_the_same_file_again(
    page, live_server, admin_a, password, sms_outbox, settings, tmp_path
):
    settings.PORTERO_BASE_URL = live_server.url
    path = the_file(tmp_path)
    before = User.objects.count()
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    upload(page, path)
    expect(page.locator("#count-create")).to_have_text("22")
    expect(page.locator("#count-error")).to_have_text("3")
    for number, (_change, reason) in BAD.items():  # the file's row: the header is row 1
        row = page.locator("tr.import-row").filter(has=page.get_by_role("cell", name=str(number + 1), exact=True))
        expect(row).to_contain_text("fout")
        expect(row).to_contain_text(reason)
    assert_accessible(page)
    assert User.objects.count() == before and not mail.outbox  # the dry run wrote nothing

    page.get_by_role("button", name="Importeren").click()  # rows in error: not without saying so
    expect(page.locator("#id_accept_errors_error")).to_contain_text("Bevestig dat de rijen met een fout")
    assert_accessible(page)
    assert User.objects.count() == before
    page.get_by_label("Ik begrijp dat de rijen met een fout niet worden geïmporteerd.").check()
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_role("heading", name="Rapport van de import")).to_be_visible()
    expect(page.locator("#count-created")).to_have_text("22")
    expect(page.locator("#count-refused")).to_have_text("3")
    expect(page.locator("#count-welcomes")).to_contain_text("22 van 22")
    assert_accessible(page)
    assert User.objects.count() == before + 22
    welcomes = [message for message in mail.outbox if message.subject.startswith("Welkom bij Portero")]
    assert len(welcomes) == 22 == len({message.to[0] for message in welcomes})

    with page.expect_download() as download:
        page.get_by_role("link", name="Rapport downloaden (CSV)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) == 26
    assert [line[1] for line in lines[1:]].count("aangemaakt") == 22
    assert {int(line[0]) for line in lines[1:] if line[1] == "geweigerd"} == {n + 1 for n in BAD}

    # The same file again: every good row is now an existing user, nobody is created.
    upload(page, path)
    expect(page.locator("#count-create")).to_have_text("0")
    expect(page.locator("#count-unchanged")).to_have_text("22")
    expect(page.locator("#count-error")).to_have_text("3")
    page.get_by_label("Ik begrijp dat de rijen met een fout niet worden geïmporteerd.").check()
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator("#count-created")).to_have_text("0")
    expect(page.locator("#count-unchanged")).to_have_text("22")
    assert User.objects.count() == before + 22 and len(mail.outbox) == 22

    # The page while an import runs (here: one that waits for its dry run) and the list of earlier imports.
    running = UserImport.objects.create(
        organisation=admin_a.organisation, created_by=admin_a, file_name="nog.csv", file_sha256="0", row_count=40
    )
    page.goto(f"{live_server.url}/beheer/gebruikers/importeren/{running.pk}/")
    expect(page.get_by_role("heading", name="Bestand wordt gecontroleerd")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("0 van 40 rijen verwerkt.")
    assert_accessible(page)
    page.get_by_role("link", name="Vernieuwen", exact=True).click()
    expect(page.get_by_role("heading", name="Bestand wordt gecontroleerd")).to_be_visible()
    page.goto(f"{live_server.url}/beheer/gebruikers/importeren/")
    expect(page.get_by_role("link", name="nog.csv")).to_be_visible()
    assert_accessible(page)
