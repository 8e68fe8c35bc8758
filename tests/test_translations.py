"""The German translation: complete, current, compiled, and what every role sees in German.

The pages are rendered in German and checked by ``tests.i18n`` for English source strings
left untranslated; the catalogue is compared with a fresh extraction of the marked strings.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
from decimal import Decimal

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from assessments.models import Recommendation
from labelling import services
from labelling.models import (
    Application,
    ApplicationState,
    InvitationRole,
    Level,
    Membership,
    OrganisationState,
)
from reports.demo import walk_application
from tests import factories
from tests.i18n import GERMAN_PO, MAKEMESSAGES_IGNORE, catalogue_from, untranslated_strings

S = ApplicationState
GERMAN_MO = GERMAN_PO.with_suffix(".mo")
#: Placeholders a translation must keep: python-format ones (also what {% blocktranslate %}
#: becomes) and str.format ones.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\w+\}")
FIX = (
    "Run `make messages`, translate the new entries of locale/de/LC_MESSAGES/django.po, then "
    "run `make messages` again."
)


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translations(entries) -> dict[tuple[str, str, str], object]:
    return {
        _key(e): dict(e.msgstr_plural) if e.msgid_plural else e.msgstr
        for e in entries
        if e.msgid and (e.msgstr or e.msgid_plural)
    }


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(GERMAN_PO))


# --- The catalogue ---------------------------------------------------------------------------


def test_every_catalogue_entry_is_translated_and_not_fuzzy(po):
    offenders = [
        e.msgid
        for e in po
        if not e.obsolete
        and (
            "fuzzy" in e.flags
            or not e.translated()
            or (e.msgid_plural and "" in e.msgstr_plural.values())
        )
    ]

    assert not offenders, f"Untranslated or fuzzy ({len(offenders)}): {offenders}. {FIX}"


def test_catalogue_header_is_not_fuzzy_and_has_the_german_plural_rule(po):
    assert not po.metadata_is_fuzzy
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_translations_keep_the_placeholders_of_their_source(po):
    def pairs(entry):
        if entry.msgid_plural:
            return [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        return [(entry.msgid, entry.msgstr)]

    mismatches = [
        (source, translation)
        for entry in po.translated_entries()
        for source, translation in pairs(entry)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation))
    ]

    assert not mismatches, f"Placeholders differ: {mismatches}"


def test_catalogue_holds_every_string_marked_for_translation(po, settings, tmp_path, monkeypatch):
    """A fresh extraction of a copy of the sources (the options of ``make messages``) finds no
    msgid that the committed catalogue lacks."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is not installed")
        pytest.skip("GNU gettext (xgettext) is not installed")
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(*MAKEMESSAGES_IGNORE, "locale", ".*", "__pycache__"),
    )
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)

    call_command(
        "makemessages",
        locale=["de"],
        ignore_patterns=MAKEMESSAGES_IGNORE,
        no_obsolete=True,
        verbosity=0,
    )

    fresh = polib.pofile(str(source / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    missing = sorted({_key(e) for e in fresh} - {_key(e) for e in po if not e.obsolete})
    assert not missing, f"Marked for translation but not in the catalogue: {missing}. {FIX}"


def test_compiled_catalogue_matches_the_po(po):
    compiled = polib.mofile(str(GERMAN_MO))

    assert _translations(compiled) == _translations(po.translated_entries()), (
        "locale/de/LC_MESSAGES/django.mo is not compiled from the current django.po: run "
        "`make messages`."
    )


# --- The checker -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue(po):
    return catalogue_from(po)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>Verify a certificate</h1>", ["Verify a certificate"]),
        ("<span>Page 2 of 7</span>", ["Page 2 of 7"]),
        ("<p>Threshold: 15.00</p>", ["Threshold"]),
        ('<nav aria-label="Pages"></nav>', ["Pages"]),
        ('<input type="submit" value="Upload">', ["Upload"]),
        ("<p>Label awarded: <strong>GOLD</strong></p>", ["Label awarded: GOLD"]),
    ],
    ids=["text", "placeholders", "beside-a-value", "aria-label", "button-value", "inline-markup"],
)
def test_checker_finds_an_english_source_string(catalogue, html, expected):
    assert untranslated_strings(html, catalogue) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<h1>Zertifikat prüfen</h1>",
        "<a>Register</a>",  # German for "Registry", and the English msgid of "Registrieren"
        "<td>CL-2026-000001-5</td><td>87,5 %</td><td>GOLD</td>",
        "<td>Rhine Photonics Cluster e.V.</td><td>Lyon to Paris Mobility</td>",
        "<script>const label = 'Verify a certificate';</script><style>/* Upload */</style>",
        "<p>Status</p>",  # the same in both languages
    ],
    ids=[
        "german",
        "german-word-that-is-an-english-msgid",
        "numbers-and-codes",
        "data",
        "script",
        "same",
    ],
)
def test_checker_leaves_german_data_and_scripts_alone(catalogue, html):
    assert untranslated_strings(html, catalogue) == []


# --- Pages in German ---------------------------------------------------------------------------


