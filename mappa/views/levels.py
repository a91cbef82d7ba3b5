"""A case's MAPPA tab: category and level with their history, the next review due, the meetings
that reviewed it; setting the level; and reading the minutes of the case's own agenda items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Nominal, User
from cases.views.nominal import case_context
from mappa import rules, selectors
from mappa.forms import MappaLevelForm
from mappa.models import MappaReviewDue
from mappa.services import levels
from mappa.services.meetings import is_force_chair

PAGE_SIZE = 20
TAB = "mappa"


def _viewed(request, obj, nominal: Nominal, what: str) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj,
        nominal_id=nominal.pk,
        description=what,
    )


def add_errors(form, error: ValidationError) -> None:
    """Put a service's rule error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def reads_minutes(user: User, nominal: Nominal) -> bool:
    """The case's offender manager and team supervisors (who may change it) and the force's
    MAPPA chairs read its minutes; colleagues who only read the case do not."""
    return bool(nominal.can_edit) or is_force_chair(user, nominal.force_id)


def _review(nominal: Nominal) -> MappaReviewDue | None:
    return MappaReviewDue.objects.filter(nominal=nominal).first()


@login_required
def case_mappa(request, pk):
    nominal = access_case(request.user, pk)
    page = Paginator(levels.level_history(nominal), PAGE_SIZE).get_page(request.GET.get("page"))
    review = _review(nominal)
    today = timezone.localdate()
    _viewed(request, nominal, nominal, "MAPPA")
    return render(
        request,
        "mappa/case_mappa.html",
        {
            **case_context(request, nominal, TAB),
            "page": page,
            "review": review,
            "review_status": rules.review_status(
                review.due if review else None, on=today, due_soon_days=nominal.force.due_soon_days
            ),
            "items": list(selectors.case_items(nominal)),
            "reads_minutes": reads_minutes(request.user, nominal),
            "is_chair": is_force_chair(request.user, nominal.force_id),
        },
    )


@login_required
def level_set(request, pk):
    nominal = access_case(request.user, pk, write=True)
    form = MappaLevelForm(request.POST or None, nominal=nominal)
    if request.method == "POST" and form.is_valid():
        try:
            change, created = levels.mappa_level_set(
                acting_user=request.user, nominal=nominal, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    f"MAPPA category {change.category}, level {change.level} recorded",
                )
            return redirect("mappa:case-mappa", pk=nominal.pk)
    elif request.method != "POST":
        _viewed(request, nominal, nominal, "Set the MAPPA category and level")
    return render(
        request,
        "mappa/level_form.html",
        {**case_context(request, nominal, TAB), "form": form},
    )


@login_required
def case_minutes(request, pk, item_id):
    nominal = access_case(request.user, pk)
    if not reads_minutes(request.user, nominal):
        raise PermissionDenied(
            "MAPPA minutes are read by the case's offender manager, supervisors and MAPPA chairs"
        )
    item = selectors.case_item(nominal, item_id)
    _viewed(request, item, nominal, "MAPPA minutes")
    return render(
        request,
        "mappa/case_minutes.html",
        {
            **case_context(request, nominal, TAB),
            "item": item,
            "meeting": item.meeting,
            "decisions": list(item.decisions.all()),
            "actions": list(item.actions.all()),
            "plan_rows": selectors.plan_rows(item.plan),
            "is_chair": is_force_chair(request.user, nominal.force_id),
        },
    )
