"""Demo data: a person in every role, cluster organisations, and applications in every state.

Applications reach their state only through the services, the way people would move them, so
each one carries a real audit trail and queues its notifications like any other. Running the
seed again changes nothing: people are looked up by e-mail, sectors by code, and an
organisation that already exists is skipped together with its applications.
``manage.py seed_demo`` is the command over this module.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import time_machine
from django.db import transaction
from django.utils import timezone

from assessments import engine
from assessments import services as assessment_services
from assessments.models import AssignmentRole, AssignmentStatus, ExpertProfile, MethodologyVersion
from assessments.services.experts import conflict_in_force
from assessments.services.selfassessment import required_indicators
from labelling import services
from labelling.models import (
    Application,
    ApplicationState,
    Level,
    Organisation,
    Outcome,
    Sector,
    User,
)
from reports.services import labels_expire

S = ApplicationState

#: Every demo person logs in with this password (shown on the console after seeding).
DEMO_PASSWORD = "demo-labels-2026"

MANAGER = "manager@demo.test"
MANAGER_2 = "manager2@demo.test"
EXPERT_DE = "expert@demo.test"
EXPERT_FR = "expert2@demo.test"
EXPERT_BE = "expert3@demo.test"
SECRETARIAT = "secretariat@demo.test"
SECRETARIAT_2 = "secretariat2@demo.test"

DEFAULT_METHODOLOGY = (
    Path(__file__).resolve().parent.parent / "assessments" / "methodology" / "default-2026.yaml"
)
IMPROVEMENT_AREAS = (
    (
        "Member services portfolio",
        "Introduced a matchmaking programme and an internationalisation desk.",
        "42 new cooperation projects between members in two years.",
    ),
    (
        "Governance",
        "Set up an elected advisory board with SME, research and public seats.",
        "Members now vote on the annual action plan.",
    ),
    (
        "Financing",
        "Raised the share of membership fees and paid services in the budget.",
        "Private funding up from 25 % to 41 % of the budget.",
    ),
)

WITHDRAW_REASON = "Postponed: the cluster management team is being reorganised this year."
REJECT_REASON = (
    "The cluster is not yet validated on the European Cluster Collaboration Platform; "
    "please complete the ECCP profile and apply again."
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    country: str = ""
    is_cluster_manager: bool = False
    is_expert: bool = False
    is_secretariat: bool = False
    is_staff: bool = False
    is_superuser: bool = False

    def account_fields(self) -> dict[str, object]:
        return {
            "full_name": self.full_name,
            "country": self.country,
            "is_cluster_manager": self.is_cluster_manager,
            "is_expert": self.is_expert,
            "is_secretariat": self.is_secretariat,
            "is_staff": self.is_staff,
            "is_superuser": self.is_superuser,
        }


def _manager(email: str, full_name: str, country: str) -> DemoUser:
    return DemoUser(email, full_name, "cluster manager", country, is_cluster_manager=True)


USERS: tuple[DemoUser, ...] = (
    _manager(MANAGER, "Anna Weber", "DE"),
    _manager(MANAGER_2, "Piotr Nowak", "PL"),
    _manager("manager3@demo.test", "Lotte Peeters", "BE"),
    _manager("manager4@demo.test", "Mads Jensen", "DK"),
    _manager("manager5@demo.test", "Laia Puig", "ES"),
    _manager("manager6@demo.test", "Giulia Ferrari", "IT"),
    _manager("manager7@demo.test", "Stefan Huber", "AT"),
    _manager("manager8@demo.test", "Katrin Lehmann", "DE"),
    _manager("manager9@demo.test", "Iker Etxeberria", "ES"),
    _manager("manager10@demo.test", "Camille Laurent", "FR"),
    _manager("manager11@demo.test", "Julien Moreau", "FR"),
    DemoUser(EXPERT_DE, "Klaus Richter", "expert", "DE", is_expert=True),
    DemoUser(EXPERT_FR, "Claire Dubois", "expert", "FR", is_expert=True),
    DemoUser(EXPERT_BE, "Sofie Maes", "expert", "BE", is_expert=True),
    DemoUser(
        SECRETARIAT,
        "Elena Vogt",
        "secretariat (superuser)",
        "BE",
        is_secretariat=True,
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser(
        SECRETARIAT_2, "Jonas Lindqvist", "secretariat", "BE", is_secretariat=True, is_staff=True
    ),
)

#: (code, English name, German name)
SECTORS: tuple[tuple[str, str, str], ...] = (
    ("health", "Health and life sciences", "Gesundheit und Lebenswissenschaften"),
    ("mobility", "Mobility and automotive", "Mobilität und Automobil"),
    ("energy", "Energy", "Energie"),
    ("digital", "Digital and ICT", "Digitales und IKT"),
    ("food", "Food and agriculture", "Ernährung und Landwirtschaft"),
    ("materials", "Advanced materials", "Neue Werkstoffe"),
    ("maritime", "Maritime and blue economy", "Maritime Wirtschaft"),
    ("photonics", "Photonics and optics", "Photonik und Optik"),
    ("circular-economy", "Circular economy", "Kreislaufwirtschaft"),
)


@dataclass(frozen=True)
class DemoExpertProfile:
    """What an expert is accredited for; the accreditation runs around the day of the seed."""

    email: str
    levels: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    sectors: tuple[str, ...]

    def accreditation(self, today: datetime.date) -> dict[str, object]:
        return {
            "accredited_from": today - ACCREDITED_BEFORE_SEED,
            "accredited_until": today + ACCREDITED_AFTER_SEED,
            **{f"may_assess_{level}": level in self.levels for level in Level.values},
            "countries": list(self.countries),
            "languages": list(self.languages),
        }


# Long enough for the experts to have assessed the demo's oldest application (26 months ago).
ACCREDITED_BEFORE_SEED = datetime.timedelta(days=3 * 365)
ACCREDITED_AFTER_SEED = datetime.timedelta(days=3 * 365)
ALL_LEVELS = (Level.BRONZE, Level.SILVER, Level.GOLD)

EXPERT_PROFILES: tuple[DemoExpertProfile, ...] = (
    DemoExpertProfile(
        EXPERT_DE,
        ALL_LEVELS,
        ("DE", "AT", "CH", "PL"),
        ("de", "en"),
        ("mobility", "digital", "energy", "photonics"),
    ),
    DemoExpertProfile(
        EXPERT_FR,
        ALL_LEVELS,
        ("FR", "BE", "ES", "IT"),
        ("fr", "en", "it"),
        ("health", "food", "materials", "maritime"),
    ),
    DemoExpertProfile(
        EXPERT_BE,
        ALL_LEVELS,
        ("BE", "NL", "LU", "IT"),
        ("nl", "fr", "en"),
        ("energy", "circular-economy", "digital", "food"),
    ),
)

#: (expert, organisation, tie): the German expert cannot assess the Piedmont cluster, whose
#: application waits for its experts, so its page shows the secretariat why.
CONFLICTS: tuple[tuple[str, str, str], ...] = (
    (
        EXPERT_DE,
        "Piedmont Digital Industry Cluster",
        "Advised the cluster management on its internationalisation strategy in 2025.",
    ),
)


@dataclass(frozen=True)
class DemoApplication:
    """An application and the state the seed walks it to.

    ``experts`` are e-mails, lead first: one for BRONZE and SILVER; two for GOLD, one from the
    organisation's country and one from another. ``leave_from`` is the state a WITHDRAWN
    application is withdrawn from. ``months_ago`` walks it that long ago (its records, decision
    and label are dated then); ``renews`` makes it the renewal of the organisation's label.
    ``reaches`` is the outcome the rules reach when it is not the level applied for (the
    requested level is only a ceiling), e.g. BRONZE for a GOLD request whose GOLD score falls
    short; the self-assessed values are chosen to lead there (``demo_values``).
    """

    level: str
    state: str
    experts: tuple[str, ...] = (EXPERT_DE,)
    leave_from: str = S.DRAFT
    months_ago: int = 0
    renews: bool = False
    reaches: str = ""

    @property
    def outcome(self) -> str:
        """The decision taken, as the rules recommend, when the walk gets that far: ``reaches``,
        by default the level applied for, or no label for a CLOSED application."""
        if self.reaches:
            return self.reaches
        return Outcome.NONE if self.state == S.CLOSED else self.level


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    legal_name: str
    country: str
    region: str
    founded_year: int
    members: tuple[int, int, int]  # companies, research and education, public and others
    management_fte: Decimal
    sectors: tuple[str, ...]
    manager: str
    applications: tuple[DemoApplication, ...] = ()

    def profile(self) -> dict[str, object]:
        slug = self.name.lower().replace(" ", "-")
        companies, research, public = self.members
        return {
            "name": self.name,
            "legal_name": self.legal_name,
            "country": self.country,
            "region": self.region,
            "website": f"https://{slug}.example.org",
            "founded_year": self.founded_year,
            "members_companies": companies,
            "members_research": research,
            "members_public": public,
            "management_fte": self.management_fte,
        }


# One open application per organisation at a time (the services refuse a second), so closed
# applications come first and each organisation holds at most one open one.
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "Bavarian Mobility Cluster",
        "Bavarian Mobility Cluster e.V.",
        "DE",
        "DE21",
        2006,
        (112, 14, 6),
        Decimal("6.5"),
        ("mobility", "digital"),
        MANAGER,
        (
            # Assessed by a German (national) and a French (foreign) expert.
            DemoApplication(Level.GOLD, S.CERTIFIED, (EXPERT_DE, EXPERT_FR), months_ago=21),
            DemoApplication(Level.GOLD, S.DRAFT, renews=True),  # its renewal, in preparation
        ),
    ),
    DemoOrganisation(
        "Rhine-Neckar Health Cluster",
        "Rhine-Neckar Health Cluster GmbH",
        "DE",
        "DE12",
        2011,
        (64, 11, 4),
        Decimal("3.0"),
        ("health",),
        MANAGER,
        (
            # SILVER needs a BRONZE label whose validity started 18 to 24 months earlier.
            DemoApplication(Level.BRONZE, S.CERTIFIED, months_ago=20),
            DemoApplication(Level.SILVER, S.IN_ASSESSMENT, (EXPERT_FR,), renews=True),
        ),
    ),
    DemoOrganisation(
        "Baltic Maritime Cluster",
        "Stowarzyszenie Bałtycki Klaster Morski",
        "PL",
        "PL63",
        2013,
        (38, 7, 5),
        Decimal("2.0"),
        ("maritime", "energy"),
        MANAGER_2,
        (
            DemoApplication(Level.BRONZE, S.CLOSED),
            DemoApplication(Level.BRONZE, S.DECISION_PROPOSED, (EXPERT_FR,)),
        ),
    ),
    DemoOrganisation(
        "Flanders Clean Energy Cluster",
        "Flanders Clean Energy Cluster vzw",
        "BE",
        "BE21",
        2015,
        (57, 9, 8),
        Decimal("4.0"),
        ("energy", "circular-economy"),
        "manager3@demo.test",
        (
            DemoApplication(
                Level.GOLD, S.WITHDRAWN, (EXPERT_BE, EXPERT_FR), leave_from=S.EXPERTS_ASSIGNED
            ),
            DemoApplication(Level.BRONZE, S.QUALITY_REVIEW),
        ),
    ),
    DemoOrganisation(
        "Nordic Food Innovation Cluster",
        "Foreningen Nordic Food Innovation Cluster",
        "DK",
        "DK04",
        2014,
        (41, 6, 3),
        Decimal("2.5"),
        ("food",),
        "manager4@demo.test",
        (DemoApplication(Level.BRONZE, S.CONSENSUS, (EXPERT_FR,)),),
    ),
    DemoOrganisation(
        "Catalan Advanced Materials Cluster",
        "Associació Clúster de Materials Avançats de Catalunya",
        "ES",
        "ES51",
        2009,
        (73, 12, 2),
        Decimal("3.5"),
        ("materials", "circular-economy"),
        "manager5@demo.test",
        (
            DemoApplication(Level.BRONZE, S.REJECTED),
            DemoApplication(Level.BRONZE, S.SUBMITTED),
        ),
    ),
    DemoOrganisation(
        "Piedmont Digital Industry Cluster",
        "Associazione Piemonte Digital Industry Cluster",
        "IT",
        "ITC1",
        2010,
        (95, 10, 4),
        Decimal("5.0"),
        ("digital", "mobility"),
        "manager6@demo.test",
        (
            DemoApplication(Level.BRONZE, S.CERTIFIED, (EXPERT_FR,), months_ago=20),
            # Waits for its auditor: the French expert assessed its BRONZE, the German one
            # declared a conflict of interest, the Belgian one is eligible.
            DemoApplication(Level.SILVER, S.ACCEPTED, renews=True),
        ),
    ),
    DemoOrganisation(
        "Danube Photonics Cluster",
        "Danube Photonics Cluster GmbH",
        "AT",
        "AT31",
        2008,
        (18, 5, 0),
        Decimal("1.0"),
        ("photonics", "materials"),
        "manager7@demo.test",
        (DemoApplication(Level.BRONZE, S.EXPERTS_ASSIGNED),),
    ),
    DemoOrganisation(
        "Saxon Microelectronics Cluster",
        "Saxon Microelectronics Cluster e.V.",
        "DE",
        "DED2",
        2000,
        (240, 25, 12),
        Decimal("8.0"),
        ("digital", "materials"),
        "manager8@demo.test",
        (
            # BRONZE 20 months ago, then SILVER now: the interval the SILVER rule asks for, and
            # another expert each time (no one assesses the same organisation twice running).
            DemoApplication(Level.BRONZE, S.CERTIFIED, (EXPERT_FR,), months_ago=20),
            DemoApplication(Level.SILVER, S.CERTIFIED, (EXPERT_DE,), renews=True),
        ),
    ),
    DemoOrganisation(
        "Basque Energy Cluster",
        "Asociación Cluster de Energía del País Vasco",
        "ES",
        "ES21",
        1996,
        (160, 18, 9),
        Decimal("6.0"),
        ("energy",),
        "manager9@demo.test",
        (DemoApplication(Level.BRONZE, S.CERTIFIED),),
    ),
    DemoOrganisation(
        "Lyon Urban Mobility Cluster",
        "Association Lyon Urban Mobility Cluster",
        "FR",
        "FRK2",
        2012,
        (45, 8, 6),
        Decimal("2.0"),
        ("mobility",),
        "manager10@demo.test",
        # Decided 26 months ago: its label has expired and was not renewed.
        (DemoApplication(Level.BRONZE, S.CERTIFIED, months_ago=26),),
    ),
    DemoOrganisation(
        "Grenoble Digital Health Cluster",
        "Association Grenoble Digital Health Cluster",
        "FR",
        "FRK2",
        2012,
        (58, 13, 5),
        Decimal("3.0"),
        ("health", "digital"),
        "manager11@demo.test",
        (
            # Applied for GOLD, assessed by a French (national) and a German (foreign) expert:
            # every eligibility criterion and GOLD minimum met, but a GOLD score under 80 %, so
            # the rules award BRONZE, and BRONZE is certified.
            DemoApplication(
                Level.GOLD, S.CERTIFIED, (EXPERT_FR, EXPERT_DE), reaches=Outcome.BRONZE
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Crew:
    """Who moves one application along: its manager, the secretariat, its experts (lead first).

    ``secretariat`` screens, assigns, proposes and issues; ``second_secretariat`` confirms, so
    the decision is taken by two people of whom neither assessed the application.
    """

    manager: User
    secretariat: User
    second_secretariat: User
    experts: tuple[User, ...]


Step = Callable[[Application, Crew, str], object]


#: The GOLD score a GOLD request that is meant to end lower stays under: short of the 80 % GOLD
#: needs, as a real near miss would be.
SHORT_OF_GOLD_PCT = Decimal(75)


def demo_values(application: Application, outcome: str) -> dict[str, Decimal]:
    """Self-assessed values that lead the rules to ``outcome`` on the level applied for: the
    top band everywhere for GOLD; otherwise the threshold (first passing band) everywhere, and

    - applied for GOLD: as many values raised to the top band as keep the GOLD score under
      ``SHORT_OF_GOLD_PCT``, so that every eligibility criterion and GOLD minimum is met and
      only the score falls short;
    - for no label: one BRONZE eligibility criterion missed.
    """
    indicators = list(required_indicators(application))
    top = {i.code: Decimal(str(i.bands[-1]["from"])) for i in indicators}
    if outcome == Outcome.GOLD:
        return top
    values = {i.code: i.threshold for i in indicators}
    if outcome == Outcome.NONE:
        missed = next(i for i in indicators if i.bronze_eligibility and i.threshold > 0)
        values[missed.code] = Decimal(0)
    elif application.level == Level.GOLD:
        _raise_short_of_gold(application.methodology.as_spec(), values, top)
    return values


def _raise_short_of_gold(
    methodology: engine.MethodologySpec, values: dict[str, Decimal], top: dict[str, Decimal]
) -> None:
    """Raise GOLD-set values to the top band, in the methodology's order, skipping any that
    would lift the GOLD score to ``SHORT_OF_GOLD_PCT`` (changes ``values``)."""
    for spec in methodology.gold_set:
        kept, values[spec.code] = values[spec.code], top[spec.code]
        results = [engine.evaluate_indicator(s, values[s.code]) for s in methodology.gold_set]
        if engine.Score.of(results).at_least(SHORT_OF_GOLD_PCT):
            values[spec.code] = kept


@functools.cache
def evidence_pdf() -> bytes:
    """One small real PDF, rendered once, that stands in for every demo evidence document."""
    from weasyprint import HTML

    return HTML(
        string="<h1>Demo evidence</h1><p>This document stands in for the evidence a cluster "
        "management organisation would upload (member lists, strategy, budgets).</p>"
    ).write_pdf()


def _self_assess(application: Application, crew: Crew, outcome: str) -> None:
    """The manager fills in every value, uploads the evidence and, for SILVER, describes the
    improvement areas, all through the services, the way the self-assessment form does."""
    values = demo_values(application, outcome)
    for indicator in required_indicators(application):
        value = values[indicator.code]
        assessment_services.answer_save(
            application=application,
            indicator=indicator,
            actor=crew.manager,
            value=value,
            comment=f"Reported for {indicator.title.lower()}.",
        )
        if indicator.requires_evidence:
            assessment_services.evidence_upload(
                application=application,
                actor=crew.manager,
                upload=io.BytesIO(evidence_pdf()),
                name=f"{indicator.code}-evidence.pdf",
                indicator=indicator,
            )
    if application.level == Level.SILVER:
        for title, description, effect in IMPROVEMENT_AREAS:
            assessment_services.improvement_area_add(
                application=application,
                actor=crew.manager,
                title=title,
                description=description,
                effect=effect,
            )


def _submit(application: Application, crew: Crew, outcome: str) -> None:
    _self_assess(application, crew, outcome)
    services.application_submit(application=application, actor=crew.manager)


def _accept(application: Application, crew: Crew, outcome: str) -> None:
    services.application_accept(application=application, actor=crew.secretariat)


def _assign_experts(application: Application, crew: Crew, outcome: str) -> None:
    for index, expert in enumerate(crew.experts):
        assessment_services.assignment_create(
            application=application,
            expert=expert,
            role=AssignmentRole.LEAD if index == 0 else AssignmentRole.SECOND,
            actor=crew.secretariat,
        )
    assessment_services.application_assign_experts(application=application, actor=crew.secretariat)


def _experts_accept(application: Application, crew: Crew, outcome: str) -> None:
    """Each expert declares no conflict and accepts; the last acceptance starts the assessment."""
    invited = application.assignments.filter(status=AssignmentStatus.INVITED)
    for assignment in invited.select_related("expert"):
        assessment_services.assignment_accept(
            assignment=assignment, actor=assignment.expert, no_conflict_declared=True
        )


def _experts_submit(application: Application, crew: Crew, outcome: str) -> None:
    """Each expert validates every self-assessed value and hands in the scoring; the last one
    moves the application to consensus, where the agreed values are already recorded."""
    claimed = dict(application.answers.values_list("indicator_id", "value"))
    pending = application.assignments.filter(
        status=AssignmentStatus.ACCEPTED, scores_submitted_at__isnull=True
    )
    for assignment in pending.select_related("expert"):
        for indicator in required_indicators(application):
            assessment_services.score_save(
                assignment=assignment,
                indicator=indicator,
                actor=assignment.expert,
                value=claimed[indicator.pk],
            )
        if application.level == Level.SILVER and assignment.role == AssignmentRole.LEAD:
            for area in application.improvement_areas.all():
                assessment_services.improvement_area_validate(
                    area=area, actor=assignment.expert, validated=True, note="Seen on site."
                )
        assessment_services.assessment_submit(assignment=assignment, actor=assignment.expert)


def _complete_consensus(application: Application, crew: Crew, outcome: str) -> None:
    assessment_services.consensus_complete(application=application, actor=crew.experts[0])


def _propose(application: Application, crew: Crew, outcome: str) -> None:
    """Propose what the rules recommend (the demo values were chosen to lead there)."""
    services.application_propose_decision(
        application=application, actor=crew.secretariat, outcome=outcome
    )


def _confirm(application: Application, crew: Crew, outcome: str) -> None:
    services.application_confirm_decision(application=application, actor=crew.second_secretariat)


def _issue(application: Application, crew: Crew, outcome: str) -> None:
    """Certify a label, or close the application when none was awarded."""
    if application.decided_outcome == Outcome.NONE:
        services.application_close(application=application, actor=crew.secretariat)
    else:
        services.application_certify(application=application, actor=crew.secretariat)


#: The usual way forward from each state, up to the certificate or the closing.
NEXT_STEP: dict[str, Step] = {
    S.DRAFT: _submit,
    S.SUBMITTED: _accept,
    S.ACCEPTED: _assign_experts,
    S.EXPERTS_ASSIGNED: _experts_accept,
    S.IN_ASSESSMENT: _experts_submit,
    S.CONSENSUS: _complete_consensus,
    S.QUALITY_REVIEW: _propose,
    S.DECISION_PROPOSED: _confirm,
    S.DECIDED: _issue,
}


def walk_application(
    application: Application,
    *,
    to: str,
    crew: Crew,
    outcome: str = "",
    leave_from: str = S.DRAFT,
) -> Application:
    """Move ``application`` through the services until it is in state ``to``.

    ``outcome`` is the decision taken on the way (by default the level applied for). REJECTED
    is reached by screening out a submitted application, WITHDRAWN by the manager withdrawing
    in state ``leave_from``. Side effects: every step's records and queued notifications.
    """
    if to == S.REJECTED:
        walk_application(application, to=S.SUBMITTED, crew=crew)
        services.application_reject(
            application=application, actor=crew.secretariat, reason=REJECT_REASON
        )
    elif to == S.WITHDRAWN:
        walk_application(application, to=leave_from, crew=crew)
        services.application_withdraw(
            application=application, actor=crew.manager, reason=WITHDRAW_REASON
        )
    else:
        outcome = outcome or application.level
        while application.state != to:
            step = NEXT_STEP.get(application.state)
            if step is None:
                raise ValueError(f"An application in {application.state} cannot reach {to}.")
            step(application, crew, outcome)
            # Some steps move a fresh copy of the application (e.g. the last expert accepting).
            application.refresh_from_db()
    application.refresh_from_db()
    return application


def _ensure_user(spec: DemoUser) -> tuple[User, bool]:
    """The person with ``spec.email``, created when missing; an existing one is left as it is."""
    user = User.objects.filter(email=spec.email).first()
    if user is not None:
        return user, False
    return User.objects.create_user(spec.email, DEMO_PASSWORD, **spec.account_fields()), True


def _ensure_expert_profile(
    spec: DemoExpertProfile, expert: User, sectors: dict[str, Sector], today: datetime.date
) -> None:
    """The expert's profile, created when missing; an existing one is left as it is."""
    profile, created = ExpertProfile.objects.get_or_create(
        user=expert, defaults=spec.accreditation(today)
    )
    if created:
        profile.sectors.set([sectors[code] for code in spec.sectors])


