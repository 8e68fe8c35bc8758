"""Invitations: the secretariat invites experts and colleagues, a manager invites and removes
co-managers; a link works once, until it expires, and only a POST accepts it."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import ExpertProfile
from labelling import services
from labelling.exceptions import ActionForbidden, InvalidInput, TransitionRefused
from labelling.models import (
    Effect,
    Invitation,
    InvitationRole,
    InvitationState,
    Membership,
    Organisation,
    StateChange,
    User,
)
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long passphrase for the labels"
INVITEE = "new.person@example.org"
LINK = re.compile(r"https?://[^/\s]+(/invitation/[^/\s]+/)")


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Invites through the service and sends the mail as the outbox would; returns the
    invitation and the path of the link in its mail."""

    def send(role: str, actor: User, email: str = INVITEE, organisation=None):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                email=email, role=role, actor=actor, organisation=organisation
            )
        return invitation, link_in(mail.outbox[-1])

    return send


def link_in(message) -> str:
    return LINK.search(message.body)[1]


def _accept_as_newcomer(client: Client, link: str, password: str = NEW_PASSWORD):
    return client.post(
        link, {"full_name": "Nora Neu", "password1": password, "password2": password}
    )


def _roles(user: User) -> dict[str, bool]:
    user.refresh_from_db()
    fields = ["is_cluster_manager", "is_expert", "is_secretariat", "is_staff", "is_superuser"]
    return {name: getattr(user, name) for name in fields}


NOTHING = dict.fromkeys(
    ["is_cluster_manager", "is_expert", "is_secretariat", "is_staff", "is_superuser"], False
)


# The mail


def test_the_invitation_mail_goes_through_the_outbox_and_only_its_key_hash_is_stored(
    invite, secretariat
):
    invitation, link = invite(InvitationRole.EXPERT, secretariat)

    key = link.strip("/").split("/")[-1]
    effect = Effect.objects.get(task="labelling.send_invitation")
    assert effect.kwargs == {"invitation_id": invitation.pk, "sending": 1}
    assert mail.outbox[-1].to == [INVITEE]
    invitation.refresh_from_db()
    assert invitation.key_hash == Invitation.hash_key(key)
    assert key not in str(Invitation.objects.filter(pk=invitation.pk).values().get())


def test_the_mail_is_in_the_invitees_language_when_they_have_an_account(invite, secretariat):
    factories.UserFactory(email=INVITEE, language="de")

    invite(InvitationRole.EXPERT, secretariat)

    assert mail.outbox[-1].subject == "Einladung als Gutachter für die Cluster-Labels"


def test_the_mail_is_in_the_inviters_language_for_a_newcomer(invite, secretariat):
    secretariat.language = "de"
    secretariat.save(update_fields=["language"])

    invite(InvitationRole.SECRETARIAT, secretariat)

    assert mail.outbox[-1].subject == "Einladung in das Label-Sekretariat"


def test_the_mail_task_sends_once_however_often_it_runs(invite, secretariat):
    invitation, _link = invite(InvitationRole.EXPERT, secretariat)

    again = services.invitation_mail(invitation_id=invitation.pk, sending=1)

    assert again == 0
    assert len(mail.outbox) == 1


# Opening and accepting the link


def test_opening_the_link_shows_the_offer_and_grants_nothing(client, invite, secretariat):
    invitation, link = invite(InvitationRole.EXPERT, secretariat)

    response = client.get(link)

    assert response.status_code == 200
    assert "invites you to join as an expert" in response.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.PENDING


EXPECTED_ROLES = {
    InvitationRole.EXPERT: {**NOTHING, "is_expert": True},
    InvitationRole.SECRETARIAT: {**NOTHING, "is_secretariat": True, "is_staff": True},
    InvitationRole.CO_MANAGER: {**NOTHING, "is_cluster_manager": True},
}


