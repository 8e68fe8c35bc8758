"""Pages of the assessment: the manager's self-assessment and improvement areas (thin views over
assessments.services).

The application is scoped to the person first (404 otherwise); everyone who may see it may read
the self-assessment, and the form is there only for those the services let edit it (the
organisation's managers, while it is a draft). A refused value is shown next to its field, with
everything else that was typed kept on the page.

Each indicator's value and comment also save themselves on change (htmx posts that indicator's
fields to its dimension's save view): the view then answers with just that indicator's block and,
out of band, the progress, instead of redirecting.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments import selectors as assessment_selectors
from assessments import services
from assessments.engine import IndicatorResult
from assessments.forms import ImprovementAreaForm
from assessments.models import Dimension, Evidence, Indicator, Light, ValueType
from assessments.services.selfassessment import DimensionProgress, required_indicators
from assessments.views.scoring import BandRow, band_rows
from labelling import selectors
from labelling.exceptions import InvalidInput
from labelling.models import Application, Level
from labelling.rules import can


@dataclass(frozen=True)
class AnswerRow:
    """One indicator on the self-assessment page: what it asks, and what the manager gave."""

    indicator: Indicator
    bands: list[BandRow]
    #: What the value field shows: the stored value, or what was just typed when refused.
    value: str
    comment: str
    error: str
    #: The stored value's light and points (``None`` while there is no value).
    result: IndicatorResult | None
    evidence: list[Evidence]
    #: For yes/no and rubric indicators, the values to pick from; empty for a number.
    choices: list[tuple[str, str]]
    #: A renewal's value from the previous cycle, not confirmed or changed yet.
    carried_over: bool = False

    @property
    def value_label(self) -> str:
        return dict(self.choices).get(self.value, self.value)

    @property
    def light_label(self) -> str:
        return Light(self.result.light).label if self.result else ""


@dataclass(frozen=True)
class DimensionSection:
    dimension: Dimension
    progress: DimensionProgress
    rows: list[AnswerRow]


def _value_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _choices(indicator: Indicator) -> list[tuple[str, str]]:
    if indicator.value_type == ValueType.YES_NO:
        return [("1", _("Yes")), ("0", _("No"))]
    if indicator.value_type == ValueType.RUBRIC:
        levels = indicator.rubric or [""] * 4
        return [(str(n), f"{n} – {text}" if text else str(n)) for n, text in enumerate(levels)]
    return []


def _sections(
    application: Application, posted: dict[int, tuple[str, str]], errors: dict[int, str]
) -> list[DimensionSection]:
    """The assessed indicators dimension by dimension, each with its answer and evidence."""
    answers = {a.indicator_id: a for a in application.answers.all()}
    evidence = assessment_selectors.evidence_by_indicator(application=application)
    progress = {p.code: p for p in services.self_assessment_progress(application)}
    sections: dict[int, DimensionSection] = {}
    for indicator in required_indicators(application):
        answer = answers.get(indicator.pk)
        stored = answer.value if answer else None
        value, comment = posted.get(
            indicator.pk, (_value_text(stored), answer.comment if answer else "")
        )
        dimension = indicator.dimension
        section = sections.setdefault(
            dimension.pk, DimensionSection(dimension, progress[dimension.code], [])
        )
        section.rows.append(
            AnswerRow(
                indicator=indicator,
                bands=band_rows(indicator),
                value=value,
                comment=comment,
                error=errors.get(indicator.pk, ""),
                result=indicator.evaluate(stored) if stored is not None else None,
                evidence=evidence.get(indicator.pk, []),
                choices=_choices(indicator),
                carried_over=bool(answer and answer.carried_over),
            )
        )
    return list(sections.values())


def _progress_context(
    request: HttpRequest,
    application: Application,
    posted: dict[int, tuple[str, str]],
    errors: dict[int, str],
) -> dict[str, object]:
    """What the answers and the progress are drawn from, on the page and in an autosave's answer."""
    editable = can(request.user, "assessments.edit_self_assessment", application)
    return {
        "application": application,
        "editable": editable,
        "sections": _sections(application, posted, errors),
        "gaps": services.self_assessment_gaps(application) if editable else [],
    }


def _render_page(
    request: HttpRequest,
    application: Application,
    *,
    posted: dict[int, tuple[str, str]] | None = None,
    errors: dict[int, str] | None = None,
    refused_dimension: Dimension | None = None,
    area_form: ImprovementAreaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assessments/selfassessment.html",
        {
            **_progress_context(request, application, posted or {}, errors or {}),
            "refused_dimension": refused_dimension,
            "is_silver": application.level == Level.SILVER,
            "areas": application.improvement_areas.all(),
            "area_form": area_form or ImprovementAreaForm(),
            "carried_over": application.answers.filter(carried_over=True).count(),
        },
        status=status,
    )


