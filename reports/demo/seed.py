"""Seeding the demo: whatever of the people, organisations and applications is missing."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import ConflictDeclaration, ExpertProfile, MethodologyVersion
from assessments.services.experts import conflict_in_force
from labelling import services
from labelling.models import Invitation, InvitationRole, Organisation, Sector, User
from reports.demo.organisations import ORGANISATIONS, SECTORS, DemoOrganisation
from reports.demo.people import (
    CONFLICTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    EXPERT_PROFILES,
    INVITED_EXPERT,
    SECRETARIAT,
    SECRETARIAT_2,
    USERS,
    DemoExpertProfile,
    DemoUser,
)
from reports.demo.walk import Crew, walk_application
from reports.services import labels_expire

DEFAULT_METHODOLOGY = (
    Path(__file__).resolve().parents[2] / "assessments" / "methodology" / "default-2026.yaml"
)


def _ensure_user(spec: DemoUser) -> tuple[User, bool]:
    """The person with ``spec.email``, created when missing; an existing one is left as it is."""
    user = User.objects.filter(email=spec.email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(spec.email, DEMO_PASSWORD, **spec.account_fields())
    if spec.is_secretariat:
        # Deciding and issuing need a second factor; the console shows the key.
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user, True


def _ensure_expert_profile(
    spec: DemoExpertProfile, expert: User, sectors: dict[str, Sector], today: datetime.date
) -> None:
    """The expert's profile, created when missing; an existing one is left as it is."""
    profile, created = ExpertProfile.objects.get_or_create(
        user=expert, defaults=spec.accreditation(today)
    )
    if created:
        profile.sectors.set([sectors[code] for code in spec.sectors])


def _ensure_invitation(email: str, inviter: User) -> None:
    """An expert's invitation, sent through the service if none was ever sent to ``email``."""
    if not Invitation.objects.filter(email=email).exists():
        services.invitation_create(email=email, role=InvitationRole.EXPERT, actor=inviter)


def _ensure_conflict(expert: User, organisation_name: str, tie: str) -> None:
    """The expert's declared tie to the organisation, declared through the service if missing."""
    organisation = Organisation.objects.filter(name=organisation_name).first()
    if organisation is None or conflict_in_force(expert=expert, organisation=organisation):
        return
    assessment_services.conflict_declare(
        expert=expert, organisation=organisation, description=tie, actor=expert
    )


WAIVER_REASON = (
    "The advice was a single paid workshop, ended a year ago; no continuing tie. Waiving lets the "
    "only Italian-speaking expert assess."
)


def _ensure_waiver_proposed(proposer: User) -> None:
    """A waiver of the demo's conflict, proposed and waiting for a second member (the
    secretariat's conflicts page shows both steps)."""
    declaration = ConflictDeclaration.objects.in_force().order_by("pk").first()
    if declaration is None or declaration.waivers.exists():
        return
    assessment_services.waiver_propose(
        declaration=declaration, actor=proposer, reason=WAIVER_REASON
    )


def _seed_organisation(
    spec: DemoOrganisation, people: dict[str, User], sectors: dict[str, Sector]
) -> Organisation:
    manager = people[spec.manager]
    organisation = services.organisation_create(
        actor=manager, sectors=[sectors[code] for code in spec.sectors], **spec.profile()
    )
    if spec.confirmed:
        # A manager's organisation applies once the secretariat has confirmed it.
        services.organisation_confirm(organisation=organisation, actor=people[SECRETARIAT])
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

    Side effects: users, expert profiles, sectors, organisations (confirmed by the secretariat
    but one), memberships, applications with their assignments and state changes, declared
    conflicts of interest, an expert's invitation; after the commit, the notifications of every
    state change and the invitation's mail.
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
    _ensure_waiver_proposed(people[SECRETARIAT_2])
    _ensure_invitation(INVITED_EXPERT, people[SECRETARIAT])
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
