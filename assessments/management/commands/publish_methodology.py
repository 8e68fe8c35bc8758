"""``python manage.py publish_methodology CODE:VERSION``: publish a draft methodology version.

A version loaded with ``load_methodology --draft`` can be tried out (``simulate_decision``) and
corrected in the admin; this command checks it again as a file would be checked and publishes
it, after which it is immutable and new applications are pinned to it. The state change is
recorded with who (``--by``, a secretariat member) or, without it, this command as the actor.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.methodology_schema import MethodologyFileError
from assessments.services.methodology import methodology_find, methodology_publish
from labelling.exceptions import ServiceError
from labelling.models import User


class Command(BaseCommand):
    help = "Publish a draft methodology version after checking it again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", help="CODE:VERSION, or VERSION when only one code has it")
        parser.add_argument(
            "--by", metavar="EMAIL", help="the secretariat member who publishes it (recorded)"
        )

    def handle(self, *args, version: str, by: str | None, **options) -> None:
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by.strip(), is_active=True).first()
            if actor is None:
                raise CommandError(f"--by: there is no active user {by}")
        try:
            methodology = methodology_find(version)
            methodology_publish(
                methodology=methodology, actor=actor, system_label="publish_methodology"
            )
        except MethodologyFileError as exc:
            raise CommandError(f"{version} is not valid and stays a draft: {exc}") from exc
        except ServiceError as exc:
            raise CommandError(f"{version}: {exc}") from exc
        methodology.refresh_from_db()
        who = actor.email if actor else "the publish_methodology command"
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {methodology.code} {methodology.version} at "
                f"{methodology.published_at:%Y-%m-%d %H:%M %Z} by {who}."
            )
        )
