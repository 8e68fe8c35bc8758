"""Who may assess an application (accreditation, conflicts of interest, previous cycle, GOLD
countries), the conflicts experts declare, and the ranked suggestions for the secretariat."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from assessments import services
from assessments.models import AssignmentRole, AssignmentStatus, ConflictDeclaration
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import ApplicationState as S
from labelling.models import Level
from tests import factories
from tests.assertions import nothing_written

LEAD, SECOND = AssignmentRole.LEAD, AssignmentRole.SECOND


@pytest.fixture
def accepted(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )


@pytest.fixture
def ada(db):
    """An expert accredited for every level, with a name to read in the messages."""
    return factories.ExpertFactory(full_name="Ada Berger", country="DE")


def _refused(application, expert, actor, role=LEAD) -> InvalidInput:
    """``assignment_create``'s refusal, after checking that it wrote nothing."""
    with nothing_written(application), pytest.raises(InvalidInput) as refused:
        services.assignment_create(application=application, expert=expert, role=role, actor=actor)
    assert refused.value.field == "expert"
    return refused.value


def _days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _decided_cycle(organisation, manager, expert, *, state=S.CERTIFIED, status=None):
    """An application of ``organisation`` that reached ``state``, assessed by ``expert``."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=state, decided_at=timezone.now()
    )
    factories.AssignmentFactory(
        application=application, expert=expert, status=status or AssignmentStatus.ACCEPTED
    )
    return application


# Refusals of assignment_create, one per reason.


def test_assignment_create_with_an_inactive_expert_is_refused(accepted, secretariat):
    expert = factories.ExpertFactory(full_name="Ada Berger", is_active=False)

    refusal = _refused(accepted, expert, secretariat)

    assert refusal.message == "Ada Berger cannot assess this application."
    assert refusal.details == ["Ada Berger is not an active expert."]


def test_assignment_create_with_an_expert_without_accreditation_is_refused(accepted, secretariat):
    expert = factories.ExpertFactory(full_name="Ada Berger", expert_profile=None)

    refusal = _refused(accepted, expert, secretariat)

    assert refusal.details == ["Ada Berger has no accreditation on record."]


def test_assignment_create_with_an_expert_whose_accreditation_expired_is_refused(
    accepted, secretariat
):
    yesterday = _days_from_today(-1)
    expert = factories.ExpertFactory(
        full_name="Ada Berger", expert_profile__accredited_until=yesterday
    )

    refusal = _refused(accepted, expert, secretariat)

    assert refusal.details == [
        f"The accreditation of Ada Berger expired on {date_format(yesterday)}."
    ]


def test_assignment_create_with_an_expert_accredited_only_from_tomorrow_is_refused(
    accepted, secretariat
):
    tomorrow = _days_from_today(1)
    expert = factories.ExpertFactory(
        full_name="Ada Berger", expert_profile__accredited_from=tomorrow
    )

    refusal = _refused(accepted, expert, secretariat)

    assert refusal.details == [
        f"The accreditation of Ada Berger starts only on {date_format(tomorrow)}."
    ]


def test_assignment_create_with_an_expert_not_accredited_for_the_level_is_refused(
    organisation, manager, secretariat
):
    gold = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=S.ACCEPTED
    )
    expert = factories.ExpertFactory(full_name="Ada Berger", expert_profile__may_assess_gold=False)

    refusal = _refused(gold, expert, secretariat)

    assert refusal.details == ["Ada Berger is not accredited to assess GOLD."]


def test_assignment_create_with_a_manager_of_the_organisation_is_refused(
    accepted, organisation, secretariat, ada
):
    factories.MembershipFactory(user=ada, organisation=organisation)

    refusal = _refused(accepted, ada, secretariat)

    assert refusal.details == [f"Ada Berger manages {organisation} and cannot assess it."]


def test_assignment_create_with_an_expert_who_declared_a_conflict_is_refused(
    accepted, organisation, secretariat, ada
):
    factories.ConflictDeclarationFactory(
        expert=ada, organisation=organisation, description="Board member until 2025."
    )

    refusal = _refused(accepted, ada, secretariat)

    assert refusal.details == [
        f"Ada Berger declared a conflict of interest with {organisation}: Board member until 2025."
    ]


def test_assignment_create_with_the_expert_of_the_previous_cycle_is_refused(
    organisation, manager, secretariat, ada
):
    previous = _decided_cycle(organisation, manager, ada)
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )

    refusal = _refused(application, ada, secretariat)

    assert refusal.details == [
        f"Ada Berger assessed {organisation} in its previous cycle (BRONZE application "
        f"#{previous.pk}); the same expert does not assess two cycles in a row."
    ]


def test_assignment_create_with_an_expert_already_invited_is_refused(accepted, secretariat, ada):
    factories.AssignmentFactory(application=accepted, expert=ada, role=LEAD)

    refusal = _refused(accepted, ada, secretariat, role=SECOND)

    assert refusal.details == ["Ada Berger is already assigned to this application (Lead expert)."]


def test_assignment_create_with_an_expert_who_declined_is_refused(accepted, secretariat, ada):
    factories.AssignmentFactory(application=accepted, expert=ada, status=AssignmentStatus.DECLINED)

    refusal = _refused(accepted, ada, secretariat)

    assert refusal.details == ["Ada Berger has already declined this application."]


def test_assignment_create_of_a_gold_second_from_the_lead_s_country_is_refused(
    organisation, manager, secretariat, ada
):
    gold = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=S.ACCEPTED
    )
    factories.AssignmentFactory(
        application=gold,
        expert=factories.ExpertFactory(full_name="Ben Vogel", country="DE"),
        role=LEAD,
    )

    refusal = _refused(gold, ada, secretariat, role=SECOND)

    assert refusal.details == [
        "GOLD is assessed by one expert from Germany and one from another country: Ben Vogel "
        "is already the national expert."
    ]


def test_assignment_create_lists_every_reason_at_once(accepted, organisation, secretariat):
    expert = factories.ExpertFactory(
        full_name="Ada Berger",
        expert_profile__accredited_until=_days_from_today(-1),
        expert_profile__may_assess_bronze=False,
    )
    factories.ConflictDeclarationFactory(expert=expert, organisation=organisation)

    refusal = _refused(accepted, expert, secretariat)

    assert len(refusal.details) == 3


# What does not bar an expert.


def test_assignment_create_of_the_expert_of_the_cycle_before_the_previous_one_is_allowed(
    organisation, manager, secretariat, ada, second_expert
):
    _decided_cycle(organisation, manager, ada)
    _decided_cycle(organisation, manager, second_expert, state=S.CLOSED)
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )

    assignment = services.assignment_create(
        application=application, expert=ada, role=LEAD, actor=secretariat
    )

    assert assignment.status == AssignmentStatus.INVITED


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (S.WITHDRAWN, AssignmentStatus.ACCEPTED),
        (S.CERTIFIED, AssignmentStatus.DECLINED),
    ],
    ids=["withdrawn-before-a-decision", "declined-the-previous-cycle"],
)
def test_expert_eligibility_ignores_what_assessed_nothing_decided(
    organisation, manager, ada, state, status
):
    _decided_cycle(organisation, manager, ada, state=state, status=status)
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )

    assert services.expert_eligibility(application=application, expert=ada) == []


def test_expert_eligibility_ignores_a_withdrawn_conflict(accepted, organisation, ada, secretariat):
    declaration = factories.ConflictDeclarationFactory(expert=ada, organisation=organisation)
    services.conflict_withdraw(declaration=declaration, actor=secretariat, reason="Wrong cluster.")

    assert services.expert_eligibility(application=accepted, expert=ada) == []


def test_expert_eligibility_on_a_later_day_sees_the_accreditation_expired(accepted, ada):
    until = ada.expert_profile.accredited_until

    reasons = services.expert_eligibility(
        application=accepted, expert=ada, on=until + datetime.timedelta(days=1)
    )

    assert reasons == [f"The accreditation of Ada Berger expired on {date_format(until)}."]


# Accepting after a conflict was declared.


def test_assignment_accept_after_declaring_a_conflict_is_refused(organisation, manager, ada):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.EXPERTS_ASSIGNED
    )
    invitation = factories.AssignmentFactory(application=application, expert=ada)
    declaration = services.conflict_declare(
        expert=ada, organisation=organisation, description="My cousin chairs it.", actor=ada
    )

    with nothing_written(application), pytest.raises(ActionForbidden) as refused:
        services.assignment_accept(assignment=invitation, actor=ada, no_conflict_declared=True)

    assert refused.value.message == (
        f"You declared a conflict of interest with {organisation} on "
        f"{date_format(timezone.localdate(declaration.declared_at))}, so you cannot accept this "
        "assignment; decline it instead."
    )


# Declaring and withdrawing conflicts.


def test_conflict_declare_by_the_expert_records_the_tie(organisation, ada):
    declaration = services.conflict_declare(
        expert=ada, organisation=organisation, description="  Paid adviser in 2025. ", actor=ada
    )

    assert (
        declaration.expert,
        declaration.organisation,
        declaration.description,
        declaration.declared_by,
    ) == (ada, organisation, "Paid adviser in 2025.", ada)


def test_conflict_declare_by_the_secretariat_for_an_expert_records_who_recorded_it(
    organisation, ada, secretariat
):
    declaration = services.conflict_declare(
        expert=ada, organisation=organisation, description="Reported by phone.", actor=secretariat
    )

    assert declaration.declared_by == secretariat


@pytest.mark.parametrize("role", ["manager", "second_expert", "outsider"])
def test_conflict_declare_for_someone_else_is_denied(organisation, ada, request, role):
    with pytest.raises(ActionForbidden):
        services.conflict_declare(
            expert=ada,
            organisation=organisation,
            description="A tie.",
            actor=request.getfixturevalue(role),
        )

    assert not ConflictDeclaration.objects.exists()


def test_conflict_declare_without_a_description_is_invalid(organisation, ada):
    with pytest.raises(InvalidInput) as invalid:
        services.conflict_declare(expert=ada, organisation=organisation, description=" ", actor=ada)

    assert invalid.value.field == "description"


def test_conflict_declare_for_someone_who_is_not_an_expert_is_invalid(
    organisation, outsider, secretariat
):
    with pytest.raises(InvalidInput) as invalid:
        services.conflict_declare(
            expert=outsider, organisation=organisation, description="A tie.", actor=secretariat
        )

    assert invalid.value.field == "expert"


def test_conflict_declare_twice_for_the_same_tie_is_invalid(organisation, ada):
    factories.ConflictDeclarationFactory(expert=ada, organisation=organisation)

    with pytest.raises(InvalidInput) as invalid:
        services.conflict_declare(
            expert=ada, organisation=organisation, description="Again.", actor=ada
        )

    assert invalid.value.message == (
        f"Ada Berger has already declared a conflict of interest with {organisation}."
    )
    assert ConflictDeclaration.objects.count() == 1


def test_conflict_withdraw_keeps_the_declaration_on_record(organisation, ada, secretariat):
    declaration = factories.ConflictDeclarationFactory(expert=ada, organisation=organisation)

    services.conflict_withdraw(declaration=declaration, actor=secretariat, reason="Wrong cluster.")

    declaration.refresh_from_db()
    assert declaration.withdrawn_at is not None
    assert (declaration.withdrawn_by, declaration.withdrawal_reason) == (
        secretariat,
        "Wrong cluster.",
    )


def test_conflict_withdraw_by_the_expert_of_one_the_secretariat_recorded_is_denied(
    organisation, ada, secretariat
):
    declaration = factories.ConflictDeclarationFactory(
        expert=ada, organisation=organisation, declared_by=secretariat
    )

    with pytest.raises(ActionForbidden):
        services.conflict_withdraw(declaration=declaration, actor=ada, reason="Not a conflict.")

    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None


def test_conflict_withdraw_without_a_reason_is_invalid(organisation, ada, secretariat):
    declaration = factories.ConflictDeclarationFactory(expert=ada, organisation=organisation)

    with pytest.raises(InvalidInput) as invalid:
        services.conflict_withdraw(declaration=declaration, actor=secretariat, reason="")

    assert invalid.value.field == "reason"


def test_conflict_withdraw_twice_is_refused(organisation, ada, secretariat):
    declaration = factories.ConflictDeclarationFactory(expert=ada, organisation=organisation)
    services.conflict_withdraw(declaration=declaration, actor=secretariat, reason="Mistake.")

    with pytest.raises(TransitionRefused):
        services.conflict_withdraw(declaration=declaration, actor=secretariat, reason="Mistake.")


# Suggestions.


@pytest.fixture
def french_health_cluster(manager):
    """An accepted application of a French health cluster."""
    organisation = factories.OrganisationFactory(country="FR")
    organisation.sectors.set([factories.SectorFactory(code="health")])
    factories.MembershipFactory(user=manager, organisation=organisation)
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.ACCEPTED
    )


def _expert(name, *, languages=("en",), health=False, france=False, **fields):
    return factories.ExpertFactory(
        full_name=name,
        expert_profile__languages=list(languages),
        expert_profile__sectors=[factories.SectorFactory(code="health")] if health else [],
        expert_profile__countries=["FR"] if france else [],
        **fields,
    )


def _busy(expert, state=S.IN_ASSESSMENT, status=AssignmentStatus.ACCEPTED):
    """Gives ``expert`` one assignment on another organisation's application."""
    factories.AssignmentFactory(
        application=factories.ApplicationFactory(state=state), expert=expert, status=status
    )


