"""'Gebruikers importeren': an organisation admin's file of users, checked row by row under exactly the rules of the
single-user form (the dry run), then applied row by row once the admin confirms.

Every row goes the way of one user in the browser: UserForm (orgadmin.forms) for the fields, then
orgadmin.services: user_add_check / user_update_check in the dry run, user_add / user_update when applied. A row
whose e-mail address is that of an active user of the organisation changes that user ("wordt gewijzigd", or
"ongewijzigd" when nothing differs); any other row creates one ("wordt aangemaakt"); a row that breaks a rule is
"fout" with the Dutch reason per field and is never imported.

Idempotent and resumable: each row is applied in its own transaction, together with its outcome, with the row
locked; a row with an outcome is never applied again. A worker killed halfway leaves rows done or untouched, and
the task delivered again (acks_late) goes on with the untouched ones. The same file imported again matches every
user it created, so it creates nobody twice. The welcome mails go out afterwards, in batches (welcomes_send,
PORTERO_USER_IMPORT_MAIL_RATE), each through accounts.services.password_link_send like any welcome.
"""

import hashlib
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_context, audit_log
from accounts.models import Organisation, User
from accounts.services import password_link_send
from orgadmin import selectors, services
from orgadmin.audit import Action
from orgadmin.forms import UserForm
from orgadmin.models import UserImport, UserImportRow
from orgadmin.spreadsheet import read_users_file
from portero.client_ip import client_address, current_client_address

Plan, Outcome, Status = UserImportRow.Plan, UserImportRow.Outcome, UserImport.Status
BATCH = 200  # rows read per query; each is checked or applied on its own
NOT_ALLOWED = "__all__"


def _duplicate_message(number: int) -> str:
    return _("Dit e-mailadres staat ook in rij %(row)s van dit bestand.") % {"row": number}


def _not_allowed() -> dict[str, list[str]]:
    return {
        NOT_ALLOWED: [
            _("U mag geen gebruikers meer toevoegen of wijzigen: u bent geen beheerder meer of uw organisatie heeft "
              "geen toegang.")
        ]
    }  # fmt: skip


def _form(cells: dict[str, str]) -> tuple[UserForm, dict[str, list[str]]]:
    form = UserForm(data=cells)
    form.is_valid()
    return form, {field: list(messages) for field, messages in form.errors.items()}


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's errors for the fields the form found right (a field the form refused keeps the form's)."""
    for field, messages in more.items():
        if field not in errors:
            errors[field] = list(messages)
    return errors


def row_check(*, admin: User, cells: dict[str, str], duplicate_of: int | None = None) -> tuple[str, dict]:
    """The dry run of one row: what applying it would do (Plan) and the reasons per field when it cannot."""
    form, errors = _form(cells)
    data = {**cells, **form.cleaned_data}
    if duplicate_of is not None:
        errors.setdefault("email", []).append(_duplicate_message(duplicate_of))
    match = selectors.active_user_by_email(admin=admin, email=data["email"]) if "email" not in errors else None
    try:
        if match is not None:
            found, changes, _mobile = services.user_update_check(admin=admin, user=match, data=data)
        else:
            found, changes = services.user_add_check(admin=admin, data=data), None
    except PermissionDenied:
        return Plan.ERROR, _not_allowed()
    errors = _merge(errors, found)
    if errors:
        return Plan.ERROR, errors
    if match is None:
        return Plan.CREATE, {}
    return (Plan.CHANGE if changes else Plan.UNCHANGED), {}


@transaction.atomic
def import_create(*, admin: User, file_name: str, content: bytes, request: HttpRequest | None = None) -> UserImport:
    """Read the file (ValidationError with a Dutch message when it cannot be imported at all), keep its rows, and
    queue the dry run. Nothing of the organisation's users is written."""
    from orgadmin.tasks import user_import_check

    services.user_add_refusal(admin=admin)
    table = read_users_file(content)
    user_import = UserImport.objects.create(
        organisation_id=admin.organisation_id,
        created_by=admin,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        row_count=len(table.rows),
        client_address=client_address(request),
    )
    first_row: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        email = cells["email"].strip().lower()
        duplicate_of = first_row.setdefault(email, number) if email else number
        rows.append(
            UserImportRow(
                user_import=user_import,
                number=number,
                data=cells,
                duplicate_of=duplicate_of if duplicate_of != number else None,
            )
        )
    UserImportRow.objects.bulk_create(rows, batch_size=1000)
    transaction.on_commit(lambda: user_import_check.delay(user_import.pk))
    return user_import


