"""Services of the assessment: one function per user action (see each module)."""

from assessments.services.assignments import (
    application_assign_experts,
    assessment_submit,
    assignment_accept,
    assignment_create,
    assignment_decline,
    consensus_complete,
)
from assessments.services.methodology import (
    current_methodology,
    methodology_load,
    methodology_publish,
)
from assessments.services.selfassessment import (
    answer_save,
    improvement_area_add,
    improvement_area_remove,
    self_assessment_gaps,
    self_assessment_progress,
)

__all__ = [
    "answer_save",
    "application_assign_experts",
    "assessment_submit",
    "assignment_accept",
    "assignment_create",
    "assignment_decline",
    "consensus_complete",
    "current_methodology",
    "improvement_area_add",
    "improvement_area_remove",
    "methodology_load",
    "methodology_publish",
    "self_assessment_gaps",
    "self_assessment_progress",
]
