"""The person's own data: "Download my data" (``labelling.privacy``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from labelling import privacy


@never_cache
@login_required
def personal_data_download(request: HttpRequest) -> HttpResponse:
    """A ZIP of what the scheme holds about the person asking (never kept in a cache)."""
    archive = privacy.personal_data_archive(person=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    filename = f"my-data-{timezone.localdate().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