@pytest.mark.parametrize("role", list(EXPECTED_ROLES), ids=list(EXPECTED_ROLES))
def test_accepting_creates_the_account_with_the_role_and_nothing_more(
    client, invite, secretariat, manager, organisation, role
):
    inviter = manager if role == InvitationRole.CO_MANAGER else secretariat
    on = organisation if role == InvitationRole.CO_MANAGER else None
    _invitation, link = invite(role, inviter, organisation=on)

    response = _accept_as_newcomer(client, link)

    assert response.url == reverse("dashboard")
    person = User.objects.get(email=INVITEE)
    assert _roles(person) == EXPECTED_ROLES[role]
    assert list(person.groups.all()) == []
    assert list(person.user_permissions.all()) == []
    assert not ExpertProfile.objects.filter(user=person).exists()
    assert list(Organisation.objects.filter(managers=person)) == ([organisation] if on else [])
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_new_accounts_address_counts_as_proved(client, invite, secretariat):
    _invitation, link = invite(InvitationRole.EXPERT, secretariat)

    _accept_as_newcomer(client, link)

    address = EmailAddress.objects.get(email=INVITEE)
    assert (address.verified, address.primary) == (True, True)


def test_the_acceptance_is_recorded(client, invite, secretariat):
    invitation, link = invite(InvitationRole.EXPERT, secretariat)

    _accept_as_newcomer(client, link)

    person = User.objects.get(email=INVITEE)
    change = StateChange.objects.get(
        content_type=ContentType.objects.get_for_model(Invitation), object_id=invitation.pk
    )
    assert (change.transition, change.source, change.target, change.actor) == (
        "accept_invitation",
        InvitationState.PENDING,
        InvitationState.ACCEPTED,
        person,
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (person, True)


def test_a_weak_password_is_refused_at_its_field_and_makes_no_account(client, invite, secretariat):
    _invitation, link = invite(InvitationRole.EXPERT, secretariat)

    response = _accept_as_newcomer(client, link, password="12345678")

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email=INVITEE).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_answers_410_and_grants_nothing(client, invite, secretariat, method):
    invitation, link = invite(InvitationRole.EXPERT, secretariat)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = _accept_as_newcomer(client, link) if method == "post" else client.get(link)

    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()


def test_the_link_expires_after_the_configured_days(invite, secretariat, settings):
    settings.INVITATION_DAYS = 3

    invitation, _link = invite(InvitationRole.EXPERT, secretariat)

    left = invitation.expires_at - timezone.now()
    assert datetime.timedelta(days=3) - datetime.timedelta(minutes=1) < left
    assert left <= datetime.timedelta(days=3)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_link_answers_410_and_grants_nothing_more(client, invite, secretariat, method):
    _invitation, link = invite(InvitationRole.EXPERT, secretariat)
    _accept_as_newcomer(client, link)
    changes = StateChange.objects.count()

    again = Client()
    response = _accept_as_newcomer(again, link) if method == "post" else again.get(link)

    assert response.status_code == 410
    assert "works only once" in response.content.decode()
    assert User.objects.filter(email=INVITEE).count() == 1
    assert StateChange.objects.count() == changes


def test_a_cancelled_link_answers_410(client, invite, secretariat):
    invitation, link = invite(InvitationRole.EXPERT, secretariat)
    services.invitation_cancel(invitation=invitation, actor=secretariat)

    response = _accept_as_newcomer(client, link)

    assert response.status_code == 410
    assert "cancelled" in response.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()


def test_sending_again_replaces_the_link(
    client, invite, secretariat, django_capture_on_commit_callbacks
):
    invitation, old_link = invite(InvitationRole.EXPERT, secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, actor=secretariat)
    new_link = link_in(mail.outbox[-1])

    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200


def test_sending_again_renews_an_expired_invitation(invite, secretariat):
    invitation, _link = invite(InvitationRole.EXPERT, secretariat)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )

    renewed = services.invitation_resend(invitation=invitation, actor=secretariat)

    assert renewed.is_open


# An address that has an account already


def test_an_existing_account_is_sent_to_log_in_and_back(client, invite, secretariat):
    factories.UserFactory(email=INVITEE)
    _invitation, link = invite(InvitationRole.EXPERT, secretariat)

    response = client.get(link)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={link.replace('/', '%2F')}"


