from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import AssignmentRole
from labelling.models import User


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


class DeclineAssignmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
