"""Applications: concepts and their steps, attachments, submitting, CIZ's processing and the art. 21 renewal
reminders."""

import re
import secrets
import unicodedata
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen import selectors
from aanvragen.choices import (
    STATUS_TRANSITIONS,
    AanvraagSoort,
    AanvraagStatus,
    AccessAction,
    Besluit,
    Geslacht,
    Leveringsvorm,
    WzdVerklaring,
    Zorgprofiel,
)
from aanvragen.models.aanvraag import BIJLAGE_EXTENSIONS, Aanvraag, AanvraagStatusChange, Bijlage
from aanvragen.models.clients import Client, Indicatie
from aanvragen.rules import INDICATIE_ZONDER_VERBLIJF, aanvraag_submit_errors, bijlagen_missing, has_artikel_21
from aanvragen.services.clients import client_data_access
from accounts.models import Organisation, User

# --- Concepts ----------------------------------------------------------------------------------------


@transaction.atomic
def aanvraag_create(*, user: User, soort: str, combinatie: bool = False) -> Aanvraag:
    """A new concept. A combination is a Wlz application with an art. 21 part, so both must be in the profile."""
    organisation = selectors.organisation_of(user)
    # Gated here, not only in the form: a hand-made POST must not get past the profile.
    allowed = selectors.aanvraagsoorten_allowed(organisation)
    if soort not in allowed or (combinatie and AanvraagSoort.WZD_ARTIKEL_21 not in allowed):
        raise PermissionDenied("profiel")
    if combinatie and soort != AanvraagSoort.WLZ:
        raise ValidationError(_("Alleen een Wlz-aanvraag kan worden gecombineerd met artikel 21."))
    aanvraag = Aanvraag(organisation=organisation, created_by=user, soort=soort, combinatie=combinatie)
    aanvraag.full_clean()
    aanvraag.save()
    return aanvraag


def aanvraag_profile_check(aanvraag: Aanvraag) -> None:
    """The profile may have changed since the concept was made (or the POST is hand-made): refuse, store nothing."""
    if aanvraag.soort not in selectors.aanvraagsoorten_allowed(aanvraag.organisation):
        raise PermissionDenied("profiel")


@transaction.atomic
def aanvraag_concept_save(*, aanvraag: Aanvraag, values: dict) -> Aanvraag:
    locked = Aanvraag.objects.select_for_update().select_related("organisation").get(pk=aanvraag.pk)
    if locked.status != AanvraagStatus.CONCEPT:
        raise ValidationError(_("Deze aanvraag is al ingediend en kan niet meer worden gewijzigd."))
    aanvraag_profile_check(locked)
    if (
        locked.soort == AanvraagSoort.PARTNERVERBLIJF
        and values.get("client_bsn", locked.client_bsn) != locked.client_bsn
    ):
        # The indication was checked for another client: check again.
        values = {"client_indicatie_zorgprofiel": "", **values}
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def aanvraag_client_take_over(*, aanvraag: Aanvraag, user: User, bsn: str, request: HttpRequest | None = None) -> bool:
    """Fill the client block from the register; needs the 'Indicatiegegevens overnemen' consent."""
    data = client_data_access(user=user, bsn=bsn, action=AccessAction.INDICATIEGEGEVENS_OVERNEMEN, request=request)
    client = data.client
    if client is None:
        aanvraag_concept_save(aanvraag=aanvraag, values={"client_bsn": bsn, "client_taken_over": False})
        return False
    aanvraag_concept_save(
        aanvraag=aanvraag,
        values={
            "client_bsn": client.bsn,
            "client_initials": client.initials,
            "client_name_prefix": client.name_prefix,
            "client_last_name": client.last_name,
            "client_date_of_birth": client.date_of_birth,
            "client_sex": client.sex,
            "client_street": client.street,
            "client_postcode": client.postcode,
            "client_city": client.city,
            "client_taken_over": True,
        },
    )
    return True


def aanvraag_step_save(
    *, aanvraag: Aanvraag, user: User, values: dict, concept: bool, request: HttpRequest | None = None
) -> Aanvraag:
    """Save one step. For Partnerverblijf, 'Verder' on the client's BSN first checks the register for a current
    indication with verblijf (under the 'Indicatie raadplegen' consent); the check is logged even when it fails,
    and nothing of the step is stored unless it passes."""
    aanvraag_profile_check(aanvraag)
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF and values.get("client_bsn") and not concept:
        indicatie = partnerverblijf_indicatie_check(user=user, bsn=values["client_bsn"], request=request)
        if indicatie is None:
            raise ValidationError({"client_bsn": INDICATIE_ZONDER_VERBLIJF})
        values = {**values, "client_indicatie_zorgprofiel": indicatie.zorgprofiel}
    return aanvraag_concept_save(aanvraag=aanvraag, values=values)


