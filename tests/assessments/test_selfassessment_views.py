"""Self-assessment pages: the manager's form per dimension with its progress, errors next to the
field without losing what was typed, evidence uploaded and downloaded through the page, and a
read-only page for everyone else who may see the application."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import AssignmentStatus, Evidence, ImprovementArea, SelfAssessmentAnswer
from labelling.models import ApplicationState as S
from labelling.models import Level
from tests import factories

PDF = factories.PDF_BYTES


@pytest.fixture
def draft(organisation, manager):
    """A BRONZE draft with nothing self-assessed yet."""
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, self_assessed=False
    )


@pytest.fixture
def submitted(organisation, manager, lead_expert):
    """A submitted application, complete, with ``lead_expert`` invited."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.EXPERTS_ASSIGNED
    )
    factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.INVITED
    )
    return application


@pytest.fixture
def unassigned_expert(db):
    return factories.ExpertFactory(email="unassigned@example.org")


def _html(response) -> str:
    return response.content.decode()


def _page(application) -> str:
    return reverse("self_assessment", args=[application.pk])


def _indicator(application, code):
    return application.methodology.indicators.get(code=code)


def _dimension(application, code):
    return application.methodology.dimensions.get(code=code)


def _save_url(application, dimension_code) -> str:
    dimension = _dimension(application, dimension_code)
    return reverse("self_assessment_save", args=[application.pk, dimension.pk])


