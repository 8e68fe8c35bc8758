"""What the assessment holds about a person, for their export and their erasure
(``labelling.privacy``, through ``labelling.extensions.personal_data`` and
``personal_data_erasers``; ``assessments.plugin`` registers both).

Other people appear by their role only: whoever recorded or withdrew an expert's declaration is
"you" or "the secretariat", the expert who asked a question is "an expert".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from assessments.models import (
    Assignment,
    ClarificationQuestion,
    ConflictDeclaration,
    ConsensusValue,
    Evidence,
    ExpertProfile,
    ExpertScore,
    ImprovementArea,
    SelfAssessmentAnswer,
)
from labelling.extensions import PersonalData
from labelling.models import User
from labelling.privacy import application_reference


def _by(person: User, user_id: int | None) -> str | None:
    """Who did something to the person's record, as their export may say it."""
    if user_id is None:
        return None
    return _("you") if user_id == person.pk else _("the secretariat")


def _indicator(row) -> str | None:
    return row.indicator.code if row.indicator_id else None


def _expert_profile(person: User) -> dict | None:
    profile = ExpertProfile.objects.filter(user=person).first()
    if profile is None:
        return None
    return {
        "accredited_from": profile.accredited_from,
        "accredited_until": profile.accredited_until,
        "may_assess": [
            level for level in ("bronze", "silver", "gold") if profile.may_assess(level)
        ],
        "countries_of_expertise": [country.code for country in profile.countries],
        "languages": profile.languages,
        "sectors": sorted(profile.sectors.values_list("code", flat=True)),
    }


def _declarations(person: User) -> list[dict]:
    return [
        {
            "organisation": declaration.organisation.name,
            "nature_of_the_tie": declaration.description,
            "declared_at": declaration.declared_at,
            "recorded_by": _by(person, declaration.declared_by_id),
            "withdrawn_at": declaration.withdrawn_at,
            "withdrawn_by": _by(person, declaration.withdrawn_by_id),
            "reason_for_withdrawing": declaration.withdrawal_reason,
        }
        for declaration in ConflictDeclaration.objects.filter(expert=person).select_related(
            "organisation"
        )
    ]


def _assignments(person: User) -> list[dict]:
    return [
        {
            **application_reference(assignment.application),
            "role": assignment.role,
            "status": assignment.status,
            "assigned_at": assignment.assigned_at,
            "responded_at": assignment.responded_at,
            "no_conflict_declared_at": assignment.no_conflict_declared_at,
            "reason_for_declining": assignment.decline_reason,
            "scoring_submitted_at": assignment.scores_submitted_at,
        }
        for assignment in Assignment.objects.filter(expert=person)
        .select_related("application__organisation")
        .order_by("assigned_at", "pk")
    ]


def _scores(person: User) -> list[dict]:
    return [
        {
            **application_reference(score.assignment.application),
            "indicator": score.indicator.code,
            "value": score.value,
            "light": score.light,
            "points": score.points,
            "justification": score.justification,
            "updated_at": score.updated_at,
        }
        for score in ExpertScore.objects.filter(assignment__expert=person)
        .select_related("assignment__application__organisation", "indicator")
        .order_by("assignment__application_id", "indicator__order", "pk")
    ]


def _questions_asked(person: User) -> list[dict]:
    return [
        {
            **application_reference(question.application),
            "indicator": _indicator(question),
            "question": question.text,
            "asked_at": question.created_at,
            "answer_due": question.due_date,
            "answer": question.answer,
            "answered_at": question.answered_at,
        }
        for question in ClarificationQuestion.objects.filter(asked_by=person)
        .select_related("application__organisation", "indicator")
        .order_by("created_at", "pk")
    ]


def _answers_given(person: User) -> list[dict]:
    return [
        {
            **application_reference(question.application),
            "indicator": _indicator(question),
            "question_of_an_expert": question.text,
            "answer": question.answer,
            "answered_at": question.answered_at,
        }
        for question in ClarificationQuestion.objects.filter(answered_by=person)
        .select_related("application__organisation", "indicator")
        .order_by("answered_at", "pk")
    ]


def _self_assessment(person: User) -> list[dict]:
    return [
        {
            **application_reference(answer.application),
            "indicator": answer.indicator.code,
            "value": answer.value,
            "comment": answer.comment,
            "updated_at": answer.updated_at,
        }
        for answer in SelfAssessmentAnswer.objects.filter(updated_by=person)
        .select_related("application__organisation", "indicator")
        .order_by("application_id", "indicator__order", "pk")
    ]


def _evidence(person: User) -> list[dict]:
    return [
        {
            **application_reference(evidence.application),
            "file_name": evidence.original_name,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "sha256": evidence.sha256,
            "uploaded_at": evidence.uploaded_at,
            "removed_after_retention_on": evidence.purged_at,
        }
        for evidence in Evidence.objects.filter(uploaded_by=person)
        .select_related("application__organisation")
        .order_by("uploaded_at", "pk")
    ]


def _consensus_notes(person: User) -> list[dict]:
    return [
        {
            **application_reference(value.application),
            "indicator": value.indicator.code,
            "value": value.value,
            "light": value.light,
            "note": value.note,
            "settled_at": value.settled_at,
        }
        for value in ConsensusValue.objects.filter(settled_by=person)
        .select_related("application__organisation", "indicator")
        .order_by("application_id", "indicator__order", "pk")
    ]


def _validations(person: User) -> list[dict]:
    return [
        {
            **application_reference(area.application),
            "improvement_area": area.title,
            "validated": area.validated,
            "note": area.validation_note,
        }
        for area in ImprovementArea.objects.filter(validated_by=person)
        .select_related("application__organisation")
        .order_by("created_at", "pk")
    ]


def personal_data(person: User) -> dict[str, PersonalData]:
    """The assessment's sections of ``person``'s export."""
    return {
        "expert_profile": PersonalData(
            _("your expert profile: accreditation, levels, countries, languages and sectors"),
            _expert_profile(person),
        ),
        "conflict_of_interest_declarations": PersonalData(
            _("your declared ties to organisations, and their withdrawal"),
            _declarations(person),
        ),
        "assignments": PersonalData(
            _("the applications you were invited to assess, and your answers"),
            _assignments(person),
        ),
        "scores": PersonalData(
            _("the values, lights and justifications you gave as an expert"),
            _scores(person),
        ),
        "clarification_questions_asked": PersonalData(
            _("the questions you asked an organisation, and its answers"),
            _questions_asked(person),
        ),
        "clarification_answers_given": PersonalData(
            _("the answers you gave to experts' questions"),
            _answers_given(person),
        ),
        "self_assessment_answers": PersonalData(
            _("the self-assessment values and comments you saved last"),
            _self_assessment(person),
        ),
        "evidence_uploaded": PersonalData(
            _("the evidence files you uploaded: name, kind, size and SHA-256"),
            _evidence(person),
        ),
        "consensus_notes": PersonalData(
            _("the consensus values and notes you settled as lead expert"),
            _consensus_notes(person),
        ),
        "improvement_area_validations": PersonalData(
            _("your validations of organisations' improvement areas"),
            _validations(person),
        ),
    }


def erase_personal_fields(person: User) -> None:
    """Blank the expert profile's personal fields (countries of expertise, languages,
    sectors). Accreditation dates and levels stay: they are the scheme's record of whom it
    let assess, as the assignments and scores that point at the person are."""
    profile = ExpertProfile.objects.filter(user=person).first()
    if profile is None:
        return
    profile.countries = []
    profile.languages = []
    profile.save(update_fields=["countries", "languages"])
    profile.sectors.clear()
