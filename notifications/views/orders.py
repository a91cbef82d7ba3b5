"""Civil orders and breaches on a case (domain.md section 6): the case's orders and breaches,
adding and changing orders, recording breaches, and the supervisors' review list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Nominal, NominalStatus, Role
from cases.views.nominal import case_context
from notifications import order_rules, orders
from notifications.forms_orders import (
    BreachForm,
    OrderChangeForm,
    OrderForm,
    TermFormSet,
    filled_terms,
    with_another_row,
)
from notifications.models import Breach, CivilOrder, HowFound, OrderChangeKind, Severity
from rsom.views import role_required

PAGE_SIZE = 50
TAB = "orders"
CHANGES = {
    "vary": (OrderChangeKind.VARIATION, "Record a variation", "Variation recorded"),
    "renew": (OrderChangeKind.RENEWAL, "Record a renewal", "Renewal recorded"),
    "discharge": (OrderChangeKind.DISCHARGE, "Record a discharge", "Discharge recorded"),
}


def _viewed(request, nominal: Nominal, what: str, obj=None) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj or nominal,
        nominal_id=nominal.pk,
        description=what,
    )


def _add_errors(form, error: ValidationError, terms: dict[str, object] | None = None) -> None:
    """Put a service's rule errors on the fields they concern ("terms.<n>.<field>" on the n-th
    term typed in), keeping what was typed."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        head, _, rest = field.partition(".")
        if terms and head in terms and rest:
            index, _, name = rest.partition(".")
            target = terms[head][int(index)]
            target.add_error(name if name in target.fields else None, messages_)
        elif field in form.fields:
            form.add_error(field, messages_)
        else:
            form.add_error(None, messages_)


def _quiet(*forms_) -> None:
    # Re-showing the page with another blank term row is not a submission: keep what was typed
    # without marking the empty required fields as errors.
    for form in forms_:
        form._errors = ErrorDict()
        form.cleaned_data = {}


# --- The case's orders and breaches -------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    order: CivilOrder
    status: str
    status_label: str
    flags: tuple[order_rules.ReviewFlag, ...]


def _rows(nominal: Nominal, on: date) -> list[OrderRow]:
    rows = []
    queryset = orders.with_conviction_requirement(orders.case_orders(nominal))
    for order in queryset:
        order.nominal = nominal
        status = order.status_on(on)
        flags = orders.flags_for(order) if orders.in_force(order, on) else ()
        rows.append(OrderRow(order, status, status.label, flags))
    return rows


def breach_counts(nominal: Nominal) -> dict[str, int]:
    return Breach.objects.filter(nominal_id=nominal.pk).aggregate(
        total=Count("pk"),
        technical=Count("pk", filter=Q(severity=Severity.TECHNICAL)),
        risk_relevant=Count("pk", filter=Q(severity=Severity.RISK_RELEVANT)),
    )


@login_required
def order_list(request, pk):
    """The case's "Orders and breaches" tab."""
    nominal = access_case(request.user, pk)
    on = timezone.localdate()
    _viewed(request, nominal, "Orders and breaches")
    return render(
        request,
        "notifications/order_list.html",
        {
            **case_context(request, nominal, TAB),
            "rows": _rows(nominal, on),
            "breaches": orders.case_breaches(nominal)[:5],
            "counts": breach_counts(nominal),
        },
    )


def _nominal_of(model, pk: int) -> int:
    # The same 404 whether the record is missing or on a case the user cannot see.
    nominal_id = model.objects.filter(pk=pk).values_list("nominal_id", flat=True).first()
    if nominal_id is None:
        raise Http404("Not found")
    return nominal_id


@login_required
def order_detail(request, order_id):
    nominal = access_case(request.user, _nominal_of(CivilOrder, order_id))
    order = orders.case_orders(nominal).get(pk=order_id)
    on = timezone.localdate()
    _viewed(request, nominal, f"{order.get_type_display()} made {order.made_on:%-d %b %Y}", order)
    return render(
        request,
        "notifications/order_detail.html",
        {
            **case_context(request, nominal, TAB),
            "order": order,
            "in_force": orders.in_force(order, on),
            "status": order.status_on(on),
            "flags": orders.order_flags(order, on),
            "breaches": orders.case_breaches(nominal).filter(order=order),
            "breachable": order.type in order_rules.PREVENTIVE_KINDS,
            "ended_terms": {t.pk for t in order.terms.all() if t.has_ended(on)},
        },
    )


@login_required
def order_add(request, pk):
    nominal = access_case(request.user, pk, write=True)
    if request.method == "POST":
        data = request.POST
        adding_row = "add_term" in data
        if adding_row:
            data = with_another_row(data, "term")
        form = OrderForm(data)
        formset = TermFormSet(data, prefix="term")
        if adding_row:
            _quiet(form, *formset.forms)
        elif form.is_valid() and formset.is_valid():
            typed = filled_terms(formset)
            try:
                order, created = orders.order_add(
                    acting_user=request.user,
                    nominal=nominal,
                    data=form.service_data(),
                    terms=[term for _, term in typed],
                )
            except ValidationError as error:
                _add_errors(form, error, {"terms": [formset.forms[i] for i, _ in typed]})
            else:
                if created:
                    messages.success(request, f"{order.get_type_display()} added")
                else:
                    messages.info(request, "This order was already recorded")
                return redirect("notifications:order-detail", order_id=order.pk)
    else:
        form = OrderForm()
        formset = TermFormSet(prefix="term")
        _viewed(request, nominal, "Add an order")
    return render(
        request,
        "notifications/order_form.html",
        {**case_context(request, nominal, TAB), "form": form, "formset": formset},
    )


