"""Celery tasks: thin adapters that load by id and call a service or send a mail."""

import time
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, gettext_lazy

from accounts import selectors, services
from accounts.models import User
from accounts.tokens import password_link_token_generator
from portero.hosts import AANVRAAG, BEHEER, absolute_url
from portero.mail import MailTask

PASSWORD_MAIL_SUBJECTS = {
    "welcome": gettext_lazy("Welkom bij Portero: stel uw wachtwoord in"),
    "reset": gettext_lazy("Portero: nieuw wachtwoord instellen"),
    "renew": gettext_lazy("Portero: vernieuw uw wachtwoord"),
    # accounts.services.factors_reset: by the organisation's admin, or by the CIZ (for an org admin)
    "factors_reset": gettext_lazy("Portero: uw inlogmethoden zijn hersteld, stel uw wachtwoord opnieuw in"),
    "factors_reset_ciz": gettext_lazy("Portero: uw inlogmethoden zijn hersteld, stel uw wachtwoord opnieuw in"),
}

# A night after an import may warn tens of thousands: the accounts are read 500 at a time, and once a run has used
# this share of the task time limit (CELERY_TASK_SOFT_TIME_LIMIT: 3 of its 5 minutes) it queues the rest as a new run.
EXPIRY_MAIL_BATCH = 500
EXPIRY_MAIL_RUN_SHARE = 0.6


@shared_task(base=MailTask)
def send_password_link_mail(user_id: int, purpose: str) -> None:
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not user.is_active:
        return
    link = absolute_url(
        AANVRAAG,
        "accounts:password_set",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=password_link_token_generator.make_token(user),
    )
    context = {
        "user": user,
        "purpose": purpose,
        "link": link,
        "site_url": absolute_url(AANVRAAG, "aanvragen:home"),
        "beheer_url": absolute_url(BEHEER, "orgadmin:start"),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        # What the mail may say of the current password: none yet, expired, or working until expires_at.
        "has_password": user.has_usable_password(),
        "password_works": selectors.password_works(user=user),
        "expires_at": selectors.password_expires_at(user=user),
        "request_url": absolute_url(AANVRAAG, "accounts:password_request"),
    }
    body = render_to_string("accounts/mail/password_link.txt", context)
    send_mail(str(PASSWORD_MAIL_SUBJECTS[purpose]), body, None, [user.email])


PASSWORD_SET_SUBJECTS = {
    "first": gettext_lazy("Portero: uw wachtwoord is ingesteld"),
    "link": gettext_lazy("Portero: uw wachtwoord is opnieuw ingesteld"),
    "page": gettext_lazy("Portero: uw wachtwoord is gewijzigd"),
    "command": gettext_lazy("Portero: uw wachtwoord is gewijzigd"),
}


@shared_task(base=MailTask)
def send_password_set_mail(user_id: int, case: str, at: str) -> None:
    """Tell the person their password was set (ASVS 2.2.3), in the words of its case (services.password_set): a
    first password, one set again by a mailed link, or a change. No secret in it: no link with a token, no
    password, no code; only the token-free 'Wachtwoord aanvragen' address for when it was not them."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not user.email:
        return
    context = {
        "user": user,
        "case": case,
        "at": datetime.fromisoformat(at),
        "request_url": absolute_url(AANVRAAG, "accounts:password_request"),
    }
    body = render_to_string("accounts/mail/password_set.txt", context)
    send_mail(str(PASSWORD_SET_SUBJECTS[case]), body, None, [user.email])


@shared_task(base=MailTask)
def send_email_changed_mail(user_id: int, old_email: str, changed_by_id: int, at: str) -> None:
    """Tell the OLD address that the organisation admin changed the account's e-mail address (ASVS 2.2.3): if the
    change was not wanted, the person learns it where they still read mail. The new address is not in it."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not old_email:
        return
    context = {"user": user, "changed_by": selectors.user_by_pk(changed_by_id), "at": datetime.fromisoformat(at)}
    body = render_to_string("accounts/mail/email_changed.txt", context)
    send_mail(gettext("Portero: uw e-mailadres is gewijzigd"), body, None, [old_email])


