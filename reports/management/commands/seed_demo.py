"""``manage.py seed_demo``: demo people, organisations and applications; safe to run again."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from reports import demo


class Command(BaseCommand):
    help = (
        "Create demo log-ins for every role, cluster organisations and applications in every "
        "state, moved there through the services. Creates only what is missing."
    )

    def handle(self, *args: object, **options: object) -> None:
        # The notifications of each state change go out right after the commit (in-process
        # when no broker is configured); dropping the e-mails keeps the console readable.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = demo.seed_demo()
        if report.organisations_created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {len(report.organisations_created)} demo organisation(s) "
                    "with their applications."
                )
            )
        if report.organisations_existing:
            self.stdout.write(
                f"{len(report.organisations_existing)} demo organisation(s) already existed "
                "and were left as they are."
            )
        if report.users_existing:
            self.stdout.write(
                f"{len(report.users_existing)} demo log-in(s) already existed and keep "
                "their current password."
            )
        self.stdout.write("")
        self._write_table(("E-mail", "Password", "Role"), demo.login_rows())
        self.stdout.write("")
        self.stdout.write(
            "The secretariat's log-ins ask for a one-time code: add the key "
            f"{demo.DEMO_TOTP_SECRET} to an authenticator app (time-based, 6 digits, 30 s)."
        )

    def _write_table(self, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(
                cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
            ).rstrip()

        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))