def partnerverblijf_indicatie_check(*, user: User, bsn: str, request: HttpRequest | None = None) -> Indicatie | None:
    """The client's current indication with verblijf in an instelling, or None. Raises ConsentRequired."""
    data = client_data_access(user=user, bsn=bsn, action=AccessAction.INDICATIE_RAADPLEGEN, request=request)
    return selectors.indicatie_met_verblijf(data.indicaties)


# --- Attachments -------------------------------------------------------------------------------------

MAGIC_NUMBERS = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def bijlage_content_type(upload: UploadedFile) -> str:
    """Decide the type by the file's first bytes, never by its name or the browser's claim."""
    if upload.size > settings.PORTERO_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("Het bestand is te groot. Het mag hoogstens %(mb)s MB zijn.")
            % {"mb": settings.PORTERO_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in MAGIC_NUMBERS:
        if head.startswith(magic):
            return content_type
    raise ValidationError(_("Voeg een PDF-, PNG- of JPEG-bestand toe."), code="file_type")


def bijlage_download_name(bijlage: Bijlage) -> str:
    """The file name a download is served under: the user's name without its extension, folded to plain ASCII
    letters, digits, '-', '_' and '.', plus the extension of the detected type. The original name stays only as
    text on the pages (autoescaped); in a header it could carry quotes, line breaks or a misleading extension."""
    base = re.split(r"[/\\]", bijlage.original_name or "")[-1]
    stem = base.rpartition(".")[0] if "." in base else base
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9.-]+", "_", folded).strip("._-")[:100] or "bijlage"
    return f"{safe}.{BIJLAGE_EXTENSIONS[bijlage.content_type]}"


@transaction.atomic
def bijlage_add(*, aanvraag: Aanvraag, user: User, soort: str, upload: UploadedFile) -> Bijlage:
    locked = Aanvraag.objects.select_for_update().select_related("organisation").get(pk=aanvraag.pk)
    if locked.status != AanvraagStatus.CONCEPT:
        raise ValidationError(_("Deze aanvraag is al ingediend en kan niet meer worden gewijzigd."))
    aanvraag_profile_check(locked)
    bijlage = Bijlage(
        aanvraag=locked,
        soort=soort,
        token=secrets.token_hex(16),
        original_name=(upload.name or "bijlage")[-200:],
        content_type=bijlage_content_type(upload),
        size=upload.size,
        uploaded_by=user,
    )
    bijlage.file.save("upload", upload, save=False)
    try:
        bijlage.full_clean()
        bijlage.save()
    except Exception:
        bijlage.file.delete(save=False)
        raise
    return bijlage


@transaction.atomic
def bijlage_delete(*, bijlage: Bijlage) -> None:
    locked = Aanvraag.objects.select_for_update().select_related("organisation").get(pk=bijlage.aanvraag_id)
    if locked.status != AanvraagStatus.CONCEPT:
        raise ValidationError(_("Deze aanvraag is al ingediend en kan niet meer worden gewijzigd."))
    aanvraag_profile_check(locked)
    name, storage = bijlage.file.name, bijlage.file.storage
    bijlage.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Submitting and processing ---------------------------------------------------------------------

REFERENCE_PREFIX = {
    AanvraagSoort.WLZ: "WLZ",
    AanvraagSoort.WZD_ARTIKEL_21: "WZD",
    AanvraagSoort.PARTNERVERBLIJF: "PV",
}
REFERENCE_PREFIX_COMBINATIE = "CMB"


def deadline_compute(*, submitted_at: datetime, urgent: bool) -> date:
    """6 weeks after the (Dutch) day of submission; 2 weeks under bijzondere omstandigheden."""
    weeks = settings.PORTERO_DEADLINE_WEEKS_URGENT if urgent else settings.PORTERO_DEADLINE_WEEKS
    return timezone.localdate(submitted_at) + timedelta(weeks=weeks)


