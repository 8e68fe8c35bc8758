"""Organisations, people, applications and the record of every state change.

The models live in one module per subject; this package re-exports them, so
``from labelling.models import X`` keeps working everywhere.
"""

# isort: off
# The modules are imported in the order the models were once defined in a single module, so that
# Django registers them (and numbers their content types and permissions) in the same order.
from labelling.models.people import User, UserManager
from labelling.models.organisations import (
    ECCP_MIN_MANAGEMENT_FTE,
    ECCP_MIN_MEMBER_TYPES,
    ECCP_MIN_MEMBERS,
    Membership,
    Organisation,
    OrganisationState,
    Sector,
    nuts_code_validator,
)
from labelling.models.audit import (
    ACTION_LABELS,
    HISTORY_LABELS,
    SYSTEM_ACTOR_LABELS,
    StateChange,
)
from labelling.models.applications import (
    APPEAL_DECIDERS,
    APPEAL_WINDOW,
    APPEALABLE_STATES,
    CONFIRMERS,
    DECIDED_STATES,
    DECIDERS,
    OPEN_STATES,
    WITHDRAWABLE_STATES,
    Application,
    ApplicationState,
    Level,
    Outcome,
    reason_required,
)
from labelling.models.notifications import Notification
from labelling.models.api_tokens import ApiToken
from labelling.models.effects import Effect, EffectState
from labelling.models.invitations import Invitation, InvitationRole, InvitationState
from labelling.models.deadlines import Deadline, DeadlineKind, Notice, Reminder
# isort: on

__all__ = [
    "ACTION_LABELS",
    "APPEALABLE_STATES",
    "APPEAL_DECIDERS",
    "APPEAL_WINDOW",
    "CONFIRMERS",
    "DECIDED_STATES",
    "DECIDERS",
    "ECCP_MIN_MANAGEMENT_FTE",
    "ECCP_MIN_MEMBERS",
    "ECCP_MIN_MEMBER_TYPES",
    "HISTORY_LABELS",
    "OPEN_STATES",
    "SYSTEM_ACTOR_LABELS",
    "WITHDRAWABLE_STATES",
    "ApiToken",
    "Application",
    "ApplicationState",
    "Deadline",
    "DeadlineKind",
    "Effect",
    "EffectState",
    "Invitation",
    "InvitationRole",
    "InvitationState",
    "Level",
    "Membership",
    "Notice",
    "Notification",
    "Organisation",
    "OrganisationState",
    "Outcome",
    "Reminder",
    "Sector",
    "StateChange",
    "User",
    "UserManager",
    "nuts_code_validator",
    "reason_required",
]
