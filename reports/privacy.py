"""What the labels' documents hold about a person, for their export (``labelling.privacy``,
through ``labelling.extensions.personal_data``; ``reports.plugin`` registers it).

An issued assessment report names its experts. It is a signed document, kept as issued (its
SHA-256 is on record): erasing the person changes nothing in it, so their export lists it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from assessments.models import AssignmentStatus
from labelling.extensions import PersonalData
from labelling.models import User
from reports.models import Certificate


def personal_data(person: User) -> dict[str, PersonalData]:
    reports = (
        Certificate.objects.filter(
            label__application__assignments__expert=person,
            label__application__assignments__status=AssignmentStatus.ACCEPTED,
        )
        .exclude(report="")
        .select_related("label__organisation")
        .order_by("issued_at", "pk")
        .distinct()
    )
    return {
        "reports_naming_you": PersonalData(
            _("the issued assessment reports that name you as an expert (kept as signed)"),
            [
                {
                    "certificate": certificate.number,
                    "organisation": certificate.label.organisation.name,
                    "level": certificate.label.level,
                    "issued_at": certificate.issued_at,
                }
                for certificate in reports
            ],
        )
    }
