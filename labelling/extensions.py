"""Where the apps above labelling plug into it, so that labelling imports none of them.

Dependencies point one way (docs/architecture.md): ``labelling`` ← ``assessments`` ←
``reports``. The application lifecycle still needs facts only the assessment knows (is the
self-assessment complete, is the expert team complete), its permissions ask about experts'
assignments, its pages show parts of the assessment and of the label, and two of its actions
belong to the apps above (proposing a decision, issuing the certificate).

Each such need is a named slot here, with the contract it must keep. The app that knows the
answer fills it in its ``AppConfig.ready()`` (``assessments.plugin``, ``reports.plugin``). A
slot nobody filled fails loudly: a system check at start-up (``labelling.E001``) and an
``ImproperlyConfigured`` error when asked, never a silent "no".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Model, Q, QuerySet

    from labelling.models import Application, Organisation, StateChange, User

F = TypeVar("F", bound=Callable[..., Any])


class Slot(Generic[F]):
    """One function labelling calls and exactly one app above it provides."""

    def __init__(self, name: str, contract: str) -> None:
        self.name = name
        self.contract = contract
        self._provider: F | None = None

    def provide(self, provider: F) -> F:
        if self._provider is not None and self._provider is not provider:
            raise ImproperlyConfigured(f"labelling.extensions.{self.name} is provided twice.")
        self._provider = provider
        return provider

    @property
    def provided(self) -> bool:
        return self._provider is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._provider is None:
            raise ImproperlyConfigured(
                f"Nothing provides labelling.extensions.{self.name} ({self.contract}); "
                "are 'assessments' and 'reports' in INSTALLED_APPS?"
            )
        return self._provider(*args, **kwargs)


@dataclass(frozen=True)
class PersonalData:
    """One section of a person's data export (``labelling.privacy``): what it holds, in words
    for its README, and its rows, JSON-able (dates and decimals are written as text)."""

    about: str
    rows: Any


@dataclass(frozen=True)
class ExpertPart:
    """An expert's active (not declined) assignment to one application, as permissions see it."""

    accepted: bool
    lead: bool


@dataclass(frozen=True)
class Work:
    """A piece of work due on an application now (``labelling.deadlines``): what
    (a ``DeadlineKind``), from whom (``None``: the managers or the secretariat, by kind),
    about which row, and its own due date where it has one (a question's)."""

    kind: str
    assignee: User | None = None
    subject: Model | None = None
    due_at: datetime.datetime | None = None


# --- Facts the transition conditions need (labelling.conditions) ----------------------------
self_assessment_gaps: Slot[Callable[[Application], list[str]]] = Slot(
    "self_assessment_gaps", "what keeps the self-assessment from being complete, one line each"
)
self_assessment_summary: Slot[Callable[[Application], list[str]]] = Slot(
    "self_assessment_summary", "what keeps the self-assessment from being complete, counted"
)
has_required_experts: Slot[Callable[[Application], bool]] = Slot(
    "has_required_experts", "the expert team the level needs is assigned"
)
all_experts_accepted: Slot[Callable[[Application], bool]] = Slot(
    "all_experts_accepted", "every assigned expert has accepted"
)
all_assessments_submitted: Slot[Callable[[Application], bool]] = Slot(
    "all_assessments_submitted", "every assigned expert has submitted their scoring"
)
consensus_gaps: Slot[Callable[[Application], list[str]]] = Slot(
    "consensus_gaps", "the indicators without an agreed value, one line each"
)

expert_work: Slot[Callable[[Application], list[Work]]] = Slot(
    "expert_work",
    "the experts' and managers' assessment work due now (answers, scorings, consensus)",
)

# --- Experts, for permissions, lists and notifications (labelling.rules, .notifications) ---
expert_part: Slot[Callable[[User, Application], ExpertPart | None]] = Slot(
    "expert_part", "the person's active assignment to the application, if any"
)
has_assessed: Slot[Callable[[User, Application], bool]] = Slot(
    "has_assessed", "the person was ever assigned to the application, declined or not"
)
assigned_applications: Slot[Callable[[User], Q]] = Slot(
    "assigned_applications", "a filter on applications: those the expert is actively assigned to"
)
application_experts: Slot[Callable[[Application], list[User]]] = Slot(
    "application_experts", "the users actively assigned to the application"
)

# --- What opening an application needs (labelling.services) ---------------------------------
current_methodology: Slot[Callable[[], Model | None]] = Slot(
    "current_methodology", "the methodology version a new application is assessed under"
)
check_renewable: Slot[Callable[[Model, Organisation], None]] = Slot(
    "check_renewable", "raise InvalidInput(field='renews') unless the label can be renewed"
)
visible_labels: Slot[Callable[[User], QuerySet]] = Slot(
    "visible_labels", "the labels the person may see"
)

# --- Recorded edits, for the application's timeline (labelling.history) ----------------------
methodology_history: Slot[Callable[[Application], list[QuerySet]]] = Slot(
    "methodology_history",
    "the recorded versions of the application's methodology version, dimensions and indicators",
)
label_history: Slot[Callable[[Application], list[QuerySet]]] = Slot(
    "label_history", "the recorded versions of the application's label and certificate"
)


# --- Several providers each ------------------------------------------------------------------
#: What else happens when an application is opened: ``fn(application, actor)``, in its
#: transaction (the assessment pre-fills a renewal's self-assessment).
on_application_created: list[Callable[[Application, User], None]] = []

#: Actions on an application that belong to another app: name → ``fn(application, actor,
#: data)``, merged into ``labelling.views.APPLICATION_ACTIONS`` for the pages and the API.
application_actions: dict[str, Callable[[Application, User, dict], object]] = {}

#: Related rows the application page and its permissions read, fetched with the application.
application_prefetch: list[str] = []

#: Context for a page of labelling, per page: ``fn(**page_arguments) -> dict`` each.
_page_context: dict[str, list[Callable[..., dict]]] = {}

#: Who hears of a state change of an object that is not an application (e.g. a label):
#: ``fn(change) -> (application, audiences, mail folder)`` or ``None`` when not its object.
notification_subjects: list[Callable[[StateChange], tuple | None]] = []

#: What the apps above hold about a person, for their export ("Download my data"):
#: ``fn(user) -> {section name: PersonalData}``. Other people appear in it by their role only,
#: never by name or address.
personal_data: list[Callable[[User], dict[str, PersonalData]]] = []

#: Blanking the personal fields the apps above hold on a person the secretariat erases:
#: ``fn(user)``, run inside the erasure's transaction (``labelling.privacy.erase_person``).
personal_data_erasers: list[Callable[[User], None]] = []


def add_page_context(page_name: str, provider: Callable[..., dict]) -> None:
    providers = _page_context.setdefault(page_name, [])
    if provider not in providers:
        providers.append(provider)


def page_context(page_name: str, /, **arguments: Any) -> dict:
    """What the apps above add to page ``page_name``, merged in the order they registered."""
    context: dict = {}
    for provider in _page_context.get(page_name, []):
        context.update(provider(**arguments))
    return context


SLOTS = [value for value in list(globals().values()) if isinstance(value, Slot)]


@checks.register()
def check_slots_provided(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"Nothing provides labelling.extensions.{slot.name} ({slot.contract}).",
            hint="The assessments and reports apps provide it in their AppConfig.ready().",
            id="labelling.E001",
        )
        for slot in SLOTS
        if not slot.provided
    ]
