"""Double submission of 'Nieuwe gebruiker toevoegen' (double click, resubmitted POST, two tabs): exactly one
account and one welcome mail. The other forms that create something have their own tests:
- 'Indienen' of an application: tests/aanvragen/test_submit_concurrency.py (two threads at the same moment);
- organisation plus first admin in the CIZ admin: tests/accounts/test_create_organisation.py;
- 'Wachtwoord aanvragen' creates no record: each request issues a new link that makes the older ones invalid
  (tests/accounts/test_lifecycle.py::test_a_new_request_makes_older_links_invalid), within the rate limits."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from accounts.models import User
from tests.conftest import login_client
from tests.orgadmin.conftest import user_form_data

ADD = "/beheer/gebruikers/nieuw/"
EMAIL = "eva.devries@zorg-a.nl"


@pytest.mark.django_db
def test_resubmitted_add_user_form_makes_one_account(client_as, admin_a, django_capture_on_commit_callbacks):
    http = client_as(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = http.post(ADD, user_form_data())
        second = http.post(ADD, user_form_data())  # the browser's 'resend the form?' or a second click
    assert first.status_code == 302
    assert second.status_code == 200
    assert "Dit e-mailadres is al in gebruik" in second.content.decode()
    assert User.objects.filter(email=EMAIL).count() == 1
    assert [message.to for message in mail.outbox] == [[EMAIL]]


@pytest.mark.django_db(transaction=True)
def test_two_tabs_posting_add_user_at_the_same_moment_make_one_account(admin_a):
    tabs = [login_client(Client(raise_request_exception=False), admin_a) for _ in range(2)]
    barrier = threading.Barrier(2)
    answers = []

    def submit(tab):
        try:
            barrier.wait(timeout=10)
            answers.append(tab.post(ADD, user_form_data()))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert User.objects.filter(email=EMAIL).count() == 1
    assert len(mail.outbox) == 1
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses in ([200, 302], [302, 503])  # 503: SQLite busy; PostgreSQL gives the form error
    loser = next(answer for answer in answers if answer.status_code != 302)
    html = loser.content.decode()
    # On failure, say what the page did say: its error messages and alerts, without the markup.
    said = [
        " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for text in re.findall(r'class="(?:error|alert)[^"]*"[^>]*>(.*?)</(?:p|div)>', html, re.S)
    ]
    assert "Dit e-mailadres is al in gebruik" in html or "Portero is even niet beschikbaar" in html, said