def _fields(application, values: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The POST data of a dimension's form: ``{code: (value, comment)}``."""
    data = {}
    for code, (value, comment) in values.items():
        pk = _indicator(application, code).pk
        data[f"value-{pk}"] = value
        data[f"comment-{pk}"] = comment
    return data


def _answers(application) -> dict[str, tuple[Decimal | None, str]]:
    return {
        a.indicator.code: (a.value, a.comment)
        for a in SelfAssessmentAnswer.objects.filter(application=application)
    }


def _article(html: str, indicator) -> str:
    """The part of the page about one indicator."""
    match = re.search(
        rf'<article class="indicator" id="indicator-{indicator.pk}">.*?</article>', html, re.S
    )
    assert match, f"no article for {indicator.code}"
    return match.group(0)


# --- The page ----------------------------------------------------------------------------


def test_self_assessment_page_shows_each_dimension_with_its_progress(client, draft, manager):
    SelfAssessmentAnswer.objects.create(
        application=draft, indicator=_indicator(draft, "STR-1"), value=42, updated_by=manager
    )
    client.force_login(manager)

    response = client.get(_page(draft))

    html = _html(response)
    assert response.status_code == 200
    assert "STR Structure of the cluster" in html
    assert "GOV Cluster management and governance" in html
    assert "1 of 2 answered (50 %)" in html
    assert "0 of 3 answered (0 %)" in html
    assert reverse("self_assessment_save", args=[draft.pk, _dimension(draft, "STR").pk]) in html


def test_self_assessment_page_shows_what_each_indicator_asks(client, draft, manager):
    client.force_login(manager)

    html = _html(client.get(_page(draft)))

    str_1 = _article(html, _indicator(draft, "STR-1"))
    assert "STR-1 Committed members" in str_1
    assert "Count (members)" in str_1
    assert "Evidence required: Member list with commitment letters" in str_1
    assert "15–49" in str_1  # the yellow band
    assert "minimum requirement" in str_1
    gov_2 = _article(html, _indicator(draft, "GOV-2"))
    assert "elected board with decision rights" in gov_2  # the rubric's top level
    assert '<option value="3">3 – elected board with decision rights</option>' in gov_2


def test_self_assessment_page_shows_the_saved_value_comment_and_light(client, draft, manager):
    SelfAssessmentAnswer.objects.create(
        application=draft,
        indicator=_indicator(draft, "STR-1"),
        value=Decimal("42.00"),
        comment="Letters from 42 members",
        updated_by=manager,
    )
    client.force_login(manager)

    str_1 = _article(_html(client.get(_page(draft))), _indicator(draft, "STR-1"))

    assert 'value="42"' in str_1
    assert "Letters from 42 members</textarea>" in str_1
    assert '<span class="light light-yellow">Yellow</span>, 1 point' in str_1


def test_self_assessment_page_lists_what_is_missing_before_submit(client, draft, manager):
    client.force_login(manager)

    html = _html(client.get(_page(draft)))

    assert "Still missing before you can submit" in html
    assert "STR-2 Share of SMEs among members: no value yet." in html


@pytest.mark.parametrize("viewer", ["lead_expert", "secretariat", "manager"])
def test_self_assessment_page_is_read_only_for_experts_secretariat_and_after_submission(
    client, submitted, request, viewer
):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(_page(submitted))

    html = _html(response)
    assert response.status_code == 200
    assert "STR-1 Committed members" in html
    assert "Read-only" in html
    assert 'name="value-' not in html
    assert "self-assessment/" + str(_dimension(submitted, "STR").pk) not in html
    assert 'type="file"' not in html
    evidence = submitted.evidence.get(indicator__code="STR-1")
    assert reverse("evidence_download", args=[submitted.pk, evidence.pk]) in html
    assert reverse("evidence_delete", args=[submitted.pk, evidence.pk]) not in html


@pytest.mark.parametrize("viewer", ["other_manager", "unassigned_expert", "outsider"])
def test_self_assessment_page_for_anyone_else_is_not_found(client, draft, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(_page(draft))

    assert response.status_code == 404


def test_self_assessment_page_when_logged_out_redirects_to_the_login(client, draft):
    response = client.get(_page(draft))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Saving a dimension ------------------------------------------------------------------


def test_saving_a_dimension_stores_its_values_and_comments(client, draft, manager):
    client.force_login(manager)

    response = client.post(
        _save_url(draft, "STR"),
        _fields(draft, {"STR-1": ("42", "Letters"), "STR-2": ("33,5", "Register")}),
    )

    assert response.status_code == 302
    assert response.url == f"{_page(draft)}#dimension-{_dimension(draft, 'STR').pk}"
    assert _answers(draft) == {
        "STR-1": (Decimal(42), "Letters"),
        "STR-2": (Decimal("33.5"), "Register"),
    }
    assert "STR Structure of the cluster saved." in _html(client.get(response.url))


def test_saving_a_dimension_leaves_the_fields_not_sent_alone(client, draft, manager):
    SelfAssessmentAnswer.objects.create(
        application=draft, indicator=_indicator(draft, "STR-2"), value=40, updated_by=manager
    )
    client.force_login(manager)

    client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "")}))

    assert _answers(draft) == {"STR-1": (Decimal(42), ""), "STR-2": (Decimal(40), "")}


def test_saving_a_dimension_ignores_indicators_of_other_dimensions(client, draft, manager):
    client.force_login(manager)

    client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", ""), "GOV-1": ("1", "")}))

    assert set(_answers(draft)) == {"STR-1"}


def test_saving_an_invalid_value_shows_the_error_next_to_the_field_and_keeps_the_others(
    client, draft, manager
):
    client.force_login(manager)

    response = client.post(
        _save_url(draft, "STR"),
        _fields(draft, {"STR-1": ("42", "Letters"), "STR-2": ("150", "Twice counted")}),
    )

    html = _html(response)
    assert response.status_code == 400
    str_2 = _article(html, _indicator(draft, "STR-2"))
    assert "Enter a value from 0 to 100." in str_2
    assert 'value="150"' in str_2  # what was typed is still there to correct
    assert "Twice counted</textarea>" in str_2
    str_1 = _article(html, _indicator(draft, "STR-1"))
    assert 'value="42"' in str_1
    assert "Letters</textarea>" in str_1
    assert "Enter a value" not in str_1
    assert _answers(draft) == {"STR-1": (Decimal(42), "Letters")}


