"""Receivers that turn the login libraries' signals into audit events (via accounts.audit.audit_log) and start the
idle clock of a new login's session."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.forms import otp_verification_failed
from two_factor.signals import user_verified

from accounts import auth_cache
from accounts.audit import audit_log
from accounts.models import AuditEvent, Organisation, User
from accounts.selectors import FACTOR_MODELS, FACTOR_SMS
from accounts.services import login_completed, login_failed, session_started, sessions_end_all
from accounts.services.factors import factor_failed, factor_kind

Action = AuditEvent.Action


@receiver(user_verified)
def complete_login(sender, request, user, device, **kwargs):
    login_completed(user=user, device=device, request=request)


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    session_started(session=request.session)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    login_failed(username=(credentials or {}).get("username", ""), request=request)


@receiver(otp_verification_failed)
def audit_code_failed(sender, user, **kwargs):
    device = getattr(user, "otp_failed_device", None)  # set by accounts.forms.FactorTokenForm
    if device is not None and factor_kind(device) != FACTOR_SMS:
        factor_failed(user=user, device=device)
        return
    audit_log(Action.CODE_FAILED, target=user)


@receiver(user_locked_out)
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    target = User.objects.filter(username=username or "").first()
    audit_log(Action.LOCKED_OUT, target=target, request=request, username=(username or "")[:40])


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        sessions_end_all(user=user)
        audit_log(Action.LOGGED_OUT, actor=user, target=user, request=request)


@receiver([post_save, post_delete], sender=User)
def account_changed(sender, instance, created=False, **kwargs):
    """A saved or deleted account: its running sessions read it anew (accounts.auth_cache). A new one has none."""
    if not created:
        auth_cache.changed(users=[instance.pk])


@receiver([post_save, post_delete], sender=Organisation)
def organisation_changed(sender, instance, created=False, **kwargs):
    if not created:
        auth_cache.changed(everything=True)


def factor_changed(sender, instance, created=False, **kwargs):
    """A second factor saved (a verification counts it) or removed: a session it verified reads it anew."""
    if not created:
        auth_cache.changed(users=[instance.user_id])


for _label in FACTOR_MODELS:
    post_save.connect(factor_changed, sender=_label, dispatch_uid=f"factor_changed_save_{_label}")
    post_delete.connect(factor_changed, sender=_label, dispatch_uid=f"factor_changed_delete_{_label}")