@shared_task(base=MailTask)
def send_phone_changed_mail(user_id: int, by_self: bool, had_number: bool, number_end: str) -> None:
    """The mobile number for the SMS code changed (accounts.services.user_set_mobile): tell the person. No code and
    not the new number in full; only its last two digits, so the person can tell their own change from another's."""
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not user.is_active:
        return
    context = {
        "user": user,
        "by_self": by_self,
        "had_number": had_number,
        "number_end": number_end,
        "request_url": absolute_url(AANVRAAG, "accounts:password_request"),
    }
    body = render_to_string("accounts/mail/phone_changed.txt", context)
    send_mail(gettext("Portero: uw mobiele nummer voor de sms-code is gewijzigd"), body, None, [user.email])


@shared_task(base=MailTask)
def send_password_expiry_warnings(warned_at: str | list[int]) -> None:
    """Mail the accounts that passwords_expire warned at this moment (ISO 8601): a moment, not an id list, because
    one night may warn many accounts; the moment is set once per password period, so each is mailed once.
    A list is an id list queued by the previous version of this task before a deploy: those are mailed too.

    Each account is marked once its mail is sent, so a retry after an SMTP failure halfway mails only the rest.
    Past EXPIRY_MAIL_RUN_SHARE of the task time limit a run queues the rest as a new run (see EXPIRY_MAIL_BATCH)."""
    selection = {"ids": warned_at} if isinstance(warned_at, list) else {"warned_at": datetime.fromisoformat(warned_at)}
    request_url = absolute_url(AANVRAAG, "accounts:password_request")
    deadline, last_pk = time.monotonic() + settings.CELERY_TASK_SOFT_TIME_LIMIT * EXPIRY_MAIL_RUN_SHARE, 0
    while users := selectors.users_warned_of_expiry(**selection, after_pk=last_pk, limit=EXPIRY_MAIL_BATCH):
        last_pk = users[-1].pk
        for user in users:
            context = {"user": user, "expires_at": selectors.password_expires_at(user=user), "request_url": request_url}
            body = render_to_string("accounts/mail/password_expiry_warning.txt", context)
            send_mail(gettext("Portero: uw wachtwoord verloopt binnenkort"), body, None, [user.email])
            services.password_expiry_warning_mailed(user=user)
            if time.monotonic() > deadline:
                send_password_expiry_warnings.delay(warned_at)
                return


@shared_task
def deactivate_idle_accounts() -> int:
    return services.idle_accounts_deactivate()


@shared_task
def expire_passwords() -> tuple[int, int]:
    return services.passwords_expire()


@shared_task
def clear_expired_sessions() -> int:
    return services.sessions_clear_expired()


FACTOR_NAMES = {
    "totp": gettext_lazy("een authenticator-app"),
    "recovery": gettext_lazy("herstelcodes"),
    "passkey": gettext_lazy("een passkey of beveiligingssleutel"),
}


@shared_task(base=MailTask)
def send_factor_changed_mail(user_id: int, kind: str, added: bool, at: str) -> None:
    """A way to log in was added to or removed from the account (accounts.services.factors): tell the person, so
    that a change they did not make shows. No secret in it."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email:
        return
    context = {
        "user": user,
        "factor": FACTOR_NAMES.get(kind, kind),
        "added": added,
        "at": datetime.fromisoformat(at),
        "request_url": absolute_url(AANVRAAG, "accounts:password_request"),
    }
    body = render_to_string("accounts/mail/factor_changed.txt", context)
    subject = gettext("Portero: inlogmethode toegevoegd") if added else gettext("Portero: inlogmethode verwijderd")
    send_mail(subject, body, None, [user.email])


@shared_task(base=MailTask)
def send_recovery_code_used_mail(user_id: int, left: int, at: str) -> None:
    """A recovery code was used to log in: tell the person, with how many are left. Not the code itself."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email:
        return
    context = {
        "user": user,
        "left": left,
        "at": datetime.fromisoformat(at),
        "factors_url": absolute_url(AANVRAAG, "accounts:factors"),
    }
    body = render_to_string("accounts/mail/recovery_code_used.txt", context)
    send_mail(gettext("Portero: er is met een herstelcode ingelogd"), body, None, [user.email])
