"""Civil orders and breaches on a case (domain.md section 6): the selectors that read them and
the services that write them. Every write is atomic, audited, on the case timeline, and
recomputes the clock when it can move it; the rules are in notifications.order_rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import DateField, Exists, F, Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Nominal, NominalStatus, User
from cases.services import case_event
from notifications import order_rules
from notifications.models import (
    Breach,
    CivilOrder,
    Conviction,
    OrderChange,
    OrderChangeKind,
    OrderStatus,
    OrderTerm,
    TermKind,
)
from notifications.services import clock_refresh

UNCHANGED = object()  # an order change that leaves the order's end as it is


def _fmt(day: date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def _raise(problems: list[order_rules.Problem]) -> None:
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for field, message in problems:
        errors.setdefault(field, []).append(message)
    raise ValidationError(errors)


# --- Reading ------------------------------------------------------------------------------------


def started(order: CivilOrder, on: date) -> bool:
    return (order.served_on or order.made_on) <= on


def in_force(order: CivilOrder, on: date) -> bool:
    """CivilOrderQuerySet.in_force for one order already loaded."""
    return started(order, on) and order.status_on(on) == OrderStatus.IN_FORCE


def _prefetched(nominal: Nominal) -> list[CivilOrder] | None:
    return getattr(nominal, "_prefetched_objects_cache", {}).get("civil_orders")


def shpo_in_force(nominal: Nominal, on: date | None = None) -> bool:
    """Whether an SHPO or interim SHPO is in force for the person on `on` (from the prefetched
    orders when the caller has them)."""
    on = on or timezone.localdate()
    orders = _prefetched(nominal)
    if orders is not None:
        return any(o.is_shpo and in_force(o, on) for o in orders)
    return CivilOrder.objects.filter(nominal_id=nominal.pk).shpos().in_force(on).exists()


def any_in_force(nominal: Nominal, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    orders = _prefetched(nominal)
    if orders is not None:
        return any(in_force(o, on) for o in orders)
    return CivilOrder.objects.filter(nominal_id=nominal.pk).in_force(on).exists()


def in_force_exists(on: date, *, shpos_only: bool = False) -> Exists:
    """The SQL form of `any_in_force` / `shpo_in_force`, for annotating a Nominal queryset."""
    orders = CivilOrder.objects.filter(nominal=OuterRef("pk")).in_force(on)
    return Exists(orders.shpos() if shpos_only else orders)


def prohibitions_in_force(nominal: Nominal, on: date | None = None) -> list[str]:
    """The prohibitions of the orders in force on `on` that have not ended themselves."""
    on = on or timezone.localdate()
    orders = CivilOrder.objects.filter(nominal_id=nominal.pk).in_force(on)
    return list(
        OrderTerm.objects.filter(order__in=orders, kind=TermKind.PROHIBITION)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by("order__made_on", "order_position", "pk")
        .values_list("text", flat=True)
    )


def case_orders(nominal: Nominal) -> models.QuerySet[CivilOrder]:
    return (
        CivilOrder.objects.filter(nominal_id=nominal.pk)
        .select_related("created_by", "replaced_by")
        .prefetch_related(
            "terms", Prefetch("changes", OrderChange.objects.select_related("created_by"))
        )
    )


def case_breaches(nominal: Nominal) -> models.QuerySet[Breach]:
    return Breach.objects.filter(nominal_id=nominal.pk).select_related("order", "created_by")


def with_conviction_requirement(queryset: models.QuerySet) -> models.QuerySet:
    """Annotate orders with the requirement from their person's convictions: whether any is
    indefinite, and the last day of the longest finite one."""
    registrable = Conviction.objects.filter(nominal=OuterRef("nominal_id"), threshold_met=True)
    finite_last = (
        registrable.filter(indefinite=False, last_day__isnull=False)
        .order_by()
        .values("nominal")
        .annotate(last=Max("last_day"))
        .values("last")
    )
    return queryset.annotate(
        conviction_indefinite=Exists(registrable.filter(indefinite=True)),
        conviction_last_day=Subquery(finite_last, output_field=DateField()),
    )


def flags_for(order: CivilOrder) -> tuple[order_rules.ReviewFlag, ...]:
    """An order's review flags, from a `with_conviction_requirement` row with its nominal."""
    return order_rules.review_flags(
        kind=order.type,
        ends_on=order.ends_on,
        conviction_last_day=order.conviction_last_day,
        conviction_indefinite=order.conviction_indefinite,
        reactive=order.nominal.status == NominalStatus.REACTIVE,
    )


