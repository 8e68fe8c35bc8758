"""Running a django-fsm transition the one way every service does.

Order: check the state → check the actor's permission → check the conditions → change in memory
→ save (refused if someone changed the state meanwhile) → record the state change → queue the
notifications for after the commit. Any refusal leaves the object and the record untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from labelling import dispatch
from labelling.conditions import unmet_details, unmet_summary
from labelling.exceptions import ActionForbidden, InvalidInput, StaleState, TransitionRefused
from labelling.models import ACTION_LABELS, StateChange

if TYPE_CHECKING:
    from labelling.models import User


#: What runs in the transition's transaction after it is recorded, for any object and its
#: ``StateChange`` (the due dates of an application's work, its decision letter's draft).
AFTER_TRANSITION: list[Callable[[models.Model, StateChange], None]] = []


def _state_label(obj: models.Model, state: str) -> str:
    field = obj._meta.get_field("state")
    return str(dict(field.flatchoices).get(state, state))


def transition_label(name: str) -> str:
    """Transition ``name`` as the action it is, in the active language."""
    return str(ACTION_LABELS.get(name, name.replace("_", " ")))


def available_transitions(obj: models.Model) -> list[str]:
    """Names of the transitions the object's current state allows (ignoring who asks)."""
    return sorted(t.name for t in obj.get_available_state_transitions())


def user_transitions(obj: models.Model, user: User) -> list[str]:
    """Names of the transitions ``user`` may run now, conditions included."""
    return sorted(t.name for t in obj.get_available_user_state_transitions(user))


@dataclass(frozen=True)
class NextSteps:
    """What a person may do with an object from its current state: the transitions they can run
    now, and those that wait on their conditions, each with what is still missing in a few
    lines (a page shows these as the step to come, with why it cannot be taken yet)."""

    ready: list[str]
    waiting: list[tuple[str, list[str]]]


def next_steps(obj: models.Model, user: User) -> NextSteps:
    """The transitions ``user`` may run from the current state, ready or waiting; each
    condition is asked once (a page needs both lists, and a condition may cost queries)."""
    ready, waiting = [], []
    for name in sorted({t.name for t in obj.get_all_state_transitions()}):
        fsm_transition = getattr(obj, name)._django_fsm.get_transition(obj.state)
        if fsm_transition is None or not fsm_transition.has_perm(obj, user):
            continue
        unmet = [c for c in fsm_transition.conditions if not c(obj)]
        if unmet:
            waiting.append((name, [line for c in unmet for line in unmet_summary(obj, c)]))
        else:
            ready.append(name)
    return NextSteps(ready, waiting)


def ensure_transition_allowed(obj: models.Model, name: str, actor: User | None):
    """Refuse unless the state allows transition ``name`` and ``actor`` may run it (``None``:
    the system). Services call it first when they check their own input before the transition,
    so that a wrong state or person is told so before any detail of the input."""
    meta = getattr(obj, name)._django_fsm
    source = obj.state
    fsm_transition = meta.get_transition(source)
    if fsm_transition is None:
        allowed = available_transitions(obj)
        raise TransitionRefused(
            _("“%(action)s” is not possible while the %(object)s is %(state)s.")
            % {
                "action": transition_label(name),
                "object": obj._meta.verbose_name,
                "state": _state_label(obj, source),
            },
            current_state=source,
            allowed=allowed,
        )
    if actor is not None and not meta.has_transition_perm(obj, source, actor):
        # A condition the rules ask too refuses everybody while it is unmet: say which, as a
        # condition's refusal would, rather than a bare "not allowed".
        blocking = [
            c
            for c in fsm_transition.conditions
            if getattr(c, "also_in_the_rules", False) and not c(obj)
        ]
        if blocking:
            raise _not_possible_yet(obj, name, source, blocking)
        # A transition may say who may run it, so that a refusal explains the rule.
        rule = fsm_transition.custom.get("who_may")
        raise ActionForbidden(
            _("You are not allowed to use “%(action)s” on this %(object)s.")
            % {"action": transition_label(name), "object": obj._meta.verbose_name},
            details=[str(rule)] if rule else (),
        )
    return fsm_transition


