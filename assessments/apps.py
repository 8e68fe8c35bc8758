from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # What the application lifecycle asks of the assessment (labelling.extensions), and the
        # tasks services queue by name (labelling.dispatch).
        from assessments import plugin, tasks  # noqa: F401

        plugin.install()
