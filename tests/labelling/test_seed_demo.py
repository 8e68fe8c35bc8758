"""The demo seed: a log-in per role, applications walked through the lifecycle, safe to rerun."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.engine import months_after
from assessments.models import Assignment, AssignmentRole
from assessments.services.decision import assessment_date, latest_recommendation
from labelling.models import (
    Application,
    ApplicationState,
    Level,
    Membership,
    Organisation,
    Outcome,
    Sector,
    StateChange,
    User,
)
from reports import demo

pytestmark = pytest.mark.django_db

COUNTED_MODELS = [User, Organisation, Application, StateChange, Assignment, Membership, Sector]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def _snapshot() -> dict[str, list]:
    """Every seeded row as stored, so that a rerun that modified anything shows up."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in COUNTED_MODELS}


@pytest.mark.parametrize(
    ("email", "flags"),
    [
        (demo.MANAGER, {"is_cluster_manager": True, "is_staff": False}),
        (demo.MANAGER_2, {"is_cluster_manager": True, "is_staff": False}),
        (demo.EXPERT_DE, {"is_expert": True, "country": "DE"}),
        (demo.EXPERT_FR, {"is_expert": True, "country": "FR"}),
        (demo.EXPERT_BE, {"is_expert": True, "country": "BE"}),
        (
            demo.SECRETARIAT,
            {"is_secretariat": True, "is_staff": True, "is_superuser": True},
        ),
        (
            demo.SECRETARIAT_2,
            {"is_secretariat": True, "is_staff": True, "is_superuser": False},
        ),
    ],
    ids=[
        "manager",
        "manager2",
        "expert-de",
        "expert-fr",
        "expert-be",
        "secretariat",
        "secretariat2",
    ],
)
def test_seed_demo_creates_a_log_in_per_role(email, flags, demo_seed):
    user = User.objects.get(email=email)
    assert {name: getattr(user, name) for name in flags} == flags
    assert user.check_password(demo.DEMO_PASSWORD)


def test_seed_demo_links_the_first_manager_to_two_organisations_and_the_second_to_another(
    demo_seed,
):
    first = set(Organisation.objects.filter(managers__email=demo.MANAGER))
    second = set(Organisation.objects.filter(managers__email=demo.MANAGER_2))
    assert len(first) == 2
    assert second
    assert not first & second


def test_seed_demo_organisations_meet_the_eccp_minimums(demo_seed):
    organisations = Organisation.objects.all()
    assert len(organisations) >= 6
    assert len({o.country for o in organisations}) >= 4
    assert [o.name for o in organisations if o.eccp_gaps() or not o.region] == []


def test_seed_demo_walks_applications_into_at_least_eight_states_with_an_audit_trail(demo_seed):
    states_with_history = {a.state for a in Application.objects.all() if a.history.exists()}
    assert len(states_with_history) >= 8
    assert {
        ApplicationState.SUBMITTED,
        ApplicationState.ACCEPTED,
        ApplicationState.EXPERTS_ASSIGNED,
        ApplicationState.IN_ASSESSMENT,
        ApplicationState.CONSENSUS,
        ApplicationState.QUALITY_REVIEW,
        ApplicationState.DECISION_PROPOSED,
        ApplicationState.CERTIFIED,
        ApplicationState.CLOSED,
        ApplicationState.WITHDRAWN,
    } <= states_with_history
    assert Application.objects.filter(state=ApplicationState.DRAFT).exists()


def test_seed_demo_audit_trails_lead_without_gaps_from_creation_to_the_current_state(demo_seed):
    for application in Application.objects.all():
        steps = list(application.history.values_list("source", "target"))
        path = [steps[0][0]] + [target for _source, target in steps]
        assert steps[0] == ("", ApplicationState.DRAFT), application
        assert path[-1] == application.state, application
        assert all(source == path[i] for i, (source, _target) in enumerate(steps)), application


def test_seed_demo_certifies_a_gold_application_assessed_by_experts_from_two_countries(demo_seed):
    gold = Application.objects.get(state=ApplicationState.CERTIFIED, decided_outcome=Outcome.GOLD)
    assert gold.level == Level.GOLD
    assert gold.organisation.country.code == "DE"
    assert gold.proposed_by.email == demo.SECRETARIAT
    assert gold.decision_confirmed_by.email == demo.SECRETARIAT_2
    experts = {
        (a.role, a.expert.email, a.expert.country.code)
        for a in gold.assignments.select_related("expert")
    }
    assert experts == {
        (AssignmentRole.LEAD, demo.EXPERT_DE, "DE"),
        (AssignmentRole.SECOND, demo.EXPERT_FR, "FR"),
    }


def test_seed_demo_gives_each_level_the_expert_team_its_rules_ask_for(demo_seed):
    """One scoring expert for BRONZE and SILVER; for GOLD two, one from the organisation's
    country and one from another."""
    for application in Application.objects.filter(assignments__isnull=False).distinct():
        countries = [a.expert.country.code for a in application.assignments.all()]
        home = application.organisation.country.code
        if application.level == Level.GOLD:
            assert len(countries) == 2, application
            assert home in countries, application
            assert any(country != home for country in countries), application
        else:
            assert len(countries) == 1, application


def test_seed_demo_certifies_bronze_for_a_gold_request_whose_gold_score_falls_short(demo_seed):
    application = Application.objects.get(
        state=ApplicationState.CERTIFIED, level=Level.GOLD, decided_outcome=Outcome.BRONZE
    )
    recommendation = latest_recommendation(application)
    assert application.label.level == Level.BRONZE
    assert (application.recommended_outcome, application.override_reason) == (Outcome.BRONZE, "")
    gold = next(c for c in recommendation.explanation["checks"] if c["level"] == Level.GOLD)
    assert [reason["code"] for reason in gold["reasons"]] == ["gold.score_below_minimum"]
    assert recommendation.gold_score_pct < 80
    assert application.label.gold_score_pct == recommendation.gold_score_pct
    assert application.label.benchmark_score_pct == recommendation.benchmark_score_pct
    bronze = next(c for c in recommendation.explanation["checks"] if c["level"] == Level.BRONZE)
    assert bronze["met"]


def test_seed_demo_silver_applications_follow_a_bronze_label_of_18_to_24_months_before(
    demo_seed,
):
    """The certified SILVER on its assessment date, the open ones on the day of the seed."""
    silvers = Application.objects.filter(level=Level.SILVER)
    assert silvers.filter(state=ApplicationState.CERTIFIED, decided_outcome=Outcome.SILVER)
    for application in silvers:
        on = assessment_date(application)
        bronze = application.organisation.labels.get(level=Level.BRONZE)
        assert months_after(bronze.valid_from, 18) <= on <= months_after(bronze.valid_from, 24)
        assert application.renews == bronze


def test_seed_demo_is_idempotent(demo_seed):
    counts, rows = _row_counts(), _snapshot()

    output = _seed()

    assert _row_counts() == counts
    assert _snapshot() == rows
    assert "already existed" in output


def test_seed_demo_prints_the_log_ins(demo_seed):
    for email, password, role in demo.login_rows():
        assert any(
            email in line and password in line and role in line for line in demo_seed.splitlines()
        ), email
