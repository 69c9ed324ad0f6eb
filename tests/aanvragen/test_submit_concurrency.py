"""Two 'Indienen' requests at the same moment (double click, two tabs) still make one application."""

import threading
import time

import pytest
from django.core import mail
from django.db import OperationalError, connection

from aanvragen.models import AanvraagStatusChange
from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create, aanvraag_submit, bijlage_add
from tests.aanvragen.helpers import COMPLETE_VALUES, pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_submits_create_one_application_and_one_mail(user_a):
    concept = aanvraag_create(user=user_a, soort="wlz")
    aanvraag_concept_save(aanvraag=concept, values=COMPLETE_VALUES)
    bijlage_add(aanvraag=concept, user=user_a, soort="diagnose", upload=pdf_upload())
    barrier = threading.Barrier(2)
    references = []

    def click():
        try:
            barrier.wait()
            for _attempt in range(20):
                try:
                    references.append(aanvraag_submit(aanvraag_id=concept.pk, user=user_a).reference)
                    return
                except OperationalError:  # SQLite has no row locks: a busy database means 'try again'
                    time.sleep(0.05)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(references) == 2 and len(set(references)) == 1
    assert AanvraagStatusChange.objects.filter(aanvraag=concept).count() == 1
    assert len(mail.outbox) == 1