def _not_possible_yet(
    obj: models.Model, name: str, source: str, unmet: list[Callable]
) -> TransitionRefused:
    """The refusal of transition ``name`` for its ``unmet`` conditions, each explained."""
    return TransitionRefused(
        _("“%(action)s” is not possible yet.") % {"action": transition_label(name)},
        current_state=source,
        allowed=available_transitions(obj),
        details=[line for condition in unmet for line in unmet_details(obj, condition)],
    )


def run_transition(
    obj: models.Model,
    name: str,
    *,
    actor: User | None,
    reason: str = "",
    notify: bool = True,
    system_label: str = "",
    **kwargs: Any,
) -> StateChange:
    """Run transition ``name`` on ``obj`` for ``actor`` and record it.

    ``actor=None`` is for the system itself (a periodic task, a loader): it needs a
    ``system_label`` that names the process in the record, and no permission applies.

    Raises ``TransitionRefused`` (wrong state or unmet condition), ``ActionForbidden`` (the actor
    may not), ``InvalidInput`` (a required reason is missing) or ``StaleState`` (the state changed
    since ``obj`` was loaded). Side effects: one ``StateChange`` row; after commit, the
    notification task for it.
    """
    if actor is None and not system_label:
        raise ValueError("A transition without an actor must name the system process.")
    fsm_transition = ensure_transition_allowed(obj, name, actor)
    method = getattr(obj, name)
    source = obj.state
    unmet = [c for c in fsm_transition.conditions if not c(obj)]
    if unmet:
        raise _not_possible_yet(obj, name, source, unmet)
    reason = (reason or "").strip()
    if fsm_transition.custom.get("reason_required") and not reason:
        raise InvalidInput(
            _("A reason is required for “%(action)s”.") % {"action": transition_label(name)},
            field="reason",
        )

    try:
        with transaction.atomic():
            try:
                method(**kwargs)
            except TransitionNotAllowed as exc:
                # A condition that held a moment ago (e.g. a deadline) no longer does.
                raise TransitionRefused(
                    _("“%(action)s” is no longer possible.") % {"action": transition_label(name)},
                    current_state=source,
                    allowed=available_transitions(obj),
                ) from exc
            obj.save()
            change = StateChange.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                transition=name,
                source=source,
                target=obj.state,
                actor=actor,
                actor_label=actor.email if actor is not None else f"system: {system_label}",
                reason=reason,
            )
            for follow_up in AFTER_TRANSITION:
                follow_up(obj, change)
            if notify:
                dispatch.enqueue(
                    "labelling.send_transition_notifications",
                    key=f"notify:{change.pk}",
                    state_change_id=change.pk,
                )
    except ConcurrentTransition as exc:
        # Read once the refused save's transaction is rolled back (no savepoint of its own, a
        # round trip fewer on every transition): the caller is told where the object stands
        # now, not where they last saw it.
        current = type(obj)._default_manager.get(pk=obj.pk)
        raise StaleState(
            _("Someone else changed this %(object)s meanwhile; reload it and try again.")
            % {"object": obj._meta.verbose_name},
            current_state=current.state,
            allowed=available_transitions(current),
        ) from exc
    return change


def record_creation(obj: models.Model, *, actor: User) -> StateChange:
    """The first row of an object's history: created, in its initial state."""
    return record_event(obj, "create", actor=actor, source="")


def record_event(
    obj: models.Model, name: str, *, actor: User, reason: str = "", source: str | None = None
) -> StateChange:
    """A row of ``obj``'s history for something done to it that is no transition of its own
    (its creation, a manager's removal): by default from and to its current state."""
    return StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        transition=name,
        source=obj.state if source is None else source,
        target=obj.state,
        actor=actor,
        actor_label=actor.email,
        reason=reason,
    )
