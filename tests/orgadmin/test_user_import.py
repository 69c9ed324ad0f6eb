"""'Gebruikers importeren': every column rule is the single-user form's (compared with what 'Nieuwe gebruiker
toevoegen' says for the same data), the dry run writes nothing, the confirmation, created and changed users with
their normal audit rows, the import's own audit rows, the same file twice, resuming, throttled welcomes, the
report (page and CSV, formulas neutralised) and scoping."""

import csv
import io
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, User
from orgadmin import import_services, selectors, tasks
from orgadmin.audit import Action as ImportAction
from orgadmin.models import UserImport, UserImportRow
from tests.factories import OrganisationFactory, UserFactory
from tests.orgadmin.conftest import user_form_data
from tests.orgadmin.import_files import HEADER, csv_bytes, person

pytestmark = pytest.mark.django_db
ADD = reverse("orgadmin:user_add")
UPLOAD = reverse("orgadmin:import_upload")
FIELD_OF = dict(zip(HEADER, ["initials", "name_prefix", "first_name", "last_name", "email", "mobile", "uzi_number"]))


def detail(user_import):
    return reverse("orgadmin:import_detail", kwargs={"import_id": user_import.pk})


def upload(admin, rows, capture, **kwargs) -> UserImport:
    with capture(execute=True):
        user_import = import_services.import_create(
            admin=admin, file_name="personeel.csv", content=csv_bytes(rows, **kwargs)
        )
    user_import.refresh_from_db()
    return user_import


def confirm(admin, user_import, capture, accept_errors=True) -> UserImport:
    with capture(execute=True):
        import_services.import_confirm(admin=admin, user_import=user_import, accept_errors=accept_errors)
    user_import.refresh_from_db()
    return user_import


def form_data(**overrides):
    data = user_form_data(email="kees.k@zorg-a.nl", name_prefix="", mobile="06 12345678")
    data.update(overrides)
    return data


def as_row(data: dict) -> list[str]:
    by_column = {column: data[field] for column, field in FIELD_OF.items()}
    return [by_column[column] for column in HEADER]


RULE_CASES = {
    "voornaam leeg": {"first_name": ""},
    "voorletters te lang": {"initials": "A" * 21},
    "achternaam te lang": {"last_name": "x" * 151},
    "tussenvoegsels te lang": {"name_prefix": "van " * 8},
    "e-mail ongeldig": {"email": "kees@"},
    "e-mail buiten het domein": {"email": "kees@gmail.com"},
    "algemeen adres": {"email": "info@zorg-a.nl"},
    "e-mail in gebruik buiten de organisatie": {"email": "bezet@zorg-a.nl"},
    "mobiel ongeldig": {"mobile": "06 123"},
    "vast nummer": {"mobile": "020 1234567"},
    "buitenlands nummer": {"mobile": "+32 470 12 34 56"},
    "UZI ongeldig": {"uzi_number": "12345"},
    "UZI letters": {"uzi_number": "12345678a"},
}


@pytest.mark.parametrize("case", RULE_CASES, ids=list(RULE_CASES))
def test_each_column_rule_gives_the_single_user_forms_message(case, admin_a, admin_client, org_a):
    UserFactory(organisation=OrganisationFactory(domain="elders.nl"), email="bezet@zorg-a.nl")
    data = form_data(**RULE_CASES[case])
    response = admin_client.post(ADD, data)
    expected = {field: list(errors) for field, errors in response.context["form"].errors.items()}
    assert expected, "the single-user form accepts this case"
    plan, errors = import_services.row_check(admin=admin_a, cells=data)
    assert plan == UserImportRow.Plan.ERROR
    assert errors == expected
    assert not User.objects.filter(first_name=data["first_name"], last_name=data["last_name"]).exists()


def test_a_good_row_is_created_and_one_of_an_active_user_is_a_change(admin_a, user_a):
    assert import_services.row_check(admin=admin_a, cells=form_data()) == (UserImportRow.Plan.CREATE, {})
    same = {"initials": user_a.initials, "first_name": user_a.first_name, "name_prefix": user_a.name_prefix,
            "last_name": user_a.last_name, "email": user_a.email.upper(), "mobile": "", "uzi_number": ""}  # fmt: skip
    if user_a.mobile:
        same["mobile"] = user_a.mobile.as_national
    assert import_services.row_check(admin=admin_a, cells=same) == (UserImportRow.Plan.UNCHANGED, {})
    assert import_services.row_check(admin=admin_a, cells={**same, "first_name": "Bert"})[0] == "change"


def test_upload_then_preview_writes_no_user(admin_a, admin_client, django_capture_on_commit_callbacks):
    content = csv_bytes([person(1), person(2, **{"e-mail": "info@zorg-a.nl"})])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(UPLOAD, {"bestand": _file(content)})
    user_import = UserImport.objects.get()
    assert response.status_code == 302 and response.url == detail(user_import)
    page = admin_client.get(detail(user_import)).content.decode()
    assert "Voorbeeld van de import" in page and "wordt aangemaakt" in page
    assert "E-mailadres: Gebruik een persoonlijk werk-e-mailadres, geen algemeen adres zoals info@zorg-a.nl." in page
    assert User.objects.count() == 1 and not mail.outbox
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.USER_CREATED).exists()


