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
        self._keep_public_answers_fresh()

    def _keep_public_answers_fresh(self) -> None:
        """What the public pages show comes from these models; any change to one makes every
        kept page and answer stale (reports.public_cache)."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from labelling.models import Organisation, Sector
        from reports import public_cache
        from reports.models import Certificate, Label

        for model in (Label, Certificate, Organisation, Sector):
            for signal in (post_save, post_delete):
                signal.connect(public_cache.changed, sender=model, dispatch_uid=f"public-{model}")
        m2m_changed.connect(
            public_cache.changed, sender=Organisation.sectors.through, dispatch_uid="public-sectors"
        )
