"""Who may assess an application, whom to suggest, and the conflicts of interest experts declare.

Impartiality (ISO/IEC 17065): an expert assesses an application only when accredited for its
level on the day, not one of the organisation's managers, free of any declared tie to it, and
not the expert who assessed its previous cycle (the familiarity threat). ``expert_eligibility``
gives the reasons an expert may not assess, ``assignment_create`` refuses with them, and
``expert_suggestions`` ranks every expert for the secretariat with the same reasons beside them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    ConflictWaiver,
    ExpertProfile,
    WaiverState,
)
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import (
    OPEN_STATES,
    Application,
    ApplicationState,
    Level,
    Membership,
    Organisation,
    User,
)
from labelling.rules import can
from labelling.workflow import record_creation, record_event, run_transition

#: Official languages (ISO 639-1) of the EU and EEA countries, Switzerland and the United
#: Kingdom, by ISO 3166 code: an expert who speaks one of them can hold the interview in the
#: cluster team's own language. National official languages only; regional ones (Catalan,
#: Basque, Welsh...) are left out to keep the table short. A country missing here earns no
#: language point, nothing worse.
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AT": ("de",),
    "BE": ("nl", "fr", "de"),
    "BG": ("bg",),
    "CH": ("de", "fr", "it", "rm"),
    "CY": ("el", "tr"),
    "CZ": ("cs",),
    "DE": ("de",),
    "DK": ("da",),
    "EE": ("et",),
    "ES": ("es",),
    "FI": ("fi", "sv"),
    "FR": ("fr",),
    "GB": ("en",),
    "GR": ("el",),
    "HR": ("hr",),
    "HU": ("hu",),
    "IE": ("en", "ga"),
    "IS": ("is",),
    "IT": ("it",),
    "LI": ("de",),
    "LT": ("lt",),
    "LU": ("lb", "fr", "de"),
    "LV": ("lv",),
    "MT": ("mt", "en"),
    "NL": ("nl",),
    "NO": ("no", "nb", "nn"),
    "PL": ("pl",),
    "PT": ("pt",),
    "RO": ("ro",),
    "SE": ("sv",),
    "SI": ("sl",),
    "SK": ("sk",),
}

#: What each way of fitting adds to a suggestion's score. Each weight exceeds the sum of the
#: lighter ones, so the criteria rank in this order: the language (the interview is held in
#: it), then a shared sector, then expertise in the country. The load only breaks ties.
FIT_WEIGHTS = {"language": 4, "sector": 2, "country": 1}

#: Applications in these states reached a decision: each one closes a cycle of the organisation.
DECIDED_STATES = [
    ApplicationState.DECIDED,
    ApplicationState.CERTIFIED,
    ApplicationState.CLOSED,
    ApplicationState.APPEALED,
]
ACTIVE_STATUSES = [AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED]


@dataclass(frozen=True)
class Suggestion:
    """One expert as the secretariat sees them when building a team.

    ``fits`` says why the expert suits the application, ``warnings`` why they may not assess it
    (empty when eligible), ``load`` counts their assignments on open applications.
    """

    expert: User
    languages: tuple[str, ...]
    load: int
    score: int
    fits: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.warnings


@dataclass(frozen=True)
class _Circumstances:
    """What any expert's eligibility for one application depends on, read once for all."""

    application: Application
    on: datetime.date
    manager_ids: frozenset[int]
    conflicts: dict[int, ConflictDeclaration]  # by expert id, in force only
    previous_cycle: dict[int, Assignment]  # by expert id
    team: dict[int, Assignment]  # by expert id, every assignment on this application


def required_expert_count(application: Application) -> int:
    """Scoring experts a level is assessed by: two for GOLD (one national, one foreign), one
    benchmarker or auditor for BRONZE and SILVER."""
    return 2 if application.level == Level.GOLD else 1


def previous_cycle_assessments(application: Application) -> QuerySet[Assignment]:
    """The assignments through which experts assessed the organisation's previous cycle.

    The previous cycle is the organisation's most recent earlier application that reached a
    decision (decided, certified, closed without label, or under appeal); its assessors are
    the experts whose assignment on it was accepted (a declined or unanswered invitation
    assessed nothing). A cycle ends with a decision because only then has an expert's judgement
    shaped an outcome they could later be tempted to confirm (self-review, familiarity);
    withdrawn and rejected applications never got that far. Counting cycles rather than the
    label's validity period keeps the rule the same whether or not a label was awarded (an
    application closed without label has no validity period, yet its expert knows the
    organisation just as well) and lets an expert come back one cycle later: rotation, not a
    lifelong bar.
    """
    previous = (
        Application.objects.filter(
            organisation_id=application.organisation_id,
            state__in=DECIDED_STATES,
            created_at__lt=application.created_at,
        )
        .order_by(F("decided_at").desc(nulls_last=True), "-created_at", "-pk")
        .values("pk")[:1]
    )
    return Assignment.objects.filter(
        application=Subquery(previous), status=AssignmentStatus.ACCEPTED
    ).select_related("application")