def _admin_of(user_import: UserImport) -> User:
    """The admin who uploaded the file, with the organisation's mail domains read once for all rows."""
    admin = User.objects.get(pk=user_import.created_by_id)
    admin.organisation = Organisation.objects.prefetch_related("email_domains").get(pk=admin.organisation_id)
    return admin


@contextmanager
def _at_admins_address(user_import: UserImport) -> Iterator[None]:
    """The audit rows the task writes carry the confirming admin's address, as the request would have."""
    token = current_client_address.set(user_import.client_address)
    try:
        yield
    finally:
        current_client_address.reset(token)


def _as_imported(user_import: UserImport) -> AbstractContextManager[None]:
    """The audit rows of a row's creation or change and of its welcome name the import's file (the Logboek's
    'geïmporteerd uit')."""
    return audit_context(imported_from=user_import.file_name, user_import=user_import.pk)


def _pending(user_import: UserImport, field: str) -> list[int]:
    return list(
        UserImportRow.objects.filter(user_import=user_import, **{field: ""})
        .order_by("number")
        .values_list("pk", flat=True)[:BATCH]
    )


def import_check(*, import_id: int, deadline: float) -> bool:
    """The dry run of the rows not checked yet, until time.monotonic() passes deadline. True when every row is
    checked (the import is then ready for the admin's confirmation)."""
    user_import = UserImport.objects.get(pk=import_id)
    if user_import.status != Status.CHECKING:
        return True
    admin = _admin_of(user_import)
    while ids := _pending(user_import, "plan"):
        rows = list(UserImportRow.objects.filter(pk__in=ids).order_by("number"))
        for row in rows:
            row.plan, row.errors = row_check(admin=admin, cells=row.data, duplicate_of=row.duplicate_of)
        UserImportRow.objects.bulk_update(rows, ["plan", "errors"])
        if time.monotonic() > deadline:
            return False
    UserImport.objects.filter(pk=import_id, status=Status.CHECKING).update(status=Status.READY)
    return True


@transaction.atomic
def import_confirm(
    *, admin: User, user_import: UserImport, accept_errors: bool, request: HttpRequest | None = None
) -> UserImport:
    """'Importeren': the admin confirms the dry run; the rows are then applied by a task. With rows in error the
    admin must say so explicitly (accept_errors): only the good rows are imported, the report lists the rest."""
    from orgadmin.tasks import user_import_apply, user_import_welcomes

    services.user_add_refusal(admin=admin)
    user_import = UserImport.objects.select_for_update().get(pk=user_import.pk, organisation_id=admin.organisation_id)
    if user_import.status != Status.READY:
        raise ValidationError(_("Deze import is al bevestigd of wordt nog gecontroleerd."))
    counts = selectors.import_counts(user_import=user_import)
    if counts["plan"][Plan.ERROR] and not accept_errors:
        raise ValidationError({"accept_errors": _("Bevestig dat de rijen met een fout niet worden geïmporteerd.")})
    user_import.status = Status.IMPORTING
    user_import.confirmed_at = timezone.now()
    user_import.client_address = client_address(request)
    user_import.save(update_fields=["status", "confirmed_at", "client_address"])
    audit_log(
        Action.USER_IMPORT_STARTED,
        actor=admin,
        organisation=admin.organisation,
        request=request,
        user_import=user_import.pk,
        file_name=user_import.file_name,
        rows=user_import.row_count,
        planned={str(plan): count for plan, count in counts["plan"].items()},
    )
    transaction.on_commit(lambda: user_import_apply.delay(user_import.pk))
    transaction.on_commit(lambda: user_import_welcomes.delay(user_import.pk))
    return user_import


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {NOT_ALLOWED: error.messages}