def _names(suggestions) -> list[str]:
    return [str(s.expert) for s in suggestions]


def test_expert_suggestions_rank_by_language_then_sector_then_country_then_load(
    french_health_cluster, secretariat
):
    _expert("Country only", france=True)
    _expert("Sector only", health=True)
    _expert("Sector and country", health=True, france=True)
    _expert("Language only", languages=["fr"])
    _busy(_expert("Language, busy", languages=["fr"]))
    _expert("Everything", languages=["fr", "en"], health=True, france=True)

    suggestions = services.expert_suggestions(application=french_health_cluster, actor=secretariat)

    assert _names(suggestions) == [
        "Everything",
        "Language only",
        "Language, busy",
        "Sector and country",
        "Sector only",
        "Country only",
    ]


def test_expert_suggestions_say_why_an_expert_fits(french_health_cluster, secretariat):
    _expert("Everything", languages=["fr", "en"], health=True, france=True)

    (suggestion,) = services.expert_suggestions(
        application=french_health_cluster, actor=secretariat
    )

    assert suggestion.fits == ("speaks fr", "knows Health", "has expertise in France")
    assert suggestion.eligible


def test_expert_suggestions_list_the_ineligible_last_with_their_reasons(
    french_health_cluster, secretariat
):
    conflicted = _expert("Conflicted", languages=["fr"], health=True, france=True)
    factories.ConflictDeclarationFactory(
        expert=conflicted,
        organisation=french_health_cluster.organisation,
        description="Former employee.",
    )
    _expert("Nothing in common")

    suggestions = services.expert_suggestions(application=french_health_cluster, actor=secretariat)

    assert _names(suggestions) == ["Nothing in common", "Conflicted"]
    assert suggestions[1].warnings == (
        f"Conflicted declared a conflict of interest with "
        f"{french_health_cluster.organisation}: Former employee.",
    )


