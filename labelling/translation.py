"""Sector names in every language of the site (django-modeltranslation; see
``assessments/translation.py``)."""

from modeltranslation.translator import TranslationOptions, register

from labelling.models import Sector


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name",)
