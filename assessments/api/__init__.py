"""The authenticated API of the assessment: methodology, self-assessment, evidence, improvement
areas, expert assignments, conflicts of interest, blind scoring, clarification questions,
consensus and the rules' recommendation.

Thin views, as in ``labelling.api``: the object is scoped to the caller first (``labelling``'s and
``assessments.selectors``, a 404 for what they may not see), then one service does the work and
its refusal becomes a problem detail (``labelling.api_errors``). What a person may read of the
scores is the services' decision (``scores_visible_to``, ``other_expert_scores``,
``consensus_rows``), so the API can never show a scoring the web page would hide.
"""

from __future__ import annotations

from django.urls import path

# Importing the views imports ``common``, which registers the ``indicator_code`` converter.
from assessments.api.assignments import (
    ApplicationAssignmentList,
    AssessmentSubmit,
    AssignExperts,
    AssignmentAccept,
    AssignmentDecline,
    AssignmentDetail,
    MyAssignmentList,
)
from assessments.api.conflicts import ConflictList, ConflictWithdraw
from assessments.api.consensus import ConsensusComplete, ConsensusRowList, ConsensusValueUpdate
from assessments.api.evidence import EvidenceDetail, EvidenceFile, EvidenceList
from assessments.api.improvement import ImprovementAreaDetail, ImprovementAreaList
from assessments.api.methodology import MethodologyDetail, MethodologyList
from assessments.api.questions import QuestionAnswer, QuestionList
from assessments.api.recommendation import RecommendationDetail
from assessments.api.scores import ScoreList, ScoreUpdate
from assessments.api.selfassessment import AnswerUpdate, SelfAssessmentDetail

urlpatterns = [
    path("methodologies/", MethodologyList.as_view(), name="api_methodologies"),
    path("methodologies/<int:pk>/", MethodologyDetail.as_view(), name="api_methodology"),
    path(
        "applications/<int:pk>/self-assessment/",
        SelfAssessmentDetail.as_view(),
        name="api_self_assessment",
    ),
    path(
        "applications/<int:pk>/self-assessment/<indicator_code:indicator_code>/",
        AnswerUpdate.as_view(),
        name="api_self_assessment_answer",
    ),
    path("applications/<int:pk>/evidence/", EvidenceList.as_view(), name="api_evidence_list"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/",
        EvidenceDetail.as_view(),
        name="api_evidence",
    ),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/file/",
        EvidenceFile.as_view(),
        name="api_evidence_file",
    ),
    path(
        "applications/<int:pk>/improvement-areas/",
        ImprovementAreaList.as_view(),
        name="api_improvement_areas",
    ),
    path(
        "applications/<int:pk>/improvement-areas/<int:area_pk>/",
        ImprovementAreaDetail.as_view(),
        name="api_improvement_area",
    ),
    path(
        "applications/<int:pk>/assignments/",
        ApplicationAssignmentList.as_view(),
        name="api_application_assignments",
    ),
    path(
        "applications/<int:pk>/assign-experts/",
        AssignExperts.as_view(),
        name="api_assign_experts",
    ),
    path("applications/<int:pk>/questions/", QuestionList.as_view(), name="api_questions"),
    path("applications/<int:pk>/consensus/", ConsensusRowList.as_view(), name="api_consensus"),
    # Before the indicator codes: "complete" is the action, never an indicator.
    path(
        "applications/<int:pk>/consensus/complete/",
        ConsensusComplete.as_view(),
        name="api_consensus_complete",
    ),
    path(
        "applications/<int:pk>/consensus/<indicator_code:indicator_code>/",
        ConsensusValueUpdate.as_view(),
        name="api_consensus_value",
    ),
    path(
        "applications/<int:pk>/recommendation/",
        RecommendationDetail.as_view(),
        name="api_recommendation",
    ),
    path("assignments/", MyAssignmentList.as_view(), name="api_assignments"),
    path("assignments/<int:pk>/", AssignmentDetail.as_view(), name="api_assignment"),
    path("assignments/<int:pk>/accept/", AssignmentAccept.as_view(), name="api_assignment_accept"),
    path(
        "assignments/<int:pk>/decline/",
        AssignmentDecline.as_view(),
        name="api_assignment_decline",
    ),
    path("assignments/<int:pk>/submit/", AssessmentSubmit.as_view(), name="api_assignment_submit"),
    path("assignments/<int:pk>/scores/", ScoreList.as_view(), name="api_scores"),
    path(
        "assignments/<int:pk>/scores/<indicator_code:indicator_code>/",
        ScoreUpdate.as_view(),
        name="api_score",
    ),
    path("questions/<int:pk>/answer/", QuestionAnswer.as_view(), name="api_question_answer"),
    path("conflicts/", ConflictList.as_view(), name="api_conflicts"),
    path("conflicts/<int:pk>/withdraw/", ConflictWithdraw.as_view(), name="api_conflict_withdraw"),
]