def test_expert_suggestions_count_only_open_assignments_as_load(french_health_cluster, secretariat):
    expert = _expert("Busy")
    _busy(expert)
    _busy(expert, state=S.EXPERTS_ASSIGNED, status=AssignmentStatus.INVITED)
    _busy(expert, state=S.CERTIFIED)
    _busy(expert, status=AssignmentStatus.DECLINED)

    (suggestion,) = services.expert_suggestions(
        application=french_health_cluster, actor=secretariat
    )

    assert suggestion.load == 2


def test_expert_suggestions_for_gold_mark_the_lead_s_compatriots_as_unfit_for_the_second_seat(
    organisation, manager, secretariat
):
    gold = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.GOLD, state=S.ACCEPTED
    )
    factories.AssignmentFactory(application=gold, expert=_expert("Lead", country="DE"), role=LEAD)
    _expert("German", country="DE")
    _expert("Austrian", country="AT")

    suggestions = {
        str(s.expert): s for s in services.expert_suggestions(application=gold, actor=secretariat)
    }

    assert suggestions["Austrian"].eligible
    assert suggestions["German"].warnings == (
        "GOLD is assessed by one expert from Germany and one from another country: Lead is "
        "already the national expert.",
    )


@pytest.mark.parametrize("role", ["manager", "lead_expert", "outsider"])
def test_expert_suggestions_for_anyone_but_the_secretariat_are_denied(accepted, request, role):
    with pytest.raises(ActionForbidden):
        services.expert_suggestions(application=accepted, actor=request.getfixturevalue(role))


