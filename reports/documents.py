"""The certificate and the report of a label, as the PDF layer's data, from the database.

These are the only reads the rendering does; ``reports.pdf`` never touches the database.
Both documents are in the language of the organisation's first manager (English otherwise).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments.engine import LEVEL_RANK, LevelCode
from assessments.explanations import explanation_decimal, reason_text
from assessments.models import ConsensusValue, ImprovementArea, Recommendation
from assessments.services.decision import latest_recommendation
from assessments.services.experts import waived_conflicts
from assessments.services.selfassessment import required_indicators
from labelling.models import Application, Level, Organisation, Outcome
from labelling.notifications import site_url
from labelling.regions import region_name
from reports.models import Certificate, Label, LabelState
from reports.pdf.data import (
    CertificateData,
    DimensionResult,
    IndicatorRow,
    LevelShortfall,
    ReportData,
    peer_medians,
)
from reports.pdf.render import render_certificate_pdf, render_report_pdf


def verify_url(number: str) -> str:
    return site_url(reverse("verify", args=[number]))


def organisation_language(organisation: Organisation) -> str:
    """The language the organisation is written to in: its first manager's (English else)."""
    if organisation.language:
        return organisation.language
    manager = organisation.managers.filter(is_active=True).order_by("pk").first()
    return manager.language if manager else settings.LANGUAGE_CODE


def _language(label: Label) -> str:
    return organisation_language(label.organisation)


def _organisation_fields(label: Label | Application, language: str) -> dict[str, str]:
    organisation = label.organisation
    with translation.override(language):
        country = str(organisation.country.name)
    return {
        "organisation_name": organisation.name,
        "organisation_legal_name": organisation.legal_name,
        "country_name": country,
        "region": region_name(organisation.region),
    }


def certificate_data(certificate: Certificate) -> CertificateData:
    label = certificate.label
    language = _language(label)
    with translation.override(language):
        level_label = str(Level(label.level).label)
        methodology_name = label.application.methodology.name
    return CertificateData(
        number=certificate.number,
        level=label.level,
        level_label=level_label,
        valid_from=label.valid_from,
        valid_until=label.valid_until,
        issued_on=timezone.localdate(certificate.issued_at),
        verify_url=verify_url(certificate.number),
        methodology_name=methodology_name,
        signatory_name=settings.CERTIFICATE_SIGNATORY_NAME,
        signatory_function=settings.CERTIFICATE_SIGNATORY_FUNCTION,
        logo_path=settings.CERTIFICATE_LOGO,
        signature_path=settings.CERTIFICATE_SIGNATURE_IMAGE,
        score_pct=label.score_pct,
        language=language,
        **_organisation_fields(label, language),
    )


def _peer_dimension_scores(application: Application) -> tuple[dict[str, list[Decimal]], int]:
    """Dimension scores of the other organisations holding an active label under the same
    methodology (their latest recommendation each), and how many such peers there are."""
    peers = (
        Label.objects.filter(
            state=LabelState.ACTIVE,
            application__methodology__code=application.methodology.code,
        )
        .exclude(organisation=application.organisation_id)
        .values_list("application_id", flat=True)
    )
    latest: dict[int, dict] = {}
    for application_id, explanation in (
        Recommendation.objects.filter(application_id__in=peers)
        .order_by("application_id", "computed_at", "pk")
        .values_list("application_id", "explanation")
    ):
        latest[application_id] = explanation
    scores: dict[str, list[Decimal]] = {}
    for explanation in latest.values():
        for code, pct in explanation.get("dimension_scores", []):
            scores.setdefault(code, []).append(Decimal(pct))
    return scores, len(latest)


def _recommendations(application) -> list[str]:
    """What the experts wrote for the organisation: notes on the agreed values, and their
    verdicts on the improvement areas."""
    notes = [
        f"{value.indicator.code} {value.indicator.title}: {value.note}"
        for value in ConsensusValue.objects.filter(application=application)
        .exclude(note="")
        .select_related("indicator")
        .order_by("indicator__order")
    ]
    notes += [
        f"{area.title}: {area.validation_note}"
        for area in ImprovementArea.objects.filter(application=application).exclude(
            validation_note=""
        )
    ]
    return notes


def shortfalls_of(explanation: dict, awarded: str, requested: str) -> list[LevelShortfall]:
    """The levels above the awarded one, up to the one applied for, whose rules the
    recommendation found unmet, highest first, with their reasons in the active language."""
    floor, ceiling = LEVEL_RANK[LevelCode(awarded)], LEVEL_RANK[LevelCode(requested)]
    unmet = [
        check
        for check in explanation.get("checks", [])
        if not check.get("met") and floor < LEVEL_RANK[LevelCode(check["level"])] <= ceiling
    ]
    unmet.sort(key=lambda check: LEVEL_RANK[LevelCode(check["level"])], reverse=True)
    return [
        LevelShortfall(
            level=check["level"],
            level_label=str(Level(check["level"]).label),
            reasons=[reason_text(reason) for reason in check.get("reasons", [])],
        )
        for check in unmet
    ]


def report_data(certificate: Certificate) -> ReportData:
    """What the report shows, read in the language of the organisation's manager: the
    catalogue's strings and the methodology's own texts (titles, units, its name) alike."""
    language = _language(certificate.label)
    with translation.override(language):
        return _report_data(certificate.label.application, language, certificate)


