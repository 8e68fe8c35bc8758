"""The permission module: rules hold for everyone, superusers included."""

import pytest

from assessments.services import decision
from labelling.exceptions import ActionForbidden
from labelling.rules import can
from tests import factories


def test_superuser_cannot_confirm_the_decision_they_proposed(organisation, manager):
    superuser = factories.SecretariatFactory(is_superuser=True)
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state="decision_proposed"
    )
    # Fixture set-up only: a proposal by the superuser, as the propose service would record it.
    type(application).objects.filter(pk=application.pk).update(
        proposed_by=superuser, proposed_outcome="bronze"
    )
    application.refresh_from_db()

    assert superuser.has_perm("labelling.confirm_decision", application)  # Django's answer
    assert not can(superuser, "labelling.confirm_decision", application)  # the scheme's answer
    with pytest.raises(ActionForbidden):
        decision.application_confirm_decision(application=application, actor=superuser)


def test_anonymous_visitor_may_do_nothing(application):
    from django.contrib.auth.models import AnonymousUser

    assert not can(AnonymousUser(), "labelling.view_application", application)
