"""The demo people: a log-in per role, the experts' accreditations and their declared ties."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from labelling.models import Level

#: Every demo person logs in with this password (shown on the console after seeding).
DEMO_PASSWORD = "demo-labels-2026"
#: The demo secretariat's authenticator app: enter this key in one (e.g. FreeOTP, Google
#: Authenticator, KeePassXC) to get the codes their log-in asks for.
DEMO_TOTP_SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"

MANAGER = "manager@demo.test"
MANAGER_2 = "manager2@demo.test"
EXPERT_DE = "expert@demo.test"
EXPERT_FR = "expert2@demo.test"
EXPERT_BE = "expert3@demo.test"
SECRETARIAT = "secretariat@demo.test"
SECRETARIAT_2 = "secretariat2@demo.test"
#: Invited as an expert by the secretariat and yet to answer: the invitations page shows them.
INVITED_EXPERT = "invited.expert@demo.test"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    country: str = ""
    is_cluster_manager: bool = False
    is_expert: bool = False
    is_secretariat: bool = False
    is_staff: bool = False
    is_superuser: bool = False

    def account_fields(self) -> dict[str, object]:
        return {
            "full_name": self.full_name,
            "country": self.country,
            "is_cluster_manager": self.is_cluster_manager,
            "is_expert": self.is_expert,
            "is_secretariat": self.is_secretariat,
            "is_staff": self.is_staff,
            "is_superuser": self.is_superuser,
        }


def _manager(email: str, full_name: str, country: str) -> DemoUser:
    return DemoUser(email, full_name, "cluster manager", country, is_cluster_manager=True)


USERS: tuple[DemoUser, ...] = (
    _manager(MANAGER, "Anna Weber", "DE"),
    _manager(MANAGER_2, "Piotr Nowak", "PL"),
    _manager("manager3@demo.test", "Lotte Peeters", "BE"),
    _manager("manager4@demo.test", "Mads Jensen", "DK"),
    _manager("manager5@demo.test", "Laia Puig", "ES"),
    _manager("manager6@demo.test", "Giulia Ferrari", "IT"),
    _manager("manager7@demo.test", "Stefan Huber", "AT"),
    _manager("manager8@demo.test", "Katrin Lehmann", "DE"),
    _manager("manager9@demo.test", "Iker Etxeberria", "ES"),
    _manager("manager10@demo.test", "Camille Laurent", "FR"),
    _manager("manager11@demo.test", "Julien Moreau", "FR"),
    DemoUser(EXPERT_DE, "Klaus Richter", "expert", "DE", is_expert=True),
    DemoUser(EXPERT_FR, "Claire Dubois", "expert", "FR", is_expert=True),
    DemoUser(EXPERT_BE, "Sofie Maes", "expert", "BE", is_expert=True),
    DemoUser(
        SECRETARIAT,
        "Elena Vogt",
        "secretariat (superuser)",
        "BE",
        is_secretariat=True,
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser(
        SECRETARIAT_2, "Jonas Lindqvist", "secretariat", "BE", is_secretariat=True, is_staff=True
    ),
)


@dataclass(frozen=True)
class DemoExpertProfile:
    """What an expert is accredited for; the accreditation runs around the day of the seed."""

    email: str
    levels: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    sectors: tuple[str, ...]

    def accreditation(self, today: datetime.date) -> dict[str, object]:
        return {
            "accredited_from": today - ACCREDITED_BEFORE_SEED,
            "accredited_until": today + ACCREDITED_AFTER_SEED,
            **{f"may_assess_{level}": level in self.levels for level in Level.values},
            "countries": list(self.countries),
            "languages": list(self.languages),
        }


# Long enough for the experts to have assessed the demo's oldest application (26 months ago).
ACCREDITED_BEFORE_SEED = datetime.timedelta(days=3 * 365)
ACCREDITED_AFTER_SEED = datetime.timedelta(days=3 * 365)
ALL_LEVELS = (Level.BRONZE, Level.SILVER, Level.GOLD)

EXPERT_PROFILES: tuple[DemoExpertProfile, ...] = (
    DemoExpertProfile(
        EXPERT_DE,
        ALL_LEVELS,
        ("DE", "AT", "CH", "PL"),
        ("de", "en"),
        ("mobility", "digital", "energy", "photonics"),
    ),
    DemoExpertProfile(
        EXPERT_FR,
        ALL_LEVELS,
        ("FR", "BE", "ES", "IT"),
        ("fr", "en", "it"),
        ("health", "food", "materials", "maritime"),
    ),
    DemoExpertProfile(
        EXPERT_BE,
        ALL_LEVELS,
        ("BE", "NL", "LU", "IT"),
        ("nl", "fr", "en"),
        ("energy", "circular-economy", "digital", "food"),
    ),
)

#: (expert, organisation, tie): the German expert cannot assess the Piedmont cluster, whose
#: application waits for its experts, so its page shows the secretariat why.
CONFLICTS: tuple[tuple[str, str, str], ...] = (
    (
        EXPERT_DE,
        "Piedmont Digital Industry Cluster",
        "Advised the cluster management on its internationalisation strategy in 2025.",
    ),
)
