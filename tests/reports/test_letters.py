"""Decision letters: one per outcome, in the organisation's language, edited (recorded) and sent
once with the signed PDF; the no-label report; experts anonymised; the decision e-mail."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from labelling import services
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import ApplicationState, Level, Outcome
from reports import letters
from reports.demo import walk_application
from reports.documents import expert_names
from reports.models import DecisionLetter, LetterKind
from tests import factories

S = ApplicationState


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def decide(organisation, manager, crew):
    """Walk an application of ``level`` to DECIDED with ``outcome``; returns its letter."""

    def build(level: str, outcome: str) -> DecisionLetter:
        factories.small_methodology()
        application = services.application_create(
            organisation=organisation, level=level, actor=manager
        )
        walk_application(application, to=S.DECIDED, crew=crew(level), outcome=outcome)
        return DecisionLetter.objects.get(application=application)

    return build


def test_awarded_as_requested_says_so(decide):
    letter = decide(Level.BRONZE, Outcome.BRONZE)

    assert letter.kind == LetterKind.AWARDED
    assert "has been awarded the BRONZE label" in letter.body
    assert "the level you applied for" in letter.body


def test_a_lower_award_names_the_rules_that_were_missed(decide):
    letter = decide(Level.SILVER, Outcome.BRONZE)

    assert letter.kind == LetterKind.LOWER
    assert "applied for the SILVER label" in letter.body
    assert "awarded the BRONZE label" in letter.body
    assert "Why SILVER was not reached:" in letter.body


def test_no_label_gives_the_reasons(decide):
    letter = decide(Level.BRONZE, Outcome.NONE)

    assert letter.kind == LetterKind.NO_LABEL
    assert "no label of cluster management excellence can be awarded" in letter.body
    assert "Why BRONZE was not reached:" in letter.body
    assert "You may appeal against this decision until" in letter.body


def test_rejection_at_screening_quotes_the_reason(organisation, manager, crew, secretariat):
    factories.small_methodology()
    application = services.application_create(
        organisation=organisation, level=Level.BRONZE, actor=manager
    )
    walk_application(application, to=S.SUBMITTED, crew=crew(Level.BRONZE))

    services.application_reject(
        application=application, actor=secretariat, reason="Fewer than 30 members."
    )

    letter = DecisionLetter.objects.get(application=application)
    assert letter.kind == LetterKind.REJECTED
    assert "Reasons: Fewer than 30 members." in letter.body


@pytest.mark.parametrize(
    ("decide_appeal", "kind", "words"),
    [
        ("appeal_uphold", LetterKind.APPEAL_UPHELD, "has upheld the appeal"),
        ("appeal_dismiss", LetterKind.APPEAL_DISMISSED, "The decision stands: No label."),
    ],
)
def test_an_appeal_decision_has_its_own_letter(
    decide, manager, decide_appeal, kind, words, django_user_model
):
    letter = decide(Level.BRONZE, Outcome.NONE)
    application = letter.application
    services.application_close(application=application, actor=factories.SecretariatFactory())
    services.application_appeal(application=application, actor=manager, reason="Miscounted.")
    appeal_decider = factories.SecretariatFactory()

    getattr(services, decide_appeal)(
        application=application, actor=appeal_decider, reason="The members were counted again."
    )

    latest = DecisionLetter.objects.filter(application=application).latest("pk")
    assert latest.kind == kind
    assert words in latest.body
    assert "The members were counted again." in latest.body


def test_the_letter_is_written_in_the_organisations_language(decide, manager):
    manager.language = "de"
    manager.save(update_fields=["language"])

    letter = decide(Level.BRONZE, Outcome.NONE)

    assert letter.language == "de"
    assert "Sehr geehrte" in letter.body


# --- Editing and sending ----------------------------------------------------------------------


def test_an_edit_is_recorded_with_who_and_why(decide, secretariat):
    letter = decide(Level.BRONZE, Outcome.BRONZE)

    letters.letter_update(
        letter=letter, actor=secretariat, body="Dear managers, congratulations.", reason="Shorter"
    )

    version = letter.versions.latest()
    assert (version.body, version.history_user, version.history_change_reason) == (
        "Dear managers, congratulations.\n",
        secretariat,
        "Shorter",
    )


def test_an_edit_reason_longer_than_its_record_is_refused(decide, secretariat):
    letter = decide(Level.BRONZE, Outcome.BRONZE)

    with pytest.raises(InvalidInput):
        letters.letter_update(letter=letter, actor=secretariat, body="Text", reason="x" * 101)


def test_an_edit_needs_a_reason(decide, secretariat):
    letter = decide(Level.BRONZE, Outcome.BRONZE)

    with pytest.raises(InvalidInput):
        letters.letter_update(letter=letter, actor=secretariat, body="Text", reason="")


@pytest.mark.parametrize("role", ["manager", "lead_expert"])
def test_only_the_secretariat_edits_or_sends(decide, request, role):
    letter = decide(Level.BRONZE, Outcome.BRONZE)
    person = request.getfixturevalue(role)

    with pytest.raises(ActionForbidden):
        letters.letter_send(letter=letter, actor=person)


def test_sending_mails_the_signed_pdf_to_the_managers_once(
    decide, secretariat, manager, django_capture_on_commit_callbacks
):
    letter = decide(Level.BRONZE, Outcome.BRONZE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_send(letter=letter, actor=secretariat)
    with pytest.raises(TransitionRefused):
        letters.letter_send(letter=letter, actor=secretariat)

    [message] = mail.outbox
    assert message.to == [manager.email]
    assert message.subject.startswith("Label awarded as applied for")
    [(name, content, mimetype)] = message.attachments
    assert (name.startswith("letter-"), mimetype) == (True, "application/pdf")
    text = _pdf_text(content)
    assert "BRONZE label" in text
    assert b"/ByteRange" in content  # signed


def test_a_no_label_letter_carries_the_assessment_report(
    decide, secretariat, client, manager, django_capture_on_commit_callbacks
):
    letter = decide(Level.BRONZE, Outcome.NONE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_send(letter=letter, actor=secretariat)

    [message] = mail.outbox
    assert [name.split("-")[0] for name, *_ in message.attachments] == ["letter", "report"]
    client.force_login(manager)
    report = client.get(f"/applications/{letter.application_id}/report.pdf")
    assert report.status_code == 200
    text = _pdf_text(b"".join(report.streaming_content))
    assert "No label" in text
    assert "Expert A" in text


def test_the_manager_reads_a_sent_letter_but_never_a_draft(
    decide, secretariat, client, manager, django_capture_on_commit_callbacks
):
    letter = decide(Level.BRONZE, Outcome.NONE)
    client.force_login(manager)
    page = client.get(f"/applications/{letter.application_id}/").content.decode()
    assert "Decision letters" not in page

    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_send(letter=letter, actor=secretariat)

    page = client.get(f"/applications/{letter.application_id}/").content.decode()
    assert "no label of cluster management excellence can be awarded" in page
    assert client.get(f"/letters/{letter.pk}/letter.pdf").status_code == 200


def test_the_secretariat_previews_the_draft_as_pdf_and_the_manager_cannot(
    decide, secretariat, manager, client
):
    letter = decide(Level.BRONZE, Outcome.BRONZE)
    client.force_login(secretariat)

    preview = client.get(f"/letters/{letter.pk}/preview.pdf")

    assert preview["Content-Type"] == "application/pdf"
    assert "BRONZE label" in _pdf_text(preview.content)
    client.force_login(manager)
    assert client.get(f"/letters/{letter.pk}/preview.pdf").status_code == 404


def test_an_outsider_cannot_download_a_letter(
    decide, secretariat, client, outsider, django_capture_on_commit_callbacks
):
    letter = decide(Level.BRONZE, Outcome.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_send(letter=letter, actor=secretariat)
    client.force_login(outsider)

    assert client.get(f"/letters/{letter.pk}/letter.pdf").status_code == 404


def test_the_secretariat_edits_and_sends_from_the_page(
    decide, secretariat, client, django_capture_on_commit_callbacks
):
    letter = decide(Level.BRONZE, Outcome.BRONZE)
    client.force_login(secretariat)

    client.post(f"/letters/{letter.pk}/edit/", {"body": "New text.", "reason": "Tone"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/letters/{letter.pk}/send/")

    letter.refresh_from_db()
    assert response.status_code == 302
    assert (letter.body, letter.sent_by) == ("New text.\n", secretariat)


# --- Experts, and the decision e-mail ---------------------------------------------------------


def test_the_documents_call_the_experts_expert_a_and_b_by_default(decide, lead_expert):
    letter = decide(Level.GOLD, Outcome.GOLD)

    assert expert_names(letter.application) == ["Expert A", "Expert B"]


def test_the_scheme_may_name_the_experts(decide, settings, lead_expert, second_expert):
    settings.REPORT_NAMES_EXPERTS = True
    letter = decide(Level.GOLD, Outcome.GOLD)

    assert expert_names(letter.application) == [lead_expert.full_name, second_expert.full_name]


def test_the_decision_email_states_the_outcome(
    organisation, manager, crew, django_capture_on_commit_callbacks
):
    factories.small_methodology()
    application = services.application_create(
        organisation=organisation, level=Level.SILVER, actor=manager
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        walk_application(application, to=S.DECIDED, crew=crew(Level.SILVER), outcome=Outcome.BRONZE)

    [decision] = [m for m in mail.outbox if m.to == [manager.email] and "decision" in m.subject]
    assert decision.subject.endswith("– BRONZE")
    assert "BRONZE (applied for: SILVER)" in decision.body