def test_an_existing_account_gets_the_role_without_a_second_account(client, invite, secretariat):
    person = factories.ManagerFactory(email=INVITEE)
    _invitation, link = invite(InvitationRole.EXPERT, secretariat)
    client.force_login(person)

    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.url == reverse("dashboard")
    assert User.objects.filter(email__iexact=INVITEE).count() == 1
    assert _roles(person) == {**NOTHING, "is_cluster_manager": True, "is_expert": True}


def test_an_address_with_an_account_cannot_make_another_one(client, invite, secretariat):
    factories.UserFactory(email=INVITEE)
    _invitation, link = invite(InvitationRole.EXPERT, secretariat)

    response = _accept_as_newcomer(client, link)

    assert response.status_code == 302  # to the log-in
    assert User.objects.filter(email__iexact=INVITEE).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_logged_in_as_another_account_is_refused(
    client, invite, secretariat, outsider, method
):
    invitee = factories.UserFactory(email=INVITEE)
    _invitation, link = invite(InvitationRole.SECRETARIAT, secretariat)
    client.force_login(outsider)

    response = getattr(client, method)(link)

    assert response.status_code == 403
    assert f"This invitation is for {INVITEE}, and you are logged in as" in (
        response.content.decode()
    )
    assert _roles(outsider) == NOTHING
    assert _roles(invitee) == NOTHING


def test_someone_logged_in_cannot_take_a_newcomers_invitation(
    client, invite, secretariat, outsider
):
    _invitation, link = invite(InvitationRole.SECRETARIAT, secretariat)
    client.force_login(outsider)

    response = client.post(link)

    assert response.status_code == 403
    assert _roles(outsider) == NOTHING
    assert not User.objects.filter(email=INVITEE).exists()


# Who invites whom


def test_a_manager_invites_a_co_manager_of_their_own_organisation(client, manager, organisation):
    client.force_login(manager)

    response = client.post(
        reverse("organisation_invite", args=[organisation.pk]), {"email": INVITEE}
    )

    assert response.url == reverse("organisation_detail", args=[organisation.pk])
    invitation = Invitation.objects.get(email=INVITEE)
    assert (invitation.role, invitation.organisation) == (InvitationRole.CO_MANAGER, organisation)


def test_a_manager_cannot_invite_to_another_organisation(client, manager, other_manager):
    elsewhere = other_manager.organisations.get()
    client.force_login(manager)

    response = client.post(reverse("organisation_invite", args=[elsewhere.pk]), {"email": INVITEE})

    assert response.status_code == 404
    with pytest.raises(ActionForbidden):
        services.invitation_create(
            email=INVITEE, role=InvitationRole.CO_MANAGER, organisation=elsewhere, actor=manager
        )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [InvitationRole.EXPERT, InvitationRole.SECRETARIAT])
@pytest.mark.parametrize("person", ["manager", "lead_expert"])
def test_only_the_secretariat_invites_experts_and_colleagues(request, person, role):
    with pytest.raises(ActionForbidden):
        services.invitation_create(email=INVITEE, role=role, actor=request.getfixturevalue(person))

    assert not Invitation.objects.exists()


def test_the_invitations_page_is_the_secretariats(client, manager):
    client.force_login(manager)

    assert client.get(reverse("invitation_list")).status_code == 403


def test_the_secretariat_invites_from_its_page(client, secretariat):
    client.force_login(secretariat)

    response = client.post(
        reverse("invitation_list"), {"email": INVITEE, "role": InvitationRole.EXPERT}
    )

    assert response.url == reverse("invitation_list")
    page = client.get(reverse("invitation_list")).content.decode()
    assert INVITEE in page
    assert "Waiting for an answer" in page


def test_someone_who_holds_the_role_already_is_not_invited_to_it(secretariat, lead_expert):
    with pytest.raises(InvalidInput) as refused:
        services.invitation_create(
            email=lead_expert.email, role=InvitationRole.EXPERT, actor=secretariat
        )

    assert refused.value.field == "email"


