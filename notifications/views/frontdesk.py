"""The front desk: find a registered person and see what a notification needs — identity,
addresses and notification history, never risk, intelligence, visits, victims or orders."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import audit
from cases.forms import SearchForm
from cases.models import Address, AuditAction, Nominal, Role
from cases.selectors import describe_search, search_cases, with_current_postcode
from cases.views.nominal import photo_response
from notifications.models import Notification
from notifications.views.register import clock_rows, stored_clock
from rsom.views import role_required

RESULT_LIMIT = 25
HISTORY = 10


def front_desk_case(user, pk) -> Nominal:
    """A registered person of the user's own force, or 404."""
    return get_object_or_404(Nominal.objects.findable_at_front_desk(user), pk=pk)


@role_required(Role.FRONT_DESK)
def frontdesk_search(request):
    form = SearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        found = search_cases(
            Nominal.objects.findable_at_front_desk(request.user), form.cleaned_data
        )
        results = with_current_postcode(found)[:RESULT_LIMIT]
        audit.record(
            actor=request.user,
            action=AuditAction.SEARCH,
            description="Front desk: " + describe_search(form.cleaned_data),
        )
    return render(
        request, "notifications/frontdesk_search.html", {"form": form, "results": results}
    )


@role_required(Role.FRONT_DESK)
def frontdesk_person(request, pk):
    nominal = front_desk_case(request.user, pk)
    addresses = Address.objects.filter(nominal=nominal)
    other_names = nominal.other_names.all()
    clock = stored_clock(nominal)
    history = Notification.objects.filter(nominal=nominal).select_related("station")[:HISTORY]
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=nominal,
        description="Front desk: identity and addresses",
    )
    return render(
        request,
        "notifications/frontdesk_person.html",
        {
            "nominal": nominal,
            "addresses": addresses,
            "other_names": other_names,
            "clock": clock,
            "deadlines": clock_rows(
                clock, on=timezone.localdate(), due_soon_days=nominal.force.due_soon_days
            ),
            "history": history,
        },
    )


@require_GET
@role_required(Role.FRONT_DESK)
def frontdesk_photo(request, pk):
    return photo_response(request, front_desk_case(request.user, pk))
