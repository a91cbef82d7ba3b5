"""Each user's inbox: what became due, overdue or changed on their cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import audit, services
from cases.models import AuditAction, InboxItem, Nominal, Role
from rsom.views import role_required

PAGE_SIZE = 50


@role_required(Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR)
def inbox(request):
    show_done = request.GET.get("show") == "done"
    # Items about a case the user can no longer see (it moved team) are not shown.
    visible = Nominal.objects.visible_to(request.user)
    items = InboxItem.objects.filter(user=request.user, done_at__isnull=not show_done).filter(
        Q(nominal__isnull=True) | Q(nominal__in=visible)
    )
    items = items.select_related("nominal").order_by(
        "-done_at" if show_done else "-created_at", "-pk"
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(actor=request.user, action=AuditAction.VIEW, description="Inbox")
    return render(request, "cases/inbox.html", {"page": page, "show_done": show_done})


@require_POST
@login_required
def inbox_done(request, item_id):
    # Only the user's own items: anyone else's id simply matches nothing.
    if services.inbox_mark_done(acting_user=request.user, item_id=item_id):
        messages.success(request, "Marked as done")
    return redirect("cases:inbox")
