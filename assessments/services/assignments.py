"""Expert assignment and the assessment steps of an application's lifecycle."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from assessments.models import Assignment, AssignmentRole, AssignmentStatus
from assessments.services.decision import recommendation_compute
from assessments.services.experts import conflict_in_force, expert_eligibility
from assessments.services.scoring import consensus_prefill_agreed, scoring_gaps
from labelling import deadlines
from labelling.exceptions import ActionForbidden, InvalidInput, ServiceError, TransitionRefused
from labelling.models import OPEN_STATES, Application, ApplicationState, StateChange, User
from labelling.rules import can
from labelling.workflow import run_transition


@transaction.atomic
def assignment_create(
    *, application: Application, expert: User, role: str, actor: User
) -> Assignment:
    """Invite an expert; the secretariat then confirms the team (``application_assign_experts``).

    The expert must be eligible on the day (``expert_eligibility``: accreditation, conflicts of
    interest, previous cycle, GOLD countries); the refusal lists every reason they are not.
    """
    if not can(actor, "labelling.assign_experts", application):
        raise ActionForbidden(_("Only the secretariat assigns experts."))
    if application.state != ApplicationState.ACCEPTED:
        raise TransitionRefused(
            _("Experts can be assigned only to an accepted application."),
            current_state=application.state,
        )
    if role not in AssignmentRole.values:
        raise InvalidInput(_("Choose lead or second expert."), field="role")
    reasons = expert_eligibility(application=application, expert=expert)
    if reasons:
        raise InvalidInput(
            _("%(name)s cannot assess this application.") % {"name": expert},
            field="expert",
            details=reasons,
        )
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                application=application, expert=expert, role=role, assigned_by=actor
            )
    except IntegrityError as exc:
        raise InvalidInput(
            _("%(name)s is already assigned, or the application already has a lead expert.")
            % {"name": expert},
            field="expert",
        ) from exc


def application_assign_experts(*, application: Application, actor: User) -> StateChange:
    """Confirm the team: the experts are notified and asked to accept."""
    return run_transition(application, "assign_experts", actor=actor)


def _load_assignment(assignment: Assignment, actor: User) -> Assignment:
    if assignment.expert_id != actor.pk:
        raise ActionForbidden(_("This assignment is not yours."))
    if assignment.status != AssignmentStatus.INVITED:
        raise TransitionRefused(
            _("You have already answered this assignment."), current_state=assignment.status
        )
    if assignment.application.state != ApplicationState.EXPERTS_ASSIGNED:
        raise TransitionRefused(
            _("This assignment can no longer be answered."),
            current_state=assignment.application.state,
        )
    return assignment


@transaction.atomic
def assignment_accept(
    *, assignment: Assignment, actor: User, no_conflict_declared: bool
) -> Assignment:
    """Accept after declaring no conflict of interest; the last acceptance starts the assessment.

    Refused when the expert declared a conflict with the organisation since being invited.
    """
    _load_assignment(assignment, actor)
    organisation = assignment.application.organisation
    conflict = conflict_in_force(expert=actor, organisation=organisation)
    if conflict is not None:
        raise ActionForbidden(
            _(
                "You declared a conflict of interest with %(organisation)s on %(date)s, so you "
                "cannot accept this assignment; decline it instead."
            )
            % {
                "organisation": organisation,
                "date": date_format(timezone.localdate(conflict.declared_at)),
            }
        )
    if not no_conflict_declared:
        raise InvalidInput(
            _("Confirm that you have no conflict of interest with this organisation."),
            field="no_conflict_declared",
        )
    now = timezone.now()
    updated = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.INVITED).update(
        status=AssignmentStatus.ACCEPTED, responded_at=now, no_conflict_declared_at=now
    )
    if not updated:
        raise TransitionRefused(_("You have already answered this assignment."))
    assignment.refresh_from_db()
    application = Application.objects.get(pk=assignment.application_id)
    if can_proceed(application.start_assessment):
        run_transition(application, "start_assessment", actor=actor)
    else:
        # No transition followed the deadlines (it would have): this answer is no longer due.
        deadlines.follow(application)
    return assignment


@transaction.atomic
def assignment_decline(*, assignment: Assignment, actor: User, reason: str) -> Assignment:
    """Decline; the application goes back to the secretariat for another expert."""
    _load_assignment(assignment, actor)
    if not reason.strip():
        raise InvalidInput(_("Say why you decline."), field="reason")
    application = Application.objects.get(pk=assignment.application_id)
    # The transition's permission needs the assignment still active, so it runs first.
    run_transition(application, "reopen_assignment", actor=actor, reason=reason)
    Assignment.objects.filter(pk=assignment.pk).update(
        status=AssignmentStatus.DECLINED,
        responded_at=timezone.now(),
        decline_reason=reason.strip(),
    )
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def assessment_submit(*, assignment: Assignment, actor: User) -> Assignment:
    """An expert hands in their scoring; the last one moves the application to consensus."""
    application = Application.objects.get(pk=assignment.application_id)
    if not can(actor, "labelling.score_application", application) or (
        assignment.expert_id != actor.pk
    ):
        raise ActionForbidden(_("This assignment is not yours."))
    if application.state != ApplicationState.IN_ASSESSMENT:
        raise TransitionRefused(
            _("Scorings can be submitted only while the application is in assessment."),
            current_state=application.state,
        )
    if assignment.scores_submitted_at:
        raise TransitionRefused(_("You have already submitted your scoring."))
    gaps = scoring_gaps(assignment)
    if gaps:
        raise TransitionRefused(
            _("Your scoring is not complete."), current_state=application.state, details=gaps
        )
    updated = Assignment.objects.filter(pk=assignment.pk, scores_submitted_at__isnull=True).update(
        scores_submitted_at=timezone.now()
    )
    if not updated:
        raise TransitionRefused(_("You have already submitted your scoring."))
    assignment.refresh_from_db()
    if can_proceed(application.begin_consensus):
        run_transition(application, "begin_consensus", actor=actor)
        lead = application.assignments.get(
            role=AssignmentRole.LEAD, status=AssignmentStatus.ACCEPTED
        ).expert
        # Agreed values are recorded in the lead expert's name: the consensus is theirs.
        consensus_prefill_agreed(application, lead)
    else:
        # No transition followed the deadlines (it would have): this scoring is done.
        deadlines.follow(application)
    return assignment


@transaction.atomic
def consensus_complete(*, application: Application, actor: User) -> StateChange:
    """The lead expert hands the settled consensus to the quality review; the rules' recommendation
    (level, score, explanation) and the experts' agreement rate are computed and kept with it."""
    change = run_transition(application, "complete_consensus", actor=actor)
    recommendation_compute(application)
    return change


