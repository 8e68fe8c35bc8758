from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Labelling")

    def ready(self) -> None:
        # The slots the apps above fill (with their system check), and the tasks services queue
        # by name (labelling.dispatch).
        from labelling import extensions, tasks  # noqa: F401
        from labelling.accounts import prove_address_of_new_account

        post_save.connect(
            prove_address_of_new_account,
            sender=self.get_model("User"),
            dispatch_uid="labelling.prove_address_of_new_account",
        )
