"""Models of the assessment: methodology, experts, assignments, self-assessment, scoring."""

from assessments.models.assignments import Assignment, AssignmentRole, AssignmentStatus
from assessments.models.experts import (
    ConflictDeclaration,
    ConflictWaiver,
    ExpertProfile,
    WaiverState,
)
from assessments.models.methodology import (
    Dimension,
    Indicator,
    Light,
    MethodologyLocked,
    MethodologyState,
    MethodologyVersion,
    ValueType,
)
from assessments.models.scoring import (
    ClarificationQuestion,
    ConsensusValue,
    ExpertScore,
    Recommendation,
)
from assessments.models.selfassessment import Evidence, ImprovementArea, SelfAssessmentAnswer

__all__ = [
    "Assignment",
    "AssignmentRole",
    "AssignmentStatus",
    "ClarificationQuestion",
    "ConflictDeclaration",
    "ConflictWaiver",
    "ConsensusValue",
    "Dimension",
    "Evidence",
    "ExpertProfile",
    "ExpertScore",
    "ImprovementArea",
    "Indicator",
    "Light",
    "MethodologyLocked",
    "MethodologyState",
    "MethodologyVersion",
    "Recommendation",
    "SelfAssessmentAnswer",
    "ValueType",
    "WaiverState",
]
