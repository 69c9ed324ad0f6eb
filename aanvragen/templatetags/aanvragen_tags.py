from django import template

from aanvragen.services.clients import bsn_mask

register = template.Library()


@register.filter
def bsn_masked(bsn: str) -> str:
    """Lists and mails show only the last three digits of a BSN (aanvragen.services.clients.bsn_mask)."""
    return bsn_mask(bsn or "")


@register.filter
def stepurl(step, pk):
    return step.url(pk)


@register.filter
def previous(step, pk):
    return step.previous_url(pk)