@transaction.atomic
def aanvraag_submit(*, aanvraag_id: int, user: User) -> Aanvraag:
    """'Indienen'. Idempotent: the concept row is locked and a second submit returns the first result."""
    # The organisation is read fresh: CIZ may have suspended it since the user's request began.
    organisation = Organisation.objects.get(pk=selectors.organisation_of(user).pk)
    aanvraag = Aanvraag.objects.select_for_update().filter(pk=aanvraag_id, organisation=organisation).first()
    if aanvraag is None:
        raise PermissionDenied
    if aanvraag.status != AanvraagStatus.CONCEPT:
        return aanvraag
    refusal = selectors.submit_refusal(organisation)
    if refusal:
        raise ValidationError(refusal, code="organisation")
    if aanvraag.soort not in selectors.aanvraagsoorten_allowed(organisation):
        raise PermissionDenied("profiel")
    errors = aanvraag_submit_errors(aanvraag)
    missing = bijlagen_missing(aanvraag)
    if errors or missing:
        raise ValidationError({**errors, **({"bijlagen": missing} if missing else {})})
    now = timezone.now()
    aanvraag.status = AanvraagStatus.INGEDIEND
    aanvraag.submitted_at = now
    aanvraag.submitted_by = user
    aanvraag.deadline = deadline_compute(submitted_at=now, urgent=aanvraag.urgent)
    prefix = REFERENCE_PREFIX_COMBINATIE if aanvraag.combinatie else REFERENCE_PREFIX[aanvraag.soort]
    aanvraag.reference = f"{prefix}-{timezone.localdate(now).year}-{aanvraag.pk:06d}"
    aanvraag.full_clean()
    aanvraag.save()
    AanvraagStatusChange.objects.create(
        aanvraag=aanvraag,
        from_status=AanvraagStatus.CONCEPT,
        to_status=AanvraagStatus.INGEDIEND,
        changed_by=user,
        deadline=aanvraag.deadline,
    )
    from aanvragen.tasks import send_receipt_mail

    transaction.on_commit(lambda: send_receipt_mail.delay(aanvraag.pk))
    return aanvraag


@transaction.atomic
def aanvraag_status_change(
    *,
    aanvraag_id: int,
    user: User,
    to_status: str,
    note: str = "",
    besluit: str = "",
    besluit_zorgprofiel: str = "",
    wzd_verklaring: str = "",
    wzd_besluit_tot: date | None = None,
) -> Aanvraag:
    """A CIZ status change with its history; the term is suspended while the application is 'onvolledig'."""
    aanvraag = Aanvraag.objects.select_for_update().get(pk=aanvraag_id)
    from_status = aanvraag.status
    if to_status not in STATUS_TRANSITIONS.get(from_status, ()):
        raise ValidationError(
            {
                "to_status": _("Een aanvraag met status '%(van)s' kan niet naar '%(naar)s'.")
                % {"van": AanvraagStatus(from_status).label, "naar": AanvraagStatus(to_status).label}
            }
        )
    today = timezone.localdate()
    if to_status == AanvraagStatus.BESLUIT_GENOMEN:
        _besluit_record(
            aanvraag,
            besluit=besluit,
            besluit_zorgprofiel=besluit_zorgprofiel,
            wzd_verklaring=wzd_verklaring,
            wzd_besluit_tot=wzd_besluit_tot,
            today=today,
        )
    if from_status == AanvraagStatus.ONVOLLEDIG and aanvraag.suspended_since:
        aanvraag.deadline += today - aanvraag.suspended_since
        aanvraag.suspended_since = None
    if to_status == AanvraagStatus.ONVOLLEDIG:
        aanvraag.suspended_since = today
    aanvraag.status = to_status
    aanvraag.full_clean()
    aanvraag.save()
    AanvraagStatusChange.objects.create(
        aanvraag=aanvraag,
        from_status=from_status,
        to_status=to_status,
        changed_by=user,
        note=note.strip(),
        deadline=aanvraag.deadline,
    )
    if (
        to_status == AanvraagStatus.BESLUIT_GENOMEN
        and aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF
        and aanvraag.besluit == Besluit.TOEGEKEND
    ):
        partner_indicatie_register(aanvraag=aanvraag)
    return aanvraag


def wzd_besluit_max_tot(day: date) -> date:
    """An art. 21 decision lasts at most 5 years (Wzd art. 22 lid 5): valid up to the day before the 5th anniversary."""
    try:
        anniversary = day.replace(year=day.year + 5)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year + 5, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


