"""Civil order rules (domain.md section 6): the notification period an order gives, what an
order may say, when it may be changed, which orders need review, and breaches.

Pure functions: plain values in, plain values out, no clock (`today` is passed in). Checks
return every problem at once as (field, message) pairs, so a form shows them all; the field of
a term problem is "terms.<index>.<field>".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from notifications import rules
from notifications.rules import NotificationPeriod

_ONE_DAY = timedelta(days=1)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt(day: date) -> str:
    # Fixed English month names, as in notifications.rules.
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


class OrderKind(StrEnum):
    """The values of notifications.models.OrderType (a test holds them together)."""

    SHPO = "shpo"
    INTERIM_SHPO = "interim_shpo"
    SRO = "sro"
    INTERIM_SRO = "interim_sro"
    NOTIFICATION_ORDER = "notification_order"
    INTERIM_NOTIFICATION_ORDER = "interim_notification_order"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OrderKind.SHPO: "SHPO",
    OrderKind.INTERIM_SHPO: "interim SHPO",
    OrderKind.SRO: "SRO",
    OrderKind.INTERIM_SRO: "interim SRO",
    OrderKind.NOTIFICATION_ORDER: "notification order",
    OrderKind.INTERIM_NOTIFICATION_ORDER: "interim notification order",
}

SHPO_KINDS = frozenset({OrderKind.SHPO, OrderKind.INTERIM_SHPO})
SRO_KINDS = frozenset({OrderKind.SRO, OrderKind.INTERIM_SRO})
NOTIFICATION_ORDER_KINDS = frozenset(
    {OrderKind.NOTIFICATION_ORDER, OrderKind.INTERIM_NOTIFICATION_ORDER}
)
# Orders that carry prohibitions and requirements (and so can be breached).
PREVENTIVE_KINDS = SHPO_KINDS | SRO_KINDS

# Minimum length of a full order, in months, and the Act's section for it.
_MINIMUM_MONTHS = {
    OrderKind.SHPO: (60, "5 years", "s.103C"),
    OrderKind.SRO: (24, "2 years", "s.122A"),
}
# No discharge within this many months of the making without both consents.
_DISCHARGE_CONSENT_MONTHS = {
    OrderKind.SHPO: (60, "5 years", "s.103E"),
    OrderKind.SRO: (24, "2 years", "s.122D"),
}
FOREIGN_TRAVEL_MONTHS = 60

Problem = tuple[str, str]  # (field, message)

# Dates outside this range are typing slips, and the day arithmetic needs room either side.
EARLIEST, LATEST = date(1900, 1, 1), date(2099, 12, 31)


def check_dates(dates: dict[str, date | None]) -> list[Problem]:
    """Each date given within the range RSOM accepts; checked before any other rule."""
    return [
        (field, f"Enter a date between {_fmt(EARLIEST)} and {_fmt(LATEST)}")
        for field, day in dates.items()
        if day is not None and not EARLIEST <= day <= LATEST
    ]


def last_day_of(start: date, months: int) -> date:
    """The last day of a period of `months` beginning with `start` (domain.md section 0)."""
    return rules.period_last_day(start, months)


# --- The period an order gives -----------------------------------------------------------------


@dataclass(frozen=True)
class ForeignConviction:
    """A notification order's conviction abroad and the disposal it is equivalent to here."""

    convicted_on: date
    disposal: str  # a notifications.rules.Disposal value
    months: Decimal | int | None = None  # the custodial term, or the length of a discharge


@dataclass(frozen=True)
class OrderFacts:
    """One order, reduced to what the period needs."""

    kind: OrderKind | str
    made_on: date
    served_on: date | None = None
    ends_on: date | None = None  # None: until further order
    discharged_on: date | None = None
    replaced_on: date | None = None  # the day a later order took its place
    foreign: ForeignConviction | None = None


def registered_on(day: date, conviction_periods: Iterable[NotificationPeriod]) -> bool:
    """Whether the convictions alone make the person subject on `day`."""
    return any(p.subject_on(day) for p in conviction_periods)