def _apply(*, admin: User, row: UserImportRow) -> tuple[str, dict, User | None]:
    """One row the single-user way: the form, then user_update for a matched active user or user_add."""
    if row.plan == Plan.ERROR:
        return Outcome.REFUSED, row.errors, None
    form, errors = _form(row.data)
    if errors:
        return Outcome.REFUSED, errors, None
    data: dict[str, Any] = form.cleaned_data
    match = selectors.active_user_by_email(admin=admin, email=data["email"])
    try:
        if match is None:
            return Outcome.CREATED, {}, services.user_add(admin=admin, data=data, send_welcome=False)
        found, changes, _mobile = services.user_update_check(admin=admin, user=match, data=data)
        if found:
            return Outcome.REFUSED, found, match
        if not changes:
            return Outcome.UNCHANGED, {}, match
        user = User.objects.select_related("organisation").get(pk=match.pk)
        return Outcome.CHANGED, {}, services.user_update(admin=admin, user=user, data=data)
    except ValidationError as error:
        return Outcome.REFUSED, _errors_of(error), None
    except PermissionDenied:
        return Outcome.REFUSED, _not_allowed(), None


def row_apply(*, admin: User, row_id: int) -> None:
    """Apply one row and record its outcome in the same transaction; a row already applied is left alone."""
    with transaction.atomic():
        row = UserImportRow.objects.select_for_update().get(pk=row_id)
        if row.outcome:
            return
        row.outcome, row.errors, row.user = _apply(admin=admin, row=row)
        row.processed_at = timezone.now()
        row.save(update_fields=["outcome", "errors", "user", "processed_at"])


def import_apply(*, import_id: int, deadline: float) -> bool:
    """Apply the rows not applied yet, until time.monotonic() passes deadline. True when the import is done."""
    user_import = UserImport.objects.get(pk=import_id)
    if user_import.status != Status.IMPORTING:
        return True
    admin = _admin_of(user_import)
    with _at_admins_address(user_import):
        with _as_imported(user_import):
            while ids := _pending(user_import, "outcome"):
                for row_id in ids:
                    row_apply(admin=admin, row_id=row_id)
                    if time.monotonic() > deadline:
                        return False
        _finish(user_import=user_import, admin=admin)  # its own audit row names the import already
    return True


@transaction.atomic
def _finish(*, user_import: UserImport, admin: User) -> None:
    user_import = UserImport.objects.select_for_update().get(pk=user_import.pk)
    if user_import.status != Status.IMPORTING:
        return
    user_import.status = Status.DONE
    user_import.finished_at = timezone.now()
    user_import.save(update_fields=["status", "finished_at"])
    counts = selectors.import_counts(user_import=user_import)["outcome"]
    audit_log(
        Action.USER_IMPORT_FINISHED,
        actor=admin,
        organisation=admin.organisation,
        user_import=user_import.pk,
        file_name=user_import.file_name,
        **{str(outcome): count for outcome, count in counts.items()},
    )


def welcomes_send(*, import_id: int, limit: int) -> bool:
    """Send the welcome mail of at most `limit` accounts the import created (each row marked in the transaction
    that issues its link). True while more are to come: rows still unsent, or the import still running."""
    user_import = UserImport.objects.get(pk=import_id)
    unsent = Q(user_import=user_import, outcome=Outcome.CREATED, welcome_sent_at__isnull=True)
    ids = list(UserImportRow.objects.filter(unsent).order_by("number").values_list("pk", flat=True)[:limit])
    with _at_admins_address(user_import), _as_imported(user_import):
        for row_id in ids:
            with transaction.atomic():
                row = UserImportRow.objects.select_for_update(of=("self",)).select_related("user").get(pk=row_id)
                if row.welcome_sent_at is not None:
                    continue
                if row.user.is_active:
                    password_link_send(user=row.user, purpose="welcome")
                row.welcome_sent_at = timezone.now()
                row.save(update_fields=["welcome_sent_at"])
    if UserImportRow.objects.filter(unsent).exists():
        return True
    return UserImport.objects.filter(pk=import_id, status=Status.IMPORTING).exists()
