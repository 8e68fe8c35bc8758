"""Pages of the assessment: the expert's blind scoring, the lead expert's consensus and the
clarification questions (thin views over assessments.services).

Objects are scoped to the person first (404 otherwise): an assignment to its own expert, an
application to those who may see it. What each may then see or do is the services' decision
(the blind rule lives in ``scores_visible_to`` and ``consensus_rows``); their refusals are shown
by ``ServiceErrorMiddleware`` with their status and message.

Each indicator's value saves itself on change (htmx): the save views then answer with just that
indicator's block, re-rendered by the same partial as the page, instead of redirecting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import selectors as assessment_selectors
from assessments import services
from assessments.engine import VALUE_RANGES, WHOLE_NUMBER_TYPES, ValueType
from assessments.models import (
    Assignment,
    AssignmentStatus,
    ClarificationQuestion,
    ConsensusValue,
    Dimension,
    Evidence,
    ExpertScore,
    Indicator,
    Light,
    SelfAssessmentAnswer,
)
from assessments.services.selfassessment import required_indicators
from labelling import selectors
from labelling.exceptions import InvalidInput
from labelling.models import Application, ApplicationState
from labelling.rules import can
from labelling.selectors import visible_applications

# --- Presentation helpers ----------------------------------------------------------------------


@dataclass(frozen=True)
class BandRow:
    """One traffic-light band as the expert reads it: which values give which light."""

    values: str
    light: str
    light_label: str
    points: int


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def band_rows(indicator: Indicator) -> list[BandRow]:
    """The indicator's bands as value ranges (whole numbers as "15–49", others "from 0.5")."""
    kind = ValueType(indicator.value_type)
    # The upper ends of counts and amounts are sanity bounds, not a top anyone scores: their
    # last band reads "or more".
    highest = None if kind in (ValueType.COUNT, ValueType.AMOUNT) else VALUE_RANGES[kind][1]
    lows = [Decimal(str(band["from"])) for band in indicator.bands]
    rows = []
    for n, band in enumerate(indicator.bands):
        low = lows[n]
        following = lows[n + 1] if n + 1 < len(lows) else None
        if kind in WHOLE_NUMBER_TYPES:
            high = following - 1 if following is not None else highest
            if high is None:
                values = _("%(low)s or more") % {"low": _number(low)}
            elif high == low:
                values = _number(low)
            else:
                values = f"{_number(low)}–{_number(high)}"
        elif following is not None:
            values = _("%(low)s to under %(high)s") % {
                "low": _number(low),
                "high": _number(following),
            }
        elif highest is not None:
            values = f"{_number(low)}–{_number(highest)}"
        else:
            values = _("%(low)s or more") % {"low": _number(low)}
        light = Light(band["light"])
        rows.append(BandRow(values, light.value, light.label, int(band["points"])))
    return rows


@dataclass(frozen=True)
class Entry:
    """What a value form shows: the stored value and note, or, when a save was refused, what was
    typed (so nothing is lost) and the refusal, shown next to its field."""

    value: str = ""
    #: The expert's justification, or the lead expert's consensus note.
    note: str = ""
    error: str = ""
    #: Which field was refused: "value", "note", or another service field (shown above both).
    field: str = ""

    @classmethod
    def stored(cls, value: Decimal, note: str) -> Entry:
        return cls(_number(value), note)

    @classmethod
    def refused(cls, request: HttpRequest, note_field: str, invalid: InvalidInput) -> Entry:
        return cls(
            request.POST.get("value", ""),
            request.POST.get(note_field, ""),
            invalid.message,
            "note" if invalid.field == note_field else invalid.field or "",
        )

    @property
    def value_error(self) -> str:
        return self.error if self.field == "value" else ""

    @property
    def note_error(self) -> str:
        return self.error if self.field == "note" else ""

    @property
    def other_error(self) -> str:
        return "" if self.field in ("value", "note") else self.error


