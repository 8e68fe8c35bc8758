from django.urls import path

from reports import api, views

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("verify/<str:number>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("registry/", views.registry, name="registry"),
    path("applications/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path(
        "applications/<int:pk>/certificate/retry/",
        views.certificate_retry,
        name="certificate_retry",
    ),
    path("labels/<int:pk>/<slug:action>/", views.label_action, name="label_action"),
    *api.urlpatterns,
]