def flagged_orders(user: User, on: date) -> models.QuerySet[CivilOrder]:
    """The orders in force on the user's cases that need review: `order_rules.review_flags` in
    SQL (a test holds them together), one query for any number of orders."""
    visible = Nominal.objects.visible_to(user).filter(pk=OuterRef("nominal_id"))
    orders = with_conviction_requirement(CivilOrder.objects.filter(Exists(visible)).in_force(on))
    outlives = Q(
        type__in=[k.value for k in order_rules.OUTLIVING_KINDS],
        conviction_indefinite=False,
        conviction_last_day__isnull=False,
    ) & (Q(ends_on__isnull=True) | Q(ends_on__gt=F("conviction_last_day")))
    return (
        orders.filter(
            outlives | Q(ends_on__isnull=True) | Q(nominal__status=NominalStatus.REACTIVE)
        )
        .select_related("nominal", "nominal__offender_manager")
        .order_by("nominal__surname", "nominal__forenames", "nominal_id", "made_on", "pk")
    )


@dataclass(frozen=True)
class FlaggedOrder:
    order: CivilOrder
    flags: tuple[order_rules.ReviewFlag, ...]

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.flags]


def flagged_rows(orders) -> list[FlaggedOrder]:
    return [FlaggedOrder(order, flags_for(order)) for order in orders]


def order_flags(order: CivilOrder, on: date) -> tuple[order_rules.ReviewFlag, ...]:
    """One order's review flags (none unless it is in force)."""
    if not in_force(order, on):
        return ()
    row = with_conviction_requirement(
        CivilOrder.objects.filter(pk=order.pk).select_related("nominal")
    ).get()
    return flags_for(row)


def existing_breach(nominal: Nominal, duty: str, first_failure_on: date) -> Breach | None:
    return (
        Breach.objects.filter(nominal_id=nominal.pk, duty=duty, first_failure_on=first_failure_on)
        .select_related("created_by")
        .first()
    )


def duplicate_message(breach: Breach) -> str:
    return (
        f"This failure is already recorded: {breach.get_duty_display().lower()}, failing from "
        f"{_fmt(breach.first_failure_on)}, recorded by {breach.created_by.get_full_name()} on "
        f"{_fmt(timezone.localtime(breach.created_at).date())}. There is one record per failure"
    )


class DuplicateBreach(ValidationError):
    """The failure is already recorded; `existing` is that record."""

    def __init__(self, existing: Breach):
        self.existing = existing
        super().__init__({"first_failure_on": [duplicate_message(existing)]})


# --- Orders -------------------------------------------------------------------------------------

ORDER_FIELDS = (
    "type",
    "court",
    "applied_for_by",
    "made_on",
    "served_on",
    "ends_on",
    "foreign_conviction_on",
    "foreign_disposal",
    "foreign_custody_months",
    "notes",
)


def _foreign(data: dict[str, Any]) -> order_rules.ForeignConviction | None:
    if not data.get("foreign_conviction_on") or not data.get("foreign_disposal"):
        return None
    return order_rules.ForeignConviction(
        data["foreign_conviction_on"], data["foreign_disposal"], data.get("foreign_custody_months")
    )


FOREIGN_FIELDS = ("foreign_conviction_on", "foreign_disposal", "foreign_custody_months")


def _foreign_problems(kind: order_rules.OrderKind, data: dict[str, Any]) -> list:
    """A conviction abroad belongs to a notification order, and a full one needs its date and
    equivalent disposal (each named when it is the one missing)."""
    given = [name for name in FOREIGN_FIELDS if data.get(name) not in (None, "")]
    if kind not in order_rules.NOTIFICATION_ORDER_KINDS:
        return [(name, "Only a notification order records a conviction abroad") for name in given]
    if kind is not order_rules.OrderKind.NOTIFICATION_ORDER or not given:
        return []  # none at all: the rules ask for both
    problems = []
    if not data.get("foreign_conviction_on"):
        problems.append(("foreign_conviction_on", "Enter the date of the conviction abroad"))
    if not data.get("foreign_disposal"):
        problems.append(("foreign_disposal", "Select the equivalent disposal in England and Wales"))
    return problems


