"""A person's data: "Download my data" holds their rows and nobody else's; the secretariat's
erasure anonymises the person, keeps every record readable and frees the address."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    ClarificationQuestion,
    ExpertProfile,
)
from labelling import services
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import Application, Effect, StateChange, User
from labelling.models import ApplicationState as S
from labelling.privacy import ARCHIVE_DATA, ARCHIVE_README, erase_person, personal_data
from tests import factories

pytestmark = pytest.mark.django_db


def _record(application: Application, actor: User, reason: str) -> StateChange:
    """An audit row of ``actor``'s on ``application`` (as ``run_transition`` writes it)."""
    return StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        transition="send_back_to_experts",
        source=S.QUALITY_REVIEW,
        target=S.CONSENSUS,
        actor=actor,
        actor_label=actor.email,
        reason=reason,
    )


def _expert_with_rows(application: Application, name: str, email: str, tag: str, role: str) -> User:
    """An expert who scored ``application``, asked about it, declared a tie and acted on it;
    every text they wrote carries ``tag``."""
    expert = factories.ExpertFactory(full_name=name, email=email)
    assignment = factories.AssignmentFactory(
        application=application,
        expert=expert,
        role=role,
        status=AssignmentStatus.ACCEPTED,
        scored=True,
    )
    assignment.scores.update(justification=f"Justification by {tag}")
    ClarificationQuestion.objects.create(
        application=application,
        asked_by=expert,
        text=f"Question by {tag}",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    factories.ConflictDeclarationFactory(expert=expert, description=f"Tie declared by {tag}")
    _record(application, expert, f"Reason given by {tag}")
    return expert


@pytest.fixture
def assessed(organisation, manager):
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.CONSENSUS
    )


@pytest.fixture
def person(assessed):
    return _expert_with_rows(
        assessed, "Ada Exportable", "ada@example.org", "Ada", AssignmentRole.LEAD
    )


@pytest.fixture
def someone_else(assessed):
    return _expert_with_rows(
        assessed, "Bert Hidden", "bert@example.org", "Bert", AssignmentRole.SECOND
    )


def _download(client, user: User) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("personal_data_download"))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def _exported_text(client, user: User) -> str:
    return _download(client, user).read(ARCHIVE_DATA).decode()


# --- Download my data ---------------------------------------------------------------------------


def test_export_is_a_zip_of_the_json_and_a_readme_naming_every_section(client, person):
    archive = _download(client, person)

    assert sorted(archive.namelist()) == sorted([ARCHIVE_DATA, ARCHIVE_README])
    sections = json.loads(archive.read(ARCHIVE_DATA))["sections"]
    readme = archive.read(ARCHIVE_README).decode()
    assert all(f"- {name}: " in readme for name in sections)


def test_export_answers_with_an_attachment_no_cache_keeps(client, person):
    client.force_login(person)

    response = client.get(reverse("personal_data_download"))

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]


def test_export_holds_the_persons_own_rows(client, person, someone_else):
    sections = json.loads(_download(client, person).read(ARCHIVE_DATA))["sections"]

    assert sections["profile"]["email"] == "ada@example.org"
    assert sections["profile"]["full_name"] == "Ada Exportable"
    assert sections["roles"]["expert"] is True
    assert {row["justification"] for row in sections["scores"]} == {"Justification by Ada"}
    assert [row["question"] for row in sections["clarification_questions_asked"]] == [
        "Question by Ada"
    ]
    assert [row["nature_of_the_tie"] for row in sections["conflict_of_interest_declarations"]] == [
        "Tie declared by Ada"
    ]
    assert [row["reason"] for row in sections["audit_trail"]] == ["Reason given by Ada"]
    assert sections["expert_profile"]["languages"] == ["en", "de"]
    assert [row["status"] for row in sections["assignments"]] == [AssignmentStatus.ACCEPTED]


def test_export_holds_nothing_about_another_person(client, person, someone_else, manager):
    text = _exported_text(client, person)

    for trace in ("Bert", "bert@example.org", manager.full_name, manager.email):
        assert trace not in text


def test_export_of_a_manager_holds_their_memberships_and_self_assessment(
    client, manager, organisation, assessed
):
    sections = json.loads(_download(client, manager).read(ARCHIVE_DATA))["sections"]

    assert [row["organisation"] for row in sections["memberships"]] == [organisation.name]
    assert {row["application"] for row in sections["self_assessment_answers"]} == {assessed.pk}
    assert {row["file_name"] for row in sections["evidence_uploaded"]} == {
        evidence.original_name for evidence in assessed.evidence.all()
    }


def test_export_names_api_tokens_and_dates_but_no_key(client, manager):
    token, key = services.api_token_create(user=manager, name="CRM sync")

    text = _exported_text(client, manager)

    assert "CRM sync" in text
    for secret in (key, token.prefix, token.key_hash):
        assert secret not in text


def test_export_leaves_out_the_password_hash(client, manager):
    text = _exported_text(client, manager)

    assert manager.password not in text
    assert "password" not in json.loads(text)["sections"]["profile"]


def test_export_of_an_erasure_names_the_erased_person_as_another_person(
    client, secretariat, outsider
):
    erase_person(actor=secretariat, person=outsider, reason="Asked to be forgotten")

    sections = json.loads(_download(client, secretariat).read(ARCHIVE_DATA))["sections"]

    assert [row["subject"] for row in sections["audit_trail"]] == ["another person"]