def _circumstances(application: Application, on: datetime.date | None) -> _Circumstances:
    organisation_id = application.organisation_id
    conflicts = ConflictDeclaration.objects.barring().filter(organisation_id=organisation_id)
    team = Assignment.objects.filter(application=application).select_related("expert")
    return _Circumstances(
        application=application,
        on=on or timezone.localdate(),
        manager_ids=frozenset(
            Membership.objects.filter(organisation_id=organisation_id).values_list(
                "user_id", flat=True
            )
        ),
        conflicts={c.expert_id: c for c in conflicts},
        previous_cycle={a.expert_id: a for a in previous_cycle_assessments(application)},
        team={a.expert_id: a for a in team},
    )


def _accreditation_reasons(
    expert: User, profile: ExpertProfile | None, level: str, on: datetime.date
) -> list[str]:
    if profile is None:
        return [_("%(name)s has no accreditation on record.") % {"name": expert}]
    reasons = []
    if on < profile.accredited_from:
        reasons.append(
            _("The accreditation of %(name)s starts only on %(date)s.")
            % {"name": expert, "date": date_format(profile.accredited_from)}
        )
    elif on > profile.accredited_until:
        reasons.append(
            _("The accreditation of %(name)s expired on %(date)s.")
            % {"name": expert, "date": date_format(profile.accredited_until)}
        )
    if not profile.may_assess(level):
        reasons.append(
            _("%(name)s is not accredited to assess %(level)s.")
            % {"name": expert, "level": Level(level).label}
        )
    return reasons


def _impartiality_reasons(expert: User, circumstances: _Circumstances) -> list[str]:
    organisation = circumstances.application.organisation
    reasons = []
    if expert.pk in circumstances.manager_ids:
        reasons.append(
            _("%(name)s manages %(organisation)s and cannot assess it.")
            % {"name": expert, "organisation": organisation}
        )
    conflict = circumstances.conflicts.get(expert.pk)
    if conflict is not None:
        reasons.append(
            _("%(name)s declared a conflict of interest with %(organisation)s: %(tie)s")
            % {"name": expert, "organisation": organisation, "tie": conflict.description}
        )
    previous = circumstances.previous_cycle.get(expert.pk)
    if previous is not None:
        reasons.append(
            _(
                "%(name)s assessed %(organisation)s in its previous cycle (%(level)s application "
                "#%(number)s); the same expert does not assess two cycles in a row."
            )
            % {
                "name": expert,
                "organisation": organisation,
                "level": previous.application.get_level_display(),
                "number": previous.application_id,
            }
        )
    return reasons


def _team_reasons(expert: User, circumstances: _Circumstances) -> list[str]:
    own = circumstances.team.get(expert.pk)
    if own is not None and own.status == AssignmentStatus.DECLINED:
        return [_("%(name)s has already declined this application.") % {"name": expert}]
    if own is not None:
        return [
            _("%(name)s is already assigned to this application (%(role)s).")
            % {"name": expert, "role": own.get_role_display()}
        ]
    application = circumstances.application
    team = [a for a in circumstances.team.values() if a.is_active]
    size = required_expert_count(application)
    if len(team) >= size:
        return [
            ngettext(
                "The team is complete: %(level)s is assessed by %(count)s scoring expert.",
                "The team is complete: %(level)s is assessed by %(count)s scoring experts.",
                size,
            )
            % {"level": application.get_level_display(), "count": size}
        ]
    if application.level != Level.GOLD:
        return []
    home = application.organisation.country
    if not expert.country:
        return [
            _(
                "GOLD is assessed by one expert from %(country)s and one from another country: "
                "%(name)s has no country on record."
            )
            % {"country": home.name, "name": expert}
        ]
    national = expert.country.code == home.code
    clash = next((a.expert for a in team if (a.expert.country.code == home.code) == national), None)
    if clash is None:
        return []
    message = (
        _(
            "GOLD is assessed by one expert from %(country)s and one from another country: "
            "%(other)s is already the national expert."
        )
        if national
        else _(
            "GOLD is assessed by one expert from %(country)s and one from another country: "
            "%(other)s is already the foreign expert."
        )
    )
    return [message % {"country": home.name, "other": clash}]