@pytest.mark.parametrize("typed", ["1E+400", "NaN", "Infinity", "1e15", "-1"])
def test_saving_a_value_no_indicator_takes_shows_the_error_next_to_the_field(
    client, draft, manager, typed
):
    client.force_login(manager)

    response = client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": (typed, "")}))

    assert response.status_code == 400
    str_1 = _article(_html(response), _indicator(draft, "STR-1"))
    assert re.search(r"Enter a (number|value from 0 to 1,000,000)\.", str_1)
    assert _answers(draft) == {}


def test_saving_a_comment_with_a_nul_character_answers_400_and_stores_nothing(
    client, draft, manager
):
    client.force_login(manager)

    response = client.post(
        _save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "Letters\x00")})
    )

    assert response.status_code == 400
    assert "Null characters are not allowed." in _html(response)
    assert _answers(draft) == {}


def test_saving_a_dimension_after_submission_is_forbidden(client, submitted, manager):
    client.force_login(manager)

    response = client.post(_save_url(submitted, "STR"), _fields(submitted, {"STR-1": ("99", "")}))

    assert response.status_code == 403
    assert _answers(submitted)["STR-1"] == (Decimal(15), "")


def test_saving_a_dimension_by_the_expert_is_forbidden(client, submitted, lead_expert):
    client.force_login(lead_expert)

    response = client.post(_save_url(submitted, "STR"), _fields(submitted, {"STR-1": ("99", "")}))

    assert response.status_code == 403
    assert _answers(submitted)["STR-1"] == (Decimal(15), "")


def test_saving_a_dimension_of_someone_elses_application_is_not_found(client, draft, other_manager):
    client.force_login(other_manager)

    response = client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "")}))

    assert response.status_code == 404
    assert not _answers(draft)


# --- Autosave (htmx) ----------------------------------------------------------------------

HTMX = {"HX-Request": "true"}


def test_self_assessment_page_fields_save_themselves_on_change(client, draft, manager):
    client.force_login(manager)
    str_1 = _indicator(draft, "STR-1")
    pk = str_1.pk

    block = _article(_html(client.get(_page(draft))), str_1)

    save = f'data-hx-post="{_save_url(draft, "STR")}"'
    assert (
        f'<div class="answer" id="answer-{pk}" data-hx-target="this" data-hx-swap="outerHTML"'
        in block
    )
    assert f'data-hx-params="value-{pk},comment-{pk}"' in block
    assert f'name="value-{pk}" form="answers-{str_1.dimension_id}"' in block
    assert f'{save} data-hx-trigger="change"' in block
    assert f'{save} data-hx-trigger="keyup changed delay:800ms, change"' in block
    assert f'<p class="save-status" id="save-status-{pk}" aria-live="polite"></p>' in block


def test_autosave_answers_with_the_indicator_block_and_its_light(client, draft, manager):
    client.force_login(manager)
    str_1 = _indicator(draft, "STR-1")

    response = client.post(
        _save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "Letters")}), headers=HTMX
    )

    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert "Evidence files" not in html  # the block only, not the whole indicator
    assert html.lstrip().startswith(f'<div class="answer" id="answer-{str_1.pk}"')
    assert 'value="42"' in html
    assert "Letters</textarea>" in html
    assert '<span class="light light-yellow">Yellow</span>, 1 point' in html
    assert _answers(draft) == {"STR-1": (Decimal(42), "Letters")}


def test_autosave_says_saved_next_to_the_field(client, draft, manager):
    client.force_login(manager)
    str_1 = _indicator(draft, "STR-1")

    html = _html(
        client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "")}), headers=HTMX)
    )

    assert re.search(
        rf'<p class="save-status" id="save-status-{str_1.pk}" aria-live="polite" '
        r'data-hx-swap-oob="innerHTML">Saved at \d\d:\d\d:\d\d</p>',
        html,
    )


