from django import forms
from django.utils.translation import gettext_lazy as _

from labelling.models import Application, Level, Organisation, Outcome


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
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
