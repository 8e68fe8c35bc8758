"""Two people acting on one application at the same moment: exactly one wins."""

import pytest
from django.db import connection

from labelling import services
from labelling.exceptions import StaleState
from labelling.models import Application, ApplicationState, StateChange
from tests import factories
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 50


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking semantics are PostgreSQL's"
)
def test_conflicting_screening_decisions_never_both_win(manager, secretariat, second_secretariat):
    for _ in range(ROUNDS):
        application = factories.ApplicationFactory(
            organisation=manager.organisations.first(), created_by=manager
        )
        services.application_submit(application=application, actor=manager)

        outcomes = race(
            lambda pk=application.pk: Application.objects.get(pk=pk),
            [
                lambda app: services.application_accept(application=app, actor=secretariat),
                lambda app: services.application_reject(
                    application=app, actor=second_secretariat, reason="Not eligible"
                ),
            ],
        )

        winners = [o for o in outcomes if isinstance(o, StateChange)]
        losers = [o for o in outcomes if isinstance(o, StaleState)]
        assert (len(winners), len(losers)) == (1, 1), outcomes
        application.refresh_from_db()
        assert application.state == winners[0].target
        assert application.state in (ApplicationState.ACCEPTED, ApplicationState.REJECTED)
        assert application.history.exclude(transition="submit").count() == 1