def test_autosave_updates_the_progress_out_of_band(client, draft, manager):
    client.force_login(manager)
    dimension = _dimension(draft, "STR")

    html = _html(
        client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "")}), headers=HTMX)
    )

    progress = re.search(r'<nav class="card" id="progress".*?</nav>', html, re.S).group(0)
    assert 'data-hx-swap-oob="true"' in progress
    assert "1 of 2 answered (50 %)" in progress
    assert "STR-1 Committed members: no value yet." not in progress
    assert "STR-2 Share of SMEs among members: no value yet." in progress
    assert (
        f'<p class="muted" id="dimension-{dimension.pk}-progress" data-hx-swap-oob="true">'
        "1 of 2 answered (50 %)</p>"
    ) in html


def test_autosave_leaves_no_message_for_the_next_page(client, draft, manager):
    client.force_login(manager)
    client.post(_save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "")}), headers=HTMX)

    html = _html(client.get(_page(draft)))

    assert "saved." not in html


def test_autosave_of_an_invalid_value_keeps_what_was_typed_next_to_the_error(
    client, draft, manager
):
    SelfAssessmentAnswer.objects.create(
        application=draft, indicator=_indicator(draft, "STR-2"), value=40, updated_by=manager
    )
    client.force_login(manager)
    str_2 = _indicator(draft, "STR-2")

    response = client.post(
        _save_url(draft, "STR"), _fields(draft, {"STR-2": ("150", "Twice counted")}), headers=HTMX
    )

    html = _html(response)
    assert response.status_code == 200  # htmx swaps only successful answers
    assert (
        f'value="150" data-hx-post="{_save_url(draft, "STR")}" data-hx-trigger="change" '
        f'aria-invalid="true" aria-describedby="value-{str_2.pk}-error">'
    ) in html
    assert (
        f'<p class="error" role="alert" id="value-{str_2.pk}-error">Enter a value from 0 to 100.'
    ) in html
    assert "Twice counted</textarea>" in html
    assert '<span class="error">Not saved</span>' in html
    assert '<span class="light light-yellow">Yellow</span>' in html  # still the stored 40
    assert _answers(draft) == {"STR-2": (Decimal(40), "")}