def _term_facts(terms: list[dict[str, Any]]) -> list[order_rules.TermFacts]:
    return [
        order_rules.TermFacts(
            kind=t.get("kind", ""),
            text=t.get("text", ""),
            foreign_travel=bool(t.get("foreign_travel")),
            ends_on=t.get("ends_on"),
        )
        for t in terms
    ]


def _order_facts(order: CivilOrder) -> order_rules.OrderFacts:
    return order_rules.OrderFacts(
        kind=order.type,
        made_on=order.made_on,
        served_on=order.served_on,
        ends_on=order.ends_on,
        discharged_on=order.discharged_on,
        replaced_on=order.replaced_by.made_on if order.replaced_by_id else None,
        foreign=_foreign(
            {
                "foreign_conviction_on": order.foreign_conviction_on,
                "foreign_disposal": order.foreign_disposal,
                "foreign_custody_months": order.foreign_custody_months,
            }
        ),
    )


def _term_text(term: OrderTerm | dict) -> str:
    get = term.get if isinstance(term, dict) else lambda name: getattr(term, name)
    ends = f" (until {_fmt(get('ends_on'))})" if get("ends_on") else ""
    travel = "Foreign travel prohibition: " if get("foreign_travel") else ""
    return f"{travel}{get('text')}{ends}"


@transaction.atomic
def order_add(
    *,
    acting_user: User,
    nominal: Nominal,
    data: dict[str, Any],
    terms: list[dict[str, Any]] = (),
) -> tuple[CivilOrder, bool]:
    """Record an order with its prohibitions and requirements. A new SHPO (or SRO) ends any
    earlier one. The same order sent twice (type, date made and court) returns the first."""
    data = {name: data.get(name) for name in ORDER_FIELDS if name in data}
    for name in ("court", "applied_for_by", "foreign_disposal", "notes"):
        data[name] = (data.get(name) or "").strip()
    terms = [dict(t) for t in terms]
    locked = (
        Nominal.objects.select_for_update(of=("self",)).select_related("force").get(pk=nominal.pk)
    )
    same = CivilOrder.objects.filter(
        nominal=locked, type=data.get("type"), made_on=data.get("made_on"), court=data["court"]
    ).first()
    if same is not None:
        return same, False
    kind = order_rules.OrderKind(data["type"])
    _raise(_foreign_problems(kind, data))
    if kind is order_rules.OrderKind.NOTIFICATION_ORDER:
        data["ends_on"] = None  # follows the equivalent disposal, below
    facts = order_rules.OrderFacts(
        kind=kind,
        made_on=data["made_on"],
        served_on=data.get("served_on"),
        ends_on=data.get("ends_on"),
        foreign=_foreign(data),
    )
    feb29 = locked.force.feb29_anniversary_on_march_1
    _raise(
        order_rules.check_order(
            facts,
            _term_facts(terms),
            today=timezone.localdate(),
            date_of_birth=locked.date_of_birth,
            feb29_falls_on_march_1=feb29,
        )
    )
    if kind is order_rules.OrderKind.NOTIFICATION_ORDER:
        # Stored so "in force" and the lists read the order's end like any other's.
        data["ends_on"] = order_rules.equivalent_period(
            facts.foreign, date_of_birth=locked.date_of_birth, feb29_falls_on_march_1=feb29
        ).last_day
    order = CivilOrder(nominal=locked, created_by=acting_user, **data)
    order.full_clean()
    order.save()
    OrderTerm.objects.bulk_create(
        OrderTerm(
            order=order,
            kind=t["kind"],
            text=t["text"].strip(),
            foreign_travel=bool(t.get("foreign_travel")),
            ends_on=t.get("ends_on"),
            order_position=position,
        )
        for position, t in enumerate(terms)
    )
    earlier = [
        o
        for o in CivilOrder.objects.filter(nominal=locked)
        .in_force(order.made_on)
        .exclude(pk=order.pk)
        .select_for_update()
        if o.made_on <= order.made_on and order_rules.supersedes(order.type, o.type)
    ]
    for old in earlier:
        old.replaced_by = order
        old.save(update_fields=["replaced_by"])
    label = order.get_type_display()
    end = "until further order" if order.ends_on is None else f"until {_fmt(order.ends_on)}"
    changes = [
        {
            "field": "Order",
            "old": "",
            "new": f"{label}, made {_fmt(order.made_on)} at {order.court}",
        },
        {"field": "Length", "old": "", "new": end},
        *({"field": "Term", "old": "", "new": _term_text(t)} for t in terms),
        *(
            {"field": "Earlier order", "old": str(old), "new": "Ended: replaced by this order"}
            for old in earlier
        ),
    ]
    case_event(
        nominal=locked,
        actor=acting_user,
        kind="order_added",
        summary=f"{label} added: made {_fmt(order.made_on)} at {order.court}, {end}",
        changes=changes,
        subject=order,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=order,
        nominal_id=locked.pk,
        description=f"{label} added",
        changes=changes,
    )
    for old in earlier:
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            obj=old,
            nominal_id=locked.pk,
            description=f"{old.get_type_display()} ended: replaced by a new order",
            changes=[{"field": "Replaced by", "old": "", "new": str(order)}],
        )
    clock_refresh(locked)
    return order, True