def _ensure_conflict(expert: User, organisation_name: str, tie: str) -> None:
    """The expert's declared tie to the organisation, declared through the service if missing."""
    organisation = Organisation.objects.filter(name=organisation_name).first()
    if organisation is None or conflict_in_force(expert=expert, organisation=organisation):
        return
    assessment_services.conflict_declare(
        expert=expert, organisation=organisation, description=tie, actor=expert
    )


def _seed_organisation(
    spec: DemoOrganisation, people: dict[str, User], sectors: dict[str, Sector]
) -> Organisation:
    manager = people[spec.manager]
    organisation = services.organisation_create(
        actor=manager, sectors=[sectors[code] for code in spec.sectors], **spec.profile()
    )
    for wanted in spec.applications:
        renews = organisation.labels.order_by("-valid_from").first() if wanted.renews else None
        crew = Crew(
            manager=manager,
            secretariat=people[SECRETARIAT],
            second_secretariat=people[SECRETARIAT_2],
            experts=tuple(people[email] for email in wanted.experts),
        )
        with _months_ago(wanted.months_ago):
            application = services.application_create(
                organisation=organisation, level=wanted.level, actor=manager, renews=renews
            )
            walk_application(
                application,
                to=wanted.state,
                crew=crew,
                outcome=wanted.outcome,
                leave_from=wanted.leave_from,
            )
    return organisation