def _reasons(
    expert: User, profile: ExpertProfile | None, circumstances: _Circumstances
) -> list[str]:
    if not (expert.is_active and expert.is_expert):
        # Nothing else about a person who is not an expert matters here.
        return [_("%(name)s is not an active expert.") % {"name": expert}]
    return [
        *_accreditation_reasons(expert, profile, circumstances.application.level, circumstances.on),
        *_impartiality_reasons(expert, circumstances),
        *_team_reasons(expert, circumstances),
    ]


def expert_eligibility(
    *, application: Application, expert: User, on: datetime.date | None = None
) -> list[str]:
    """The reasons ``expert`` may not assess ``application`` on day ``on`` (today by default);
    empty when they may.

    Checked: an active expert; an accreditation valid on the day and covering the level; not a
    manager of the organisation; no conflict of interest in force with it; not an assessor of
    its previous cycle (see ``previous_cycle_assessments``); not already invited, or having
    declined; the team not already complete (one scoring expert for BRONZE and SILVER, two for
    GOLD); for GOLD, one expert from the organisation's country and one from another.
    """
    profile = ExpertProfile.objects.filter(user=expert).first()
    return _reasons(expert, profile, _circumstances(application, on))


def _experts_with_load() -> QuerySet[User]:
    """Every active expert with their profile, its sectors and their current load, in a number
    of queries that does not grow with the number of experts."""
    return (
        User.objects.filter(is_expert=True, is_active=True)
        .select_related("expert_profile")
        .prefetch_related("expert_profile__sectors")
        .annotate(
            open_assignments=Count(
                "assignments",
                filter=Q(
                    assignments__status__in=ACTIVE_STATUSES,
                    assignments__application__state__in=OPEN_STATES,
                ),
                distinct=True,
            )
        )
    )


def _fit(
    profile: ExpertProfile | None, organisation: Organisation, sector_ids: set[int]
) -> tuple[tuple[str, ...], int]:
    """Why an expert suits the organisation, and the score that earns (see ``FIT_WEIGHTS``)."""
    if profile is None:
        return (), 0
    fits, score = [], 0
    spoken = {code.lower() for code in profile.languages}
    shared_languages = [
        code for code in COUNTRY_LANGUAGES.get(organisation.country.code, ()) if code in spoken
    ]
    if shared_languages:
        fits.append(_("speaks %(languages)s") % {"languages": ", ".join(shared_languages)})
        score += FIT_WEIGHTS["language"]
    shared_sectors = [sector.name for sector in profile.sectors.all() if sector.pk in sector_ids]
    if shared_sectors:
        fits.append(_("knows %(sectors)s") % {"sectors": ", ".join(shared_sectors)})
        score += FIT_WEIGHTS["sector"]
    if organisation.country.code in {country.code for country in profile.countries}:
        fits.append(_("has expertise in %(country)s") % {"country": organisation.country.name})
        score += FIT_WEIGHTS["country"]
    return tuple(fits), score


def expert_suggestions(*, application: Application, actor: User) -> list[Suggestion]:
    """Every active expert, ranked for the secretariat building ``application``'s team.

    Eligible experts come first, best fit first (language, then sector, then country; see
    ``FIT_WEIGHTS``), the least loaded first among equals; the ineligible follow, ranked the
    same way, each with the reasons they may not assess. Reads a fixed number of queries,
    whatever the number of experts.
    """
    if not can(actor, "labelling.assign_experts", application):
        raise ActionForbidden(_("Only the secretariat sees the suggested experts."))
    circumstances = _circumstances(application, None)
    organisation = application.organisation
    sector_ids = set(organisation.sectors.values_list("pk", flat=True))
    suggestions = []
    for expert in _experts_with_load():
        profile = getattr(expert, "expert_profile", None)
        fits, score = _fit(profile, organisation, sector_ids)
        suggestions.append(
            Suggestion(
                expert=expert,
                languages=tuple(profile.languages) if profile else (),
                load=expert.open_assignments,
                score=score,
                fits=fits,
                warnings=tuple(_reasons(expert, profile, circumstances)),
            )
        )
    return sorted(
        suggestions,
        key=lambda s: (not s.eligible, -s.score, s.load, str(s.expert).casefold(), s.expert.pk),
    )


def conflict_in_force(*, expert: User, organisation: Organisation) -> ConflictDeclaration | None:
    """The declaration of ``expert``'s tie to ``organisation`` that bars them, if there is one
    (in force and not waived)."""
    return (
        ConflictDeclaration.objects.barring()
        .filter(expert=expert, organisation=organisation)
        .first()
    )


