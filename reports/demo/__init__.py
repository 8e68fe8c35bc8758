"""Demo data: a person in every role, cluster organisations, and applications in every state.

Applications reach their state only through the services, the way people would move them, so
each one carries a real audit trail and queues its notifications like any other. Running the
seed again changes nothing: people are looked up by e-mail, sectors by code, and an
organisation that already exists is skipped together with its applications.
``manage.py seed_demo`` is the command over this package.

By subject: ``people`` (log-ins, expert accreditations, declared ties), ``organisations``
(organisations, sectors and the applications wanted), ``walk`` (moving one application through
the services) and ``seed`` (creating whatever is missing). The modules import one another
directly, never this package.
"""

from reports.demo.organisations import ORGANISATIONS
from reports.demo.people import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    EXPERT_BE,
    EXPERT_DE,
    EXPERT_FR,
    MANAGER,
    MANAGER_2,
    SECRETARIAT,
    SECRETARIAT_2,
)
from reports.demo.seed import DEFAULT_METHODOLOGY, SeedReport, login_rows, seed_demo
from reports.demo.walk import Crew, demo_values, evidence_pdf, walk_application

__all__ = [
    "DEFAULT_METHODOLOGY",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "EXPERT_BE",
    "EXPERT_DE",
    "EXPERT_FR",
    "MANAGER",
    "MANAGER_2",
    "ORGANISATIONS",
    "SECRETARIAT",
    "SECRETARIAT_2",
    "Crew",
    "SeedReport",
    "demo_values",
    "evidence_pdf",
    "login_rows",
    "seed_demo",
    "walk_application",
]