# --- Several applications at once -------------------------------------------------------------


@dataclass(frozen=True)
class PairOutcome:
    """What became of one (application, expert) pair of a bulk assignment."""

    application: Application
    expert: User
    role: str
    assigned: bool
    reasons: tuple[str, ...] = ()


def _open_load(expert: User) -> int:
    return Assignment.objects.filter(
        expert=expert,
        status__in=[AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED],
        application__state__in=OPEN_STATES,
    ).count()


def assign_in_bulk(*, actor: User, pairs: list[tuple[Application, User, str]]) -> list[PairOutcome]:
    """Invite each expert to their application (eligibility and conflicts checked per pair as
    ``assignment_create`` does, and the expert's open load against
    ``EXPERT_MAX_OPEN_ASSIGNMENTS``, counting this batch), then confirm the team of every
    application whose team is complete. A refused pair leaves the others standing."""
    outcomes: list[PairOutcome] = []
    for application, expert, role in pairs:
        load = _open_load(expert)
        if load >= settings.EXPERT_MAX_OPEN_ASSIGNMENTS:
            outcomes.append(
                PairOutcome(
                    application,
                    expert,
                    role,
                    False,
                    (
                        _("%(name)s already has %(load)d open assignments (at most %(max)d).")
                        % {
                            "name": expert,
                            "load": load,
                            "max": settings.EXPERT_MAX_OPEN_ASSIGNMENTS,
                        },
                    ),
                )
            )
            continue
        try:
            with transaction.atomic():
                assignment_create(application=application, expert=expert, role=role, actor=actor)
        except ServiceError as refusal:
            details = tuple(str(d) for d in getattr(refusal, "details", ()) or ())
            outcomes.append(
                PairOutcome(application, expert, role, False, (str(refusal.message), *details))
            )
        else:
            outcomes.append(PairOutcome(application, expert, role, True))
    for application in {o.application.pk: o.application for o in outcomes}.values():
        fresh = Application.objects.get(pk=application.pk)
        if fresh.state == ApplicationState.ACCEPTED and can_proceed(fresh.assign_experts):
            with transaction.atomic():
                application_assign_experts(application=fresh, actor=actor)
    return outcomes