def _file(content: bytes, name="personeel.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_upload_caps_are_refused_next_to_the_field(admin_client, settings):
    settings.PORTERO_USER_IMPORT_MAX_BYTES = 500
    response = admin_client.post(UPLOAD, {"bestand": _file(csv_bytes([person(i) for i in range(20)]))})
    assert response.context["form"].errors["bestand"] == ["Het bestand is te groot: hoogstens 500 bytes."]
    settings.PORTERO_USER_IMPORT_MAX_BYTES = 100_000
    settings.PORTERO_USER_IMPORT_MAX_ROWS = 5
    response = admin_client.post(UPLOAD, {"bestand": _file(csv_bytes([person(i) for i in range(6)]))})
    assert "te veel rijen: hoogstens 5 gebruikers" in response.context["form"].errors["bestand"][0]
    assert not UserImport.objects.exists()


def test_rows_with_errors_need_explicit_confirmation_then_only_good_rows_import(
    admin_a, admin_client, django_capture_on_commit_callbacks
):
    rows = [person(1), person(2, voornaam=""), person(3)]
    user_import = upload(admin_a, rows, django_capture_on_commit_callbacks)
    url = reverse("orgadmin:import_confirm", kwargs={"import_id": user_import.pk})
    response = admin_client.post(url, {})
    assert response.context["form"].errors["accept_errors"] == [
        "Bevestig dat de rijen met een fout niet worden geïmporteerd."
    ]
    assert User.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"accept_errors": "on"})
    assert response.status_code == 302
    user_import.refresh_from_db()
    assert user_import.status == UserImport.Status.DONE
    assert sorted(User.objects.exclude(pk=admin_a.pk).values_list("first_name", flat=True)) == ["Kees1", "Kees3"]
    report = admin_client.get(detail(user_import)).content.decode()
    assert "Rapport van de import" in report and "Voornaam: Dit veld is verplicht." in report
    assert selectors.import_counts(user_import=user_import)["outcome"] == {
        "created": 2, "changed": 0, "unchanged": 0, "refused": 1,
    }  # fmt: skip


def test_created_users_are_audited_as_normal_creations_and_the_import_itself(
    admin_a, django_capture_on_commit_callbacks
):
    user_import = confirm(admin_a, upload(admin_a, [person(1), person(2)], django_capture_on_commit_callbacks),
                          django_capture_on_commit_callbacks)  # fmt: skip
    created = AuditEvent.objects.filter(action=AuditEvent.Action.USER_CREATED)
    assert created.count() == 2 and {event.actor_id for event in created} == {admin_a.pk}
    assert {event.detail["email"] for event in created} == {"kees.import1@zorg-a.nl", "kees.import2@zorg-a.nl"}
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_LINK_SENT, detail__purpose="welcome").count() == 2
    )
    started = AuditEvent.objects.get(action=ImportAction.USER_IMPORT_STARTED)
    finished = AuditEvent.objects.get(action=ImportAction.USER_IMPORT_FINISHED)
    assert started.actor == admin_a and started.organisation == admin_a.organisation
    assert started.detail["planned"]["create"] == 2 and started.detail["user_import"] == user_import.pk
    assert finished.detail["created"] == 2 and finished.detail["refused"] == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["kees.import1@zorg-a.nl", "kees.import2@zorg-a.nl"]
    assert all("Welkom" in message.subject for message in mail.outbox)


def test_the_same_file_twice_creates_nobody_twice(admin_a, django_capture_on_commit_callbacks):
    rows = [person(i) for i in range(1, 6)]
    capture = django_capture_on_commit_callbacks
    confirm(admin_a, upload(admin_a, rows, capture), capture)
    assert User.objects.count() == 6 and len(mail.outbox) == 5
    again = upload(admin_a, rows, capture)
    assert selectors.import_counts(user_import=again)["plan"]["unchanged"] == 5
    again = confirm(admin_a, again, capture)
    assert selectors.import_counts(user_import=again)["outcome"]["unchanged"] == 5
    assert User.objects.count() == 6 and len(mail.outbox) == 5


def test_a_changed_row_goes_through_the_single_user_edit(admin_a, user_a, django_capture_on_commit_callbacks):
    row = person(1, voornaam="Bert", achternaam=user_a.last_name, **{"e-mail": user_a.email, "mobiel nummer": ""})
    row[HEADER.index("voorletters")] = user_a.initials
    capture = django_capture_on_commit_callbacks
    with mock.patch("orgadmin.services.user_update", wraps=import_services.services.user_update) as update:
        user_import = confirm(admin_a, upload(admin_a, [row], capture), capture)
    assert update.call_count == 1
    user_a.refresh_from_db()
    assert user_a.first_name == "Bert"
    assert user_import.rows.get().outcome == "changed"
    event = AuditEvent.objects.get(action=AuditEvent.Action.USER_CHANGED, target=user_a)
    assert event.detail["changes"]["first_name"] == {"before": "Bram", "after": "Bert"}