def equivalent_period(
    foreign: ForeignConviction, *, date_of_birth: date, feb29_falls_on_march_1: bool = True
) -> NotificationPeriod:
    """The period the equivalent disposal here would give (s.98): raises ValueError with a
    message for the officer when the facts do not fit the disposal."""
    disposal = rules.Disposal.parse(foreign.disposal)
    months = foreign.months
    custody = months if disposal in (rules.Disposal.CUSTODY, rules.Disposal.DTO) else None
    discharge = months if disposal is rules.Disposal.CONDITIONAL_DISCHARGE else None
    if months is not None and custody is None and discharge is None:
        raise ValueError(
            f"A length in months applies only to custody, a detention and training order or a "
            f"conditional discharge, not to {disposal.label}."
        )
    return rules.notification_period(
        disposal=disposal,
        relevant_date=foreign.convicted_on,
        date_of_birth=date_of_birth,
        custody_months=custody,
        discharge_months=discharge,
        feb29_falls_on_march_1=feb29_falls_on_march_1,
    )


def order_period(
    order: OrderFacts,
    *,
    registered_on_making: bool,
    date_of_birth: date,
    feb29_falls_on_march_1: bool = True,
) -> NotificationPeriod | None:
    """The notification period the order gives, or None when it gives none (an SRO, an order
    not yet served on a person not otherwise registered, or one that ended before it began)."""
    kind = OrderKind(order.kind)
    if kind in SRO_KINDS:
        # s.122F: an SRO only requires name and address; it does not make the person registered.
        return None
    start = _start(order, registered_on_making)
    if start is None:
        return None
    if kind is OrderKind.NOTIFICATION_ORDER:
        if order.foreign is None:
            return None
        equivalent = equivalent_period(
            order.foreign,
            date_of_birth=date_of_birth,
            feb29_falls_on_march_1=feb29_falls_on_march_1,
        )
        end = equivalent.last_day
        basis = (
            f"notification order made {_fmt(order.made_on)}: the period for the equivalent "
            f"disposal here ({equivalent.explanation}) from the conviction abroad on "
            f"{_fmt(order.foreign.convicted_on)} (s.98)"
        )
    else:
        end = order.ends_on
        section = "s.100" if kind is OrderKind.INTERIM_NOTIFICATION_ORDER else "s.103G"
        how = (
            "keeps the registered person subject"
            if registered_on_making
            else f"makes the person subject from service on {_fmt(start)}"
        )
        basis = f"{kind.label} made {_fmt(order.made_on)}: {how} while it lasts ({section})"
    cut_short = [
        (_day_before(order.discharged_on), f"discharged on {_fmt(order.discharged_on)}")
        if order.discharged_on
        else None,
        (_day_before(order.replaced_on), f"replaced by a later order on {_fmt(order.replaced_on)}")
        if order.replaced_on
        else None,
    ]
    last, why = end, ""
    for day, reason in filter(None, cut_short):
        if last is None or day < last:
            last, why = day, f" ({reason})"
    if last is not None and last < start:
        return None
    if last is None:
        return NotificationPeriod(start, None, True, None, f"Indefinite — {basis}")
    return NotificationPeriod(start, last, False, None, f"Until {_fmt(last)}{why} — {basis}")


def _day_before(day: date | None) -> date | None:
    return day - _ONE_DAY if day else None


def _start(order: OrderFacts, registered_on_making: bool) -> date | None:
    # s.103G, s.98; domain.md section 6 (6.1, 6.2): an order keeps a registered person subject
    # from its making, and makes anyone else subject from its service (the relevant date).
    return order.made_on if registered_on_making else order.served_on


def order_periods(
    orders: Iterable[OrderFacts],
    *,
    conviction_periods: Sequence[NotificationPeriod],
    date_of_birth: date,
    feb29_falls_on_march_1: bool = True,
) -> list[NotificationPeriod]:
    """Every period the person's orders give (a bad notification order gives none here: the
    checks on saving explain it). A person kept subject by an earlier order is registered when
    the next one is made, so it runs on from its making."""
    periods: list[NotificationPeriod] = []
    for order in sorted(orders, key=lambda o: o.made_on):
        registered = registered_on(order.made_on, conviction_periods) or registered_on(
            order.made_on - _ONE_DAY, periods
        )
        try:
            period = order_period(
                order,
                registered_on_making=registered,
                date_of_birth=date_of_birth,
                feb29_falls_on_march_1=feb29_falls_on_march_1,
            )
        except ValueError:
            continue
        if period is not None:
            periods.append(period)
    return periods


