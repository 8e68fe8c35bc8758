"""``manage.py publish_methodology``: a draft is checked again, published and recorded."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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


def test_publish_methodology_refuses_a_draft_made_invalid_since_it_was_loaded(draft):
    # Edited in the admin after loading: the threshold is now above the percentage's range.
    Indicator.objects.filter(methodology=draft, code="STR-2").update(threshold=150)

    with pytest.raises(CommandError, match=r"stays a draft: .*STR-2.*threshold"):
        _publish("test-small:1")

    draft.refresh_from_db()
    assert draft.state == MethodologyState.DRAFT


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
