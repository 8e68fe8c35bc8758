"""The methodology file format (YAML or JSON), validated before anything is stored.

A scheme owner replaces the methodology by writing such a file; ``load_methodology`` refuses a
file with any error, naming the offending field, and stores nothing from it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assessments import engine
from assessments.engine import LIGHT_RANK, VALUE_RANGES, Light, ValueType

#: What a dimension or indicator code is made of (the API's URLs match codes with it too).
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=rf"^{CODE_PATTERN}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandIn(Strict):
    lower: Decimal = Field(alias="from", decimal_places=2, max_digits=14)
    light: Light
    points: int = Field(ge=0)


class IndicatorIn(Strict):
    code: Code
    dimension: Code
    title: str = Field(min_length=1, max_length=300)
    guidance: str = ""
    evidence: str = ""
    value_type: ValueType
    unit: str = Field(default="", max_length=40)
    bands: list[BandIn] = Field(min_length=1)
    threshold: Decimal = Field(decimal_places=2, max_digits=14)
    weight: Decimal = Field(default=Decimal(1), gt=0, decimal_places=2, max_digits=5)
    in_gold_set: bool = False
    rubric: list[str] = Field(default_factory=list)
    source: str = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def bands_rise_with_the_value(self) -> IndicatorIn:
        low, high = VALUE_RANGES[self.value_type]
        if self.bands[0].lower != low:
            raise ValueError(f"bands: the first band must start at {low}, the lowest value")
        for before, after in zip(self.bands, self.bands[1:], strict=False):
            if after.lower <= before.lower:
                raise ValueError(
                    f"bands: band overlap: a band starting at {after.lower} follows one "
                    f"starting at {before.lower}; bands must start at rising values"
                )
            if after.points < before.points or LIGHT_RANK[after.light] < LIGHT_RANK[before.light]:
                raise ValueError(
                    f"bands: the band from {after.lower} gives fewer points or a worse light "
                    "than the one below it; a higher value must never score lower"
                )
        for band in self.bands:
            if band.lower > high:
                raise ValueError(f"bands: a band starts at {band.lower}, above the maximum {high}")
        if not low <= self.threshold <= high:
            raise ValueError(f"threshold: {self.threshold} is outside the range of the value type")
        if self.value_type == ValueType.RUBRIC and len(self.rubric) != 4:
            raise ValueError("rubric: a rubric indicator describes its 4 levels (0 to 3)")
        return self


class LabelRulesIn(Strict):
    gold_min_score_pct: Decimal = Field(default=Decimal(80), gt=0, le=100)
    gold_min_expert_countries: int = Field(default=2, ge=1)
    silver_min_improvement_areas: int = Field(default=3, ge=0)
    silver_prior_bronze_min_months: int = Field(default=18, ge=0)
    silver_prior_bronze_max_months: int = Field(default=24, ge=0)
    #: The eligibility criteria every label needs (the ECCP profile minimums), by indicator code.
    bronze_eligibility: list[Code] = Field(default_factory=list)
    #: The GOLD minimum requirements that SILVER and GOLD need, by indicator code.
    gold_minimum_requirements: list[Code] = Field(default_factory=list)

    @model_validator(mode="after")
    def window_is_ordered(self) -> LabelRulesIn:
        if self.silver_prior_bronze_min_months > self.silver_prior_bronze_max_months:
            raise ValueError(
                "silver_prior_bronze_min_months is after silver_prior_bronze_max_months"
            )
        return self


class DimensionIn(Strict):
    code: Code
    title: str = Field(min_length=1, max_length=200)
    description: str = ""


class MethodologyTextsIn(Strict):
    name: str = Field(default="", max_length=200)
    description: str = ""


class DimensionTextsIn(Strict):
    title: str = Field(default="", max_length=200)
    description: str = ""


class IndicatorTextsIn(Strict):
    title: str = Field(default="", max_length=300)
    guidance: str = ""
    evidence: str = ""
    unit: str = Field(default="", max_length=40)
    rubric: list[str] = Field(default_factory=list)


class TranslationIn(Strict):
    """The texts of one more language; what is left out reads in English."""

    methodology: MethodologyTextsIn = Field(default_factory=MethodologyTextsIn)
    dimensions: dict[Code, DimensionTextsIn] = Field(default_factory=dict)
    indicators: dict[Code, IndicatorTextsIn] = Field(default_factory=dict)


class MethodologyIn(Strict):
    code: Code
    version: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    validity_months: int = Field(default=24, ge=1, le=60)
    label_rules: LabelRulesIn = Field(default_factory=LabelRulesIn)
    dimensions: list[DimensionIn] = Field(min_length=1)
    indicators: list[IndicatorIn] = Field(min_length=1)
    #: The texts in other languages than English, by language code (``de``).
    translations: dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], TranslationIn] = Field(
        default_factory=dict
    )

    @field_validator("dimensions")
    @classmethod
    def dimension_codes_unique(cls, dimensions: list[DimensionIn]) -> list[DimensionIn]:
        codes = [d.code for d in dimensions]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"duplicate dimension code(s): {', '.join(duplicates)}")
        return dimensions

    @model_validator(mode="after")
    def indicators_refer_to_known_dimensions(self) -> MethodologyIn:
        known = {d.code for d in self.dimensions}
        seen: set[str] = set()
        for position, indicator in enumerate(self.indicators):
            where = f"indicators[{position}] ({indicator.code})"
            if indicator.dimension not in known:
                raise ValueError(
                    f"{where}.dimension: unknown dimension {indicator.dimension!r}; "
                    f"known: {', '.join(sorted(known))}"
                )
            if indicator.code in seen:
                raise ValueError(f"{where}.code: duplicate indicator code")
            seen.add(indicator.code)
        gold_set = {i.code for i in self.indicators if i.in_gold_set}
        for name in ("bronze_eligibility", "gold_minimum_requirements"):
            codes = getattr(self.label_rules, name)
            unknown = [code for code in codes if code not in seen]
            if unknown:
                raise ValueError(f"label_rules.{name}: unknown indicator(s) {', '.join(unknown)}")
            if len(set(codes)) != len(codes):
                raise ValueError(f"label_rules.{name}: an indicator is listed twice")
        for language, texts in self.translations.items():
            where = f"translations.{language}"
            unknown = sorted(set(texts.dimensions) - {d.code for d in self.dimensions})
            if unknown:
                raise ValueError(f"{where}.dimensions: unknown dimension(s) {', '.join(unknown)}")
            unknown = sorted(set(texts.indicators) - seen)
            if unknown:
                raise ValueError(f"{where}.indicators: unknown indicator(s) {', '.join(unknown)}")
            rubrics = {i.code: len(i.rubric) for i in self.indicators}
            for code, text in texts.indicators.items():
                if text.rubric and len(text.rubric) != rubrics[code]:
                    raise ValueError(
                        f"{where}.indicators.{code}.rubric: {len(text.rubric)} levels, the "
                        f"indicator describes {rubrics[code]}"
                    )
        outside = [c for c in self.label_rules.gold_minimum_requirements if c not in gold_set]
        if outside:
            raise ValueError(
                "label_rules.gold_minimum_requirements: not in the GOLD set: " + ", ".join(outside)
            )
        return self

    def as_spec(self) -> engine.MethodologySpec:
        """The engine's view of this file, without a database (benchmarks, simulations)."""
        rules = self.label_rules
        return engine.MethodologySpec(
            code=self.code,
            version=self.version,
            indicators=tuple(
                engine.IndicatorSpec(
                    code=i.code,
                    dimension=i.dimension,
                    value_type=ValueType(i.value_type),
                    bands=tuple(engine.Band(b.lower, b.light, b.points) for b in i.bands),
                    # As the database keeps them (two places), so that a file and the version
                    # loaded from it give the same decision, reasons included.
                    threshold=i.threshold.quantize(engine.CENT),
                    weight=i.weight.quantize(engine.CENT),
                    bronze_eligibility=i.code in rules.bronze_eligibility,
                    gold_minimum=i.code in rules.gold_minimum_requirements,
                    in_gold_set=i.in_gold_set,
                )
                for i in self.indicators
            ),
            rules=engine.LabelRules(
                gold_min_score_pct=rules.gold_min_score_pct.quantize(engine.CENT),
                gold_min_expert_countries=rules.gold_min_expert_countries,
                silver_min_improvement_areas=rules.silver_min_improvement_areas,
                silver_prior_bronze_min_months=rules.silver_prior_bronze_min_months,
                silver_prior_bronze_max_months=rules.silver_prior_bronze_max_months,
            ),
        )


class MethodologyFileError(ValueError):
    """A methodology file that cannot be loaded; the message names the problem and the field."""


def _location(data: dict, loc: tuple) -> str:
    parts = []
    node = data
    for step in loc:
        if isinstance(step, int):
            code = (
                node[step].get("code")
                if isinstance(node, list) and isinstance(node[step], dict)
                else None
            )
            parts.append(f"[{step}]" + (f" ({code})" if code else ""))
        else:
            parts.append(f".{step}" if parts else str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)


def parse_methodology(data: object) -> MethodologyIn:
    """Validate parsed YAML/JSON; raise ``MethodologyFileError`` listing every problem."""
    if not isinstance(data, dict):
        raise MethodologyFileError("The file must hold a mapping with code, version, dimensions …")
    try:
        return MethodologyIn.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = _location(data, tuple(error["loc"]))
            message = error["msg"].removeprefix("Value error, ")
            # A validator of a whole object names the field itself ("bands: …"): join the two.
            field, sep, rest = message.partition(": ")
            if where and sep and field.isidentifier():
                where, message = f"{where}.{field}", rest
            problems.append(f"{where}: {message}" if where else message)
        raise MethodologyFileError("; ".join(problems)) from exc
