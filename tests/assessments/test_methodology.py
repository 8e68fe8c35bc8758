"""Loading methodology files, and a published version staying as it was published."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from assessments.models import Dimension, Indicator, MethodologyLocked, MethodologyVersion
from assessments.services import current_methodology, methodology_load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SMALL = FIXTURES / "methodology-small.yaml"
DEFAULT = Path(__file__).resolve().parents[2] / "assessments" / "methodology" / "default-2026.yaml"

pytestmark = pytest.mark.django_db


def _broken_copy(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(SMALL.read_text())
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _nothing_stored() -> bool:
    return not (
        MethodologyVersion.objects.exists()
        or Dimension.objects.exists()
        or Indicator.objects.exists()
    )


def test_load_methodology_loads_and_publishes_the_shipped_default(capsys):
    call_command("load_methodology", str(DEFAULT))

    version = MethodologyVersion.objects.get()
    assert version.is_published
    assert version.dimensions.count() == 6
    assert version.indicators.count() == 36
    assert version.indicators.filter(in_gold_set=True).count() == 31
    assert "36 indicators, 31 in the GOLD set" in capsys.readouterr().out


def test_publishing_is_recorded_in_the_audit_trail():
    version = methodology_load(path=SMALL)

    assert MethodologyVersion.objects.get(pk=version.pk).published_at is not None
    recorded = version.history.get()
    assert (recorded.source, recorded.target, recorded.actor_label) == (
        "draft",
        "published",
        "system: load_methodology",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["indicators"][0].pop("title"),
            "indicators[0] (STR-1).title: Field required",
        ),
        (
            lambda d: d["indicators"][1]["bands"].__setitem__(
                2, {"from": 30, "light": "green", "points": 2}
            ),
            "indicators[1] (STR-2).bands: band overlap",
        ),
        (
            lambda d: d["indicators"][2].__setitem__("dimension", "FIN"),
            "indicators[2] (GOV-1).dimension: unknown dimension 'FIN'",
        ),
    ],
    ids=["missing-field", "band-overlap", "unknown-dimension"],
)
def test_load_methodology_refuses_a_broken_file_naming_the_problem(tmp_path, change, expected):
    path = _broken_copy(tmp_path, change)

    with pytest.raises(CommandError) as refused:
        call_command("load_methodology", str(path))

    assert expected in str(refused.value)
    assert _nothing_stored()


def test_load_methodology_refuses_a_file_that_is_not_yaml(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_text("code: [unclosed")

    with pytest.raises(CommandError, match="not valid YAML/JSON"):
        call_command("load_methodology", str(path))
    assert _nothing_stored()


def test_loading_the_same_version_twice_is_refused():
    methodology_load(path=SMALL)

    with pytest.raises(CommandError, match="already exists"):
        call_command("load_methodology", str(SMALL))
    assert MethodologyVersion.objects.count() == 1


def test_a_json_file_loads_like_yaml(tmp_path):
    import json

    path = tmp_path / "small.json"
    path.write_text(json.dumps(yaml.safe_load(SMALL.read_text())))

    version = methodology_load(path=path)

    assert version.indicators.count() == 5


def test_editing_a_published_version_is_refused_with_a_clear_error():
    version = methodology_load(path=SMALL)
    version.refresh_from_db()
    version.name = "Changed"

    with pytest.raises(MethodologyLocked, match="is published and cannot be changed"):
        version.save()
    assert MethodologyVersion.objects.get().name == "Small test methodology"


@pytest.mark.parametrize(
    "edit",
    [
        lambda v: setattr_and_save(v.indicators.get(code="STR-1"), "threshold", 1),
        lambda v: setattr_and_save(v.dimensions.get(code="STR"), "title", "Other"),
        lambda v: v.indicators.get(code="STR-1").delete(),
        lambda v: v.delete(),
    ],
    ids=["indicator-threshold", "dimension-title", "delete-indicator", "delete-version"],
)
def test_changing_any_part_of_a_published_version_is_refused(edit):
    version = methodology_load(path=SMALL)

    with pytest.raises(MethodologyLocked):
        edit(version)
    assert Indicator.objects.get(code="STR-1").threshold == 15
    assert Indicator.objects.count() == 5


def setattr_and_save(obj, field, value):
    setattr(obj, field, value)
    obj.save()


def test_a_draft_version_can_still_be_corrected():
    version = methodology_load(path=SMALL, publish=False)
    indicator = version.indicators.get(code="STR-1")
    indicator.threshold = 20

    indicator.save()

    assert Indicator.objects.get(code="STR-1").threshold == 20
    assert current_methodology() is None


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("indicator", "threshold", Decimal("1000000000.01")),
        ("indicator", "threshold", Decimal(-1)),
        ("indicator", "weight", Decimal(0)),
        ("version", "validity_months", 61),
        ("version", "gold_min_score_pct", Decimal("100.01")),
        ("version", "gold_min_expert_countries", 0),
    ],
    ids=[
        "threshold-above-any-value",
        "negative-threshold",
        "weightless",
        "validity-over-five-years",
        "score-over-100",
        "no-expert-country",
    ],
)
def test_model_refuses_a_methodology_figure_beyond_the_file_formats_bounds(model, field, value):
    version = methodology_load(path=SMALL, publish=False)
    target = version if model == "version" else version.indicators.get(code="STR-1")

    with pytest.raises(ValidationError):
        target._meta.get_field(field).clean(value, target)


def test_the_newest_published_version_is_current(tmp_path):
    methodology_load(path=SMALL)
    newer = _broken_copy(tmp_path, lambda d: d.__setitem__("version", "2"))

    second = methodology_load(path=newer)

    assert current_methodology() == second
