"""One labelling cycle across every role, in a real browser, in English and in German.

The manager registers the organisation, which the secretariat confirms from its list of
organisations waiting for it; the manager applies for GOLD, fills in the self-assessment with
its evidence and submits; the secretariat screens and builds the expert team; both experts
accept, score (differing on one indicator) and the lead settles the consensus; the secretariat
proposes the decision and a second member confirms it; the certificate is issued; the manager
downloads the PDF; the public verifies its number. Each person works in a browser context of
their own, as they would on their own computer.

In German, every page visited is checked for English source strings left untranslated.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from labelling.models import Application, ApplicationState, Level, Outcome
from reports.demo import demo_values, evidence_pdf
from reports.models import Certificate
from tests import factories
from tests.browser.conftest import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANISATION = "Rhine Photonics Cluster"


def _open_application(page: Page, application: Application) -> None:
    """From the dashboard, the way a person finds it: the application's row in the list."""
    page.goto("/dashboard/")
    page.locator(f"main a[href='/applications/{application.pk}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))


def _autosaved(page: Page, saves: str, change: Callable[[], None]) -> None:
    """Makes ``change`` to a field and waits for the autosave it sends (htmx) to be answered:
    that is how the pages save, and leaving before the answer would lose the value."""
    with page.expect_response(
        lambda response: saves in response.url and response.request.method == "POST"
    ):
        change()


def _enter(page: Page, saves: str, field, value: object) -> None:
    """Types ``value`` into an input and leaves it, or picks the option that stands for it in
    a select; either way the field saves itself."""
    if field.evaluate("element => element.tagName") == "SELECT":
        options = field.locator("option").evaluate_all("options => options.map(o => o.value)")
        chosen = next(o for o in options if o and Decimal(o) == Decimal(value))
        _autosaved(page, saves, lambda: field.select_option(chosen))
    else:
        field.fill(str(value))
        _autosaved(page, saves, lambda: field.press("Tab"))


def _self_assess(manager: Person, application: Application) -> None:
    page = manager.page
    page.get_by_role("link", name=manager.t("Self-assessment")).first.click()
    values = demo_values(application, Outcome.GOLD)
    for indicator in application.methodology.indicators.filter(code__in=values):
        field = page.get_by_label(manager.t("Value for %(code)s", code=indicator.code))
        _enter(page, "/self-assessment/", field, values[indicator.code])
        comment = page.get_by_label(manager.t("Comment on %(code)s", code=indicator.code))
        _enter(page, "/self-assessment/", comment, f"As reported to the board ({indicator.code}).")
    for indicator in application.methodology.indicators.filter(
        code__in=values, evidence_required__gt=""
    ):
        upload = page.locator("form.upload", has=page.locator(f"#file-{indicator.pk}"))
        upload.locator("input[type=file]").set_input_files(
            {
                "name": f"{indicator.code}.pdf",
                "mimeType": "application/pdf",
                "buffer": evidence_pdf(),
            }
        )
        upload.get_by_role("button", name=manager.t("Upload")).click()
        expect(page.get_by_role("link", name=f"{indicator.code}.pdf")).to_be_visible()
    complete = re.compile("^" + re.escape(manager.t("Nothing is missing.")))
    expect(page.get_by_text(complete)).to_be_visible()


def _score(expert: Person, application: Application, differ_on: str = "") -> None:
    """The expert validates every self-assessed value, one of them lower with a reason; each
    value's light comes back from the server as it is saved."""
    page = expert.page
    page.get_by_role("link", name=expert.t("My scoring")).click()
    claimed = {a.indicator.code: a.value for a in application.answers.select_related("indicator")}
    for code, value in claimed.items():
        indicator = application.methodology.indicators.get(code=code)
        block = page.locator(f"#answer-{indicator.pk}")
        if code == differ_on:
            value = indicator.threshold
            why = "Only the members with a signed letter count."
            _enter(page, "/scoring/", block.locator("textarea"), why)
        field = block.get_by_label(expert.t("Validated value for %(code)s", code=code))
        _enter(page, "/scoring/", field, value)
        expect(page.locator(f"#answer-{indicator.pk} dd .light")).to_be_visible()
    expect(page.locator("#scoring-gaps li")).to_have_count(0)
    page.get_by_role("button", name=expert.t("Submit my scoring")).click()
    expect(page.locator(".messages")).to_be_visible()


def test_one_labelling_cycle_across_every_role(
    person,
    language,
    manager,
    secretariat,
    second_secretariat,
    lead_expert,
    second_expert,
    untranslated,
):
    suffix = "" if language == "en" else f"-{language}"
    factories.small_methodology()
    factories.SectorFactory(name="Photonics")

    # The manager registers the organisation and applies for GOLD.
    manager_at = person(manager)
    page = manager_at.page
    page.get_by_role("link", name=manager_at.t("Register an organisation")).click()
    page.locator("#id_name").fill(ORGANISATION)
    page.locator("#id_legal_name").fill(f"{ORGANISATION} e.V.")
    page.locator("#id_country").select_option("DE")
    page.locator("#id_region").fill("DEA2")
    page.locator("#id_website").fill("https://photonics.example.org")
    page.locator("#id_members_companies").fill("64")
    page.locator("#id_members_research").fill("11")
    page.locator("#id_members_public").fill("5")
    page.locator("#id_management_fte").fill("3.5")
    page.locator("main form").get_by_role("checkbox", name="Photonics").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ORGANISATION)
    # Registered alone, it waits for the secretariat's confirmation before it can submit.
    expect(page.locator("#unconfirmed")).to_contain_text(
        manager_at.t("The labelling secretariat has not confirmed your organisation yet.")
    )

    # The secretariat confirms it from the list the dashboard links to.
    office = person(secretariat)
    office.page.locator("#awaiting-confirmation").click()
    row = office.page.locator("tr", has=office.page.get_by_role("link", name=ORGANISATION))
    row.get_by_role("button", name=office.t("Confirm")).click()
    expect(office.page.locator(".messages")).to_be_visible()
    expect(office.page.locator("tr", has_text=ORGANISATION)).to_have_count(0)

    page.reload()
    expect(page.locator("#unconfirmed")).to_have_count(0)
    page.locator("select[name=level]").select_option(Level.GOLD)
    page.get_by_role("button", name=manager_at.t("Start an application")).click()
    application = Application.objects.get(organisation__name=ORGANISATION)
    expect(page).to_have_url(re.compile(rf"/applications/{application.pk}/$"))

    _self_assess(manager_at, application)
    page.goto(f"/applications/{application.pk}/")
    manager_at.act("submit")
    expect(page.locator(".state").first).to_have_text(manager_at.t("Submitted"))

    # The secretariat screens the application and builds the expert team.
    page = office.page
    _open_application(page, application)
    office.act("accept")
    for expert, role in ((lead_expert, "lead"), (second_expert, "second")):
        invite = page.locator("form", has=page.locator("#id_expert"))
        invite.locator("#id_expert").select_option(str(expert.pk))
        invite.locator("#id_role").select_option(role)
        invite.get_by_role("button", name=office.t("Invite expert")).click()
        expect(page.locator(".messages")).to_be_visible()
    page.get_by_role("button", name=office.t("Confirm the expert team")).click()
    expect(page.locator(".state").first).to_have_text(office.t("Experts assigned"))

    # Both experts accept, declaring no conflict, and score; they differ on STR-1.
    experts = []
    for expert in (lead_expert, second_expert):
        expert_at = person(expert)
        page = expert_at.page
        _open_application(page, application)
        page.locator("input[name=no_conflict_declared]").check()
        page.get_by_role("button", name=expert_at.t("Accept the assignment")).click()
        expect(page.locator(".messages")).to_be_visible()
        experts.append(expert_at)
    lead_at, second_at = experts
    _score(lead_at, application)
    lead_assignment = application.assignments.get(expert=lead_expert)
    lead_at.page.goto(f"/assignments/{lead_assignment.pk}/scoring/")
    lead_at.screenshot(f"expert-scoring-form{suffix}")
    _score(second_at, application, differ_on="STR-1")

    # The lead settles the differing indicator and hands the consensus on.
    page = lead_at.page
    page.goto(f"/applications/{application.pk}/consensus/")
    differing = page.locator("tr.differs")
    expect(differing).to_have_count(1)
    str1 = application.methodology.indicators.get(code="STR-1")
    differing.get_by_label(lead_at.t("Consensus value for %(code)s", code="STR-1")).fill(
        str(demo_values(application, Outcome.GOLD)["STR-1"])
    )
    differing.locator(f"#note-{str1.pk}").fill("Letters for all members were shown on site.")
    differing.get_by_role("button", name=lead_at.t("Record")).click()
    expect(page.locator(".messages")).to_be_visible()
    lead_at.screenshot(f"expert-consensus{suffix}")
    page.get_by_role("button", name=lead_at.t("Hand the consensus to quality review")).click()
    expect(page.locator(".messages")).to_be_visible()

    # The secretariat proposes what the rules recommend; a second member confirms.
    page = office.page
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("#recommendation")).to_be_visible()
    office.screenshot(f"secretariat-decision-page{suffix}")
    page.locator("select[name=outcome]").select_option(Outcome.GOLD)
    office.act("propose_decision")
    confirmer = person(second_secretariat)
    confirmer.page.goto(f"/applications/{application.pk}/")
    confirmer.act("confirm_decision")
    expect(confirmer.page.locator(".state").first).to_have_text(confirmer.t("Decided"))

    # The certificate is issued; its documents are rendered and signed.
    page.reload()
    office.act("certify")
    certificate = Certificate.objects.get(label__application=application)
    expect(page.locator("#label")).to_contain_text(certificate.number)

    # The manager downloads the certificate and finds it is theirs.
    page = manager_at.page
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator(".state").first).to_have_text(manager_at.t("Certified"))
    manager_at.screenshot(f"manager-certified-application{suffix}")
    link = page.get_by_role("link", name=manager_at.t("Certificate (PDF)"))
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert ORGANISATION in text
    assert certificate.number in text
    assert "GOLD" in text

    # Anyone can verify the number.
    public = person(None)
    page = public.page
    page.goto("/verify/")
    page.locator("input[name=number]").fill(certificate.number)
    page.locator("input[name=number]").press("Enter")
    expect(page).to_have_url(re.compile(rf"/verify/{certificate.number}/$"))
    expect(page.locator(".verdict")).to_have_text(public.t("Valid"))
    expect(page.locator("main")).to_contain_text(ORGANISATION)
    public.screenshot(f"public-verification{suffix}")
    assert application.__class__.objects.get(pk=application.pk).state == ApplicationState.CERTIFIED