@pytest.mark.parametrize("viewer", ["other_manager", "unassigned_expert"])
def test_autosave_by_anyone_else_is_not_found(client, draft, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.post(
        _save_url(draft, "STR"), _fields(draft, {"STR-1": ("42", "")}), headers=HTMX
    )

    assert response.status_code == 404
    assert not _answers(draft)


# --- Evidence through the page -----------------------------------------------------------


def _upload_url(application, code) -> str:
    return reverse("evidence_upload", args=[application.pk, _indicator(application, code).pk])


def test_upload_through_the_form_adds_the_file_to_the_indicator(client, draft, manager):
    client.force_login(manager)

    response = client.post(
        _upload_url(draft, "STR-1"),
        {"file": SimpleUploadedFile("members.pdf", PDF, content_type="application/pdf")},
    )

    assert response.status_code == 302
    str_1 = _indicator(draft, "STR-1")
    assert response.url == f"{_page(draft)}#indicator-{str_1.pk}"
    evidence = Evidence.objects.get()
    assert (evidence.indicator, evidence.original_name, evidence.content_type) == (
        str_1,
        "members.pdf",
        "application/pdf",
    )
    page = _html(client.get(response.url))
    assert "members.pdf added to STR-1." in page
    assert reverse("evidence_download", args=[draft.pk, evidence.pk]) in _article(page, str_1)


def test_upload_form_is_on_the_page_for_each_indicator(client, draft, manager):
    client.force_login(manager)

    html = _html(client.get(_page(draft)))

    assert 'enctype="multipart/form-data"' in html
    for code in ("STR-1", "STR-2", "GOV-1", "GOV-2", "GOV-3"):
        assert f'action="{_upload_url(draft, code)}"' in html


def test_upload_of_a_renamed_executable_shows_the_error_next_to_the_field(client, draft, manager):
    client.force_login(manager)
    executable = b"\x7fELF\x02\x01\x01\x00" + bytes(120)

    response = client.post(
        _upload_url(draft, "STR-1"), {"file": SimpleUploadedFile("members.pdf", executable)}
    )

    assert response.status_code == 400
    assert re.search(
        r'<p class="error" role="alert" id="id_file-errors">This file is not an accepted kind',
        _html(response),
    )
    assert not Evidence.objects.exists()


def test_upload_of_an_oversized_file_answers_413(client, draft, manager, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1
    client.force_login(manager)

    response = client.post(
        _upload_url(draft, "STR-1"), {"file": SimpleUploadedFile("members.pdf", PDF)}
    )

    assert response.status_code == 413
    assert "The file is larger than 76" in _html(response)
    assert not Evidence.objects.exists()


def test_upload_without_a_file_asks_for_one(client, draft, manager):
    client.force_login(manager)

    response = client.post(_upload_url(draft, "STR-1"), {})

    assert response.status_code == 400
    assert "This field is required." in _html(response)


def test_upload_after_submission_answers_409(client, submitted, manager):
    client.force_login(manager)
    before = Evidence.objects.count()

    response = client.post(
        _upload_url(submitted, "STR-1"), {"file": SimpleUploadedFile("more.pdf", PDF)}
    )

    assert response.status_code == 409
    assert Evidence.objects.count() == before


def test_download_through_the_page_gives_the_uploaded_file(client, draft, manager):
    client.force_login(manager)
    client.post(_upload_url(draft, "GOV-1"), {"file": SimpleUploadedFile("strategy.pdf", PDF)})
    page = _html(client.get(_page(draft)))
    link = re.search(r'<a href="([^"]+)">strategy\.pdf</a>', page).group(1)

    response = client.get(link)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="strategy.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_delete_through_the_page_removes_the_file(client, draft, manager):
    client.force_login(manager)
    client.post(_upload_url(draft, "GOV-1"), {"file": SimpleUploadedFile("strategy.pdf", PDF)})
    evidence = Evidence.objects.get()

    response = client.post(reverse("evidence_delete", args=[draft.pk, evidence.pk]))

    assert response.status_code == 302
    assert response.url == f"{_page(draft)}#indicator-{evidence.indicator_id}"
    assert not Evidence.objects.exists()


# --- Improvement areas -------------------------------------------------------------------


@pytest.fixture
def silver(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, level=Level.SILVER, self_assessed=False
    )


def test_improvement_areas_are_listed_on_a_silver_page_only(client, silver, draft, manager):
    ImprovementArea.objects.create(
        application=silver, title="Shared lab", description="Opened", effect="More R&D"
    )
    client.force_login(manager)

    assert "Shared lab" in _html(client.get(_page(silver)))
    assert 'id="improvement-areas"' not in _html(client.get(_page(draft)))


def test_improvement_area_add_through_the_page_stores_it(client, silver, manager):
    client.force_login(manager)

    response = client.post(
        reverse("improvement_area_add", args=[silver.pk]),
        {"title": "Shared lab", "description": "Opened in 2025", "effect": "Ten joint projects"},
    )

    assert response.status_code == 302
    assert response.url == f"{_page(silver)}#improvement-areas"
    area = silver.improvement_areas.get()
    assert (area.title, area.description, area.effect) == (
        "Shared lab",
        "Opened in 2025",
        "Ten joint projects",
    )


def test_improvement_area_add_without_its_effect_shows_the_error_and_keeps_the_rest(
    client, silver, manager
):
    client.force_login(manager)

    response = client.post(
        reverse("improvement_area_add", args=[silver.pk]),
        {"title": "Shared lab", "description": "Opened in 2025", "effect": ""},
    )

    html = _html(response)
    assert response.status_code == 400
    assert '<p class="error" role="alert" id="id_effect-errors">This field is required.</p>' in html
    assert 'value="Shared lab"' in html
    assert "Opened in 2025</textarea>" in html
    assert not silver.improvement_areas.exists()


def test_improvement_area_remove_through_the_page_deletes_it(client, silver, manager):
    area = ImprovementArea.objects.create(
        application=silver, title="Shared lab", description="Opened", effect="More R&D"
    )
    client.force_login(manager)

    response = client.post(reverse("improvement_area_remove", args=[silver.pk, area.pk]))

    assert response.status_code == 302
    assert not silver.improvement_areas.exists()


def test_improvement_area_add_by_another_organisations_manager_is_not_found(
    client, silver, other_manager
):
    client.force_login(other_manager)

    response = client.post(
        reverse("improvement_area_add", args=[silver.pk]),
        {"title": "Shared lab", "description": "Opened", "effect": "More R&D"},
    )

    assert response.status_code == 404
    assert not silver.improvement_areas.exists()


# --- The application page ----------------------------------------------------------------


def test_application_page_links_the_self_assessment_and_lists_what_is_missing(
    client, draft, manager
):
    client.force_login(manager)

    html = _html(client.get(reverse("application_detail", args=[draft.pk])))

    assert f'href="{_page(draft)}"' in html
    assert 'id="self-assessment-gaps"' in html
    assert "STR-1 Committed members: no value yet." in html


def test_application_page_shows_the_manager_the_progress_of_each_dimension(client, draft, manager):
    SelfAssessmentAnswer.objects.create(
        application=draft, indicator=_indicator(draft, "STR-2"), value=40, updated_by=manager
    )
    client.force_login(manager)

    html = _html(client.get(reverse("application_detail", args=[draft.pk])))

    progress = html[html.index('id="self-assessment-progress"') :]
    assert "1 of 5 indicators answered (20 %)" in progress
    assert f'href="{_page(draft)}#dimension-{_dimension(draft, "STR").pk}"' in progress
    assert "1 of 2 answered, 1 without evidence" in progress


def test_application_page_leads_the_manager_to_the_first_indicator_with_work_left(
    client, draft, manager
):
    client.force_login(manager)

    html = _html(client.get(reverse("application_detail", args=[draft.pk])))

    assert (
        f'<a href="{_page(draft)}#indicator-{_indicator(draft, "STR-1").pk}">'
        "Continue with STR Structure of the cluster</a>"
    ) in html


def test_application_page_shows_submit_disabled_with_what_is_still_missing(client, draft, manager):
    client.force_login(manager)

    html = _html(client.get(reverse("application_detail", args=[draft.pk])))

    waiting = html[html.index('id="waiting-submit"') :]
    assert '<button type="button" disabled aria-describedby="missing-submit">Submit' in waiting
    assert "5 indicators have no value yet." in waiting
    assert "2 indicators need their evidence." in waiting
    assert 'data-action="submit"' not in html


def test_application_page_of_a_complete_draft_offers_submit(client, application, manager):
    client.force_login(manager)

    html = _html(client.get(reverse("application_detail", args=[application.pk])))

    assert 'data-action="submit"' in html
    assert 'id="waiting-submit"' not in html
    assert "The self-assessment is complete: submit the application" in html


def test_application_page_shows_the_gaps_to_the_manager_only(client, draft, secretariat):
    client.force_login(secretariat)

    html = _html(client.get(reverse("application_detail", args=[draft.pk])))

    assert f'href="{_page(draft)}"' in html
    assert 'id="self-assessment-gaps"' not in html


def test_application_page_of_a_complete_draft_lists_nothing_missing(client, application, manager):
    client.force_login(manager)

    html = _html(client.get(reverse("application_detail", args=[application.pk])))

    assert 'id="self-assessment-gaps"' not in html
