"""Downloads of the exports (``reports.exports``): CSV or XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from labelling import selectors as labelling_selectors
from labelling.rules import can
from reports import exports, selectors
from reports.filters import LabelFilter


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404
    return fmt


def _require_export(request: HttpRequest) -> None:
    if not can(request.user, "reports.export"):
        raise PermissionDenied(_("Only the secretariat exports these lists."))


@login_required
def applications_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_export(request)
    applications = labelling_selectors.visible_applications(request.user)
    return exports.response(
        exports.applications_dataset(applications), "applications", _format(fmt)
    )


@login_required
def workload_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_export(request)
    return exports.response(exports.workload_dataset(), "expert-workload", _format(fmt))


@login_required
def audit_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _require_export(request)
    application = labelling_selectors.application_get(user=request.user, pk=pk)
    return exports.response(exports.audit_dataset(application), f"audit-{pk}", _format(fmt))


def registry_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The public registry as shown, with the page's filters."""
    data = request.GET.copy()
    data.setdefault("valid_only", "true")
    labels = LabelFilter(data, queryset=selectors.registry_labels()).qs
    return exports.response(exports.registry_dataset(labels), "registry", _format(fmt))
