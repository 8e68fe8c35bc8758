"""Conditions of transitions (applications, invitations): side-effect-free predicates.

Each carries the sentence that explains to a person why the transition cannot happen yet, so a
refusal can say what is missing rather than just "not allowed". A condition that the
transition's permission asks as well (``also_in_the_rules``) explains that refusal too: the
rules answer "no" to everybody then, and saying only "not allowed" would hide why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labelling import extensions

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from labelling.models import Application, Invitation

Condition = Callable[["Application"], bool]


def explained(message: Promise) -> Callable[[Condition], Condition]:
    def attach(predicate: Condition) -> Condition:
        predicate.message = message  # type: ignore[attr-defined]
        return predicate

    return attach


def also_in_the_rules(predicate: Condition) -> Condition:
    """Marks a condition that the transition's permission (``labelling.rules``) asks too, so
    that ``labelling.workflow`` explains a refused permission by it."""
    predicate.also_in_the_rules = True  # type: ignore[attr-defined]
    return predicate


def unmet_details(application: Application, predicate: Condition) -> list[str]:
    """The sentences a failed condition gives, including specifics where it has them."""
    specifics = getattr(predicate, "details", None)
    if specifics is not None:
        return [str(line) for line in specifics(application)]
    return [str(predicate.message)]  # type: ignore[attr-defined]


def unmet_summary(application: Application, predicate: Condition) -> list[str]:
    """A failed condition in a few lines: counted where its details would be many."""
    counted = getattr(predicate, "summary", None)
    if counted is not None:
        return [str(line) for line in counted(application)]
    return unmet_details(application, predicate)


@explained(_("The organisation profile does not meet the ECCP minimums."))
def organisation_meets_eccp_minimums(application: Application) -> bool:
    return not application.organisation.eccp_gaps()


organisation_meets_eccp_minimums.details = lambda app: app.organisation.eccp_gaps()  # type: ignore[attr-defined]


#: Said wherever an unconfirmed organisation's application is held back (pages, refusals).
ORGANISATION_UNCONFIRMED = _("The labelling secretariat has not confirmed your organisation yet.")


@also_in_the_rules
@explained(ORGANISATION_UNCONFIRMED)
def organisation_confirmed(application: Application) -> bool:
    """Only an organisation the secretariat knows applies: one a manager registered alone waits
    for its confirmation (``labelling.services.organisation_confirm``)."""
    return application.organisation.is_confirmed


@explained(_("The self-assessment is not complete."))
def self_assessment_complete(application: Application) -> bool:
    return not extensions.self_assessment_gaps(application)


self_assessment_complete.details = extensions.self_assessment_gaps  # type: ignore[attr-defined]
# Some eighty lines for a new draft: a page that shows them elsewhere says them counted.
self_assessment_complete.summary = extensions.self_assessment_summary  # type: ignore[attr-defined]


@explained(
    _(
        "The required experts are not assigned: one lead expert, and for GOLD a second expert; "
        "one of the two from the organisation's country and the other from another country."
    )
)
def has_required_experts(application: Application) -> bool:
    return extensions.has_required_experts(application)


@explained(_("Not every assigned expert has accepted the assignment yet."))
def all_experts_accepted(application: Application) -> bool:
    return extensions.all_experts_accepted(application)


@explained(_("Not every assigned expert has submitted their scoring yet."))
def all_assessments_submitted(application: Application) -> bool:
    return extensions.all_assessments_submitted(application)


@explained(_("The consensus is not recorded for every assessed indicator."))
def consensus_settled(application: Application) -> bool:
    return not extensions.consensus_gaps(application)


consensus_settled.details = extensions.consensus_gaps  # type: ignore[attr-defined]


@explained(_("The decision awards no label, so there is no certificate to issue."))
def decided_with_label(application: Application) -> bool:
    return application.awards_label


@explained(_("The decision awards a label: issue its certificate instead of closing."))
def decided_without_label(application: Application) -> bool:
    return application.awards_no_label


@explained(_("An appeal is possible only within 30 days of the decision, and only once."))
def within_appeal_window(application: Application) -> bool:
    deadline = application.appeal_deadline
    if deadline is None or timezone.now() > deadline:
        return False
    return not application.history.filter(
        transition="appeal", at__gte=application.decided_at
    ).exists()


@explained(_("This invitation has expired."))
def invitation_not_expired(invitation: Invitation) -> bool:
    return not invitation.is_expired
