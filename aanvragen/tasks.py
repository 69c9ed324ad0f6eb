"""Celery tasks: thin adapters that load by id and send."""

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from aanvragen.models import Aanvraag
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
        subject = f"Portero: ontvangstbevestiging aanvraag {aanvraag.reference}"
        send_mail(subject, body, None, [aanvraag.submitted_by.email])
        Aanvraag.objects.filter(pk=aanvraag.pk).update(receipt_sent_at=timezone.now())
