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
    cizbeheer    CIZ-medewerker (Django-admin)
    adijkstra    organisatiebeheerder Zorggroep De Linde (profiel Basis)
    bjansen      gebruiker Zorggroep De Linde
    mvandenberg  organisatiebeheerder Stichting Het Baken (profiel Volledig)
    sbakker      gebruiker Stichting Het Baken
  De sms-code na het wachtwoord staat in het postvak. Celery-log: var/celery.log

TEXT
"$BIN/python" manage.py runserver "127.0.0.1:${PORT}"
