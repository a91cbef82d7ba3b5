"""A case: its overview, its details, edits, allocation, timeline and who viewed it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import audit, services
from cases.access import access_case
from cases.extensions import ALLOCATION_PREVIEWS, CASE_TABS
from cases.forms import AllocateForm, DuplicateCheckForm, NominalCreateForm, NominalForm
from cases.models import AuditAction, AuditEvent, CaseEvent, Nominal, User
from cases.records import SECTIONS, kinds_in
from cases.selectors import current_home_address, team_managers
from rsom.views import permission_needed

DUPLICATE_LIMIT = 10


def case_context(request, nominal: Nominal, tab: str) -> dict:
    """What every case page needs: the identity bar and the sub navigation."""
    user = request.user
    return {
        "nominal": nominal,
        "tab": tab,
        "can_edit": nominal.can_edit,
        "can_allocate": nominal.can_edit and user.has_perm("cases.allocate_nominal"),
        "can_see_viewers": user.has_perm("cases.view_case_audit"),
        "sections": SECTIONS,
        "case_tabs": CASE_TABS,
    }


def _view_event(request, nominal: Nominal, what: str) -> None:
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description=what)


@login_required
def nominal_detail(request, pk):
    nominal = access_case(request.user, pk)
    kinds = kinds_in("overview")
    reveal = request.user.has_perm("cases.view_financial_numbers")
    blocks = [
        (k, k.rows(k.model.objects.filter(nominal=nominal), reveal_numbers=reveal)) for k in kinds
    ]
    _view_event(request, nominal, "Case overview")
    return render(
        request,
        "cases/nominal_detail.html",
        {
            **case_context(request, nominal, "overview"),
            "home_address": current_home_address(nominal),
            "blocks": blocks,
        },
    )


@login_required
def nominal_section(request, pk, section):
    if section not in SECTIONS:
        raise Http404("No such page")
    nominal = access_case(request.user, pk)
    reveal = request.user.has_perm("cases.view_financial_numbers")
    blocks = [
        (k, k.rows(k.model.objects.filter(nominal=nominal), reveal_numbers=reveal))
        for k in kinds_in(section)
    ]
    _view_event(request, nominal, SECTIONS[section])
    return render(
        request,
        "cases/nominal_section.html",
        {
            **case_context(request, nominal, section),
            "blocks": blocks,
            "heading": SECTIONS[section],
        },
    )


@permission_needed("cases.add_nominal")
def nominal_create(request):
    if not request.user.force_id:
        raise PermissionDenied("Your account belongs to no force")
    duplicates = []
    if request.method == "POST":
        duplicates = possible_duplicates(request.user, request.POST)
        form = NominalCreateForm(request.POST, possible_duplicates=duplicates)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_not_duplicate"}
            nominal = services.nominal_create(acting_user=request.user, data=data)
            messages.success(request, f"Case {nominal.reference} created for {nominal.full_name}")
            return redirect("cases:nominal-detail", pk=nominal.pk)
    else:
        form = NominalCreateForm()
    return render(request, "cases/nominal_create.html", {"form": form, "duplicates": duplicates})


@require_GET
@permission_needed("cases.add_nominal")
def nominal_duplicates(request):
    """The possible duplicates of the name and date of birth typed so far (an htmx fragment)."""
    duplicates = possible_duplicates(request.user, request.GET)
    return render(request, "cases/_duplicates.html", {"duplicates": duplicates, "checked": True})


def possible_duplicates(user: User, data) -> list[Nominal]:
    """People in the user's force with a similar name, or the same date of birth and a similar
    last name. The whole force is searched (a duplicate can sit in another team), but only
    reference, name and date of birth are shown."""
    form = DuplicateCheckForm(data)
    if not form.is_valid():
        return []
    name = f"{form.cleaned_data['forenames']} {form.cleaned_data['surname']}".strip()
    dob = form.date_of_birth()
    if len(name) < 3:
        return []
    in_force = Nominal.objects.filter(force_id=user.force_id)
    found: list[Nominal] = []
    if dob:
        surname = form.cleaned_data["surname"] or name
        found = list(in_force.filter(date_of_birth=dob).similar_surname(surname)[:DUPLICATE_LIMIT])
    found += [n for n in in_force.search(name)[:DUPLICATE_LIMIT] if n not in found]
    if found:
        audit.record(
            actor=user,
            action=AuditAction.SEARCH,
            description=f"Duplicate check for “{name}”: {len(found)} possible",
        )
    return found[:DUPLICATE_LIMIT]


@login_required
def nominal_edit(request, pk):
    nominal = access_case(request.user, pk, write=True)
    if request.method == "POST":
        form = NominalForm(request.POST, request.FILES, instance=Nominal.objects.get(pk=pk))
        if form.is_valid():
            changes = services.nominal_update(
                acting_user=request.user, nominal=nominal, data=form.cleaned_data
            )
            if changes:
                messages.success(request, "Details saved")
            return redirect("cases:nominal-detail", pk=pk)
    else:
        form = NominalForm(instance=nominal)
        _view_event(request, nominal, "Edit details")
    return render(
        request,
        "cases/nominal_edit.html",
        {
            **case_context(request, nominal, "overview"),
            "form": form,
        },
    )


@permission_needed("cases.allocate_nominal")
def nominal_allocate(request, pk):
    nominal = access_case(request.user, pk, write=True)
    managers = team_managers(request.user)
    form = AllocateForm(
        request.POST or None,
        managers=managers,
        initial={"offender_manager": nominal.offender_manager_id},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        manager = form.cleaned_data["offender_manager"]
        if request.POST.get("step") == "preview":
            # What the move does to each manager's workload, shown before it is confirmed.
            today = timezone.localdate()
            preview = [line for p in ALLOCATION_PREVIEWS for line in p(nominal, manager, today)]
            _view_event(request, nominal, f"Allocation preview: {manager.get_username()}")
        else:
            if services.nominal_allocate(
                acting_user=request.user, nominal=nominal, offender_manager=manager
            ):
                messages.success(request, f"{nominal.full_name} allocated to {manager}")
            return redirect("cases:nominal-detail", pk=pk)
    if request.method != "POST":
        _view_event(request, nominal, "Allocation")
    return render(
        request,
        "cases/nominal_allocate.html",
        {
            **case_context(request, nominal, "overview"),
            "form": form,
            "preview": preview,
        },
    )


@login_required
def nominal_timeline(request, pk):
    nominal = access_case(request.user, pk)
    events = (
        CaseEvent.objects.filter(nominal=nominal)
        .select_related("actor")
        .prefetch_related("changes")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    _view_event(request, nominal, "Timeline")
    return render(
        request,
        "cases/nominal_timeline.html",
        {
            **case_context(request, nominal, "timeline"),
            "page": page,
        },
    )


@permission_needed("cases.view_case_audit")
def nominal_viewers(request, pk):
    """Who viewed this case: a supervisor's check that only those who need to look, look."""
    nominal = access_case(request.user, pk)
    viewers = (
        AuditEvent.objects.filter(nominal_id=nominal.pk, action=AuditAction.VIEW)
        .values("user_id", "username")
        .annotate(views=Count("id"), last_viewed=Max("occurred_at"))
        .order_by("-last_viewed")
    )
    recent = AuditEvent.objects.filter(nominal_id=nominal.pk).order_by("-id")[:50]
    _view_event(request, nominal, "Who viewed this case")
    return render(
        request,
        "cases/nominal_viewers.html",
        {
            **case_context(request, nominal, "viewers"),
            "viewers": viewers,
            "recent": recent,
        },
    )


@require_GET
@login_required
def nominal_photo(request, pk):
    nominal = access_case(request.user, pk)
    return photo_response(request, nominal)


def photo_response(request, nominal: Nominal):
    if not nominal.photograph:
        raise Http404("No photograph")
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description="Photograph")
    response = FileResponse(nominal.photograph.open("rb"))
    response["Cache-Control"] = "private, no-store"
    return response
