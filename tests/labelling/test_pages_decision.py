"""The application page once a decision is proposed or made: the proposer is told it waits for a
second member, and the heading names the level awarded when it differs from the one applied for."""

import pytest
from django.urls import reverse

from labelling.models import ApplicationState as S
from labelling.models import Level, Outcome
from tests import factories

pytestmark = pytest.mark.django_db

AWAITING = "It takes effect once another secretariat member confirms it"


def _page(client, user, application) -> str:
    client.force_login(user)
    return client.get(reverse("application_detail", args=[application.pk])).content.decode()


def test_the_proposer_sees_the_proposal_awaits_a_second_member(client, secretariat):
    application = factories.ApplicationFactory(
        state=S.DECISION_PROPOSED, proposed_outcome=Outcome.SILVER, proposed_by=secretariat
    )

    page = _page(client, secretariat, application)

    assert f"You proposed SILVER. {AWAITING}" in page


def test_another_secretariat_member_is_not_told_they_proposed(client, secretariat):
    application = factories.ApplicationFactory(
        state=S.DECISION_PROPOSED, proposed_outcome=Outcome.SILVER, proposed_by=secretariat
    )
    colleague = factories.SecretariatFactory(email="colleague@example.org")

    assert AWAITING not in _page(client, colleague, application)


def test_the_heading_names_the_level_awarded_below_the_one_applied_for(client, secretariat):
    application = factories.ApplicationFactory(
        state=S.DECIDED, level=Level.GOLD, decided_outcome=Outcome.BRONZE
    )

    page = _page(client, secretariat, application)

    assert "GOLD applied for, BRONZE awarded" in page


def test_the_heading_names_only_the_level_when_it_was_awarded(client, secretariat):
    application = factories.ApplicationFactory(
        state=S.DECIDED, level=Level.SILVER, decided_outcome=Outcome.SILVER
    )

    page = _page(client, secretariat, application)

    assert "applied for," not in page
    assert '<span class="muted">SILVER</span></h1>' in page
