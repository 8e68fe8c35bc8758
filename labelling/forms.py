from collections.abc import Collection

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from labelling.filters import COUNTRY_CHOICES
from labelling.models import (
    Application,
    ApplicationState,
    InvitationRole,
    Level,
    Organisation,
    Outcome,
    User,
)
from labelling.widgets import CachedSelect


def bounded_formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    """The model field's form field, carrying the bounds of its ``MinValueValidator`` and
    ``MaxValueValidator`` (the tightest, the database's range among them) as the form field's
    own, so that the form says them, and the browser's number input too."""
    lows = [v.limit_value for v in model_field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in model_field.validators if isinstance(v, MaxValueValidator)]
    if lows:
        kwargs.setdefault("min_value", max(lows))
    if highs:
        kwargs.setdefault("max_value", min(highs))
    return model_field.formfield(**kwargs)


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        formfield_callback = bounded_formfield
        fields = [
            "name",
            "legal_name",
            "country",
            "region",
            "sectors",
            "website",
            "language",
            "founded_year",
            "members_companies",
            "members_research",
            "members_public",
            "management_fte",
        ]
        widgets = {"sectors": forms.CheckboxSelectMultiple}


class ApplicationCreateForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    # The label renewed, by the application's own foreign key: labelling does not import the
    # app that defines labels (docs/architecture.md).
    renews = forms.ModelChoiceField(
        queryset=Application.renews.field.related_model.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the organisation's own labels can be renewed through its page.
        if organisation is not None:
            self.fields["renews"].queryset = organisation.labels.all()


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)

    def __init__(self, *args, ceiling: str = "", refused: Collection[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The level applied for is a ceiling: the page offers nothing above it, nor a level the
        # scheme's facts rule out (``refused``; the page says why). The service refuses them all
        # the same, with the reason, when they are sent anyway.
        if ceiling:
            # Outcome lists the levels from GOLD down to no label.
            order = list(Outcome)
            allowed = order[order.index(Outcome(ceiling)) :]
            self.fields["outcome"].choices = [
                (o.value, o.label) for o in allowed if o.value not in refused
            ]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CRM sync”."),
    )


def _bound_username(field: forms.Field) -> None:
    """Refuses a username longer than any account's (the user model's e-mail length).

    Django sets the length of its own log-in field after building it, so that only the browser
    enforced it, and allauth's e-mail field allows 320 characters: a longer username reached
    ``authenticate()``, and with it the lockout's record of the failure (django-axes), whose
    255-character column refuses it on PostgreSQL with a server error
    (jazzband/django-axes#1381).
    """
    longest = User._meta.get_field("email").max_length
    field.max_length = longest
    field.validators.append(MaxLengthValidator(longest))
    field.widget.attrs["maxlength"] = str(longest)


class LoginForm(AllauthLoginForm):
    """The site's log-in form (allauth's), in the site's words, with the username bounded."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mail address")
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autofocus"] = True
        self.fields["password"].widget.attrs.pop("placeholder", None)
        _bound_username(login)


class SignupForm(AllauthSignupForm):
    """A cluster manager's own sign-up (allauth's form, in the site's words): their name, their
    address (proved by the link allauth sends before the first log-in) and a password. The
    account is a cluster manager's and nothing more (``labelling.accounts.AccountAdapter``)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("E-mail address")
        _bound_username(email)
        self.fields["full_name"].widget.attrs.update(autofocus=True, autocomplete="name")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class InvitationForm(forms.Form):
    """The secretariat's invitation: an address and the role offered."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (InvitationRole.EXPERT, InvitationRole.EXPERT.label),
            (InvitationRole.SECRETARIAT, InvitationRole.SECRETARIAT.label),
        ],
    )


class CoManagerInvitationForm(forms.Form):
    """A manager's invitation of a co-manager of their organisation."""

    email = forms.EmailField(label=_("E-mail address of the co-manager"), max_length=254)


class InvitationAccountForm(forms.Form):
    """What the acceptance of an invitation asks of someone without an account: the address
    is the invitation's; the password is checked by the service (Django's validators)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's log-in form, with the same bound."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bound_username(self.fields["username"])


class QueueFilterForm(forms.Form):
    """The filters and order of the "waiting for me" queue (``labelling.queue``)."""

    SORTS = [
        ("due", _("Due date, soonest first")),
        ("-due", _("Due date, latest first")),
        ("days", _("Days in state, longest first")),
        ("organisation", _("Organisation")),
    ]

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *ApplicationState.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=CachedSelect)
    expert = forms.ModelChoiceField(
        label=_("Expert"),
        required=False,
        queryset=User.objects.filter(is_expert=True),
        empty_label=_("All"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)
    done = forms.BooleanField(label=_("Show what is done too"), required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All")), *COUNTRY_CHOICES]
        if not user.is_secretariat:
            del self.fields["expert"]


class DeadlineMoveForm(forms.Form):
    """Another due date for one case's work, and why."""

    due_date = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Why does the date change?"), max_length=1000)
