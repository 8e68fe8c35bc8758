"""``manage.py publish_methodology``: a draft is checked again, published and recorded."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from assessments.models import Indicator, MethodologyState, MethodologyVersion
from assessments.services.methodology import methodology_load
from tests import factories

pytestmark = pytest.mark.django_db

DRAFT_FILE = factories.SMALL_METHODOLOGY


@pytest.fixture
def draft() -> MethodologyVersion:
    return methodology_load(path=DRAFT_FILE, publish=False)


def _publish(*args: str) -> str:
    out = StringIO()
    call_command("publish_methodology", *args, stdout=out)
    return out.getvalue()


def test_publish_methodology_publishes_a_draft_and_records_who_and_when(draft, secretariat):
    output = _publish("test-small:1", "--by", secretariat.email)

    draft.refresh_from_db()
    assert draft.state == MethodologyState.PUBLISHED
    assert draft.published_at is not None
    change = draft.history.get(transition="publish")
    assert (change.source, change.target, change.actor) == ("draft", "published", secretariat)
    assert f"by {secretariat.email}" in output


def test_publish_methodology_without_a_person_records_the_command(draft):
    _publish("1")

    change = draft.history.get(transition="publish")
    assert (change.actor, change.actor_label) == (None, "system: publish_methodology")


def test_publish_methodology_refuses_an_unknown_version(draft):
    with pytest.raises(CommandError, match="no methodology version test-small:9"):
        _publish("test-small:9")


def test_publish_methodology_refuses_an_already_published_version(draft):
    _publish("test-small:1")

    with pytest.raises(CommandError, match="not possible while"):
        _publish("test-small:1")


@pytest.mark.parametrize(
    ("code", "edit", "message"),
    [
        ("STR-2", {"threshold": 150}, r"STR-2.*threshold: 150"),
        (
            "STR-1",
            {"bands": [{"from": "-1", "light": "red", "points": 0}]},
            r"STR-1.*bands: the first band must start at 0",
        ),
        ("GOV-2", {"rubric_de": ["a", "b", "c"]}, r"translations\.de\.indicators\.GOV-2\.rubric"),
    ],
    ids=["threshold-outside-the-range", "band-below-zero", "german-rubric-missing-a-level"],
)
def test_publish_methodology_refuses_a_draft_made_invalid_since_it_was_loaded(
    draft, code, edit, message
):
    # Edited in the admin after loading.
    Indicator.objects.filter(methodology=draft, code=code).update(**edit)

    with pytest.raises(CommandError, match=rf"stays a draft: .*{message}"):
        _publish("test-small:1")

    draft.refresh_from_db()
    assert draft.state == MethodologyState.DRAFT


def test_publish_methodology_checks_the_english_texts_whatever_language_is_active(draft):
    Indicator.objects.filter(methodology=draft, code="STR-1").update(title_en="")

    with translation.override("de"), pytest.raises(CommandError, match=r"STR-1.*title"):
        _publish("test-small:1")


def test_publish_methodology_refuses_someone_outside_the_secretariat(draft, manager):
    with pytest.raises(CommandError, match="not allowed"):
        _publish("test-small:1", "--by", manager.email)

    draft.refresh_from_db()
    assert draft.state == MethodologyState.DRAFT


def test_a_published_version_stays_immutable(draft):
    _publish("test-small:1")

    indicator = Indicator.objects.get(methodology=draft, code="STR-1")
    indicator.threshold = 20
    with pytest.raises(Exception, match="is published and cannot be changed"):
        indicator.save()