_CHANGE_EVENTS = {
    OrderChangeKind.VARIATION: ("order_varied", "varied"),
    OrderChangeKind.RENEWAL: ("order_renewed", "renewed"),
    OrderChangeKind.DISCHARGE: ("order_discharged", "discharged"),
}


@transaction.atomic
def order_change(
    *,
    acting_user: User,
    order: CivilOrder,
    kind: str,
    made_on: date,
    court: str,
    details: str,
    ends_on: date | None | object = UNCHANGED,
    term_ends: dict[int, date | None] | None = None,
    new_terms: list[dict[str, Any]] = (),
    person_consents: bool = False,
    chief_officer_consents: bool = False,
) -> tuple[OrderChange, bool]:
    """Vary, renew or discharge an order. `term_ends` gives existing terms (by id) a new end;
    `ends_on` the order's new end (None: until further order). The same change sent twice
    (kind and date of the decision) returns the first."""
    kind = OrderChangeKind(kind)
    order = (
        CivilOrder.objects.select_for_update(of=("self",))
        .select_related("nominal__force", "replaced_by")
        .get(pk=order.pk)
    )
    same = OrderChange.objects.filter(order=order, kind=kind, made_on=made_on).first()
    if same is not None:
        return same, False
    terms = list(order.terms.all())
    index_of = {term.pk: index for index, term in enumerate(terms)}
    term_ends = term_ends or {}
    unknown = [pk for pk in term_ends if pk not in index_of]
    if unknown:
        raise ValidationError({"terms": ["Give new ends only for this order's own terms"]})
    if kind == OrderChangeKind.DISCHARGE:
        term_ends, new_terms, ends_on = {}, [], UNCHANGED
    new_terms = [dict(t) for t in new_terms]
    current = [order_rules.TermFacts(t.kind, t.text, t.foreign_travel, t.ends_on) for t in terms]
    rule_kwargs = {} if ends_on is UNCHANGED else {"new_ends_on": ends_on}
    problems = order_rules.check_change(
        kind,
        _order_facts(order),
        current,
        decided_on=made_on,
        today=timezone.localdate(),
        term_changes=[order_rules.TermChange(index_of[pk], end) for pk, end in term_ends.items()],
        new_terms=_term_facts(new_terms),
        person_consents=person_consents,
        chief_officer_consents=chief_officer_consents,
        **rule_kwargs,
    )
    if not court.strip():
        problems.append(("court", "Enter the court that made the decision"))
    if not details.strip():
        problems.append(("details", "Describe what the court decided"))
    _raise(problems)
    changes = []
    if kind == OrderChangeKind.DISCHARGE:
        order.discharged_on = made_on
        changes.append({"field": "Discharged", "old": "", "new": _fmt(made_on)})
    if ends_on is not UNCHANGED and ends_on != order.ends_on:
        changes.append(
            {
                "field": "Ends",
                "old": _fmt(order.ends_on) or "Until further order",
                "new": _fmt(ends_on) or "Until further order",
            }
        )
        order.ends_on = ends_on
    order.full_clean()
    order.save()
    for pk, end in term_ends.items():
        term = terms[index_of[pk]]
        if term.ends_on != end:
            changes.append(
                {
                    "field": f"Term: {term.text[:60]}",
                    "old": _fmt(term.ends_on) or "As long as the order",
                    "new": _fmt(end) or "As long as the order",
                }
            )
            term.ends_on = end
            term.save(update_fields=["ends_on"])
    start = len(terms)
    OrderTerm.objects.bulk_create(
        OrderTerm(
            order=order,
            kind=t["kind"],
            text=t["text"].strip(),
            foreign_travel=bool(t.get("foreign_travel")),
            ends_on=t.get("ends_on"),
            order_position=start + n,
        )
        for n, t in enumerate(new_terms)
    )
    changes += [{"field": "New term", "old": "", "new": _term_text(t)} for t in new_terms]
    change = OrderChange.objects.create(
        order=order,
        kind=kind,
        made_on=made_on,
        court=court.strip(),
        details=details.strip(),
        person_consents=person_consents,
        chief_officer_consents=chief_officer_consents,
        created_by=acting_user,
    )
    event, verb = _CHANGE_EVENTS[kind]
    summary = f"{order.get_type_display()} {verb} on {_fmt(made_on)} at {change.court}"
    case_event(
        nominal=order.nominal,
        actor=acting_user,
        kind=event,
        summary=summary,
        changes=changes,
        subject=order,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CHANGE,
        obj=order,
        nominal_id=order.nominal_id,
        description=summary,
        changes=changes,
    )
    clock_refresh(order.nominal)
    return change, True