def test_a_second_waiting_invitation_to_the_same_role_is_refused(invite, secretariat):
    invite(InvitationRole.EXPERT, secretariat)

    with pytest.raises(InvalidInput, match="waiting already"):
        services.invitation_create(email=INVITEE, role=InvitationRole.EXPERT, actor=secretariat)


def test_a_manager_cancels_their_organisations_invitation(client, invite, manager, organisation):
    invitation, _link = invite(InvitationRole.CO_MANAGER, manager, organisation=organisation)
    client.force_login(manager)

    client.post(reverse("invitation_cancel", args=[invitation.pk]))

    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.CANCELLED


def test_a_manager_cannot_cancel_the_secretariats_invitation(client, invite, secretariat, manager):
    invitation, _link = invite(InvitationRole.EXPERT, secretariat)
    client.force_login(manager)

    response = client.post(reverse("invitation_cancel", args=[invitation.pk]))

    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.PENDING


# Removing managers


@pytest.fixture
def co_manager(organisation) -> User:
    return factories.MembershipFactory(organisation=organisation).user


def test_a_manager_removes_a_co_manager_and_it_is_recorded(
    client, manager, co_manager, organisation
):
    client.force_login(manager)

    response = client.post(
        reverse("organisation_remove_manager", args=[organisation.pk, co_manager.pk])
    )

    assert response.url == reverse("organisation_detail", args=[organisation.pk])
    assert list(organisation.managers.all()) == [manager]
    change = StateChange.objects.get(transition="remove_manager")
    assert (change.subject, change.actor, change.reason) == (
        organisation,
        manager,
        co_manager.email,
    )


def test_the_last_manager_cannot_be_removed(manager, organisation):
    with pytest.raises(TransitionRefused, match="at least one manager"):
        services.organisation_remove_manager(organisation=organisation, user=manager, actor=manager)

    assert list(organisation.managers.all()) == [manager]
    assert not StateChange.objects.filter(transition="remove_manager").exists()


def test_the_last_active_manager_cannot_be_removed(manager, co_manager, organisation):
    co_manager.is_active = False
    co_manager.save(update_fields=["is_active"])

    with pytest.raises(TransitionRefused):
        services.organisation_remove_manager(organisation=organisation, user=manager, actor=manager)


def test_the_last_manager_cannot_be_removed_through_the_page(client, manager, organisation):
    client.force_login(manager)

    response = client.post(
        reverse("organisation_remove_manager", args=[organisation.pk, manager.pk])
    )

    assert response.status_code == 409
    assert Membership.objects.filter(user=manager, organisation=organisation).exists()


def test_a_manager_cannot_remove_the_managers_of_another_organisation(
    client, manager, other_manager
):
    elsewhere = other_manager.organisations.get()
    factories.MembershipFactory(organisation=elsewhere)
    client.force_login(manager)

    response = client.post(
        reverse("organisation_remove_manager", args=[elsewhere.pk, other_manager.pk])
    )

    assert response.status_code == 404
    with pytest.raises(ActionForbidden):
        services.organisation_remove_manager(
            organisation=elsewhere, user=other_manager, actor=manager
        )
    assert Membership.objects.filter(user=other_manager, organisation=elsewhere).exists()


def test_the_organisation_page_lists_the_managers_with_remove_buttons(
    client, manager, co_manager, organisation
):
    client.force_login(manager)

    html = client.get(reverse("organisation_detail", args=[organisation.pk])).content.decode()

    for person in (manager, co_manager):
        assert person.email in html
        assert reverse("organisation_remove_manager", args=[organisation.pk, person.pk]) in html
    assert reverse("organisation_invite", args=[organisation.pk]) in html


def test_cancel_by_a_manager_of_another_organisation_is_denied(
    invite, manager, organisation, other_manager
):
    invitation, _link = invite(InvitationRole.CO_MANAGER, manager, organisation=organisation)

    with pytest.raises(ActionForbidden):
        services.invitation_cancel(invitation=invitation, actor=other_manager)

    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.PENDING