@dataclass(frozen=True)
class ScoringRow:
    """One indicator on the expert's scoring page."""

    indicator: Indicator
    bands: list[BandRow]
    answer: SelfAssessmentAnswer | None
    mine: ExpertScore | None
    others: list[ExpertScore]
    entry: Entry
    #: The organisation's files for this indicator (left empty in an autosave's answer, which
    #: re-renders only the value form).
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class ScoringSection:
    """One dimension of the scoring page: how far the expert is, and the rows shown (all of
    them, or only those still to score)."""

    dimension: Dimension
    scored: int
    total: int
    rows: list[ScoringRow]


def scoring_sections(rows: list[ScoringRow], *, todo: bool = False) -> list[ScoringSection]:
    """``rows`` dimension by dimension, in their order. The counts are over every row, so the
    navigation stays right when ``todo`` leaves out the rows already scored; a dimension left
    empty is still there, as the navigation links to it."""
    grouped: dict[Dimension, list[ScoringRow]] = {}
    for row in rows:
        grouped.setdefault(row.indicator.dimension, []).append(row)
    return [
        ScoringSection(
            dimension=dimension,
            scored=sum(1 for row in group if row.mine),
            total=len(group),
            rows=[row for row in group if not (todo and row.mine)],
        )
        for dimension, group in grouped.items()
    ]


def _scoring_rows(
    assignment: Assignment, viewer, evidence: dict[int, list[Evidence]] | None = None
) -> list[ScoringRow]:
    """A row for every indicator the level is assessed on, with the files of ``evidence`` (by
    indicator id)."""
    application = assignment.application
    answers = {a.indicator_id: a for a in application.answers.all()}
    mine: dict[int, ExpertScore] = {}
    others: dict[int, list[ExpertScore]] = {}
    # The blind rule: before every expert has submitted, only the viewer's own scores come back.
    for score in services.scores_visible_to(application=application, viewer=viewer):
        if score.assignment_id == assignment.pk:
            mine[score.indicator_id] = score
        else:
            others.setdefault(score.indicator_id, []).append(score)
    return [
        ScoringRow(
            i,
            band_rows(i),
            answers.get(i.pk),
            mine.get(i.pk),
            others.get(i.pk, []),
            Entry.stored(mine[i.pk].value, mine[i.pk].justification) if i.pk in mine else Entry(),
            (evidence or {}).get(i.pk, []),
        )
        for i in required_indicators(application)
    ]


def _own_assignment(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("application__organisation", "application__methodology"),
        pk=pk,
        expert=request.user,
    )


def _indicator_of(application: Application, pk: int) -> Indicator:
    return get_object_or_404(Indicator, pk=pk, methodology_id=application.methodology_id)


# --- Scoring ---------------------------------------------------------------------------------


def _scoring_editable(assignment: Assignment) -> bool:
    return (
        assignment.application.state == ApplicationState.IN_ASSESSMENT
        and assignment.status == AssignmentStatus.ACCEPTED
        and not assignment.scores_submitted_at
    )


def _todo(request: HttpRequest) -> bool:
    """Whether only the indicators still to score are shown: ``?todo=1`` on the page; the value
    forms carry it in a hidden field, so that a save's answer and redirect keep to that view."""
    data = request.POST if request.method == "POST" else request.GET
    return data.get("todo") == "1"


def _progress_context(rows: list[ScoringRow], todo: bool) -> dict[str, object]:
    """The navigation by dimension with the expert's counts, on the page and, out of band, in
    every autosave's answer."""
    return {
        "sections": scoring_sections(rows, todo=todo),
        "todo": todo,
        "to_score": sum(1 for row in rows if not row.mine),
    }


