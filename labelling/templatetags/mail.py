"""Filters of the e-mail templates."""

from django import template

from labelling.notifications import header_safe

register = template.Library()


@register.filter
def oneline(text: str) -> str:
    """The subject line of a mail, on one line whatever a name in it holds (``header_safe``)."""
    return header_safe(str(text))
