"""Every page is scoped to the person: what they may not see is a 404 (no hint that it exists),
what they see but may not do is a 403, and a visitor who is not logged in is sent to log in."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from assessments.models import AssignmentStatus
from labelling import services
from labelling.models import ApiToken, Level
from labelling.models import ApplicationState as S
from reports.models import Label, LabelState
from tests import factories


@dataclass
class Elsewhere:
    """Another organisation's application, with everything a page can show of it."""

    organisation: object
    application: object
    evidence: object
    label: object
    assignment: object
    token: ApiToken


@pytest.fixture
def elsewhere(other_manager):
    organisation = other_manager.organisations.get()
    application = factories.ApplicationFactory(
        organisation=organisation,
        created_by=other_manager,
        state=S.CERTIFIED,
        decided_outcome=Level.BRONZE,
    )
    token, _key = services.api_token_create(user=other_manager, name="CRM sync")
    return Elsewhere(
        organisation=organisation,
        application=application,
        evidence=application.evidence.first(),
        label=factories.LabelFactory(application=application, organisation=organisation),
        assignment=factories.AssignmentFactory(
            application=application, status=AssignmentStatus.ACCEPTED
        ),
        token=token,
    )


@pytest.fixture
def unassigned_expert(db):
    return factories.ExpertFactory(email="unassigned@example.org")


@pytest.fixture
def expert_assigned_elsewhere(organisation, manager, lead_expert):
    """An expert with an accepted assignment, on the manager's application (not ``elsewhere``)."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.IN_ASSESSMENT
    )
    factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    return lead_expert


# Each page: its method and its address, given the other organisation's objects.
PAGES = {
    "organisation": ("get", lambda e: reverse("organisation_detail", args=[e.organisation.pk])),
    "application": ("get", lambda e: reverse("application_detail", args=[e.application.pk])),
    "self-assessment": ("get", lambda e: reverse("self_assessment", args=[e.application.pk])),
    "evidence-download": (
        "get",
        lambda e: reverse("evidence_download", args=[e.application.pk, e.evidence.pk]),
    ),
    "scoring": ("get", lambda e: reverse("scoring", args=[e.assignment.pk])),
    "consensus": ("get", lambda e: reverse("consensus", args=[e.application.pk])),
    "questions": ("get", lambda e: reverse("question_list", args=[e.application.pk])),
    "report-pdf": ("get", lambda e: reverse("report_pdf", args=[e.application.pk])),
    "label-suspend": ("post", lambda e: reverse("label_action", args=[e.label.pk, "suspend"])),
    "statistics": ("get", lambda e: reverse("statistics")),
    "token-revoke": ("post", lambda e: reverse("api_token_revoke", args=[e.token.pk])),
}
HIDDEN_FROM_OUTSIDERS = [page for page in PAGES if page != "statistics"]
OUTSIDERS = ["manager", "unassigned_expert", "expert_assigned_elsewhere"]
CASES = [
    *[(role, page, 404) for role in OUTSIDERS for page in HIDDEN_FROM_OUTSIDERS],
    *[(role, "statistics", 403) for role in OUTSIDERS],
    # The secretariat sees every application, but nobody else's scoring or tokens.
    ("secretariat", "scoring", 404),
    ("secretariat", "token-revoke", 404),
]


def _request(client, page: str, elsewhere: Elsewhere):
    method, url = PAGES[page]
    return getattr(client, method)(url(elsewhere), {"reason": "Misuse of the logo."})


@pytest.mark.parametrize(
    ("role", "page_name", "status"), CASES, ids=[f"{role}-{page}" for role, page, _ in CASES]
)
def test_page_of_what_the_person_may_not_see_or_do_is_refused(
    client, request, elsewhere, role, page_name, status
):
    client.force_login(request.getfixturevalue(role))

    response = _request(client, page_name, elsewhere)

    assert response.status_code == status


VISIBLE = [
    ("other_manager", "organisation"),
    ("other_manager", "application"),
    ("other_manager", "self-assessment"),
    ("other_manager", "evidence-download"),
    ("other_manager", "questions"),
    ("secretariat", "application"),
    ("secretariat", "statistics"),
]


@pytest.mark.parametrize(
    ("role", "page_name"), VISIBLE, ids=[f"{role}-{page}" for role, page in VISIBLE]
)
def test_page_opens_for_whoever_may_see_it(client, request, elsewhere, role, page_name):
    """The control: the refusals above come from the scoping, not from a broken address."""
    client.force_login(request.getfixturevalue(role))

    response = _request(client, page_name, elsewhere)

    assert response.status_code == 200


def test_scoring_page_opens_for_its_own_expert(client, elsewhere):
    client.force_login(elsewhere.assignment.expert)

    response = _request(client, "scoring", elsewhere)

    assert response.status_code == 200


@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_sends_an_anonymous_visitor_to_log_in(client, elsewhere, page_name):
    response = _request(client, page_name, elsewhere)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_refused_label_action_leaves_the_label_as_it_was(client, manager, elsewhere):
    client.force_login(manager)

    _request(client, "label-suspend", elsewhere)

    assert Label.objects.get(pk=elsewhere.label.pk).state == LabelState.ACTIVE
    assert not elsewhere.label.history.exists()


def test_refused_token_revoke_leaves_the_token_active(client, secretariat, elsewhere):
    client.force_login(secretariat)

    _request(client, "token-revoke", elsewhere)

    assert ApiToken.objects.get(pk=elsewhere.token.pk).revoked_at is None


def test_manager_suspending_the_own_label_is_forbidden(client, organisation, manager):
    label = factories.LabelFactory(
        organisation=organisation, application__created_by=manager, certificate=False
    )
    client.force_login(manager)

    response = client.post(reverse("label_action", args=[label.pk, "suspend"]), {"reason": "x"})

    assert response.status_code == 403
    assert Label.objects.get(pk=label.pk).state == LabelState.ACTIVE


def test_invited_expert_asking_a_question_before_accepting_is_forbidden(
    client, organisation, manager, lead_expert
):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.EXPERTS_ASSIGNED
    )
    factories.AssignmentFactory(application=application, expert=lead_expert)
    client.force_login(lead_expert)

    response = client.get(reverse("question_ask", args=[application.pk]))

    assert response.status_code == 403
