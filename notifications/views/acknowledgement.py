"""Written acknowledgements (s.87(3)): print one for the person at the counter, reprint one from
the case, and check that an acknowledgement someone shows is genuine."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases import audit
from cases.models import AuditAction, Nominal, Role
from notifications.acknowledgement import (
    VerifyForm,
    acknowledgement_filename,
    acknowledgement_queryset,
    find_acknowledgement,
    render_acknowledgement_pdf,
    verification_rows,
)
from notifications.models import Notification
from rsom.views import role_required


def access_acknowledgement(user, notification_id: int) -> Notification:
    """The notification if the user may print its acknowledgement: the front desk of the
    person's force, or anyone who can see the case. 404 to everyone else."""
    reachable = Q(nominal__in=Nominal.objects.visible_to(user).values("pk"))
    if user.has_role(Role.FRONT_DESK):
        reachable |= Q(nominal__in=Nominal.objects.findable_at_front_desk(user).values("pk"))
    notification = acknowledgement_queryset().filter(reachable, pk=notification_id).first()
    if notification is None:
        raise Http404("No notification found")
    return notification


@require_GET
@login_required
def acknowledgement_pdf(request, notification_id):
    notification = access_acknowledgement(request.user, notification_id)
    pdf = render_acknowledgement_pdf(notification)
    audit.record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        obj=notification,
        nominal_id=notification.nominal_id,
        description="Written acknowledgement printed",
        recipient=notification.nominal.full_name,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{acknowledgement_filename(notification)}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
@role_required(Role.FRONT_DESK, Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR)
def acknowledgement_verify(request):
    # GET, so a check can be bookmarked or linked: it changes nothing but the audit trail.
    form = VerifyForm(request.GET or None)
    found = None
    if form.is_valid():
        code = form.cleaned_data["code"]
        found = find_acknowledgement(request.user, code)
        audit.record(
            actor=request.user,
            action=AuditAction.SEARCH,
            obj=found,
            description=f"Acknowledgement code {code} checked: "
            + ("genuine" if found else "no match"),
        )
        if found is None:
            form.add_error(
                "code",
                "No acknowledgement in this force has that code: check it against the paper "
                "and try again",
            )
    return render(
        request,
        "notifications/acknowledgement_verify.html",
        {"form": form, "found": found, "rows": verification_rows(found) if found else []},
    )