@transaction.atomic
def conflict_declare(
    *, expert: User, organisation: Organisation, description: str, actor: User
) -> ConflictDeclaration:
    """Record ``expert``'s tie to ``organisation``: from now on they are not assigned to it.

    Experts declare their own ties; the secretariat may record one an expert reported to it.
    Assignments already made stay as they are: an expert still invited is refused when they
    try to accept (and declines instead); an accepted one is the secretariat's to replace.
    """
    if not can(actor, "assessments.declare_conflict", expert):
        raise ActionForbidden(
            _(
                "Experts declare their own conflicts of interest; only the secretariat records "
                "one for someone else."
            )
        )
    if not expert.is_expert:
        raise InvalidInput(_("%(name)s is not an expert.") % {"name": expert}, field="expert")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(
            _("Describe the tie to %(organisation)s (employment, membership, consultancy, ...).")
            % {"organisation": organisation},
            field="description",
        )
    try:
        with transaction.atomic():
            return ConflictDeclaration.objects.create(
                expert=expert, organisation=organisation, description=description, declared_by=actor
            )
    except IntegrityError as exc:
        raise InvalidInput(
            _("%(name)s has already declared a conflict of interest with %(organisation)s.")
            % {"name": expert, "organisation": organisation},
            field="organisation",
        ) from exc


@transaction.atomic
def conflict_withdraw(
    *, declaration: ConflictDeclaration, actor: User, reason: str
) -> ConflictDeclaration:
    """Withdraw a declaration recorded by mistake; it stays on record with who withdrew it,
    when and why, and the expert may be assigned to the organisation again."""
    if not can(actor, "assessments.withdraw_conflict", declaration):
        raise ActionForbidden(
            _(
                "An expert withdraws only a declaration they made themselves; the secretariat "
                "withdraws any."
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the declaration is withdrawn."), field="reason")
    updated = ConflictDeclaration.objects.filter(
        pk=declaration.pk, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason)
    if not updated:
        raise TransitionRefused(_("This declaration has already been withdrawn."))
    declaration.refresh_from_db()
    return declaration


# --- Waivers: a conflict identified and waived, four eyes ----------------------------------


def _record_on_applications(declaration: ConflictDeclaration, name: str, actor: User, reason: str):
    """The waiver's step in the history of the organisation's open applications, where the
    expert's impartiality is at stake."""
    for application in Application.objects.filter(
        organisation_id=declaration.organisation_id, state__in=OPEN_STATES
    ):
        record_event(
            application,
            name,
            actor=actor,
            reason=f"{declaration.expert}: {declaration.description} — {reason}",
        )


@transaction.atomic
def waiver_propose(*, declaration: ConflictDeclaration, actor: User, reason: str) -> ConflictWaiver:
    """A secretariat member proposes to waive a declared conflict, saying why; a second member
    confirms it before it has any effect."""
    if not can(actor, "assessments.propose_waiver", declaration):
        raise ActionForbidden(_("Only the secretariat waives a conflict of interest."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the conflict can be waived."), field="reason")
    if declaration.withdrawn_at is not None:
        raise TransitionRefused(
            _("This declaration has been withdrawn; there is nothing to waive.")
        )
    try:
        with transaction.atomic():
            waiver = ConflictWaiver.objects.create(
                declaration=declaration, reason=reason, proposed_by=actor
            )
    except IntegrityError as exc:
        raise TransitionRefused(
            _("A waiver of this conflict is already proposed or in force.")
        ) from exc
    record_creation(waiver, actor=actor)
    _record_on_applications(declaration, "propose_waiver", actor, reason)
    return waiver


@transaction.atomic
def waiver_confirm(*, waiver: ConflictWaiver, actor: User) -> ConflictWaiver:
    run_transition(waiver, "confirm", actor=actor, decider=actor)
    _record_on_applications(waiver.declaration, "confirm_waiver", actor, waiver.reason)
    return waiver


@transaction.atomic
def waiver_reject(*, waiver: ConflictWaiver, actor: User, reason: str) -> ConflictWaiver:
    run_transition(waiver, "reject", actor=actor, reason=reason, decider=actor)
    _record_on_applications(waiver.declaration, "reject_waiver", actor, reason)
    return waiver


def waived_conflicts(application: Application) -> list[ConflictWaiver]:
    """The confirmed waivers of the ties of the application's accepted experts."""
    experts = application.assignments.filter(status=AssignmentStatus.ACCEPTED).values("expert_id")
    return list(
        ConflictWaiver.objects.filter(
            state=WaiverState.CONFIRMED,
            declaration__organisation_id=application.organisation_id,
            declaration__expert_id__in=experts,
            declaration__withdrawn_at__isnull=True,
        ).select_related("declaration__expert", "decided_by", "proposed_by")
    )