# --- What an order may say ---------------------------------------------------------------------


@dataclass(frozen=True)
class TermFacts:
    kind: str  # "prohibition" or "requirement"
    text: str
    foreign_travel: bool = False
    ends_on: date | None = None  # None: as long as the order
    starts_on: date | None = None  # None: from the order's making (or from its renewal)
    # Already in force and not changed now: only its end against the order's is checked again.
    settled: bool = False


def check_order(
    order: OrderFacts,
    terms: Sequence[TermFacts],
    *,
    today: date,
    date_of_birth: date,
    feb29_falls_on_march_1: bool = True,
) -> list[Problem]:
    """Every problem with a new order and its terms; empty when it may be saved."""
    kind = OrderKind(order.kind)
    out_of_range = check_dates(
        {
            "made_on": order.made_on,
            "served_on": order.served_on,
            "ends_on": order.ends_on,
            "foreign_conviction_on": order.foreign.convicted_on if order.foreign else None,
            **{f"terms.{i}.ends_on": term.ends_on for i, term in enumerate(terms)},
        }
    )
    if out_of_range:
        return out_of_range
    if order.made_on > today:
        return [("made_on", "The date the order was made must be today or in the past")]
    problems: list[Problem] = []
    if order.served_on and order.served_on < order.made_on:
        problems.append(("served_on", "The order cannot be served before it was made"))
    if order.served_on and order.served_on > today:
        problems.append(("served_on", "The date of service must be today or in the past"))
    if kind in NOTIFICATION_ORDER_KINDS:
        problems += _check_notification_order(
            order, kind, date_of_birth=date_of_birth, feb29=feb29_falls_on_march_1
        )
    elif order.foreign is not None:
        problems.append(
            ("foreign_conviction_on", "Only a notification order records a conviction abroad")
        )
    if kind is not OrderKind.NOTIFICATION_ORDER:
        problems += check_length(kind, made_on=order.made_on, ends_on=order.ends_on)
    if kind in NOTIFICATION_ORDER_KINDS and terms:
        problems.append(("terms", "A notification order has no prohibitions or requirements"))
    else:
        problems += check_terms(terms, order_made_on=order.made_on, order_ends_on=order.ends_on)
    return problems


def check_length(kind: OrderKind | str, *, made_on: date, ends_on: date | None) -> list[Problem]:
    """A fixed end after the making, and at least the minimum for a full SHPO or SRO."""
    kind = OrderKind(kind)
    if ends_on is None:
        if kind is OrderKind.INTERIM_NOTIFICATION_ORDER:
            return [("ends_on", "Enter the date the interim notification order ends")]
        return []
    if ends_on < made_on:
        return [("ends_on", "The order cannot end before it was made")]
    if kind in _MINIMUM_MONTHS:
        months, words, section = _MINIMUM_MONTHS[kind]
        # s.103C (SHPO), s.122A (SRO); domain.md section 6: a fixed term of at least N years.
        earliest = last_day_of(made_on, months)
        if ends_on < earliest:
            return [
                (
                    "ends_on",
                    f"An {kind.label} lasts at least {words} or until further order "
                    f"({section}): made on {_fmt(made_on)}, it cannot end before "
                    f"{_fmt(earliest)}",
                )
            ]
    return []


