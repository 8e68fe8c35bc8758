from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessments.views import assignments as assessment_views
from config import metrics
from config.health import HealthView
from labelling.forms import AdminLoginForm
from labelling.views import (
    account,
    applications,
    dashboard,
    effects,
    invitations,
    organisations,
    privacy,
    queue,
)

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/", include("assessments.api")),
    path("api/v1/", include("labelling.api")),
    path(
        "api/v1/docs/",
        # The split view serves its start-up script as a file: the page has no inline script.
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api/swagger_ui.html"
        ),
        name="api_docs",
    ),
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("metrics", metrics.metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the bundled icon.
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg")), name="favicon"),
    path("i18n/setlang/", account.set_language, name="set_language"),
    # Log-in, log-out, password reset and change, e-mail addresses, second factor (allauth).
    path("accounts/", include("allauth.urls")),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("waiting-for-me/", queue.work_queue, name="work_queue"),
    path("waiting-for-me/assign/", assessment_views.bulk_assign, name="bulk_assign"),
    path("waiting-for-me/remind/", queue.bulk_remind, name="bulk_remind"),
    path("notices/", queue.notice_list, name="notice_list"),
    path("deadlines/<int:pk>/move/", applications.deadline_move, name="deadline_move"),
    path("deadlines/<int:pk>/remind/", applications.deadline_remind, name="deadline_remind"),
    path("notices/read/", queue.notices_mark_read, name="notices_mark_read"),
    path("account/tokens/", account.api_token_list, name="api_tokens"),
    path("account/my-data/", privacy.personal_data_download, name="personal_data_download"),
    path("follow-ups/", effects.effect_list, name="effect_list"),
    path("follow-ups/<uuid:pk>/retry/", effects.effect_retry, name="effect_retry"),
    path("account/tokens/<int:pk>/revoke/", account.api_token_revoke, name="api_token_revoke"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path(
        "organisations/awaiting-confirmation/",
        organisations.organisations_awaiting_confirmation,
        name="organisations_awaiting_confirmation",
    ),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<int:pk>/confirm/",
        organisations.organisation_confirm,
        name="organisation_confirm",
    ),
    path(
        "organisations/<int:pk>/invitations/",
        organisations.organisation_invite,
        name="organisation_invite",
    ),
    path(
        "organisations/<int:pk>/managers/<int:user_pk>/remove/",
        organisations.organisation_remove_manager,
        name="organisation_remove_manager",
    ),
    path("invitations/", invitations.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/resend/", invitations.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/cancel/", invitations.invitation_cancel, name="invitation_cancel"),
    # The link of an invitation's mail: the key is the only secret, and only its hash is kept.
    path("invitation/<str:key>/", invitations.invitation_accept, name="invitation_accept"),
    path(
        "organisations/<int:organisation_pk>/applications/new/",
        applications.application_create,
        name="application_create",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/actions/<slug:action>/",
        applications.application_action,
        name="application_action",
    ),
    path(
        "applications/<int:application_pk>/assignments/new/",
        assessment_views.assignment_create,
        name="assignment_create",
    ),
    path(
        "applications/<int:application_pk>/assign-experts/",
        assessment_views.assign_experts,
        name="assign_experts",
    ),
    path(
        "applications/<int:application_pk>/consensus/complete/",
        assessment_views.consensus_complete,
        name="consensus_complete",
    ),
    path(
        "assignments/<int:pk>/accept/", assessment_views.assignment_accept, name="assignment_accept"
    ),
    path(
        "assignments/<int:pk>/decline/",
        assessment_views.assignment_decline,
        name="assignment_decline",
    ),
    path(
        "assignments/<int:pk>/submit-scoring/",
        assessment_views.assessment_submit,
        name="assessment_submit",
    ),
]

# The API answers a route it does not know, or its own crash, as a problem detail.
handler404 = "labelling.api_errors.page_not_found"
handler500 = "labelling.api_errors.server_error"
