from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Labelling")

    def ready(self) -> None:
        # The slots the apps above fill (with their system check), and the tasks services queue
        # by name (labelling.dispatch).
        from labelling import extensions, tasks  # noqa: F401
