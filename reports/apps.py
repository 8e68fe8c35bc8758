from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Certificates and reports")

    def ready(self) -> None:
        # What the application lifecycle asks of labels (labelling.extensions), and the tasks
        # services queue by name (labelling.dispatch).
        from reports import plugin, tasks  # noqa: F401

        plugin.install()
