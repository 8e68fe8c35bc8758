"""Filters that show a recommendation's stored explanation in the reader's language."""

from django import template

from assessments import explanations

register = template.Library()

register.filter("reason_text", explanations.reason_text)
register.filter("explanation_decimal", explanations.explanation_decimal)
