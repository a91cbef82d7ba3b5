"""The risk management plan on a case: the current version, earlier versions, reviewing it (a
new version) and marking an action done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases import audit
from cases.access import access_case
from cases.models import AuditAction
from cases.views.nominal import case_context
from risk.forms_arms import ActionStatusForm, PlanActionRows, PlanForm, typed_form
from risk.models import ActionStatus, PlanAction, PlanHeading
from risk.services import plans
from risk.services.arms import latest_signed_off
from risk.views.arms import add_errors


def _plan_page(request, nominal, plan, versions):
    arms = latest_signed_off(nominal)
    return render(
        request,
        "risk/plan_detail.html",
        {
            **case_context(request, nominal, "risk"),
            "plan": plan,
            "groups": plans.actions_by_heading(plan) if plan else [],
            "versions": versions,
            "latest_arms": arms,
            "review_needed": plan is not None and plan.current and plans.review_needed(plan, arms),
        },
    )


@login_required
def plan_detail(request, pk):
    nominal = access_case(request.user, pk)
    versions = list(plans.plans_for(nominal))
    plan = plans.current_plan(nominal)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=plan or nominal,
        nominal_id=nominal.pk,
        description="Risk management plan",
    )
    return _plan_page(request, nominal, plan, versions)


@login_required
def plan_version(request, pk, version):
    nominal = access_case(request.user, pk)
    versions = list(plans.plans_for(nominal))
    plan = plans.with_actions(plans.plans_for(nominal).filter(version=version)).first()
    if plan is None:
        raise Http404("No such version of the plan")
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=plan,
        nominal_id=nominal.pk,
        description=f"Risk management plan version {plan.version}",
    )
    return _plan_page(request, nominal, plan, versions)


@login_required
def plan_review(request, pk):
    nominal = access_case(request.user, pk, write=True)
    draft = plans.plan_draft(nominal)
    if request.method == "POST":
        form = PlanForm(request.POST)
        rows = PlanActionRows(request.POST)
        add_to = request.POST.get("add", "")
        if add_to in PlanHeading.values:
            # "Add another": redraw what was typed with one more row, saving nothing.
            form, rows = typed_form(form), rows.typed(add_to=add_to)
            return _review_page(request, nominal, draft, form, rows)
        forms_valid = form.is_valid()
        if rows.is_valid() and forms_valid:
            try:
                plan, created = plans.plan_review(
                    acting_user=request.user,
                    nominal=nominal,
                    actions=rows.values(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                if created:
                    messages.success(request, f"Risk management plan version {plan.version} saved")
                return redirect("risk:plan-detail", pk=nominal.pk)
    else:
        form = PlanForm(initial={**draft.initial, "based_on": draft.based_on})
        rows = PlanActionRows(initial=draft.actions)
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="Review the risk management plan",
        )
    return _review_page(request, nominal, draft, form, rows)


def _review_page(request, nominal, draft, form, rows):
    return render(
        request,
        "risk/plan_form.html",
        {
            **case_context(request, nominal, "risk"),
            "form": form,
            "rows": rows,
            "draft": draft,
            "error_list": _error_list(form, rows),
        },
    )


def _error_list(form, rows) -> list[tuple[str, str]]:
    """Every error on the page, as (link, message), for one error summary."""
    if not form.is_bound:
        return []
    found = []
    for each in [form, *rows.forms]:
        for name, errors in each.errors.items():
            if name == "__all__":
                found += [("#plan", e) for e in errors]
                continue
            field = each[name]
            anchor = field.auto_id + ("_0" if hasattr(field.field, "fields") else "")
            found += [(f"#{anchor}", e) for e in errors]
    return found


@require_POST
@login_required
def plan_action_status(request, pk, action_id):
    nominal = access_case(request.user, pk, write=True)
    action = get_object_or_404(PlanAction, pk=action_id, plan__nominal=nominal)
    form = ActionStatusForm(request.POST)
    back = reverse("risk:plan-detail", args=[nominal.pk]) + f"#action-{action.pk}"
    if not form.is_valid():
        messages.error(request, "Select a status for the action")
        return redirect(back)
    try:
        changed = plans.plan_action_set_status(
            acting_user=request.user, action=action, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if changed:
            label = ActionStatus(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"Action marked as {label}")
    return redirect(back)
