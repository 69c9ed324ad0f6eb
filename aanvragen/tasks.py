"""Celery tasks: thin adapters that load by id and send."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from aanvragen import selectors
from aanvragen.models.aanvraag import Aanvraag
from aanvragen.models.steekproeven import SpotCheck
from aanvragen.services.aanvraag import wzd_renewal_reminders_send
from aanvragen.services.clients import bsn_mask
from portero.hosts import AANVRAAG, absolute_url
from portero.mail import MailTask


@shared_task(base=MailTask)
def send_receipt_mail(aanvraag_id: int) -> None:
    """The ontvangstbevestiging to the submitter. It names the reference, never the BSN or the client."""
    # Idempotent (tasks are acked late and may run twice): the row is locked and marked in one transaction.
    with transaction.atomic():
        aanvraag = (
            Aanvraag.objects.select_for_update(of=("self",))
            .select_related("submitted_by")
            .filter(pk=aanvraag_id, receipt_sent_at__isnull=True, submitted_by__isnull=False)
            .first()
        )
        if aanvraag is None:
            return
        context = {
            "aanvraag": aanvraag,
            "link": absolute_url(AANVRAAG, "aanvragen:detail", aanvraag.pk),
        }
        body = render_to_string("aanvragen/mail/ontvangstbevestiging.txt", context)
        subject = gettext("Portero: ontvangstbevestiging aanvraag %(reference)s") % {"reference": aanvraag.reference}
        send_mail(subject, body, None, [aanvraag.submitted_by.email])
        Aanvraag.objects.filter(pk=aanvraag.pk).update(receipt_sent_at=timezone.now())


# --- Renewal of art. 21 decisions ---------------------------------------------------------------


@shared_task(base=MailTask)
def send_wzd_renewal_reminder(aanvraag_id: int) -> None:
    """The 8th-week reminder that a renewal of an art. 21 decision must be filed in the 7th week. Sent once: the
    row is locked, checked to be still due and unreminded, and marked in the same transaction."""
    with transaction.atomic():
        aanvraag = (
            selectors.wzd_renewal_reminders_due()
            .select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=aanvraag_id)
            .first()
        )
        if aanvraag is None:
            return
        renewal_from, renewal_to = selectors.RenewalWeeks(aanvraag.wzd_besluit_tot).renewal
        context = {
            "aanvraag": aanvraag,
            "renewal_from": renewal_from,
            "renewal_to": renewal_to,
            "link": absolute_url(AANVRAAG, "aanvragen:besluiten"),
        }
        body = render_to_string("aanvragen/mail/wzd_verlenging_herinnering.txt", context)
        subject = gettext("Portero: verleng artikel 21-besluit %(reference)s") % {"reference": aanvraag.reference}
        recipients = selectors.renewal_reminder_recipients(aanvraag)
        if recipients:
            send_mail(subject, body, None, recipients)
        Aanvraag.objects.filter(pk=aanvraag.pk).update(renewal_reminder_sent_at=timezone.now())


@shared_task
def send_wzd_renewal_reminders() -> int:
    return wzd_renewal_reminders_send()


# --- Steekproeven (spot checks) ---


@shared_task(base=MailTask)
def send_spot_check_request(spot_check_id: int) -> None:
    """Ask the organisatiebeheerders for the signed forms of the drawn declarations. Masked BSNs only."""
    # Idempotent like the receipt: locked, sent and marked in one transaction.
    with transaction.atomic():
        spot_check = (
            SpotCheck.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=spot_check_id, request_sent_at__isnull=True)
            .first()
        )
        recipients = selectors.spot_check_recipients(spot_check.organisation) if spot_check else []
        if not recipients:
            return
        rows = [(item.consent, bsn_mask(item.consent.client_bsn)) for item in selectors.spot_check_items(spot_check)]
        body = render_to_string("aanvragen/mail/steekproef_verzoek.txt", {"spot_check": spot_check, "rows": rows})
        subject = gettext("Portero: steekproef toestemmingsformulieren, reactie uiterlijk %(date)s") % {
            "date": f"{spot_check.reply_deadline:%d-%m-%Y}"
        }
        send_mail(subject, body, None, recipients)
        SpotCheck.objects.filter(pk=spot_check.pk).update(request_sent_at=timezone.now())


# --- Retention ---


@shared_task(base=MailTask)
def send_concept_deletion_warning(aanvraag_id: int) -> None:
    """Tell a concept's author it will be deleted in 7 days. Sent once: the nightly retention job marked the
    warning due; the row is locked, checked to be still a concept not mailed since, and marked mailed."""
    with transaction.atomic():
        aanvraag = (
            Aanvraag.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=aanvraag_id, status="concept", concept_warning_sent_at__isnull=False)
            .filter(
                Q(concept_warning_mailed_at__isnull=True)
                | Q(concept_warning_mailed_at__lt=F("concept_warning_sent_at"))
            )
            .first()
        )
        if aanvraag is None:
            return
        if aanvraag.created_by.is_active:
            days = settings.PORTERO_RETENTION_CONCEPT_WARNING_DAYS
            context = {
                "aanvraag": aanvraag,
                "days": days,
                "deleted_on": aanvraag.updated_at + timedelta(days=settings.PORTERO_RETENTION_CONCEPT_DAYS),
                "link": absolute_url(AANVRAAG, "aanvragen:detail", aanvraag.pk),
            }
            body = render_to_string("aanvragen/mail/concept_verwijderen.txt", context)
            subject = gettext("Portero: uw concept wordt over %(days)s dagen verwijderd") % {"days": days}
            send_mail(subject, body, None, [aanvraag.created_by.email])
        Aanvraag.objects.filter(pk=aanvraag.pk).update(concept_warning_mailed_at=timezone.now())


@shared_task
def apply_retention() -> dict[str, int]:
    """The nightly retention of every app (aanvragen.services.retention.retention_apply)."""
    from aanvragen.services.retention import retention_apply

    return retention_apply()


@shared_task
def sweep_orphan_attachment_files() -> int:
    from aanvragen.services.retention import orphan_files_sweep

    return orphan_files_sweep()