# --- Breaches -----------------------------------------------------------------------------------

BREACH_FIELDS = (
    "duty",
    "order",
    "deadline",
    "first_failure_on",
    "remedied_on",
    "excuse_claimed",
    "how_found",
    "action",
    "outcome",
    "severity",
    "rationale",
)


@transaction.atomic
def breach_record(*, acting_user: User, nominal: Nominal, data: dict[str, Any]) -> Breach:
    """Record one failure to comply. For a notification duty the first day of failure is the
    day after the deadline; a failure already recorded is refused (DuplicateBreach) naming the
    record that has it."""
    data = {name: data.get(name) for name in BREACH_FIELDS}
    for name in ("excuse_claimed", "outcome", "rationale"):
        data[name] = (data[name] or "").strip()
    duty = order_rules.Duty(data["duty"])
    if duty in order_rules.NOTIFICATION_DUTY_VALUES:
        data["first_failure_on"] = order_rules.first_failure(duty, data["deadline"])
    order = data["order"]
    if order is not None and order.nominal_id != nominal.pk:
        raise ValidationError({"order": ["Select one of this person's orders"]})
    _raise(
        order_rules.check_breach(
            order_rules.BreachFacts(
                duty=duty,
                first_failure_on=data["first_failure_on"],
                deadline=data["deadline"],
                remedied_on=data["remedied_on"],
                order_kind=order.type if order is not None else None,
                rationale=data["rationale"],
            ),
            today=timezone.localdate(),
        )
    )
    locked = Nominal.objects.select_for_update(of=("self",)).get(pk=nominal.pk)
    existing = existing_breach(locked, duty, data["first_failure_on"])
    if existing is not None:
        raise DuplicateBreach(existing)
    breach = Breach(nominal=locked, created_by=acting_user, **data)
    breach.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            breach.save()
    except IntegrityError:
        # Another request recorded the same failure first: the unique constraint decides.
        raise DuplicateBreach(existing_breach(locked, duty, data["first_failure_on"])) from None
    severity = breach.get_severity_display().lower()
    summary = (
        f"Breach recorded ({severity}): {breach.get_duty_display().lower()}, failing from "
        f"{_fmt(breach.first_failure_on)}"
    )
    if breach.remedied_on:
        summary += f", remedied {_fmt(breach.remedied_on)}"
    changes = [
        {"field": "Duty", "old": "", "new": breach.get_duty_display()},
        {"field": "Severity", "old": "", "new": breach.get_severity_display()},
        {"field": "Rationale", "old": "", "new": breach.rationale},
    ]
    if order is not None:
        changes.insert(1, {"field": "Order", "old": "", "new": str(order)})
    case_event(
        nominal=locked,
        actor=acting_user,
        kind=order_rules.breach_event_kind(breach.severity),
        summary=summary,
        changes=changes,
        subject=breach,
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=breach,
        nominal_id=locked.pk,
        description=summary,
        changes=changes,
    )
    return breach


def order_choices_for_breach(nominal: Nominal) -> models.QuerySet[CivilOrder]:
    """The orders a breach may name: the person's SHPOs and SROs (and interim ones)."""
    preventive = [k.value for k in order_rules.PREVENTIVE_KINDS]
    return CivilOrder.objects.filter(nominal_id=nominal.pk, type__in=preventive)
