"""Services of the assessment: one function per user action (see each module)."""

from assessments.services.assignments import (
    application_assign_experts,
    assessment_submit,
    assignment_accept,
    assignment_create,
    assignment_decline,
    consensus_complete,
)
from assessments.services.decision import (
    application_confirm_decision,
    application_propose_decision,
    decision_check,
    decision_compute,
    decision_input_for,
    latest_recommendation,
    recommendation_compute,
)
from assessments.services.evidence import (
    check_upload,
    evidence_delete,
    evidence_open,
    evidence_upload,
)
from assessments.services.experts import (
    conflict_declare,
    conflict_withdraw,
    expert_eligibility,
    expert_suggestions,
)
from assessments.services.methodology import (
    current_methodology,
    methodology_load,
    methodology_publish,
)
from assessments.services.scoring import (
    agreement_rate,
    consensus_rows,
    consensus_value_save,
    improvement_area_validate,
    other_expert_scores,
    question_answer,
    question_ask,
    score_save,
    scores_visible_to,
    scoring_gaps,
)
from assessments.services.selfassessment import (
    answer_save,
    answers_save,
    improvement_area_add,
    improvement_area_remove,
    self_assessment_gaps,
    self_assessment_progress,
)

__all__ = [
    "agreement_rate",
    "answer_save",
    "answers_save",
    "application_assign_experts",
    "application_confirm_decision",
    "application_propose_decision",
    "assessment_submit",
    "assignment_accept",
    "assignment_create",
    "assignment_decline",
    "check_upload",
    "conflict_declare",
    "conflict_withdraw",
    "consensus_complete",
    "consensus_rows",
    "consensus_value_save",
    "current_methodology",
    "decision_check",
    "decision_compute",
    "decision_input_for",
    "evidence_delete",
    "evidence_open",
    "evidence_upload",
    "expert_eligibility",
    "expert_suggestions",
    "improvement_area_add",
    "improvement_area_remove",
    "improvement_area_validate",
    "latest_recommendation",
    "methodology_load",
    "methodology_publish",
    "other_expert_scores",
    "question_answer",
    "question_ask",
    "recommendation_compute",
    "score_save",
    "scores_visible_to",
    "scoring_gaps",
    "self_assessment_gaps",
    "self_assessment_progress",
]