def _check_notification_order(
    order: OrderFacts, kind: OrderKind, *, date_of_birth: date, feb29: bool
) -> list[Problem]:
    if kind is OrderKind.INTERIM_NOTIFICATION_ORDER:
        return []
    if order.foreign is None:
        return [
            ("foreign_conviction_on", "Enter the date of the conviction abroad"),
            ("foreign_disposal", "Select the equivalent disposal in England and Wales"),
        ]
    if order.foreign.convicted_on > order.made_on:
        return [("foreign_conviction_on", "The conviction abroad must be before the order")]
    if order.foreign.convicted_on <= date_of_birth:
        return [("foreign_conviction_on", "The conviction abroad must be after the date of birth")]
    try:
        period = equivalent_period(
            order.foreign, date_of_birth=date_of_birth, feb29_falls_on_march_1=feb29
        )
    except ValueError as error:
        return [("foreign_custody_months", str(error))]
    start = order.served_on or order.made_on
    if period.last_day is not None and period.last_day < start:
        return [
            (
                "foreign_conviction_on",
                f"The period for the equivalent disposal ended on {_fmt(period.last_day)}, "
                "before the order: check the dates",
            )
        ]
    return []


def check_terms(
    terms: Sequence[TermFacts], *, order_made_on: date, order_ends_on: date | None
) -> list[Problem]:
    """Each term: some text, an end within the order's, and a foreign travel prohibition of at
    most 5 years from when it starts."""
    problems: list[Problem] = []
    for index, term in enumerate(terms):
        field = f"terms.{index}"
        if term.settled:
            problems += _settled_term_problems(field, term, order_made_on, order_ends_on)
            continue
        if term.kind not in ("prohibition", "requirement"):
            problems.append(
                (f"{field}.kind", "Select whether this is a prohibition or a positive requirement")
            )
        if not term.text.strip():
            problems.append((f"{field}.text", "Enter what the order prohibits or requires"))
        if term.foreign_travel and term.kind != "prohibition":
            problems.append(
                (f"{field}.foreign_travel", "Only a prohibition can be a foreign travel ban")
            )
        starts = term.starts_on or order_made_on
        if term.ends_on and term.ends_on < starts:
            problems.append((f"{field}.ends_on", "A term cannot end before it starts"))
        elif term.ends_on and order_ends_on and term.ends_on > order_ends_on:
            problems.append(
                (
                    f"{field}.ends_on",
                    f"A term cannot outlast the order, which ends on {_fmt(order_ends_on)}",
                )
            )
        if term.foreign_travel:
            problem = _foreign_travel_problem(term, starts, order_ends_on)
            if problem:
                problems.append((f"{field}.ends_on", problem))
    return problems


def _settled_term_problems(
    field: str, term: TermFacts, order_made_on: date, order_ends_on: date | None
) -> list[Problem]:
    # A term's own end was checked when it was set; a new end for the order can still cut it
    # short, or stretch a travel ban that runs as long as the order beyond 5 years.
    if term.ends_on and order_ends_on and term.ends_on > order_ends_on:
        return [
            (
                f"{field}.ends_on",
                f"A term cannot outlast the order, which ends on {_fmt(order_ends_on)}",
            )
        ]
    if term.foreign_travel and term.ends_on is None:
        problem = _foreign_travel_problem(term, order_made_on, order_ends_on)
        return [(f"{field}.ends_on", problem)] if problem else []
    return []


def _foreign_travel_problem(term: TermFacts, starts: date, order_ends_on: date | None) -> str:
    # s.103D (SHPO), s.122C (SRO); domain.md section 6 (6.3): at most 5 years, renewable.
    latest = last_day_of(starts, FOREIGN_TRAVEL_MONTHS)
    end = term.ends_on or order_ends_on
    if end is not None and end <= latest:
        return ""
    given = f"it would end on {_fmt(end)}" if end else "the order has no end date"
    return (
        f"A foreign travel prohibition lasts at most 5 years: {given}. Give an end date no "
        f"later than {_fmt(latest)}; the prohibition can be renewed before then"
    )


def supersedes(new_kind: OrderKind | str, earlier_kind: OrderKind | str) -> bool:
    """Whether a new order ends an earlier one in force: a new SHPO ends any earlier SHPO or
    interim SHPO, and a new SRO any earlier SRO or interim SRO; an interim order ends only an
    earlier interim order of its kind."""
    # s.103C (SHPO), s.122A (SRO); domain.md section 6: a new order ends any earlier one.
    new, earlier = OrderKind(new_kind), OrderKind(earlier_kind)
    if new is OrderKind.SHPO:
        return earlier in SHPO_KINDS
    if new is OrderKind.SRO:
        return earlier in SRO_KINDS
    return new is earlier and new in (OrderKind.INTERIM_SHPO, OrderKind.INTERIM_SRO)


