"""The printable summary for a warrant application under s.96B: disclosed to the court, so each
copy printed is audited as a disclosure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from visits.services.warrant import (
    RECIPIENT,
    render_warrant_pdf,
    warrant_filename,
    warrant_status,
)


@require_GET
@login_required
def warrant_pdf(request, pk):
    # Applying is the case's managers' decision: readers of the case cannot print it.
    nominal = access_case(request.user, pk, write=True)
    status = warrant_status(nominal)
    if not status.ready:
        messages.error(request, f"A warrant under s.96B cannot be sought yet. {status.reason}")
        return redirect("visits:case-visits", pk=nominal.pk)
    now = timezone.now()
    pdf = render_warrant_pdf(nominal, status, printed_by=request.user, printed_at=now)
    audit.record(
        actor=request.user,
        action=AuditAction.DISCLOSE,
        obj=nominal,
        description=f"Warrant application summary (s.96B): {len(status.attempts)} attempts",
        recipient=RECIPIENT,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = warrant_filename(nominal, timezone.localdate(now))
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