def test_the_same_address_twice_in_one_file_is_an_error_on_the_second(admin_a, django_capture_on_commit_callbacks):
    user_import = upload(admin_a, [person(1), person(2, **{"e-mail": "kees.import1@zorg-a.nl"})],
                         django_capture_on_commit_callbacks)  # fmt: skip
    second = user_import.rows.get(number=3)
    assert second.plan == "error"
    assert second.errors == {"email": ["Dit e-mailadres staat ook in rij 2 van dit bestand."]}


def test_an_interrupted_import_resumes_without_duplicates(admin_a, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    user_import = upload(admin_a, [person(i) for i in range(1, 5)], capture)
    with mock.patch("orgadmin.tasks.user_import_apply.delay"), mock.patch("orgadmin.tasks.user_import_welcomes.delay"):
        confirm(admin_a, user_import, capture)
    assert import_services.import_apply(import_id=user_import.pk, deadline=0) is False  # time up after one row
    assert User.objects.count() == 2
    first = user_import.rows.get(number=2)
    import_services.row_apply(admin=admin_a, row_id=first.pk)  # delivered again: the row is done, nothing happens
    assert import_services.import_apply(import_id=user_import.pk, deadline=float("inf")) is True
    assert import_services.import_apply(import_id=user_import.pk, deadline=float("inf")) is True
    assert User.objects.count() == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.USER_CREATED).count() == 4
    assert AuditEvent.objects.filter(action=ImportAction.USER_IMPORT_FINISHED).count() == 1


def test_welcome_mails_are_throttled_by_the_setting(admin_a, settings, django_capture_on_commit_callbacks):
    settings.PORTERO_USER_IMPORT_MAIL_RATE = 20  # per minute: 2 every 6 seconds
    assert tasks.welcome_batch() == 2
    capture = django_capture_on_commit_callbacks
    user_import = upload(admin_a, [person(i) for i in range(1, 6)], capture)
    queued_later = []
    send_now = tasks.user_import_welcomes.apply_async

    def apply_async(args=None, kwargs=None, **options):
        if "countdown" in options:
            return queued_later.append((args, options))
        return send_now(args, kwargs, **options)

    with mock.patch.object(tasks.user_import_welcomes, "apply_async", apply_async):
        user_import = confirm(admin_a, user_import, capture)
    assert len(mail.outbox) == 2  # the first batch; the next one is queued 6 seconds on
    assert queued_later == [((user_import.pk,), {"countdown": tasks.WELCOME_TICK_SECONDS})]
    with capture(execute=True):
        while import_services.welcomes_send(import_id=user_import.pk, limit=tasks.welcome_batch()):
            pass
    assert len(mail.outbox) == 5 and len({message.to[0] for message in mail.outbox}) == 5
    assert selectors.import_counts(user_import=user_import)["welcomes"] == 5


def test_report_csv_lists_every_row_and_neutralises_formulas(admin_a, admin_client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    rows = [person(1, voornaam='=HYPERLINK("http://x")'), person(2, voornaam="")]
    user_import = confirm(admin_a, upload(admin_a, rows, capture), capture)
    response = admin_client.get(reverse("orgadmin:import_report_csv", kwargs={"import_id": user_import.pk}))
    assert response["Content-Disposition"] == 'attachment; filename="rapport-personeel.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:3] == ["rij", "uitkomst", "inlognaam"]
    assert lines[1][:2] == ["2", "aangemaakt"] and lines[1][5] == '\'=HYPERLINK("http://x")'
    assert lines[1][8] == "06 12340001"
    assert lines[2][:2] == ["3", "geweigerd"] and lines[2][-1] == "Voornaam: Dit veld is verplicht."
    assert User.objects.get(email="kees.import1@zorg-a.nl").first_name == '=HYPERLINK("http://x")'


def test_another_organisations_import_is_a_404(admin_a, admin_b, client_as, django_capture_on_commit_callbacks):
    user_import = upload(admin_a, [person(1)], django_capture_on_commit_callbacks)
    client = client_as(admin_b)
    assert client.get(detail(user_import)).status_code == 404
    assert client.post(reverse("orgadmin:import_confirm", kwargs={"import_id": user_import.pk})).status_code == 404
    assert client.get(reverse("orgadmin:import_report_csv", kwargs={"import_id": user_import.pk})).status_code == 404
    assert UserImport.objects.get().status == "ready"


def test_progress_page_refreshes_only_when_asked(admin_a, admin_client):
    user_import = UserImport.objects.create(
        organisation=admin_a.organisation, created_by=admin_a, file_name="a.csv", file_sha256="0", row_count=3
    )
    page = admin_client.get(detail(user_import)).content.decode()
    assert "0 van 3 rijen verwerkt." in page and 'http-equiv="refresh"' not in page
    page = admin_client.get(detail(user_import) + "?vernieuwen=aan").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page and "Stop met automatisch vernieuwen" in page
