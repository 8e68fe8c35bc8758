from django.urls import path

from reports import api
from reports.views import credentials, exports, public, secretariat

urlpatterns = [
    path("verify/", public.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", public.verify, name="verify"),
    path("verify/<str:number>/certificate.pdf", public.certificate_pdf, name="certificate_pdf"),
    path("verify/<str:number>/badge.png", public.verify_badge, name="verify_badge"),
    path("registry/", public.registry, name="registry"),
    path("credentials/<str:number>", credentials.credential, name="credential"),
    path("credentials/<str:number>/badge.png", credentials.credential_png, name="credential_png"),
    path(
        "credentials/status/<slug:purpose>/<int:number>",
        credentials.status_list,
        name="status_list",
    ),
    path(
        "credentials/achievements/<slug:code>/<str:version>/<slug:level>",
        credentials.achievement,
        name="achievement",
    ),
    path(".well-known/did.json", public.did_document, name="did_document"),
    path("registry/export.<slug:fmt>", exports.registry_export, name="registry_export"),
    path(
        "exports/applications.<slug:fmt>", exports.applications_export, name="applications_export"
    ),
    path("exports/workload.<slug:fmt>", exports.workload_export, name="workload_export"),
    path("applications/<int:pk>/audit.<slug:fmt>", exports.audit_export, name="audit_export"),
    path("applications/<int:pk>/report.pdf", secretariat.report_pdf, name="report_pdf"),
    path(
        "applications/<int:pk>/certificate/retry/",
        secretariat.certificate_retry,
        name="certificate_retry",
    ),
    path(
        "applications/<int:pk>/certificate/rerender/",
        secretariat.certificate_rerender,
        name="certificate_rerender",
    ),
    path("labels/<int:pk>/<slug:action>/", secretariat.label_action, name="label_action"),
    path("letters/<int:pk>/letter.pdf", secretariat.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/edit/", secretariat.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/preview.pdf", secretariat.letter_preview, name="letter_preview"),
    path("letters/<int:pk>/send/", secretariat.letter_send, name="letter_send"),
    path("", public.home, name="home"),
    path("statistics/", secretariat.scheme_statistics, name="statistics"),
    *api.urlpatterns,
]