# --- Variation, renewal and discharge ----------------------------------------------------------


class ChangeKind(StrEnum):
    """The values of notifications.models.OrderChangeKind."""

    VARIATION = "variation"
    RENEWAL = "renewal"
    DISCHARGE = "discharge"


@dataclass(frozen=True)
class TermChange:
    """A new end for one existing term (its index in the order's terms)."""

    index: int
    ends_on: date | None


_UNCHANGED = object()


def check_change(
    kind: ChangeKind | str,
    order: OrderFacts,
    terms: Sequence[TermFacts],
    *,
    decided_on: date,
    today: date,
    new_ends_on: date | None | object = _UNCHANGED,
    term_changes: Sequence[TermChange] = (),
    new_terms: Sequence[TermFacts] = (),
    person_consents: bool = False,
    chief_officer_consents: bool = False,
) -> list[Problem]:
    """Every problem with varying, renewing or discharging an order. `new_ends_on` is the
    order's new end (None: until further order), left out when it does not change."""
    kind, order_kind = ChangeKind(kind), OrderKind(order.kind)
    problems: list[Problem] = []
    if order.discharged_on or order.replaced_on:
        ended = "discharged" if order.discharged_on else "replaced by a later order"
        return [("non_field_errors", f"This order has been {ended}: it cannot be changed")]
    out_of_range = check_dates(
        {
            "made_on": decided_on,
            "ends_on": None if new_ends_on is _UNCHANGED else new_ends_on,
            **{f"terms.{c.index}.ends_on": c.ends_on for c in term_changes},
            **{f"new_terms.{i}.ends_on": t.ends_on for i, t in enumerate(new_terms)},
        }
    )
    if out_of_range:
        return out_of_range
    if decided_on > today:
        return [("made_on", "The date of the court's decision must be today or earlier")]
    if decided_on < order.made_on:
        problems.append(("made_on", "The court's decision cannot be before the order was made"))
    if kind is ChangeKind.DISCHARGE:
        return problems + _check_discharge(
            order_kind, order.made_on, decided_on, person_consents, chief_officer_consents
        )
    if order_kind is OrderKind.NOTIFICATION_ORDER and new_ends_on is not _UNCHANGED:
        problems.append(
            ("ends_on", "A notification order's period follows the equivalent disposal")
        )
        return problems
    ends_on = order.ends_on if new_ends_on is _UNCHANGED else new_ends_on
    if new_ends_on is not _UNCHANGED:
        problems += check_length(order_kind, made_on=order.made_on, ends_on=ends_on)
    if kind is ChangeKind.RENEWAL:
        problems += _check_renewal(order, ends_on, terms, term_changes)
    if new_terms and order_kind in NOTIFICATION_ORDER_KINDS:
        problems.append(("terms", "A notification order has no prohibitions or requirements"))
    # Every term after the change, each checked against the order's (new) end; a renewed or
    # added term starts again from the decision.
    changed = {c.index: c for c in term_changes}
    after: list[TermFacts] = []
    for index, term in enumerate(terms):
        if index in changed:
            term = TermFacts(term.kind, term.text, term.foreign_travel, changed[index].ends_on)
            term = _restarted(term, decided_on)
        else:
            term = TermFacts(term.kind, term.text, term.foreign_travel, term.ends_on, settled=True)
        after.append(term)
    for term in new_terms:
        after.append(_restarted(term, decided_on))
    for field, message in check_terms(after, order_made_on=order.made_on, order_ends_on=ends_on):
        index = int(field.split(".")[1])
        if index >= len(terms):
            field = field.replace(f"terms.{index}.", f"new_terms.{index - len(terms)}.", 1)
        elif index not in changed:
            # An unchanged term that the order's new end now cuts short.
            field = "ends_on"
            message = f"Term {index + 1}: {message[0].lower()}{message[1:]}"
        problems.append((field, message))
    return problems


