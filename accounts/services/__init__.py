"""Account rules that write, one module per concern; this package re-exports their public names so that callers
import `accounts.services` as one. New code imports from the submodule that owns the rule.

- organisations: creating an organisation with its first admin, a change in the admin, lifting a suspension
- users: the e-mail rules, login names, creating accounts (organisation users and CIZ staff)
- phone: the mobile number, registering a first one, 'Mobiel nummer wijzigen'
- sms: every SMS sent, within its cooldown, caps and budgets
- passwords: set-password links, setting a password, the expiry warning's mark
- login: may this person log in now, the limits on failed logins, a completed login
- sessions: idle timeout, absolute lifetime, ending every session
- factors_reset: 'Inlogmethoden herstellen', every second factor removed and the account enrolled again
- jobs: the nightly jobs (idle deactivation, password expiry, expired sessions)
- demo: the local demo's accounts and dates

The audit log itself (AuditEvent, audit_log) is accounts.audit.
"""

from accounts.audit import Action, audit_log
from accounts.services.demo import demo_dates_move
from accounts.services.jobs import (
    ACTIVE_SQL,
    AUDIT_BATCH,
    IDLE_REASON,
    idle_accounts_deactivate,
    passwords_expire,
    sessions_clear_expired,
    user_deactivate_idle,
)
from accounts.services.login import (
    LoginRefusal,
    login_attempt_refusal,
    login_completed,
    login_failed,
    login_name_normalise,
    login_refusal,
)
from accounts.services.organisations import (
    organisation_changed,
    organisation_create_with_admin,
    organisation_suspension_lift,
)
from accounts.services.passwords import (
    PASSWORD_FIRST,
    PasswordSetVia,
    password_expiry_warning_mailed,
    password_link_request,
    password_link_send,
    password_renewal_request,
    password_set,
)
from accounts.services.phone import (
    PHONE_CHANGED_SMS,
    PHONE_ENROLMENT_SESSION_KEY,
    PhoneChangeCheck,
    mobile_parse,
    phone_attempt_limited,
    phone_change_code_check,
    phone_change_complete,
    phone_change_new_code_send,
    phone_change_new_device,
    phone_change_password_check,
    phone_device_reset,
    phone_enrolment_allowed,
    phone_enrolment_mark,
    user_set_mobile,
)
from accounts.services.sessions import SESSION_SEEN, SESSION_STARTED, session_started, session_touch, sessions_end_all
from accounts.services.sms import CodeSend, sms_code_send, sms_code_used
from accounts.services.users import (
    EMAIL_UNIQUE_CONSTRAINT,
    contact_validate,
    email_changed_notify,
    email_clash_as_form_error,
    email_in_use_message,
    email_validate,
    login_name_generate,
    staff_create,
    user_create,
)

__all__ = [
    "Action",
    "audit_log",
    "organisation_create_with_admin",
    "organisation_changed",
    "organisation_suspension_lift",
    "email_validate",
    "email_in_use_message",
    "contact_validate",
    "EMAIL_UNIQUE_CONSTRAINT",
    "email_clash_as_form_error",
    "login_name_generate",
    "user_create",
    "staff_create",
    "email_changed_notify",
    "mobile_parse",
    "phone_device_reset",
    "user_set_mobile",
    "PHONE_CHANGED_SMS",
    "PHONE_ENROLMENT_SESSION_KEY",
    "phone_enrolment_mark",
    "phone_enrolment_allowed",
    "PhoneChangeCheck",
    "phone_attempt_limited",
    "phone_change_password_check",
    "phone_change_code_check",
    "phone_change_new_device",
    "phone_change_new_code_send",
    "phone_change_complete",
    "CodeSend",
    "sms_code_send",
    "sms_code_used",
    "password_link_send",
    "password_link_request",
    "PasswordSetVia",
    "PASSWORD_FIRST",
    "password_set",
    "password_renewal_request",
    "password_expiry_warning_mailed",
    "LoginRefusal",
    "login_refusal",
    "login_name_normalise",
    "login_attempt_refusal",
    "login_failed",
    "login_completed",
    "SESSION_SEEN",
    "SESSION_STARTED",
    "session_started",
    "session_touch",
    "sessions_end_all",
    "IDLE_REASON",
    "user_deactivate_idle",
    "ACTIVE_SQL",
    "AUDIT_BATCH",
    "idle_accounts_deactivate",
    "passwords_expire",
    "sessions_clear_expired",
    "demo_dates_move",
]
