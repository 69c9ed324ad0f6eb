"""Sending an SMS within its limits: cooldown, caps per account and address, and the organisation's and the site's
budgets. Every SMS Portero sends comes through sms_code_send; the gateways themselves are in accounts.sms."""

from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import selectors
from accounts.models import User
from accounts.ratelimit import (
    cooldown_active,
    cooldown_clear,
    rate_limit_exceeded,
)
from accounts.sms import SmsNotSent, sms_text_send
from portero.client_ip import client_address


class CodeSend(StrEnum):
    SENT = "sent"
    COOLDOWN = "cooldown"
    LIMIT = "limit"
    BUDGET = "budget"  # the organisation's or the site's SMS budget is used up for now
    FAILED = "failed"


def sms_code_send(*, device: PhoneDevice, request: HttpRequest | None = None, notice: str | None = None) -> CodeSend:
    """Send a login code, at most once per cooldown and within caps per user and per client address, before
    any call to the gateway (cost and SMS pumping). django-two-factor-auth itself has no such limits.

    Then two budgets protect the cost rather than one address: per organisation (a number of codes per account
    it has, per day) and for the whole site (per hour). Only a send that passed the caps counts against them.

    Every SMS Portero sends comes through here. With `notice`, that text is sent instead of a code (a number
    change told to the old number): within the same caps, but not held back by, or starting, the code cooldown.
    The device may be unsaved (phone setup, a new number): it is counted against its user all the same."""
    limits = settings.PORTERO_SMS_LIMITS
    if notice is None and cooldown_active(f"sms:{device.user_id}", seconds=limits["cooldown_seconds"]):
        return CodeSend.COOLDOWN
    over_user = rate_limit_exceeded(f"sms:user:{device.user_id}", **limits["per_user"])
    over_address = rate_limit_exceeded(f"sms:ip:{client_address(request) or 'onbekend'}", **limits["per_address"])
    if over_user or over_address:
        return CodeSend.LIMIT
    if _sms_budget_exceeded(device=device, limits=limits):
        if notice is None:
            cooldown_clear(f"sms:{device.user_id}")
        return CodeSend.BUDGET
    try:
        if notice is None:
            device.generate_challenge()
        else:
            sms_text_send(number=device.number, text=notice)
    except SmsNotSent:
        if notice is None:
            cooldown_clear(f"sms:{device.user_id}")  # nothing was sent: a new try may follow at once
        return CodeSend.FAILED
    return CodeSend.SENT


def sms_code_used(*, user: User) -> None:
    """The code last sent to this user was just used: the next code (for a new number) needs no cooldown wait."""
    cooldown_clear(f"sms:{user.pk}")


def _sms_budget_exceeded(*, device: PhoneDevice, limits: dict) -> bool:
    organisation_id, accounts = selectors.organisation_and_account_count(user_id=device.user_id)
    if organisation_id is not None:
        budget = limits["per_organisation"]
        allowed = max(budget["per_account"] * accounts, budget["minimum"])
        if rate_limit_exceeded(f"sms:org:{organisation_id}", limit=allowed, window_seconds=budget["window_seconds"]):
            return True
    return rate_limit_exceeded("sms:site:all", **limits["site"])
