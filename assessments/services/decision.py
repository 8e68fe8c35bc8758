"""From an application's consensus to the rules' decision, and what an override may not pass.

``decision_input_for`` gathers every fact the engine decides on (the consensus values, the
validated improvement areas, the assessment date, the organisation's country, the scoring
experts' countries, the organisation's earlier labels); ``engine.decide`` is the one function
that turns them into a level, here and in ``manage.py simulate_decision``.
"""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import engine
from assessments.explanations import reason_text
from assessments.models import AssignmentStatus, Recommendation
from assessments.services.scoring import agreement_rate
from labelling.exceptions import InvalidInput, TransitionRefused
from labelling.models import Application, Level, Outcome, StateChange, User
from labelling.workflow import ensure_transition_allowed, run_transition


def _rank(outcome: str) -> int:
    return engine.LEVEL_RANK[engine.LevelCode(outcome)]


def scoring_assignments(application: Application):
    """The experts who score: accepted assignments (declined and unanswered ones score nothing)."""
    return application.assignments.filter(status=AssignmentStatus.ACCEPTED).select_related("expert")


def assessment_date(application: Application) -> datetime.date:
    """The day the assessment was carried out: when the last expert handed in their scoring
    (the interview and the document check are behind them then). Before that, today."""
    submitted = scoring_assignments(application).aggregate(last=Max("scores_submitted_at"))
    last = submitted["last"]
    return timezone.localdate(last) if last else timezone.localdate()


def prior_labels(application: Application) -> tuple[engine.PriorLabel, ...]:
    """The organisation's labels from its other applications, in their states now."""
    # Read through the organisation's reverse relation so that assessments need not import
    # the reports app that defines labels.
    rows = (
        application.organisation.labels.exclude(application_id=application.pk)
        .order_by("valid_from", "pk")
        .values_list("level", "valid_from", "state")
    )
    return tuple(engine.PriorLabel(level, valid_from, state) for level, valid_from, state in rows)


def decision_input_for(application: Application) -> engine.DecisionInput:
    """Everything the engine decides on, read from the consensus and the application."""
    values = dict(application.consensus_values.values_list("indicator__code", "value"))
    return engine.DecisionInput(
        requested_level=application.level,
        values=values,
        validated_improvement_areas=application.improvement_areas.filter(validated=True).count(),
        assessment_date=assessment_date(application),
        organisation_country=application.organisation.country.code or "",
        expert_countries=tuple(
            a.expert.country.code or "" for a in scoring_assignments(application)
        ),
        prior_labels=prior_labels(application),
    )


def decision_compute(application: Application) -> engine.Decision:
    """The engine's decision on the application's facts as they are now."""
    return engine.decide(application.methodology.as_spec(), decision_input_for(application))


def recommendation_compute(application: Application) -> Recommendation:
    """Run the engine on the consensus and keep its result with the full explanation."""
    return _keep(application, decision_compute(application))


def _keep(application: Application, decision: engine.Decision) -> Recommendation:
    return Recommendation.objects.create(
        application=application,
        methodology=application.methodology,
        outcome=decision.level.value,
        gold_score_pct=decision.gold_score_pct,
        benchmark_score_pct=decision.benchmark_score_pct,
        agreement_rate=agreement_rate(application),
        explanation=decision.as_json(),
    )


def latest_recommendation(application: Application) -> Recommendation | None:
    return application.recommendations.order_by("-computed_at", "-pk").first()


def recommendation_refresh(
    application: Application, latest: Recommendation | None
) -> tuple[Recommendation, engine.Decision]:
    """The recommendation on today's facts, with the engine's decision: a label revoked or
    suspended since the consensus, or a changed team, changes what the rules allow. A new
    recommendation is kept only when the result differs from ``latest`` (the latest kept one),
    so that the record shows when and why it changed."""
    decision = decision_compute(application)
    if latest is not None and latest.explanation == decision.as_json():
        return latest, decision
    return _keep(application, decision), decision


def decision_check(
    *, application: Application, outcome: str, reason: str, confirming: bool = False
) -> Recommendation:
    """Refuse an outcome the scheme's rules do not allow; return the recommendation it departs
    from (or follows). ``confirming``: the second person confirms a proposal whose reason was
    given when it was made; only the ceiling and the facts are checked again.

    - The requested level is a ceiling: nothing above it is awarded.
    - Departing from the rules' level, down or up, needs a written reason.
    - No departure gets past a fact: no label without the BRONZE eligibility criteria and a
      complete benchmarking, no SILVER without a valid prior BRONZE label, no GOLD without an
      expert from the organisation's country and one from another.
    """
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose GOLD, SILVER, BRONZE or no label."), field="outcome")
    latest = latest_recommendation(application)
    if latest is None:
        raise TransitionRefused(
            _("The rules' recommendation is missing; the consensus has to be completed again."),
            current_state=application.state,
        )
    recommendation, decision = recommendation_refresh(application, latest)
    if _rank(outcome) > _rank(application.level):
        raise InvalidInput(
            _("The application is for %(level)s: no higher label can be awarded.")
            % {"level": Level(application.level).label},
            field="outcome",
        )
    recommended = recommendation.outcome
    if outcome != recommended and not confirming and not (reason or "").strip():
        raise InvalidInput(
            _("Departing from the recommended outcome (%(recommended)s) needs a written reason.")
            % {"recommended": Outcome(recommended).label},
            field="reason",
        )
    if _rank(outcome) > _rank(recommended):
        barriers = engine.override_barriers(decision, outcome)
        if barriers:
            raise InvalidInput(
                _("%(level)s cannot be awarded: the scheme's rules require facts that are missing.")
                % {"level": Outcome(outcome).label},
                field="outcome",
                details=[reason_text(barrier.as_json()) for barrier in barriers],
            )
    return recommendation


def application_propose_decision(
    *, application: Application, actor: User, outcome: str, reason: str = ""
) -> StateChange:
    """Propose the outcome, starting from the rules' recommendation on today's facts; departing
    from it needs a written reason (kept on the application and in the state change record),
    and no departure gets past the scheme's facts (``decision_check``)."""
    ensure_transition_allowed(application, "propose_decision", actor)
    reason = reason.strip()
    recommendation = decision_check(application=application, outcome=outcome, reason=reason)
    recommended = recommendation.outcome
    departs = outcome != recommended
    return run_transition(
        application,
        "propose_decision",
        actor=actor,
        reason=reason,
        outcome=outcome,
        recommended=recommended,
        override_reason=reason if departs else "",
        proposer=actor,
    )


def application_confirm_decision(*, application: Application, actor: User) -> StateChange:
    """Confirm the proposal, checked again against the facts as they are now: a prior label
    revoked since the proposal, for instance, keeps a SILVER from being confirmed."""
    ensure_transition_allowed(application, "confirm_decision", actor)
    decision_check(
        application=application,
        outcome=application.proposed_outcome,
        reason=application.override_reason,
        confirming=True,
    )
    return run_transition(application, "confirm_decision", actor=actor, confirmer=actor)
