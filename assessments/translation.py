"""The methodology's texts in every language of the site (django-modeltranslation).

Each field listed here gets a column per language (``title_en``, ``title_de``); reading
``title`` gives the reader's language, English where German is missing.
"""

from modeltranslation.translator import TranslationOptions, register

from assessments.models import Dimension, Indicator, MethodologyVersion
from labelling.history import track_translated


@register(MethodologyVersion)
class MethodologyVersionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Dimension)
class DimensionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("title", "guidance", "evidence_required", "unit", "rubric")


# Every edit recorded (labelling/history.py), a column per language: only once the columns exist.
for model in (MethodologyVersion, Dimension, Indicator):
    track_translated(model)