@contextlib.contextmanager
def _months_ago(months: int) -> Iterator[None]:
    """The clock set back ``months`` (of 30.5 days) while it lasts, ticking from there."""
    if not months:
        yield
        return
    back = datetime.timedelta(days=round(30.5 * months))
    with time_machine.travel(timezone.now() - back, tick=True):
        yield


@dataclass
class SeedReport:
    users_created: list[str] = field(default_factory=list)
    users_existing: list[str] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    organisations_existing: list[str] = field(default_factory=list)


@transaction.atomic
def seed_demo() -> SeedReport:
    """Create whatever of the demo data is missing; returns what was created and what existed.

    Side effects: users, expert profiles, sectors, organisations, memberships, applications with
    their assignments and state changes, declared conflicts of interest; after the commit, the
    notifications of every state change.
    """
    report = SeedReport()
    if not MethodologyVersion.objects.filter(state="published").exists():
        assessment_services.methodology_load(path=DEFAULT_METHODOLOGY)
    people: dict[str, User] = {}
    for spec in USERS:
        people[spec.email], created = _ensure_user(spec)
        (report.users_created if created else report.users_existing).append(spec.email)
    sectors = {
        code: Sector.objects.get_or_create(
            code=code, defaults={"name_en": name, "name_de": german}
        )[0]
        for code, name, german in SECTORS
    }
    # Before any application is walked: only accredited experts can be assigned.
    for expert_spec in EXPERT_PROFILES:
        _ensure_expert_profile(
            expert_spec, people[expert_spec.email], sectors, timezone.localdate()
        )
    for spec in ORGANISATIONS:
        if Organisation.objects.filter(name=spec.name).exists():
            report.organisations_existing.append(spec.name)
            continue
        _seed_organisation(spec, people, sectors)
        report.organisations_created.append(spec.name)
    for email, organisation_name, tie in CONFLICTS:
        _ensure_conflict(people[email], organisation_name, tie)
    labels_expire()  # what the daily task would have done for the oldest label
    return report


def login_rows() -> list[tuple[str, str, str]]:
    """(e-mail, password, role) of every demo person; managers' roles name their organisations."""
    managed: dict[str, list[str]] = {}
    for organisation in ORGANISATIONS:
        managed.setdefault(organisation.manager, []).append(organisation.name)
    rows = []
    for spec in USERS:
        role = spec.role
        if spec.email in managed:
            role = f"{role}: {', '.join(managed[spec.email])}"
        elif spec.is_expert:
            role = f"{role} ({spec.country})"
        rows.append((spec.email, DEMO_PASSWORD, role))
    return rows