def _restarted(term: TermFacts, on: date) -> TermFacts:
    return TermFacts(term.kind, term.text, term.foreign_travel, term.ends_on, starts_on=on)


def _check_discharge(
    kind: OrderKind, made_on: date, decided_on: date, person: bool, chief_officer: bool
) -> list[Problem]:
    if kind not in _DISCHARGE_CONSENT_MONTHS:
        return []
    months, words, section = _DISCHARGE_CONSENT_MONTHS[kind]
    # s.103E (SHPO), s.122D (SRO); domain.md section 6: not within N years without consent.
    free_from = last_day_of(made_on, months) + _ONE_DAY
    if decided_on >= free_from or (person and chief_officer):
        return []
    missing = [
        name
        for name, given in (("the person", person), ("the chief officer of police", chief_officer))
        if not given
    ]
    return [
        (
            "person_consents" if not person else "chief_officer_consents",
            f"An {kind.label} cannot be discharged within {words} of its making (before "
            f"{_fmt(free_from)}) without the consent of both the person and the chief officer "
            f"of police ({section}): record the consent of {' and '.join(missing)}",
        )
    ]


def _check_renewal(
    order: OrderFacts,
    ends_on: date | None,
    terms: Sequence[TermFacts],
    term_changes: Sequence[TermChange],
) -> list[Problem]:
    extends_order = order.ends_on is not None and (ends_on is None or ends_on > order.ends_on)
    extends_term = False
    for change in term_changes:
        before = terms[change.index].ends_on if change.index < len(terms) else None
        if before is not None and (change.ends_on is None or change.ends_on > before):
            extends_term = True
    if extends_order or extends_term:
        return []
    return [
        (
            "ends_on",
            "A renewal must extend the order or one of its prohibitions or requirements: give "
            "a later end date",
        )
    ]


# --- Review flags ------------------------------------------------------------------------------


class FlagCode(StrEnum):
    OUTLIVES = "outlives"
    INDEFINITE = "indefinite"
    REACTIVE = "reactive"


@dataclass(frozen=True)
class ReviewFlag:
    code: FlagCode
    reason: str


# Orders whose length the court chose, and so may outlast the requirement from convictions (a
# notification order's period is itself a requirement from a conviction, abroad).
OUTLIVING_KINDS = PREVENTIVE_KINDS


def review_flags(
    *,
    kind: OrderKind | str,
    ends_on: date | None,
    conviction_last_day: date | None,
    conviction_indefinite: bool,
    reactive: bool,
) -> tuple[ReviewFlag, ...]:
    """Why an order in force should be reviewed (domain.md section 6), or () when it need not.
    `conviction_last_day` is the last day of the longest finite requirement from convictions
    (None when there is none). `orders.flagged_orders` is the same rule in SQL."""
    kind = OrderKind(kind)
    flags = []
    finite_requirement = conviction_last_day is not None and not conviction_indefinite
    if (
        kind in OUTLIVING_KINDS
        and finite_requirement
        and (ends_on is None or ends_on > conviction_last_day)
    ):
        runs = "until further order" if ends_on is None else f"until {_fmt(ends_on)}"
        flags.append(
            ReviewFlag(
                FlagCode.OUTLIVES,
                f"Runs {runs}, beyond the end of the notification requirement from "
                f"convictions on {_fmt(conviction_last_day)}",
            )
        )
    if ends_on is None:
        flags.append(ReviewFlag(FlagCode.INDEFINITE, "Indefinite: in force until further order"))
    if reactive:
        flags.append(ReviewFlag(FlagCode.REACTIVE, "The case is under reactive management"))
    return tuple(flags)


# --- Breaches ----------------------------------------------------------------------------------


class Duty(StrEnum):
    """The values of notifications.models.BreachDuty."""

    INITIAL = "initial"
    PERIODIC = "periodic"
    CHANGE = "change"
    TRAVEL = "travel"
    FINGERPRINTS = "fingerprints"
    FALSE_INFORMATION = "false_information"
    SHPO = "shpo"
    SRO = "sro"


NOTIFICATION_DUTY_VALUES = frozenset({Duty.INITIAL, Duty.PERIODIC, Duty.CHANGE, Duty.TRAVEL})
ORDER_DUTIES = {Duty.SHPO: SHPO_KINDS, Duty.SRO: SRO_KINDS}