def _render_saved(
    request: HttpRequest,
    application: Application,
    dimension: Dimension,
    posted: dict[Indicator, tuple[str, str]],
    refused: dict[int, str],
) -> HttpResponse:
    """The answer to an autosave (htmx): the saved indicators' blocks (a refused one keeps what
    was typed, its error next to the field), and out of band their save status and the progress.
    Also 200 when refused, as htmx swaps only successful answers."""
    typed = {i.pk: entry for i, entry in posted.items() if i.pk in refused}
    context = _progress_context(request, application, typed, refused)
    saved = {indicator.pk for indicator in posted}
    sections: list[DimensionSection] = context["sections"]
    return render(
        request,
        "assessments/_answer_saved.html",
        {
            **context,
            "rows": [row for s in sections for row in s.rows if row.indicator.pk in saved],
            "section": next((s for s in sections if s.dimension == dimension), None),
        },
    )


def _page_url(application: Application, anchor: str = "") -> str:
    url = reverse("self_assessment", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-assessment, dimension by dimension: a form for the manager while it is a draft,
    read-only for everyone else who may see the application."""
    application = selectors.application_get(user=request.user, pk=pk)
    return _render_page(request, application)


@login_required
@require_POST
def self_assessment_save(request: HttpRequest, pk: int, dimension_pk: int) -> HttpResponse:
    """Save one dimension's values and comments; the valid ones are kept even if some are not."""
    application = selectors.application_get(user=request.user, pk=pk)
    dimension = get_object_or_404(
        Dimension, pk=dimension_pk, methodology_id=application.methodology_id
    )
    # Only the fields sent are saved, so a missing field never clears a stored answer.
    posted = {
        indicator: (
            request.POST[f"value-{indicator.pk}"],
            request.POST.get(f"comment-{indicator.pk}", ""),
        )
        for indicator in required_indicators(application).filter(dimension=dimension)
        if f"value-{indicator.pk}" in request.POST
    }
    refused = services.answers_save(application=application, actor=request.user, answers=posted)
    if request.htmx:
        return _render_saved(request, application, dimension, posted, refused)
    if refused:
        return _render_page(
            request,
            application,
            posted={indicator.pk: entry for indicator, entry in posted.items()},
            errors=refused,
            refused_dimension=dimension,
            status=400,
        )
    messages.success(
        request,
        _("%(dimension)s saved.") % {"dimension": f"{dimension.code} {dimension.title}"},
    )
    return redirect(_page_url(application, f"dimension-{dimension.pk}"))


@login_required
@require_POST
def carried_over_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a renewal's carried-over value as it is (``indicator`` posted), or all of them."""
    application = selectors.application_get(user=request.user, pk=pk)
    indicator = None
    if request.POST.get("indicator"):
        indicator = get_object_or_404(
            required_indicators(application), pk=_int_or_none(request.POST["indicator"])
        )
    count = services.carried_over_confirm(
        application=application, actor=request.user, indicator=indicator
    )
    messages.success(
        request,
        ngettext("%(count)d value confirmed.", "%(count)d values confirmed.", count)
        % {"count": count},
    )
    anchor = f"answer-{indicator.pk}" if indicator else ""
    return redirect(_page_url(application, anchor))


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@login_required
@require_POST
def improvement_area_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    form = ImprovementAreaForm(request.POST)
    if form.is_valid():
        try:
            services.improvement_area_add(
                application=application, actor=request.user, **form.cleaned_data
            )
        except InvalidInput as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        else:
            messages.success(request, _("Improvement area added."))
            return redirect(_page_url(application, "improvement-areas"))
    return _render_page(request, application, area_form=form, status=400)


@login_required
@require_POST
def improvement_area_remove(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    area = get_object_or_404(application.improvement_areas, pk=area_pk)
    services.improvement_area_remove(area=area, actor=request.user)
    messages.success(request, _("Improvement area removed."))
    return redirect(_page_url(application, "improvement-areas"))


urlpatterns = [
    path("applications/<int:pk>/self-assessment/", self_assessment, name="self_assessment"),
    path(
        "applications/<int:pk>/self-assessment/confirm/",
        carried_over_confirm,
        name="carried_over_confirm",
    ),
    path(
        "applications/<int:pk>/self-assessment/<int:dimension_pk>/",
        self_assessment_save,
        name="self_assessment_save",
    ),
    path(
        "applications/<int:pk>/improvement-areas/",
        improvement_area_add,
        name="improvement_area_add",
    ),
    path(
        "applications/<int:pk>/improvement-areas/<int:area_pk>/remove/",
        improvement_area_remove,
        name="improvement_area_remove",
    ),
]
