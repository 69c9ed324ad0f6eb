"""'Inlogmethoden herstellen': a lost phone or key. Every second factor of an account is removed, every session ends,
and the account enrols again the way a new account does: a mailed set-password link (accounts.services.passwords),
then, in the browser session that used it, a first mobile number (accounts.services.phone.phone_enrolment_mark).

The org admin does this for the accounts of their own organisation (orgadmin.services.user_factors_reset), CIZ staff
for an org admin in the admin (accounts.admin.UserAdmin). Nobody resets their own factors: the one who lost a
factor asks someone who still has theirs."""

from collections import Counter

import django_otp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.audit import Action, audit_log
from accounts.models import User
from accounts.services.passwords import password_history_keep, password_link_send
from accounts.services.sessions import sessions_end_all

# The set-password mail's purposes (accounts.tasks.PASSWORD_MAIL_SUBJECTS): it says who reset the factors.
PURPOSE_BY_ORG_ADMIN = "factors_reset"
PURPOSE_BY_CIZ = "factors_reset_ciz"


def factors_reset_refusal(*, actor: User, user: User) -> str | None:
    """Why `actor` may not reset `user`'s factors (None: allowed as far as the account goes; who may reset whom is
    the caller's rule: the org admin's organisation, CIZ staff for org admins)."""
    if actor.pk == user.pk:
        return _(
            "U kunt de inlogmethoden van uw eigen account niet zelf herstellen. Vraag dit aan een andere "
            "organisatiebeheerder van uw organisatie of aan het CIZ (contractbeheer@ciz.nl)."
        )
    if not user.is_active:
        return _("Dit account is verwijderd of inactief; de inlogmethoden kunnen niet worden hersteld.")
    return None


@transaction.atomic
def factors_reset(*, user: User, actor: User, request: HttpRequest | None = None) -> dict[str, int]:
    """Remove every device of every django-otp device model of `user` (SMS, authenticator app, recovery codes,
    passkeys, confirmed or not), clear the mobile number on file and the password (into the history), end every
    session, audit it with the address, and mail the person a set-password link (after the commit) with which they
    enrol again as a new account does. Returns the number of devices removed per device model.

    The number is cleared here, not through user_set_mobile: its own mail and SMS to the old number would tell the
    person a second and third time what the one mail of this reset says. With the number gone, the account can
    register a first number again, in the browser session of its link only (phone_enrolment_allowed)."""
    refusal = factors_reset_refusal(actor=actor, user=user)
    if refusal:
        raise ValidationError(refusal)
    user = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    removed: Counter[str] = Counter()
    for device in list(django_otp.devices_for_user(user, confirmed=None)):
        removed[device._meta.label_lower] += 1
        device.delete()
    had_mobile = bool(user.mobile)
    # As a new account: no number, no password. The old password, known to whoever has the lost phone or laptop,
    # must not log in (and a login would void the link, whose token covers the last login); it stays in the history.
    password_history_keep(user=user)
    user.mobile = ""
    user.set_unusable_password()
    user.save(update_fields=["mobile", "password"])
    sessions_end_all(user=user)
    by_ciz = actor.is_staff and actor.organisation_id is None
    audit_log(
        Action.FACTORS_RESET,
        actor=actor,
        target=user,
        request=request,
        removed=dict(sorted(removed.items())),
        mobile_cleared=had_mobile,
        by_ciz=by_ciz,
    )
    purpose = PURPOSE_BY_CIZ if by_ciz else PURPOSE_BY_ORG_ADMIN
    password_link_send(user=user, purpose=purpose, request=request)
    return dict(removed)
