#!/usr/bin/env bash
# Started by `make run`: the Celery worker with beat in the background, the web app in the foreground;
# stopping the web app (Ctrl-C) stops the worker too.
set -euo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
# Links in mails are built by the worker as well as by the web process: both get the base URL of the port the site
# runs on (without it the worker fell back to the settings' default, port 8000). A base URL set by hand is kept.
export PORTERO_BASE_URL=${PORTERO_BASE_URL:-http://127.0.0.1:${PORT}}
mkdir -p var/celery/queue var/celery/processed var/mail var/sms

"$BIN/celery" -A portero worker --beat --loglevel=warning --concurrency=1 \
  --schedule=var/celerybeat-schedule >var/celery.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM

cat <<TEXT

  Portero draait op http://127.0.0.1:${PORT}/
    Aanvragen:        http://127.0.0.1:${PORT}/
    Gebruikersbeheer: http://127.0.0.1:${PORT}/beheer/
    CIZ-beheer:       http://127.0.0.1:${PORT}/admin/
    Postvak (mail en sms-codes): http://127.0.0.1:${PORT}/dev/postvak/

  Demo-accounts (wachtwoord voor allemaal: Zomer#Tulp2026):
    cizbeheer    CIZ-medewerker (Django-admin, /admin/)
    adijkstra    organisatiebeheerder Zorggroep De Linde (profiel Basis)
    bjansen      gebruiker Zorggroep De Linde
    celmaci      gebruiker Zorggroep De Linde
    mvandenberg  organisatiebeheerder Stichting Het Baken (profiel Volledig)
    sbakker      gebruiker Stichting Het Baken
    ldevries     gebruiker Stichting Het Baken
  De sms-code na het wachtwoord staat in het postvak. Celery-log: var/celery.log

  Demo-cliënten (BSN, in het demoregister):
    100023757  G. Smit (indicatie VV5)
    100039595  H.J. van Dam (indicatie VV4)
    100126704  S. Yılmaz (indicatie VG3)
    100174218  P. de Boer (geen indicatie)

  Nachtelijke taken (Celery beat) met de hand draaien, in een tweede terminal:
    DJANGO_DEBUG=1 ${BIN}/python manage.py deactivate_idle_accounts
    DJANGO_DEBUG=1 ${BIN}/python manage.py expire_passwords
    DJANGO_DEBUG=1 ${BIN}/python manage.py send_wzd_renewal_reminders
    DJANGO_DEBUG=1 ${BIN}/python manage.py apply_retention --dry-run
    DJANGO_DEBUG=1 ${BIN}/python manage.py sweep_orphan_attachment_files
    DJANGO_DEBUG=1 ${BIN}/python manage.py clearsessions
  De tijdregels proberen (verloopwaarschuwing, verlopen wachtwoord, inactief na 6 maanden):
    DJANGO_DEBUG=1 ${BIN}/python manage.py demo_tijd bjansen --wachtwoord-verloopt-over 5
    (zie: manage.py demo_tijd --help)

TEXT
"$BIN/python" manage.py runserver "127.0.0.1:${PORT}"
