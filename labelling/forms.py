from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from labelling.models import Application, Level, Organisation, Outcome


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

    def __init__(self, *args, ceiling: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The level applied for is a ceiling: the page offers nothing above it (the service
        # refuses it all the same, with the reason, when it is sent anyway).
        if ceiling:
            # Outcome lists the levels from GOLD down to no label.
            order = list(Outcome)
            allowed = order[order.index(Outcome(ceiling)) :]
            self.fields["outcome"].choices = [(o.value, o.label) for o in allowed]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CRM sync”."),
    )


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing a username longer than its field's ``max_length``.

    Django sets that length on the field after building it, so that only the browser enforces
    it: a longer username reached ``authenticate()``, and with it the lockout's record of the
    failure (django-axes), whose 255-character column refuses it on PostgreSQL with a server
    error (jazzband/django-axes#1381). No account has such a username.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's log-in form, with the same bound."""