# The clock's deadline labels, and the duty each one is.
_DEADLINE_DUTIES = {
    "initial notification": Duty.INITIAL,
    "periodic notification": Duty.PERIODIC,
    "weekly notification": Duty.PERIODIC,
    "notify a change": Duty.CHANGE,
    "notify release": Duty.CHANGE,
    "say that an advance-notified change did not happen": Duty.CHANGE,
    "give return details": Duty.TRAVEL,
}


def duty_for_deadline(label: str) -> Duty | None:
    """The duty a clock deadline is, from its label; None when it is not one RSOM knows."""
    return _DEADLINE_DUTIES.get(label.strip().lower())


def first_failure(duty: Duty | str, deadline: date | None) -> date | None:
    """The first day of failure for a notification duty: the day after the deadline."""
    # s.91; domain.md section 6 (6.4): one continuing offence from the day after the deadline.
    if Duty(duty) in NOTIFICATION_DUTY_VALUES and deadline is not None and deadline < LATEST:
        return rules.first_day_of_failure(deadline)
    return None


@dataclass(frozen=True)
class BreachFacts:
    duty: Duty | str
    first_failure_on: date | None
    deadline: date | None = None
    remedied_on: date | None = None
    order_kind: OrderKind | str | None = None  # the order breached, for an SHPO or SRO breach
    rationale: str = ""


def check_breach(breach: BreachFacts, *, today: date) -> list[Problem]:
    """Every problem with a breach record; empty when it may be saved."""
    duty = Duty(breach.duty)
    out_of_range = check_dates(
        {
            "deadline": breach.deadline,
            "first_failure_on": breach.first_failure_on,
            "remedied_on": breach.remedied_on,
        }
    )
    if out_of_range:
        return out_of_range
    problems: list[Problem] = []
    first = breach.first_failure_on
    if duty in NOTIFICATION_DUTY_VALUES:
        expected = rules.first_day_of_failure(breach.deadline) if breach.deadline else None
        if expected is None:
            problems.append(("deadline", "Enter the date the notification was due by"))
        elif expected > today:
            problems.append(
                ("deadline", f"The failure has not begun: it would begin on {_fmt(expected)}")
            )
        elif first != expected:
            problems.append(
                (
                    "first_failure_on",
                    f"The failure begins the day after the deadline: {_fmt(expected)} (s.91)",
                )
            )
    elif first is None:
        problems.append(("first_failure_on", "Enter the date of the first failure"))
    elif first > today:
        problems.append(("first_failure_on", "The date of the first failure must be in the past"))
    if duty in ORDER_DUTIES:
        if breach.order_kind is None:
            problems.append(("order", f"Select the {duty.value.upper()} that was breached"))
        elif OrderKind(breach.order_kind) not in ORDER_DUTIES[duty]:
            problems.append(
                ("order", f"Select an {duty.value.upper()} or interim {duty.value.upper()}")
            )
    elif breach.order_kind is not None:
        problems.append(("order", "Only a breach of an SHPO or SRO names an order"))
    if breach.remedied_on is not None:
        if breach.remedied_on > today:
            problems.append(("remedied_on", "The date remedied must be today or in the past"))
        elif first is not None and breach.remedied_on < first:
            problems.append(("remedied_on", "The failure cannot be remedied before it began"))
    if not breach.rationale.strip():
        problems.append(
            ("rationale", "Give the reason for the severity: why it is technical or risk-relevant")
        )
    return problems


class BreachSeverity(StrEnum):
    """The values of notifications.models.Severity."""

    TECHNICAL = "technical"
    RISK_RELEVANT = "risk_relevant"


def breach_event_kind(severity: BreachSeverity | str) -> str:
    """The timeline event for a breach: only a risk-relevant one sets off the ARMS review and a
    return from reactive management (risk.services.triggers.EVENT_TRIGGERS)."""
    if BreachSeverity(severity) is BreachSeverity.RISK_RELEVANT:
        return "breach_recorded"
    return "breach_recorded_technical"
