"""Loading and publishing methodology versions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import yaml
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.methodology_schema import (
    MethodologyFileError,
    MethodologyIn,
    TranslationIn,
    parse_methodology,
)
from assessments.models import Dimension, Indicator, MethodologyVersion
from labelling.exceptions import InvalidInput
from labelling.models import User
from labelling.workflow import run_transition


def _read(path: Path) -> tuple[object, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MethodologyFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except (json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MethodologyFileError(f"{path.name}: not valid YAML/JSON: {exc}") from exc
    return data, hashlib.sha256(raw).hexdigest()


ENGLISH = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != ENGLISH]


#: Each part's texts as the file names them, with the model field that holds them (a column
#: per language: ``title_en``, ``title_de``).
METHODOLOGY_TEXTS = {"name": "name", "description": "description"}
DIMENSION_TEXTS = {"title": "title", "description": "description"}
INDICATOR_TEXTS = {
    "title": "title",
    "guidance": "guidance",
    "evidence": "evidence_required",
    "unit": "unit",
    "rubric": "rubric",
}


def _texts(
    spec: MethodologyIn, part, part_of: Callable[[TranslationIn], object], texts: dict[str, str]
) -> dict[str, object]:
    """The model's text columns for every language: ``field_en`` from the file's ``part``,
    ``field_<language>`` from that part in its ``translations`` (``part_of`` finds it; None
    where left out, so the page falls back to English)."""
    columns = {}
    for name, field in texts.items():
        columns[f"{field}_{ENGLISH}"] = getattr(part, name)
        for language in OTHER_LANGUAGES:
            translation = spec.translations.get(language)
            translated = part_of(translation) if translation else None
            columns[f"{field}_{language}"] = (
                (getattr(translated, name) or None) if translated else None
            )
    return columns


def _stored_texts(row, language: str, texts: dict[str, str]) -> dict[str, object]:
    """A row's texts in one language as the file names them; empty ones are left out, as a
    file leaves them out."""
    values = {name: getattr(row, f"{field}_{language}") for name, field in texts.items()}
    return {name: value for name, value in values.items() if value}


@transaction.atomic
def methodology_load(
    *, path: Path, actor: User | None = None, publish: bool = True
) -> MethodologyVersion:
    """Validate the file, store it as a new version and publish it; on any error store nothing.

    Raises ``MethodologyFileError`` naming the offending field, or ``InvalidInput`` when the
    code and version already exist (a published version never changes: use a new version).
    """
    data, digest = _read(path)
    spec = parse_methodology(data)
    unknown = sorted(set(spec.translations) - set(OTHER_LANGUAGES))
    if unknown:
        raise MethodologyFileError(
            f"translations: no such language on this site: {', '.join(unknown)} "
            f"(the site has {', '.join(OTHER_LANGUAGES)} besides {ENGLISH})"
        )
    if MethodologyVersion.objects.filter(code=spec.code, version=spec.version).exists():
        raise InvalidInput(
            _(
                "Methodology %(code)s version %(version)s already exists; "
                "give the file a new version."
            )
            % {"code": spec.code, "version": spec.version},
            field="version",
        )
    rules = spec.label_rules
    try:
        version = MethodologyVersion.objects.create(
            code=spec.code,
            version=spec.version,
            **_texts(spec, spec, lambda t: t.methodology, METHODOLOGY_TEXTS),
            validity_months=spec.validity_months,
            gold_min_score_pct=rules.gold_min_score_pct,
            gold_min_expert_countries=rules.gold_min_expert_countries,
            silver_min_improvement_areas=rules.silver_min_improvement_areas,
            silver_prior_bronze_min_months=rules.silver_prior_bronze_min_months,
            silver_prior_bronze_max_months=rules.silver_prior_bronze_max_months,
            source_sha256=digest,
        )
    except IntegrityError as exc:  # a concurrent load of the same version
        raise InvalidInput(_("This methodology version already exists."), field="version") from exc
    dimensions = {
        d.code: Dimension.objects.create(
            methodology=version,
            code=d.code,
            order=i,
            **_texts(spec, d, lambda t, d=d: t.dimensions.get(d.code), DIMENSION_TEXTS),
        )
        for i, d in enumerate(spec.dimensions)
    }
    Indicator.objects.bulk_create(
        Indicator(
            methodology=version,
            dimension=dimensions[i.dimension],
            code=i.code,
            value_type=i.value_type,
            **_texts(spec, i, lambda t, i=i: t.indicators.get(i.code), INDICATOR_TEXTS),
            bands=[
                {"from": str(b.lower), "light": b.light.value, "points": b.points} for b in i.bands
            ],
            threshold=i.threshold,
            weight=i.weight,
            in_gold_set=i.in_gold_set,
            bronze_eligibility=i.code in rules.bronze_eligibility,
            gold_minimum=i.code in rules.gold_minimum_requirements,
            source=i.source,
            order=position,
        )
        for position, i in enumerate(spec.indicators)
    )
    if publish:
        methodology_publish(methodology=version, actor=actor)
    return version


def methodology_find(identifier: str) -> MethodologyVersion:
    """The version named ``CODE:VERSION``, or ``VERSION`` alone when only one code has it;
    ``InvalidInput`` otherwise."""
    code, _sep, version = identifier.strip().rpartition(":")
    found = MethodologyVersion.objects.filter(version=version)
    if code:
        found = found.filter(code=code)
    matches = list(found[:2])
    if not matches:
        raise InvalidInput(
            _("There is no methodology version %(version)s.") % {"version": identifier},
            field="methodology",
        )
    if len(matches) > 1:
        raise InvalidInput(
            _("Several methodologies have version %(version)s; name it as CODE:VERSION.")
            % {"version": identifier},
            field="methodology",
        )
    return matches[0]


def methodology_as_file(methodology: MethodologyVersion) -> dict:
    """The stored version written back in the file format: what ``parse_methodology`` checks
    (a draft may have been changed in the admin since it was loaded). The texts are read column
    by column, English as the file's own and every other language as its ``translations``, so
    the check is the same whatever language is active and covers the translations too."""
    dimensions = list(methodology.dimensions.order_by("order"))
    indicators = list(methodology.indicators.select_related("dimension").order_by("order"))
    return {
        "code": methodology.code,
        "version": methodology.version,
        **_stored_texts(methodology, ENGLISH, METHODOLOGY_TEXTS),
        "validity_months": methodology.validity_months,
        "label_rules": {
            "gold_min_score_pct": methodology.gold_min_score_pct,
            "gold_min_expert_countries": methodology.gold_min_expert_countries,
            "silver_min_improvement_areas": methodology.silver_min_improvement_areas,
            "silver_prior_bronze_min_months": methodology.silver_prior_bronze_min_months,
            "silver_prior_bronze_max_months": methodology.silver_prior_bronze_max_months,
            "bronze_eligibility": [i.code for i in indicators if i.bronze_eligibility],
            "gold_minimum_requirements": [i.code for i in indicators if i.gold_minimum],
        },
        "dimensions": [
            {"code": d.code, **_stored_texts(d, ENGLISH, DIMENSION_TEXTS)} for d in dimensions
        ],
        "indicators": [
            {
                "code": i.code,
                "dimension": i.dimension.code,
                **_stored_texts(i, ENGLISH, INDICATOR_TEXTS),
                "value_type": i.value_type,
                "bands": i.bands,
                "threshold": i.threshold,
                "weight": i.weight,
                "in_gold_set": i.in_gold_set,
                "source": i.source,
            }
            for i in indicators
        ],
        "translations": {
            language: {
                "methodology": _stored_texts(methodology, language, METHODOLOGY_TEXTS),
                "dimensions": {
                    d.code: texts
                    for d in dimensions
                    if (texts := _stored_texts(d, language, DIMENSION_TEXTS))
                },
                "indicators": {
                    i.code: texts
                    for i in indicators
                    if (texts := _stored_texts(i, language, INDICATOR_TEXTS))
                },
            }
            for language in OTHER_LANGUAGES
        },
    }


def methodology_publish(
    *, methodology: MethodologyVersion, actor: User | None, system_label: str = ""
) -> MethodologyVersion:
    """Freeze the version after checking it again as a file would be checked; from now on new
    applications are pinned to it. Raises ``MethodologyFileError`` naming what is wrong, or the
    transition's refusals (already published, not the secretariat)."""
    parse_methodology(methodology_as_file(methodology))
    run_transition(
        methodology,
        "publish",
        actor=actor,
        system_label=(system_label or "load_methodology") if actor is None else "",
        notify=False,
        at=timezone.now(),
    )
    return methodology


def current_methodology() -> MethodologyVersion | None:
    """The most recently published version: the one a new application is pinned to."""
    return (
        MethodologyVersion.objects.filter(state="published")
        .order_by("-published_at", "-pk")
        .first()
    )
