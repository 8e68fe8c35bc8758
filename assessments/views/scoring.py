"""Pages of the assessment: scoring (thin views over assessments.services)."""

from django.urls import path  # noqa: F401 (used once the first page is added)

urlpatterns: list = []