def no_label_report_data(application: Application) -> ReportData:
    """The report of an assessment that ended without a label: the same findings, with the
    reasons each level was not reached, and no certificate."""
    language = organisation_language(application.organisation)
    with translation.override(language):
        return _report_data(application, language, None)


def _report_data(
    application: Application, language: str, certificate: Certificate | None
) -> ReportData:
    label = certificate.label if certificate is not None else None
    recommendation = latest_recommendation(application)
    explanation = recommendation.explanation if recommendation else {}
    results = {row["code"]: row for row in explanation.get("indicators", [])}
    self_assessed = dict(application.answers.values_list("indicator_id", "value"))
    indicators = list(required_indicators(application))
    peer_scores, peer_count = _peer_dimension_scores(application)
    medians = peer_medians(peer_scores)
    titles: dict[str, str] = {}
    for indicator in indicators:
        titles.setdefault(indicator.dimension.code, indicator.dimension.title)
    awarded = label.level if label is not None else Outcome.NONE
    level_label = str(Outcome(awarded).label)
    requested_label = str(Level(application.level).label)
    reasons = {code: reason_text(row.get("reason", "")) for code, row in results.items()}
    shortfalls = shortfalls_of(explanation, awarded, application.level)
    departed = application.recommended_outcome not in ("", awarded)
    scores = label if label is not None else recommendation
    areas = ImprovementArea.objects.filter(application=application).aggregate(
        declared=Count("pk"), validated=Count("pk", filter=Q(validated=True))
    )
    return ReportData(
        methodology_name=application.methodology.name,
        level=label.level if label is not None else "",
        level_label=level_label,
        gold_score_pct=scores.gold_score_pct if scores is not None else None,
        benchmark_score_pct=scores.benchmark_score_pct if scores is not None else None,
        requested_level=application.level,
        requested_level_label=requested_label,
        shortfalls=shortfalls,
        departure_reason=application.override_reason if departed else "",
        decided_on=timezone.localdate(
            application.decided_at or (certificate.issued_at if certificate else None)
        ),
        dimensions=[
            DimensionResult(
                code=code,
                title=titles.get(code, code),
                score_pct=Decimal(pct),
                peer_median_pct=medians.get(code),
            )
            for code, pct in explanation.get("dimension_scores", [])
        ],
        indicators=[
            IndicatorRow(
                code=indicator.code,
                title=indicator.title,
                dimension_code=indicator.dimension.code,
                self_assessed=self_assessed.get(indicator.pk),
                validated=explanation_decimal(results.get(indicator.code, {}).get("value")),
                unit=indicator.unit,
                light=results.get(indicator.code, {}).get("light", ""),
                threshold=indicator.threshold,
                passed=bool(results.get(indicator.code, {}).get("passed")),
                reason=reasons.get(indicator.code, ""),
                value_type=indicator.value_type,
                bronze_eligibility=indicator.bronze_eligibility,
                gold_minimum=indicator.gold_minimum,
                in_gold_set=indicator.in_gold_set,
            )
            for indicator in indicators
        ],
        recommendations=_recommendations(application),
        experts=expert_names(application),
        impartiality=impartiality_lines(application),
        improvement_areas_declared=areas["declared"],
        improvement_areas_validated=areas["validated"],
        peer_count=peer_count,
        language=language,
        certificate_number=certificate.number if certificate else "",
        valid_from=label.valid_from if label else None,
        valid_until=label.valid_until if label else None,
        verify_url=verify_url(certificate.number) if certificate else "",
        **_organisation_fields(application, language),
    )


def expert_labels(application: Application) -> dict[int, str]:
    """Each accepted expert's name in the documents: "Expert A", "Expert B" (lead first)
    unless the scheme names them (``REPORT_NAMES_EXPERTS``), in the active language."""
    experts = [
        a.expert
        for a in application.assignments.filter(status="accepted")
        .select_related("expert")
        .order_by("role", "assigned_at", "pk")
    ]
    if settings.REPORT_NAMES_EXPERTS:
        return {expert.pk: expert.full_name for expert in experts}
    return {
        expert.pk: gettext("Expert %(letter)s") % {"letter": chr(ord("A") + index)}
        for index, expert in enumerate(experts)
    }


def expert_names(application: Application) -> list[str]:
    return list(expert_labels(application).values())


def impartiality_lines(application: Application) -> list[str]:
    """The report's impartiality section: the experts' declarations, and every conflict the
    secretariat waived (four eyes) with its reason."""
    labels = expert_labels(application)
    lines = [
        gettext(
            "Each expert declared, before accepting the assignment, that they have no conflict "
            "of interest with the organisation."
        )
    ]
    for waiver in waived_conflicts(application):
        lines.append(
            gettext(
                "%(expert)s: a declared tie (%(tie)s) was identified and waived by the "
                "secretariat on %(date)s, confirmed by a second member: %(reason)s"
            )
            % {
                "expert": labels.get(waiver.declaration.expert_id, "?"),
                "tie": waiver.declaration.description,
                "date": timezone.localdate(waiver.decided_at).isoformat(),
                "reason": waiver.reason,
            }
        )
    return lines


def certificate_pdf(certificate: Certificate) -> bytes:
    """The signed certificate PDF of ``certificate``."""
    return render_certificate_pdf(certificate_data(certificate))


def report_pdf(certificate: Certificate) -> bytes:
    """The signed assessment report PDF that goes with ``certificate``."""
    return render_report_pdf(report_data(certificate))
