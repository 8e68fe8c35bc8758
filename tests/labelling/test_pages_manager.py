"""The manager's pages: renewing a label before it expires, withdrawing, appealing, the
documents; and the action forms, each asking its own question."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from labelling.models import Application, Level, Outcome
from labelling.models import ApplicationState as S
from reports.models import Label, LabelState
from tests import factories


def _label_ending_in(organisation, manager, days: int, **fields) -> Label:
    """A label of ``organisation`` valid until ``days`` from today."""
    until = timezone.localdate() + datetime.timedelta(days=days)
    return factories.LabelFactory(
        organisation=organisation,
        application__created_by=manager,
        level=fields.pop("level", Level.BRONZE),
        valid_from=until - datetime.timedelta(days=730),
        valid_until=until,
        certificate=False,
        **fields,
    )


def _organisation_page(client, organisation):
    return client.get(reverse("organisation_detail", args=[organisation.pk]))


def _renewals(response) -> list[Label]:
    return [label for label, _form in response.context["renewal_forms"]]


@pytest.mark.parametrize("days", [60, -200], ids=["expiring-in-60-days", "expired-200-days-ago"])
def test_organisation_page_offers_to_renew_a_label_near_or_past_its_expiry(
    client, organisation, manager, days
):
    label = _label_ending_in(organisation, manager, days)
    client.force_login(manager)

    response = _organisation_page(client, organisation)

    assert _renewals(response) == [label]
    assert "Start a renewal" in response.content.decode()


@pytest.mark.parametrize("days", [200, -400], ids=["valid-for-long", "expired-over-a-year-ago"])
def test_organisation_page_offers_no_renewal_too_early_or_too_late(
    client, organisation, manager, days
):
    _label_ending_in(organisation, manager, days)
    client.force_login(manager)

    response = _organisation_page(client, organisation)

    assert _renewals(response) == []
    assert "Start a renewal" not in response.content.decode()


def test_organisation_page_offers_no_renewal_of_a_revoked_label(client, organisation, manager):
    label = _label_ending_in(organisation, manager, 30)
    # Fixture set-up only: the state the revoke service would have reached.
    Label.objects.filter(pk=label.pk).update(state=LabelState.REVOKED)
    client.force_login(manager)

    assert _renewals(_organisation_page(client, organisation)) == []


def test_organisation_page_offers_no_second_renewal_while_one_is_open(
    client, organisation, manager
):
    label = _label_ending_in(organisation, manager, 30)
    factories.ApplicationFactory(organisation=organisation, renews=label, self_assessed=False)
    client.force_login(manager)

    assert _renewals(_organisation_page(client, organisation)) == []


def test_starting_a_renewal_opens_a_draft_that_renews_the_label(client, organisation, manager):
    label = _label_ending_in(organisation, manager, 30, level=Level.SILVER)
    client.force_login(manager)

    response = client.post(
        reverse("application_create", args=[organisation.pk]),
        {"level": Level.SILVER, "renews": label.pk},
    )

    renewal = Application.objects.get(renews=label)
    assert (renewal.state, renewal.level) == (S.DRAFT, Level.SILVER)
    assert response.url == reverse("application_detail", args=[renewal.pk])


def test_renewing_another_organisations_label_is_refused(
    client, organisation, manager, other_manager
):
    foreign = _label_ending_in(other_manager.organisations.get(), other_manager, 30)
    client.force_login(manager)

    response = client.post(
        reverse("application_create", args=[organisation.pk]),
        {"level": Level.BRONZE, "renews": foreign.pk},
        follow=True,
    )

    assert "Choose a label of this organisation to renew." in response.content.decode()
    assert not Application.objects.filter(renews=foreign).exists()


def test_renewal_forms_have_their_own_field_ids(client, organisation, manager):
    label = _label_ending_in(organisation, manager, 30)
    client.force_login(manager)

    page = _organisation_page(client, organisation).content.decode()

    assert f'id="id_renewal_{label.pk}_level"' in page
    assert page.count('id="id_level"') == 1


def _offered(client, application) -> list[str]:
    response = client.get(reverse("application_detail", args=[application.pk]))
    return [name for name, *_rest in response.context["actions"]]


def test_manager_is_offered_to_withdraw_before_the_decision(client, organisation, manager):
    submitted = factories.ApplicationFactory(organisation=organisation, state=S.SUBMITTED)
    client.force_login(manager)

    assert _offered(client, submitted) == ["withdraw"]


def test_manager_is_offered_to_appeal_a_fresh_decision(client, organisation, manager):
    decided = factories.ApplicationFactory(
        organisation=organisation,
        state=S.DECIDED,
        decided_outcome=Outcome.NONE,
        decided_at=timezone.now(),
    )
    client.force_login(manager)

    assert _offered(client, decided) == ["appeal"]


def test_application_page_links_the_manager_to_the_issued_documents(client, organisation, manager):
    label = factories.LabelFactory(organisation=organisation, application__created_by=manager)
    client.force_login(manager)

    page = client.get(reverse("application_detail", args=[label.application_id])).content.decode()

    assert reverse("certificate_pdf", args=[label.certificate.number]) in page
    assert reverse("report_pdf", args=[label.application_id]) in page


def test_screening_forms_each_ask_their_own_question(client, organisation, secretariat):
    submitted = factories.ApplicationFactory(organisation=organisation, state=S.SUBMITTED)
    client.force_login(secretariat)

    page = client.get(reverse("application_detail", args=[submitted.pk])).content.decode()

    assert (
        '<label for="reason-return_for_completion">What must the organisation complete?</label>'
        in page
    )
    assert '<label for="reason-reject">Why is the application ineligible?</label>' in page
    assert page.count('id="reason-reject"') == 1


def test_label_forms_each_ask_their_own_question(client, organisation, secretariat):
    label = factories.LabelFactory(organisation=organisation)
    client.force_login(secretariat)

    page = client.get(reverse("application_detail", args=[label.application_id])).content.decode()

    assert '<label for="label-reason-suspend">Why is the label suspended?</label>' in page
    assert '<label for="label-reason-revoke">Why is the label revoked?</label>' in page
