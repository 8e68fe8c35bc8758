"""The "waiting for me" queue and the person's notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from labelling import deadlines, queue, selectors
from labelling.forms import QueueFilterForm
from labelling.models import Deadline, Notice
from labelling.rules import can

QUEUE_PAGE_SIZE = 50


@login_required
def work_queue(request: HttpRequest) -> HttpResponse:
    """What waits for the person, soonest due first; filters narrow it."""
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    applications = queue.filtered_applications(
        state=filters.get("state", ""),
        level=filters.get("level", ""),
        country=filters.get("country", ""),
        expert=filters.get("expert"),
    )
    rows = queue.waiting_for(
        request.user,
        applications=applications,
        include_done=bool(filters.get("done")),
        sort=filters.get("sort") or "due",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "labelling/queue.html",
        {
            "form": form,
            "rows": Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "overdue": sum(1 for row in rows if row.overdue),
            "query": query.urlencode(),
            "can_bulk": request.user.is_secretariat,
            "failed_effects": (
                selectors.effects_needing_attention().count()
                if can(request.user, "labelling.manage_effects")
                else None
            ),
        },
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=request.user).select_related("application")
    return render(
        request,
        "labelling/notices.html",
        {"notices": Paginator(notices, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))},
    )


@login_required
@require_POST
def notices_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``notice`` in the form) or all of the person's notices read."""
    unread = Notice.objects.filter(recipient=request.user, read_at__isnull=True)
    one = request.POST.get("notice", "")
    if one:
        unread = unread.filter(pk=int(one) if one.isdigit() else None)
    count = unread.update(read_at=timezone.now())
    if not one:
        messages.success(request, _("All notices marked as read (%(count)d).") % {"count": count})
    return redirect("notice_list")


@login_required
@require_POST
def bulk_remind(request: HttpRequest) -> HttpResponse:
    """A reminder now for each chosen deadline (the secretariat's queue)."""
    ids = [int(pk) for pk in request.POST.getlist("deadline") if pk.isdigit()]
    chosen = Deadline.objects.filter(
        pk__in=ids, application__in=selectors.visible_applications(request.user)
    ).select_related("application")
    sent = 0
    for deadline in chosen:
        deadlines.send_reminder_now(deadline=deadline, by=request.user)
        sent += 1
    messages.success(
        request,
        ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent) % {"count": sent},
    )
    return redirect("work_queue")
