"""Every permission of the scheme, in one place.

Object permissions are ``rules`` predicates, checked only through ``can(user, perm, obj)``: the
transitions name them, services check them, views and the API ask them. ``can`` asks the rules
directly rather than Django's auth backends, so being a superuser (which makes Django say yes to
everything) never lets anyone around the scheme's rules, e.g. to confirm their own proposal.
Their list form, the queryset scopes ``visible_applications`` and ``visible_organisations`` in
``labelling.selectors``, expresses the same rules, so that what a person can open and what they
see listed never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from labelling import extensions, second_factor

if TYPE_CHECKING:
    from labelling.models import ApiToken, Application, Invitation, Organisation, User


@rules.predicate
def is_secretariat(user: User) -> bool:
    return bool(user.is_active and user.is_secretariat)


@rules.predicate
def has_second_factor(user: User) -> bool:
    """Logs in with a second factor, or needs none (``SECRETARIAT_REQUIRES_SECOND_FACTOR``)."""
    return not second_factor.second_factor_required(user)


@rules.predicate
def is_cluster_manager(user: User) -> bool:
    return bool(user.is_active and user.is_cluster_manager)


@rules.predicate
def is_expert(user: User) -> bool:
    return bool(user.is_active and user.is_expert)


def _organisation_of(obj: Application | Organisation) -> Organisation:
    return getattr(obj, "organisation", obj)


@rules.predicate
def is_manager_of(user: User, obj: Application | Organisation | None) -> bool:
    if obj is None or not user.is_active:
        return False
    return _organisation_of(obj).managers.filter(pk=user.pk).exists()


@rules.predicate
def organisation_is_confirmed(user: User, obj: Application | Organisation | None) -> bool:
    """The secretariat confirmed the organisation (the transition's condition
    ``labelling.conditions.organisation_confirmed`` says the same, with its explanation)."""
    return obj is not None and _organisation_of(obj).is_confirmed


@rules.predicate
def is_assigned_expert(user: User, application: Application | None) -> bool:
    return (
        application is not None
        and user.is_active
        and extensions.expert_part(user, application) is not None
    )


@rules.predicate
def has_accepted_assignment(user: User, application: Application | None) -> bool:
    part = application and extensions.expert_part(user, application)
    return bool(part and part.accepted)


@rules.predicate
def is_lead_expert(user: User, application: Application | None) -> bool:
    part = application and extensions.expert_part(user, application)
    return bool(part and part.lead)


@rules.predicate
def is_assessor(user: User, application: Application | None) -> bool:
    """Assessed (or is assessing) the application: such a person may not decide on it."""
    return application is not None and extensions.has_assessed(user, application)


@rules.predicate
def proposed_the_decision(user: User, application: Application | None) -> bool:
    return application is not None and application.proposed_by_id == user.pk


@rules.predicate
def is_about_an_application(user: User, application: Application | None) -> bool:
    """Asked about one application. django-fsm asks a transition's permission with the object
    and, failing that, again without it; the exclusions (assessed, proposed, took part) judge
    one application, so a permission built on them must not be granted without it."""
    return application is not None


@rules.predicate
def took_part_in_decision(user: User, application: Application | None) -> bool:
    return application is not None and user.pk in (
        application.proposed_by_id,
        application.decision_confirmed_by_id,
    )


def can(user: User, perm: str, obj: object = None) -> bool:
    """The one permission check of the scheme."""
    return bool(user.is_authenticated) and rules.has_perm(perm, user, obj)


def transition_permission(perm: str):
    """A django-fsm ``permission=`` that always judges the object the transition runs on."""

    def check(instance: object, user: User) -> bool:
        return can(user, perm, instance)

    check.perm = perm  # type: ignore[attr-defined]
    return check


can_view_application = is_secretariat | is_manager_of | is_assigned_expert

rules.add_perm("labelling.view_application", can_view_application)
rules.add_perm("labelling.view_organisation", is_secretariat | is_manager_of)
rules.add_perm("labelling.change_organisation", is_secretariat | is_manager_of)
rules.add_perm("labelling.create_organisation", is_cluster_manager | is_secretariat)
# An organisation registered by a manager alone waits for the secretariat's confirmation.
rules.add_perm("labelling.confirm_organisation", is_secretariat)
rules.add_perm("labelling.create_application", is_manager_of)
# Manager actions. An unconfirmed organisation prepares its application but cannot submit it.
rules.add_perm("labelling.submit_application", is_manager_of & organisation_is_confirmed)
rules.add_perm("labelling.withdraw_application", is_manager_of)
rules.add_perm("labelling.appeal_decision", is_manager_of)
# Expert actions.
rules.add_perm("labelling.respond_to_assignment", is_expert & is_assigned_expert)
rules.add_perm("labelling.score_application", is_expert & has_accepted_assignment)
rules.add_perm("labelling.settle_consensus", is_expert & has_accepted_assignment & is_lead_expert)
# Secretariat actions. Deciding is for people who did not assess (ISO/IEC 17065).
rules.add_perm("labelling.screen_application", is_secretariat)
rules.add_perm("labelling.assign_experts", is_secretariat)
rules.add_perm("labelling.review_quality", is_secretariat)
# Labels are decided, issued and revoked only by people who log in with a second factor.
deciding_secretariat = is_secretariat & has_second_factor & is_about_an_application & ~is_assessor
rules.add_perm("labelling.decide_application", deciding_secretariat)
rules.add_perm("labelling.confirm_decision", deciding_secretariat & ~proposed_the_decision)
rules.add_perm("labelling.issue_certificate", is_secretariat & has_second_factor)
rules.add_perm("reports.manage_label", is_secretariat & has_second_factor)
# Decision letters tell an outcome: edited and sent by the secretariat with a second factor.
rules.add_perm("reports.send_decision_letter", is_secretariat & has_second_factor)
# Exports of applications, workload and audit trails (the registry's is public).
rules.add_perm("reports.export", is_secretariat)
rules.add_perm("labelling.decide_appeal", deciding_secretariat & ~took_part_in_decision)
rules.add_perm("labelling.view_history", can_view_application)
# Figures across every organisation: what only the secretariat sees as a whole.
rules.add_perm("labelling.view_statistics", is_secretariat)
# The follow-ups (e-mails, renderings) that failed, and sending them again.
rules.add_perm("labelling.manage_effects", is_secretariat)
# Due dates of one case, and reminders sent by hand (labelling.deadlines).
rules.add_perm("labelling.change_deadline", is_secretariat)
# Erasing a person's personal data (labelling.privacy): irreversible, so with a second factor.
rules.add_perm("labelling.erase_person", is_secretariat & has_second_factor)


@rules.predicate
def owns_token(user: User, token: ApiToken | None) -> bool:
    return token is not None and token.user_id == user.pk


# Its owner revokes a token; the secretariat too (from the admin), e.g. when a key has leaked.
rules.add_perm("labelling.revoke_api_token", owns_token | is_secretariat)


# Invitations. The secretariat invites experts and colleagues; a manager invites the
# co-managers of their own organisation and removes managers (never the last one: the service).
rules.add_perm("labelling.invite_expert", is_secretariat)
rules.add_perm("labelling.invite_secretariat", is_secretariat)
rules.add_perm("labelling.invite_co_manager", is_manager_of)
rules.add_perm("labelling.remove_manager", is_manager_of)


@rules.predicate
def invites_to_an_organisation_one_manages(user: User, invitation: Invitation | None) -> bool:
    return bool(
        invitation is not None
        and invitation.organisation_id is not None
        and is_manager_of(user, invitation.organisation)
    )


@rules.predicate
def is_the_invitee(user: User, invitation: Invitation | None) -> bool:
    """The invitation is addressed to this account's (proved) address."""
    return bool(
        invitation is not None and user.is_active and user.email.lower() == invitation.email.lower()
    )