def _add_busy_conflicted_experts(count: int, application, busy_on) -> None:
    """``count`` experts with a profile, a sector, a load and a conflict with the
    organisation of ``application``, and one expert without a profile."""
    for _n in range(count):
        expert = _expert("Expert", languages=["fr"], health=True, france=True)
        factories.AssignmentFactory(application=busy_on, expert=expert, role=SECOND)
        factories.ConflictDeclarationFactory(expert=expert, organisation=application.organisation)
    factories.ExpertFactory(expert_profile=None)


def _suggestions_and_queries(application, actor) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        suggestions = services.expert_suggestions(application=application, actor=actor)
    return len(suggestions), len(queries)


def test_expert_suggestions_read_as_many_queries_for_ten_experts_as_for_two(
    french_health_cluster, secretariat
):
    busy_on = factories.ApplicationFactory(state=S.IN_ASSESSMENT)
    _add_busy_conflicted_experts(1, french_health_cluster, busy_on)
    experts_few, queries_few = _suggestions_and_queries(french_health_cluster, secretariat)
    _add_busy_conflicted_experts(7, french_health_cluster, busy_on)

    experts_many, queries_many = _suggestions_and_queries(french_health_cluster, secretariat)

    assert (experts_few, experts_many) == (2, 10)
    assert queries_many == queries_few, (queries_few, queries_many)