def _german_page(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="de">' in html
    return html


def _assert_fully_german(html: str) -> None:
    assert untranslated_strings(html) == []


@pytest.fixture
def in_german(manager, secretariat, second_secretariat, lead_expert, second_expert):
    """Everyone of the crew reads German."""
    for person in (manager, secretariat, second_secretariat, lead_expert, second_expert):
        person.language = "de"
        person.save(update_fields=["language"])


@pytest.fixture
def walked(organisation, crew, in_german, no_rendering):
    """A BRONZE application of ``organisation`` moved through the services to a state."""

    def walk(state: str) -> Application:
        factories.small_methodology()
        team = crew(Level.BRONZE)
        # As if through their German pages: what the services write for them (the note on the
        # values every expert agreed on) is then German too.
        with translation.override("de"):
            application = services.application_create(
                organisation=organisation, level=Level.BRONZE, actor=team.manager
            )
            return walk_application(application, to=state, crew=team)

    return walk


@pytest.fixture
def label(db):
    return factories.LabelFactory(valid_from=datetime.date(2026, 11, 1))


@pytest.mark.parametrize(
    "url",
    [
        lambda label: reverse("home"),
        lambda label: reverse("registry"),
        lambda label: reverse("verify", args=[label.certificate.number]),
        lambda label: reverse("verify", args=["CL-2026-999999-0"]),
        lambda label: reverse("verify_lookup"),
        lambda label: reverse("account_login"),
        lambda label: reverse("account_signup"),
    ],
    ids=["home", "registry", "verify", "verify-unknown", "verify-lookup", "login", "signup"],
)
def test_public_page_in_german_shows_no_english_source_string(client, label, url):
    response = client.get(url(label), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()

    assert '<html lang="de">' in html
    _assert_fully_german(html)


def test_verify_upload_answer_in_german_shows_no_english_source_string(client, label):
    upload = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 not ours", "application/pdf")
    response = client.post(reverse("verify_lookup"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="de")

    html = response.content.decode()
    assert "Nicht bestätigt" in html
    _assert_fully_german(html)


MANAGER_PAGES = {
    "dashboard": lambda app: reverse("dashboard"),
    "organisation": lambda app: reverse("organisation_detail", args=[app.organisation_id]),
    "application": lambda app: reverse("application_detail", args=[app.pk]),
    "self-assessment": lambda app: reverse("self_assessment", args=[app.pk]),
    "organisation-form": lambda app: reverse("organisation_create"),
    "api-tokens": lambda app: reverse("api_tokens"),
}


@pytest.mark.parametrize("url_of", MANAGER_PAGES.values(), ids=MANAGER_PAGES.keys())
def test_manager_page_in_german_shows_no_english_source_string(client, walked, manager, url_of):
    application = walked(S.DRAFT)
    client.force_login(manager)

    _assert_fully_german(_german_page(client, url_of(application)))


@pytest.mark.parametrize("page_name", ["organisation_detail", "application_detail"])
def test_an_unconfirmed_organisations_pages_in_german_show_no_english_source_string(
    client, manager, in_german, page_name
):
    unconfirmed = factories.OrganisationFactory(state=OrganisationState.UNCONFIRMED)
    Membership.objects.create(user=manager, organisation=unconfirmed)
    application = factories.ApplicationFactory(organisation=unconfirmed, created_by=manager)
    client.force_login(manager)
    pk = unconfirmed.pk if page_name == "organisation_detail" else application.pk

    html = _german_page(client, reverse(page_name, args=[pk]))

    assert "noch nicht bestätigt" in html
    _assert_fully_german(html)


@pytest.mark.parametrize("role", [InvitationRole.EXPERT, InvitationRole.CO_MANAGER])
def test_the_invitation_page_in_german_shows_no_english_source_string(
    client, organisation, manager, secretariat, mailoutbox, django_capture_on_commit_callbacks, role
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            email="neu@example.org",
            role=role,
            actor=manager if role == InvitationRole.CO_MANAGER else secretariat,
            organisation=organisation if role == InvitationRole.CO_MANAGER else None,
        )
    link = re.search(r"https?://[^/\s]+(/invitation/\S+/)", mailoutbox[-1].body)[1]

    html = _german_page(client, link, HTTP_ACCEPT_LANGUAGE="de")

    assert "Ihr Konto anlegen" in html
    _assert_fully_german(html)


def _assignment(application: Application):
    return application.assignments.get(role="lead")


EXPERT_PAGES = {
    "dashboard": (S.IN_ASSESSMENT, lambda app: reverse("dashboard")),
    "application": (S.IN_ASSESSMENT, lambda app: reverse("application_detail", args=[app.pk])),
    "scoring": (S.IN_ASSESSMENT, lambda app: reverse("scoring", args=[_assignment(app).pk])),
    "questions": (S.IN_ASSESSMENT, lambda app: reverse("question_ask", args=[app.pk])),
    "conflicts": (S.IN_ASSESSMENT, lambda app: reverse("conflict_list")),
    "consensus": (S.CONSENSUS, lambda app: reverse("consensus", args=[app.pk])),
}


@pytest.mark.parametrize(("state", "url_of"), EXPERT_PAGES.values(), ids=EXPERT_PAGES.keys())
def test_expert_page_in_german_shows_no_english_source_string(
    client, walked, lead_expert, state, url_of
):
    application = walked(state)
    client.force_login(lead_expert)

    _assert_fully_german(_german_page(client, url_of(application)))


def _detail(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


SECRETARIAT_PAGES = {
    "dashboard": (S.SUBMITTED, lambda app: reverse("dashboard")),
    "screening": (S.SUBMITTED, _detail),
    "expert-suggestions": (S.ACCEPTED, _detail),
    "quality-review": (S.QUALITY_REVIEW, _detail),
    "decision-proposed": (S.DECISION_PROPOSED, _detail),
    "label-card": (S.CERTIFIED, _detail),
    "statistics": (S.CERTIFIED, lambda app: reverse("statistics")),
    "invitations": (S.DRAFT, lambda app: reverse("invitation_list")),
    "awaiting-confirmation": (S.DRAFT, lambda app: reverse("organisations_awaiting_confirmation")),
}


@pytest.mark.parametrize(
    ("state", "url_of"), SECRETARIAT_PAGES.values(), ids=SECRETARIAT_PAGES.keys()
)
def test_secretariat_page_in_german_shows_no_english_source_string(
    client, walked, second_secretariat, state, url_of
):
    application = walked(state)
    # The one who did not propose: the decision page then offers the confirmation.
    client.force_login(second_secretariat)

    _assert_fully_german(_german_page(client, url_of(application)))


def test_decision_page_in_german_shows_the_recommendation_in_german(
    client, walked, second_secretariat
):
    application = walked(S.QUALITY_REVIEW)
    client.force_login(second_secretariat)

    html = _german_page(client, reverse("application_detail", args=[application.pk]))

    assert "Die Empfehlung der Regeln" in html
    assert "Entscheidung vorschlagen" in html


def test_label_card_in_german_shows_the_certificate_in_german(client, walked, manager):
    application = walked(S.CERTIFIED)
    client.force_login(manager)

    html = _german_page(client, reverse("application_detail", args=[application.pk]))

    assert "Label und Zertifikat" in html
    assert "Zertifiziert" in html


# --- Choosing the language -------------------------------------------------------------------


def test_language_switch_makes_the_next_page_german(client, db):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})

    html = client.get(response["Location"]).content.decode()
    assert '<html lang="de">' in html
    assert "Zertifikat prüfen" in html


def test_language_switch_keeps_a_logged_in_persons_choice_for_their_pages_and_emails(
    client, manager
):
    client.force_login(manager)

    client.post(reverse("set_language"), {"language": "de", "next": "/dashboard/"})

    manager.refresh_from_db()
    assert manager.language == "de"


def test_language_switch_to_an_unknown_language_is_refused_for_a_logged_in_person(client, manager):
    client.force_login(manager)

    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert response.status_code == 400
    manager.refresh_from_db()
    assert manager.language == "en"


def test_logged_in_person_reads_their_own_language_whatever_the_browser_asks(client, manager):
    manager.language = "de"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="de">' in html
    assert "<h1>Übersicht</h1>" in html


def test_logged_in_person_with_english_reads_english_on_a_german_browser(client, manager):
    client.force_login(manager)

    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<html lang="en">' in html
    assert "<h1>Dashboard</h1>" in html


# --- E-mails, dates and numbers -----------------------------------------------------------------


def test_email_to_a_german_speaking_recipient_is_german(
    application, organisation, manager, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    co_manager = factories.ManagerFactory(email="co-manager@example.org", language="de")
    Membership.objects.create(user=co_manager, organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=manager)

    german = next(mail for mail in mailoutbox if mail.to == [co_manager.email])
    english = next(mail for mail in mailoutbox if mail.to == [secretariat.email])
    assert german.subject == f"Antrag eingereicht: {organisation.name}"
    assert "Aktueller Status: Eingereicht" in german.body
    assert "Das Label-Sekretariat" in german.body
    assert english.subject == f"Application submitted: {organisation.name}"


def test_dates_are_localised_on_a_german_page(client, label):
    html = _german_page(
        client, reverse("verify", args=[label.certificate.number]), HTTP_ACCEPT_LANGUAGE="de"
    )

    assert "1. November 2026 bis 1. November 2028" in html


def test_country_names_are_german_on_a_german_page(client, label):
    html = _german_page(client, reverse("registry"), HTTP_ACCEPT_LANGUAGE="de")

    assert '<option value="DE">Deutschland</option>' in html


def test_numbers_are_localised_on_a_german_page(client, organisation, manager, second_secretariat):
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.QUALITY_REVIEW
    )
    Recommendation.objects.filter(application=application).update(
        gold_score_pct=Decimal("87.5"), benchmark_score_pct=Decimal("81.25")
    )
    second_secretariat.language = "de"
    second_secretariat.save(update_fields=["language"])
    client.force_login(second_secretariat)

    html = _german_page(client, reverse("application_detail", args=[application.pk]))

    assert "87,50\u00a0%" in html or "87,50 %" in html
    assert "81,25\u00a0%" in html or "81,25 %" in html
