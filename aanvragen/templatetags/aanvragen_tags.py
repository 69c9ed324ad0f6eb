from django import template

register = template.Library()


@register.filter
def stepurl(step, pk):
    return step.url(pk)


@register.filter
def previous(step, pk):
    return step.previous_url(pk)
