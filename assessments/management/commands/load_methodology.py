"""``python manage.py load_methodology FILE``: validate, store and publish a methodology version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.methodology_schema import MethodologyFileError
from assessments.services import methodology_load
from labelling.exceptions import ServiceError


class Command(BaseCommand):
    help = (
        "Load a methodology version from a YAML or JSON file; nothing is stored if it is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--draft", action="store_true", help="Store the version without publishing it."
        )

    def handle(self, *args, file: Path, draft: bool, **options) -> None:
        try:
            version = methodology_load(path=file, publish=not draft)
        except (MethodologyFileError, ServiceError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        counts = (version.dimensions.count(), version.indicators.count())
        gold = version.indicators.filter(in_gold_set=True).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {version.code} {version.version} ({version.state}): "
                f"{counts[0]} dimensions, {counts[1]} indicators, {gold} in the GOLD set."
            )
        )
