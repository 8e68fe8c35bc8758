"""A renewal's self-assessment starts from the previous cycle's validated values, each to be
confirmed or changed before the application can be submitted."""

import datetime

import pytest
import time_machine

from assessments import services as assessment_services
from assessments.models import ConsensusValue, SelfAssessmentAnswer
from labelling import services
from labelling.exceptions import TransitionRefused
from labelling.models import ApplicationState, Level, Outcome
from reports.demo import walk_application
from tests import factories

S = ApplicationState


@pytest.fixture
def renewal(organisation, manager, crew, no_rendering):
    """A BRONZE label, then, 30 days before it expires, a renewal opened by the manager."""
    factories.small_methodology()
    first = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager
    )
    walk_application(first, to=S.CERTIFIED, crew=crew(Level.BRONZE), outcome=Outcome.BRONZE)
    label = organisation.labels.get()
    traveller = time_machine.travel(label.valid_until - datetime.timedelta(days=30))
    traveller.start()
    application = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager, renews=label
    )
    yield application
    traveller.stop()


def test_the_renewal_starts_with_the_agreed_values_marked_carried_over(renewal):
    previous = renewal.renews.application
    agreed = dict(
        ConsensusValue.objects.filter(application=previous).values_list("indicator__code", "value")
    )

    carried = {
        a.indicator.code: a.value
        for a in SelfAssessmentAnswer.objects.filter(application=renewal, carried_over=True)
    }

    assert carried
    assert all(agreed.get(code, value) == value for code, value in carried.items())


def test_unconfirmed_values_keep_the_renewal_from_being_submitted(renewal, manager):
    gaps = assessment_services.self_assessment_gaps(renewal)

    assert any("carried over from the previous cycle" in gap for gap in gaps)
    with pytest.raises(TransitionRefused):
        services.application_submit(application=renewal, actor=manager)


def test_confirming_a_value_keeps_it_and_clears_the_mark(renewal, manager):
    answer = SelfAssessmentAnswer.objects.filter(application=renewal).first()

    assessment_services.carried_over_confirm(
        application=renewal, actor=manager, indicator=answer.indicator
    )

    answer.refresh_from_db()
    assert (answer.carried_over, answer.updated_by) == (False, manager)


def test_changing_a_value_clears_the_mark(renewal, manager):
    answer = SelfAssessmentAnswer.objects.filter(application=renewal).first()

    assessment_services.answer_save(
        application=renewal, indicator=answer.indicator, actor=manager, value=answer.value
    )

    answer.refresh_from_db()
    assert not answer.carried_over


def test_confirming_everything_leaves_no_carried_over_gap(renewal, manager):
    assessment_services.carried_over_confirm(application=renewal, actor=manager)

    gaps = assessment_services.self_assessment_gaps(renewal)

    assert not any("carried over" in gap for gap in gaps)


def test_only_the_manager_confirms(renewal, lead_expert):
    from labelling.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        assessment_services.carried_over_confirm(application=renewal, actor=lead_expert)


def test_the_page_offers_to_confirm_each_value(client, renewal, manager):
    client.force_login(manager)

    page = client.get(f"/applications/{renewal.pk}/self-assessment/").content.decode()
    response = client.post(f"/applications/{renewal.pk}/self-assessment/confirm/")

    assert "Carried over from the previous cycle" in page
    assert response.status_code == 302
    assert not SelfAssessmentAnswer.objects.filter(application=renewal, carried_over=True).exists()


def test_a_first_application_starts_empty(organisation, manager):
    factories.small_methodology()

    application = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager
    )

    assert not application.answers.exists()
