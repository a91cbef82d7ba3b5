"""Case lists: my caseload, search, MAPPA cases."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from cases import audit
from cases.extensions import CASELOAD_COLUMNS
from cases.forms import CaseloadFilterForm, SearchForm
from cases.models import AuditAction, MappaLevel, Nominal, Role
from cases.selectors import (
    caseload_for,
    describe_search,
    search_cases,
    team_managers,
    with_current_postcode,
)
from rsom.views import role_required

# The caseload guideline is 50 cases a manager, so a typical caseload is one page; each row
# renders several cells, and a page of 100 cost this 2-core machine over 100 ms to draw.
PAGE_SIZE = 50


@role_required(Role.OFFENDER_MANAGER, Role.SUPERVISOR)
def caseload(request):
    user = request.user
    is_manager = user.has_role(Role.OFFENDER_MANAGER)
    # Offender managers open on their own cases; supervisors (and "team") see their teams' cases.
    scope = "team" if not is_manager or request.GET.get("scope") == "team" else "mine"
    managers = team_managers(user) if scope == "team" else None
    form = CaseloadFilterForm(request.GET or None, managers=managers)
    cases = caseload_for(user, scope=scope)
    if form.is_valid():
        cases = _filtered(cases, form.cleaned_data)
    page = Paginator(cases.order_by("surname", "forenames", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record(actor=user, action=AuditAction.VIEW, description=f"Caseload ({scope})")
    return render(
        request,
        "cases/caseload.html",
        {
            "page": page,
            "form": form,
            "scope": scope,
            "is_manager": is_manager,
            "title": "My caseload" if scope == "mine" else "Team caseload",
            "caseload_columns": CASELOAD_COLUMNS,
        },
    )


def _filtered(cases, data):
    if data.get("status"):
        cases = cases.filter(status__in=data["status"])
    if data.get("manager"):
        cases = cases.filter(offender_manager=data["manager"])
    if data.get("q"):
        text = data["q"].strip()
        cases = cases.filter(Q(search_names__icontains=text.lower()) | Q(reference__iexact=text))
    return cases


@role_required(Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR)
def nominal_search(request):
    form = SearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        results = search_cases(Nominal.objects.visible_to(request.user), form.cleaned_data)
        results = with_current_postcode(results.select_related("offender_manager"))[:50]
        audit.record(
            actor=request.user,
            action=AuditAction.SEARCH,
            description=describe_search(form.cleaned_data),
        )
    return render(request, "cases/search.html", {"form": form, "results": results})


@role_required(Role.MAPPA_CHAIR)
def mappa_cases(request):
    cases = with_current_postcode(
        Nominal.objects.visible_to(request.user)
        .filter(mappa_level__in=[MappaLevel.LEVEL_2, MappaLevel.LEVEL_3])
        .select_related("offender_manager")
        .order_by("-mappa_level", "surname", "forenames")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user, action=AuditAction.VIEW, description="MAPPA level 2 and 3 cases"
    )
    return render(request, "cases/mappa_cases.html", {"page": page})