def test_export_needs_a_log_in(client):
    response = client.get(reverse("personal_data_download"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_links_to_the_export(client, manager):
    client.force_login(manager)

    response = client.get(reverse("dashboard"))

    assert reverse("personal_data_download") in response.content.decode()


def test_every_app_contributes_its_sections():
    sections = personal_data(person=factories.UserFactory())

    assert {"profile", "audit_trail", "scores", "reports_naming_you"} <= set(sections)


# --- Erasure ------------------------------------------------------------------------------------


def test_erasure_anonymises_the_name_address_and_country(secretariat, manager):
    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    manager.refresh_from_db()
    assert manager.full_name == f"Former user #{manager.pk}"
    assert manager.email == f"erased-{manager.pk}@erased.invalid"
    assert manager.country == ""


def test_erasure_rewrites_the_recorded_versions_of_the_account(secretariat, manager):
    old_email = manager.email
    manager.full_name = "Renamed Before Erasure"
    manager.save()

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    versions = User.versions.filter(id=manager.pk)
    assert versions.count() >= 2
    assert not versions.filter(email=old_email).exists()
    assert set(versions.values_list("full_name", flat=True)) == {f"Former user #{manager.pk}"}


def test_erased_person_cannot_log_in(client, secretariat, manager):
    old_email = manager.email

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    for login in (old_email, f"erased-{manager.pk}@erased.invalid"):
        client.post(reverse("account_login"), {"login": login, "password": factories.PASSWORD})
        assert "_auth_user_id" not in client.session, login
    manager.refresh_from_db()
    assert (manager.is_active, manager.has_usable_password()) == (False, False)


def test_erased_persons_open_session_ends(client, secretariat, manager):
    client.force_login(manager)

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_erased_persons_address_is_free_for_a_new_account(client, secretariat, manager):
    old_email = manager.email
    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    newcomer = factories.ManagerFactory(email=old_email)
    client.post(reverse("account_login"), {"login": old_email, "password": factories.PASSWORD})

    assert client.session["_auth_user_id"] == str(newcomer.pk)
    assert list(EmailAddress.objects.filter(email__iexact=old_email)) == [
        EmailAddress.objects.get(user=newcomer)
    ]


def test_erasure_keeps_the_timeline_readable(client, secretariat, manager, application):
    old_name, old_email = manager.full_name, manager.email
    services.application_submit(application=application, actor=manager)

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")
    client.force_login(secretariat)
    response = client.get(reverse("application_detail", args=[application.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert f"by Former user #{manager.pk}" in text
    assert old_name not in text
    assert old_email not in text


def test_erasure_renames_the_person_in_the_recorded_audit_rows(secretariat, manager, application):
    services.application_submit(application=application, actor=manager)

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    labels = set(StateChange.objects.filter(actor=manager).values_list("actor_label", flat=True))
    assert labels == {f"Former user #{manager.pk}"}


def test_erasure_is_itself_recorded_in_the_audit_trail(secretariat, manager):
    record = erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    assert (record.subject, record.actor, record.reason) == (
        manager,
        secretariat,
        "Asked to be forgotten",
    )
    assert record.transition_label == "Personal data erased"


def test_erasure_revokes_the_persons_api_tokens(secretariat, manager):
    token, _key = services.api_token_create(user=manager, name="CRM sync")

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_erasure_removes_the_persons_second_factor(secretariat, second_secretariat):
    erase_person(actor=secretariat, person=second_secretariat, reason="Left the secretariat")

    assert not Authenticator.objects.filter(user=second_secretariat).exists()


def test_erasure_drops_account_mails_to_the_old_address(secretariat, manager, outsider):
    for person in (manager, outsider):
        Effect.objects.create(
            key=f"mail:{person.pk}",
            task="labelling.send_account_mail",
            kwargs={"subject": "Reset", "body": "A link", "html": "", "to": [person.email]},
        )

    erase_person(actor=secretariat, person=manager, reason="Asked to be forgotten")

    assert [effect.kwargs["to"] for effect in Effect.objects.all()] == [[outsider.email]]


def test_erasure_blanks_the_expert_profiles_personal_fields(secretariat, lead_expert):
    lead_expert.expert_profile.sectors.set([factories.SectorFactory()])

    erase_person(actor=secretariat, person=lead_expert, reason="Asked to be forgotten")

    profile = ExpertProfile.objects.get(user=lead_expert)
    assert (list(profile.countries), profile.languages, profile.sectors.count()) == ([], [], 0)


def test_erasure_keeps_the_persons_memberships_and_scores(secretariat, manager, person):
    scores = person.assignments.get().scores.count()

    erase_person(actor=secretariat, person=person, reason="Asked to be forgotten")

    assert person.assignments.get().scores.count() == scores
    assert manager.organisations.exists()


def test_erasure_by_a_manager_is_denied(manager, outsider):
    with pytest.raises(ActionForbidden):
        erase_person(actor=manager, person=outsider, reason="Asked to be forgotten")

    outsider.refresh_from_db()
    assert outsider.is_active


def test_erasure_by_the_secretariat_without_a_second_factor_is_denied(outsider):
    member = factories.SecretariatFactory(second_factor=False)

    with pytest.raises(ActionForbidden):
        erase_person(actor=member, person=outsider, reason="Asked to be forgotten")


def test_erasure_of_oneself_is_denied(secretariat):
    with pytest.raises(ActionForbidden):
        erase_person(actor=secretariat, person=secretariat, reason="Leaving")


def test_erasure_without_a_reason_is_refused(secretariat, outsider):
    with pytest.raises(InvalidInput):
        erase_person(actor=secretariat, person=outsider, reason="  ")

    outsider.refresh_from_db()
    assert outsider.is_active


def test_erasing_an_erased_person_again_is_refused(secretariat, outsider):
    erase_person(actor=secretariat, person=outsider, reason="Asked to be forgotten")

    with pytest.raises(TransitionRefused):
        erase_person(actor=secretariat, person=outsider, reason="Once more")