@login_required
def scoring(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's own scoring form, grouped by dimension, with the organisation's evidence
    beside each indicator and the scoring's due date; ``?todo=1`` shows only what is still to
    score."""
    assignment = _own_assignment(request, pk)
    application = assignment.application
    evidence = assessment_selectors.evidence_by_indicator(application=application)
    rows = _scoring_rows(assignment, request.user, evidence=evidence)
    return render(
        request,
        "assessments/scoring.html",
        {
            "assignment": assignment,
            "application": application,
            **_progress_context(rows, _todo(request)),
            "deadline": assessment_selectors.scoring_deadline(assignment=assignment),
            "editable": _scoring_editable(assignment),
            "gaps": services.scoring_gaps(assignment),
        },
    )


def _render_score(
    request: HttpRequest, assignment: Assignment, indicator: Indicator, refused: Entry | None
) -> HttpResponse:
    """The answer to an autosave (htmx): the indicator's block with its light and points, and
    out of band the save status, the navigation's counts and what is still to score. Also 200
    when refused, as htmx swaps only successful answers."""
    rows = _scoring_rows(assignment, request.user)
    row = next(row for row in rows if row.indicator.pk == indicator.pk)
    return render(
        request,
        "assessments/_score_saved.html",
        {
            "assignment": assignment,
            "row": replace(row, entry=refused) if refused else row,
            **_progress_context(rows, _todo(request)),
            "editable": _scoring_editable(assignment),
            "refused": refused is not None,
            "gaps": services.scoring_gaps(assignment),
        },
    )


def _scoring_url(assignment: Assignment, indicator: Indicator, todo: bool) -> str:
    """Where a save without htmx goes back to: the indicator; or, when only what is still to
    score is shown (where a scored indicator is no longer), its dimension."""
    url = reverse("scoring", args=[assignment.pk])
    if todo:
        return f"{url}?todo=1#dimension-{indicator.dimension_id}"
    return f"{url}#indicator-{indicator.pk}"


@login_required
@require_POST
def score_save(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    indicator = _indicator_of(assignment.application, indicator_pk)
    target = _scoring_url(assignment, indicator, _todo(request))
    try:
        score = services.score_save(
            assignment=assignment,
            indicator=indicator,
            actor=request.user,
            value=request.POST.get("value", ""),
            justification=request.POST.get("justification", ""),
        )
    except InvalidInput as invalid:
        if request.htmx:
            refused = Entry.refused(request, "justification", invalid)
            return _render_score(request, assignment, indicator, refused)
        messages.error(request, f"{indicator.code}: {invalid.message}")
        return redirect(target)
    if request.htmx:
        return _render_score(request, assignment, indicator, None)
    messages.success(
        request,
        _("%(code)s saved: %(light)s, %(points)s points.")
        % {"code": indicator.code, "light": score.get_light_display(), "points": score.points},
    )
    return redirect(target)


# --- Consensus -------------------------------------------------------------------------------


@login_required
def consensus(request: HttpRequest, pk: int) -> HttpResponse:
    """Both scorings side by side; the lead expert records the consensus per indicator."""
    application = selectors.application_get(user=request.user, pk=pk)
    rows = services.consensus_rows(application=application, viewer=request.user)
    return render(
        request,
        "assessments/consensus.html",
        {
            "application": application,
            "rows": [
                (row, band_rows(row.indicator), _consensus_entry(row.consensus)) for row in rows
            ],
            "experts": application.assignments.filter(status=AssignmentStatus.ACCEPTED)
            .select_related("expert")
            .order_by("role"),
            "can_settle": _can_settle(request, application),
            "differing": sum(1 for row in rows if row.experts_differ),
        },
    )


def _can_settle(request: HttpRequest, application: Application) -> bool:
    return application.state == ApplicationState.CONSENSUS and can(
        request.user, "labelling.settle_consensus", application
    )


def _consensus_entry(consensus: ConsensusValue | None) -> Entry:
    """What the consensus form of an indicator shows before anything is typed."""
    return Entry.stored(consensus.value, consensus.note) if consensus else Entry()


def _render_consensus_value(
    request: HttpRequest, application: Application, indicator: Indicator, refused: Entry | None
) -> HttpResponse:
    """The answer to an autosave (htmx): the indicator's consensus cell with its light and points,
    and the save status out of band. Also 200 when refused, as htmx swaps only successful answers.
    """
    consensus = application.consensus_values.filter(indicator=indicator).first()
    return render(
        request,
        "assessments/_consensus_saved.html",
        {
            "application": application,
            "indicator": indicator,
            "consensus": consensus,
            "entry": refused or _consensus_entry(consensus),
            "can_settle": _can_settle(request, application),
            "refused": refused is not None,
        },
    )


@login_required
@require_POST
def consensus_value_save(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    indicator = _indicator_of(application, indicator_pk)
    target = reverse("consensus", args=[application.pk]) + f"#indicator-{indicator.pk}"
    try:
        value = services.consensus_value_save(
            application=application,
            indicator=indicator,
            actor=request.user,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
        )
    except InvalidInput as invalid:
        if request.htmx:
            refused = Entry.refused(request, "note", invalid)
            return _render_consensus_value(request, application, indicator, refused)
        messages.error(request, f"{indicator.code}: {invalid.message}")
        return redirect(target)
    if request.htmx:
        return _render_consensus_value(request, application, indicator, None)
    messages.success(
        request,
        _("%(code)s consensus recorded: %(light)s, %(points)s points.")
        % {"code": indicator.code, "light": value.get_light_display(), "points": value.points},
    )
    return redirect(target)


# --- Clarification questions -----------------------------------------------------------------


class QuestionForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator (optional)"),
        queryset=Indicator.objects.none(),
        required=False,
    )
    text = forms.CharField(label=gettext_lazy("Question"), widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(
        label=gettext_lazy("Answer due by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, application: Application, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = required_indicators(application)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 5}))


def _render_form(request, *, application, form, title, question=None, status=200):
    return render(
        request,
        "assessments/question_form.html",
        {"application": application, "form": form, "title": title, "question": question},
        status=status,
    )


def _form_refused(form: forms.Form, invalid: InvalidInput) -> None:
    form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)


@login_required
def question_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The application's questions and answers, for everyone who may see the application."""
    application = selectors.application_get(user=request.user, pk=pk)
    open_states = (ApplicationState.IN_ASSESSMENT, ApplicationState.CONSENSUS)
    return render(
        request,
        "assessments/questions.html",
        {
            "application": application,
            "questions": application.questions.select_related(
                "indicator", "asked_by", "answered_by"
            ),
            "can_ask": application.state in open_states
            and can(request.user, "labelling.score_application", application),
            "can_answer": application.state in open_states
            and can(request.user, "assessments.answer_question", application),
        },
    )


@login_required
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    if not can(request.user, "labelling.score_application", application):
        raise PermissionDenied(_("Only the application's experts ask clarification questions."))
    form = QuestionForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_ask(application=application, actor=request.user, **form.cleaned_data)
        except InvalidInput as invalid:
            _form_refused(form, invalid)
        else:
            messages.success(request, _("Question sent to the organisation's managers."))
            return redirect("question_list", pk=application.pk)
    return _render_form(
        request,
        application=application,
        form=form,
        title=_("Ask the organisation a question"),
        status=400 if form.errors else 200,
    )


@login_required
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        ClarificationQuestion.objects.select_related("application__organisation", "indicator"),
        pk=pk,
        application__in=visible_applications(request.user),
    )
    application = question.application
    if not can(request.user, "assessments.answer_question", application):
        raise PermissionDenied(_("Only the organisation's managers answer the experts' questions."))
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(
                question=question, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except InvalidInput as invalid:
            _form_refused(form, invalid)
        else:
            messages.success(request, _("Answer sent to the experts."))
            return redirect("question_list", pk=application.pk)
    return _render_form(
        request,
        application=application,
        form=form,
        title=_("Answer the experts' question"),
        question=question,
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("assignments/<int:pk>/scoring/", scoring, name="scoring"),
    path(
        "assignments/<int:pk>/scoring/<int:indicator_pk>/",
        score_save,
        name="score_save",
    ),
    path("applications/<int:pk>/consensus/", consensus, name="consensus"),
    path(
        "applications/<int:pk>/consensus/<int:indicator_pk>/",
        consensus_value_save,
        name="consensus_value_save",
    ),
    path("applications/<int:pk>/questions/", question_list, name="question_list"),
    path("applications/<int:pk>/questions/new/", question_ask, name="question_ask"),
    path("questions/<int:pk>/answer/", question_answer, name="question_answer"),
]