# Sending again and cancelling: the secretariat any invitation, a manager their organisation's.
rules.add_perm(
    "labelling.manage_invitation", is_secretariat | invites_to_an_organisation_one_manages
)
rules.add_perm("labelling.accept_invitation", is_the_invitee)


@rules.predicate
def is_draft(user: User, application: Application | None) -> bool:
    return application is not None and application.state == "draft"


@rules.predicate
def is_the_expert(user: User, expert: User | None) -> bool:
    """Acting for themselves: ``expert`` is the person asking."""
    return expert is not None and expert.pk == user.pk


# Conflicts of interest: experts declare their own ties, the secretariat may record one for
# them; only the secretariat withdraws one (a tie never disappears at the expert's word alone).
rules.add_perm("assessments.declare_conflict", is_secretariat | (is_expert & is_the_expert))


@rules.predicate
def declared_it_themselves(user: User, declaration) -> bool:
    """The expert's own declaration, recorded by them (not one the secretariat recorded)."""
    return (
        declaration is not None
        and declaration.expert_id == user.pk
        and declaration.declared_by_id == user.pk
    )


@rules.predicate
def proposed_the_waiver(user: User, waiver) -> bool:
    return waiver is not None and waiver.proposed_by_id == user.pk


# An expert withdraws a declaration they made by mistake; the secretariat any.
rules.add_perm("assessments.withdraw_conflict", is_secretariat | declared_it_themselves)
# A conflict identified and waived: proposed by one secretariat member, confirmed (or not) by
# another, both with a second factor (four eyes, as for decisions).
rules.add_perm("assessments.propose_waiver", is_secretariat & has_second_factor)
rules.add_perm(
    "assessments.decide_waiver", is_secretariat & has_second_factor & ~proposed_the_waiver
)

# Methodology and self-assessment.
rules.add_perm("assessments.publish_methodology", is_secretariat)
rules.add_perm("assessments.edit_self_assessment", is_manager_of & is_draft)
rules.add_perm("assessments.view_self_assessment", can_view_application)
rules.add_perm("assessments.answer_question", is_manager_of)
