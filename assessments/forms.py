from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import AssignmentRole
from labelling.models import Organisation, User


class AssignmentForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=User.objects.filter(is_expert=True, is_active=True)
    )
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices)


class AcceptAssignmentForm(forms.Form):
    no_conflict_declared = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this organisation: no "
            "employment, membership, consultancy or personal tie, and I did not assess it in "
            "its previous cycle."
        ),
        required=False,
    )


class ConflictDeclarationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    # Required, but the service says so, so that the form and the service never disagree.
    description = forms.CharField(
        label=_("Nature of the tie (employment, membership, consultancy, personal)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class DeclineAssignmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ImprovementAreaForm(forms.Form):
    """A SILVER applicant's improvement area. Each part is required, but the service says so
    (after checking who asks), so that the form and the service never disagree."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What was improved"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    effect = forms.CharField(
        label=_("Its effect"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EvidenceUploadForm(forms.Form):
    # An empty file reaches the service, which refuses it with the same message everywhere.
    file = forms.FileField(label=_("File"), allow_empty_file=True)