def _besluit_record(
    aanvraag: Aanvraag, *, besluit: str, besluit_zorgprofiel: str, wzd_verklaring: str, wzd_besluit_tot, today: date
) -> None:
    """The outcome per type: a Wlz besluit with zorgprofiel, an art. 21 WzdVerklaring (COD127) with its validity,
    both for a combination, and zorgprofiel 999 (ZZP0) for a granted Partnerverblijf."""
    errors = {}
    if has_artikel_21(aanvraag):
        if not wzd_verklaring:
            errors["wzd_verklaring"] = _("Kies de Wzd-verklaring (COD127).")
        elif wzd_verklaring == WzdVerklaring.AANGEWEZEN:
            if not wzd_besluit_tot:
                errors["wzd_besluit_tot"] = _("Vul in tot en met wanneer het artikel 21-besluit geldig is.")
            elif wzd_besluit_tot <= today:
                errors["wzd_besluit_tot"] = _("Het besluit moet na vandaag nog geldig zijn.")
            elif wzd_besluit_tot > wzd_besluit_max_tot(today):
                errors["wzd_besluit_tot"] = _("Een artikel 21-besluit geldt hoogstens 5 jaar.")
        elif wzd_besluit_tot:
            errors["wzd_besluit_tot"] = _("Alleen een besluit met verklaring 1 (aangewezen) heeft een geldigheid.")
    elif wzd_verklaring or wzd_besluit_tot:
        errors["wzd_verklaring"] = _("Een Wzd-verklaring hoort alleen bij een artikel 21-aanvraag.")
    if aanvraag.soort == AanvraagSoort.WZD_ARTIKEL_21:
        # A pure art. 21 application has no Wlz besluit: the verklaring is the outcome.
        besluit = Besluit.TOEGEKEND if wzd_verklaring == WzdVerklaring.AANGEWEZEN else Besluit.AFGEWEZEN
        besluit_zorgprofiel = ""
    elif not besluit:
        errors["besluit"] = _("Kies de uitkomst van het besluit.")
    elif besluit == Besluit.TOEGEKEND and aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        if besluit_zorgprofiel not in ("", Zorgprofiel.ZZP0):
            errors["besluit_zorgprofiel"] = _("Partnerverblijf krijgt altijd zorgprofiel 999 (ZZP0: Partnerverblijf).")
        besluit_zorgprofiel = Zorgprofiel.ZZP0
    elif besluit == Besluit.TOEGEKEND and not besluit_zorgprofiel:
        errors["besluit_zorgprofiel"] = _("Kies het toegekende zorgprofiel.")
    if errors:
        raise ValidationError(errors)
    aanvraag.besluit = besluit
    aanvraag.besluit_zorgprofiel = besluit_zorgprofiel if besluit == Besluit.TOEGEKEND else ""
    aanvraag.wzd_verklaring = wzd_verklaring if has_artikel_21(aanvraag) else ""
    aanvraag.wzd_besluit_tot = wzd_besluit_tot if aanvraag.wzd_verklaring == WzdVerklaring.AANGEWEZEN else None


def partner_indicatie_register(*, aanvraag: Aanvraag) -> Indicatie:
    """A granted Partnerverblijf puts the partner in the register with zorgprofiel 999 (ZZP0), verblijf in the
    client's instelling from the start date. Called inside the status change's transaction."""
    partner, _created = Client.objects.get_or_create(
        bsn=aanvraag.partner_bsn,
        defaults={
            "initials": aanvraag.partner_initials,
            "name_prefix": aanvraag.partner_name_prefix,
            "last_name": aanvraag.partner_last_name,
            "date_of_birth": aanvraag.partner_date_of_birth,
            "sex": Geslacht.ONBEKEND,
            "street": aanvraag.partner_street,
            "postcode": aanvraag.partner_postcode,
            "city": aanvraag.partner_city,
        },
    )
    indicatie = Indicatie(
        client=partner,
        zorgprofiel=Zorgprofiel.ZZP0,
        leveringsvorm=Leveringsvorm.VERBLIJF,
        valid_from=aanvraag.partnerverblijf_ingangsdatum,
    )
    indicatie.full_clean()
    indicatie.save()
    return indicatie


# --- Renewal of art. 21 decisions ----------------------------------------------------------------------


def wzd_renewal_reminders_send(*, today: date | None = None) -> int:
    """The nightly job: one reminder task per decision whose reminder is due. The task marks the decision under a
    row lock, so a second run (or a second beat) sends nothing more."""
    from aanvragen.tasks import send_wzd_renewal_reminder

    ids = list(selectors.wzd_renewal_reminders_due(today).values_list("pk", flat=True))
    for pk in ids:
        send_wzd_renewal_reminder.delay(pk)
    return len(ids)
