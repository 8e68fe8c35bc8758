"""URL patterns of the assessment pages, gathered from each views module."""

from assessments.views import evidence, experts, scoring, selfassessment

urlpatterns = [
    *evidence.urlpatterns,
    *selfassessment.urlpatterns,
    *scoring.urlpatterns,
    *experts.urlpatterns,
]