@login_required
def order_change(request, order_id, change):
    if change not in CHANGES:
        raise Http404("No such change")
    kind, heading, done = CHANGES[change]
    nominal = access_case(request.user, _nominal_of(CivilOrder, order_id), write=True)
    order = orders.case_orders(nominal).get(pk=order_id)
    terms = list(order.terms.all())
    variation = kind == OrderChangeKind.VARIATION
    if request.method == "POST":
        data = request.POST
        adding_row = variation and "add_term" in data
        if adding_row:
            data = with_another_row(data, "new")
        form = OrderChangeForm(data, kind=kind, terms=terms)
        formset = TermFormSet(data, prefix="new") if variation else None
        if adding_row:
            _quiet(form, *formset.forms)
        elif form.is_valid() and (formset is None or formset.is_valid()):
            typed = filled_terms(formset) if formset is not None else []
            try:
                _, created = orders.order_change(
                    acting_user=request.user,
                    order=order,
                    new_terms=[term for _, term in typed],
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                new_rows = [formset.forms[i] for i, _ in typed] if formset is not None else []
                _add_errors(form, _on_term_fields(error, terms), {"new_terms": new_rows})
            else:
                if created:
                    messages.success(request, done)
                else:
                    messages.info(request, "This change was already recorded")
                return redirect("notifications:order-detail", order_id=order.pk)
    else:
        form = OrderChangeForm(kind=kind, terms=terms)
        formset = TermFormSet(prefix="new") if variation else None
        _viewed(request, nominal, heading, order)
    return render(
        request,
        "notifications/order_change_form.html",
        {
            **case_context(request, nominal, TAB),
            "order": order,
            "form": form,
            "formset": formset,
            "heading": heading,
            "kind": kind,
        },
    )


def _on_term_fields(error: ValidationError, terms) -> ValidationError:
    """Name the form field of an existing term's problem ("terms.<n>.ends_on")."""
    if not hasattr(error, "error_dict"):
        return error
    moved: dict[str, list[str]] = {}
    for field, messages_ in error.message_dict.items():
        parts = field.split(".")
        if parts[0] == "terms" and len(parts) == 3 and int(parts[1]) < len(terms):
            field = f"term_{terms[int(parts[1])].pk}_ends_on"
        moved.setdefault(field, []).extend(messages_)
    return ValidationError(moved)


# --- Breaches -----------------------------------------------------------------------------------


@login_required
def breach_list(request, pk):
    nominal = access_case(request.user, pk)
    _viewed(request, nominal, "Breaches")
    page = Paginator(orders.case_breaches(nominal), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/breach_list.html",
        {**case_context(request, nominal, TAB), "page": page, "counts": breach_counts(nominal)},
    )


@login_required
def breach_detail(request, breach_id):
    nominal = access_case(request.user, _nominal_of(Breach, breach_id))
    breach = orders.case_breaches(nominal).get(pk=breach_id)
    _viewed(request, nominal, str(breach), breach)
    return render(
        request,
        "notifications/breach_detail.html",
        {**case_context(request, nominal, TAB), "breach": breach},
    )


def _prefill(request, nominal: Nominal) -> dict:
    """Initial answers from a link: an overdue clock deadline (?deadline=&label=) or an order
    (?order=)."""
    initial: dict = {}
    try:
        deadline = date.fromisoformat(request.GET.get("deadline", ""))
    except ValueError:
        deadline = None
    if deadline is not None:
        initial["deadline"] = deadline
        initial["how_found"] = HowFound.CLOCK
        duty = order_rules.duty_for_deadline(request.GET.get("label", ""))
        if duty is not None:
            initial["duty"] = duty.value
    order_id = request.GET.get("order", "")
    if order_id.isdigit():
        order = orders.order_choices_for_breach(nominal).filter(pk=order_id).first()
        if order is not None:
            initial["order"] = order.pk
            initial["duty"] = "shpo" if order.is_shpo else "sro"
    return initial


@login_required
def breach_add(request, pk):
    nominal = access_case(request.user, pk, write=True)
    choices = orders.order_choices_for_breach(nominal)
    existing = None
    if request.method == "POST":
        form = BreachForm(request.POST, orders=choices)
        if form.is_valid():
            try:
                breach = orders.breach_record(
                    acting_user=request.user, nominal=nominal, data=form.cleaned_data
                )
            except orders.DuplicateBreach as error:
                existing = error.existing
                form.add_error(None, orders.duplicate_message(existing))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Breach recorded")
                return redirect("notifications:breach-detail", breach_id=breach.pk)
    else:
        form = BreachForm(initial=_prefill(request, nominal), orders=choices)
        _viewed(request, nominal, "Record a breach")
    return render(
        request,
        "notifications/breach_form.html",
        {**case_context(request, nominal, TAB), "form": form, "existing": existing},
    )


# --- Review flags -------------------------------------------------------------------------------


@role_required(Role.SUPERVISOR)
def order_reviews(request):
    """Orders in force on the supervisor's teams' cases that need review, each with why."""
    on = timezone.localdate()
    page = Paginator(orders.flagged_orders(request.user, on), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record(actor=request.user, action=AuditAction.VIEW, description="Orders to review")
    return render(
        request,
        "notifications/order_reviews.html",
        {
            "page": page,
            "entries": orders.flagged_rows(page.object_list),
            "today": on,
            "reactive": NominalStatus.REACTIVE,
        },
    )
