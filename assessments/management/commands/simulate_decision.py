"""``manage.py simulate_decision``: what a cluster would get under a methodology version.

    simulate_decision --describe ecl-default:2026.1      the methodology as the rules see it
    simulate_decision input.json [--language de]          the decision on the facts in the file
    simulate_decision - < input.json                      the same, read from standard input

Prints one JSON object. Malformed input exits with status 2 and a one-line message on
standard error that names the field; nothing is printed on standard output then.
"""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.simulation import SimulationError, describe, loads, simulate

#: What malformed input exits with (as a command-line usage error does).
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Decide on facts given as JSON with the engine the decision service uses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", nargs="?", help="input JSON file, or - for standard input")
        parser.add_argument(
            "--describe", metavar="VERSION", help="print the methodology (CODE:VERSION) instead"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="en",
            help="language of the reasons' texts (default en)",
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["describe"]:
                output = describe(options["describe"])
            elif options["input"]:
                output = simulate(loads(self._read(options["input"])), language=options["language"])
            else:
                raise SimulationError(
                    "input", "give an input file, - for standard input, or --describe"
                )
        except SimulationError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))

    @staticmethod
    def _read(source: str) -> str:
        if source == "-":
            return sys.stdin.read()
        try:
            with open(source, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise SimulationError("input", f"{source}: cannot be read ({exc})") from exc
