"""Whether a warrant to enter under s.96B of the Sexual Offences Act 2003 may be sought for a
case (domain.md section 5), the attempts behind it, and the printable summary for the court."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.models import Address, Nominal, NominalStatus, User
from cases.services import inbox_add
from notifications.acknowledgement import (
    NO_REMOTE_FETCHER,
    clock_time,
    date_and_time,
    long_date,
    officer_name,
)
from notifications.models import Absence
from visits import rules
from visits.models import Visit

TEMPLATE = "visits/warrant_pdf.html"
RECIPIENT = "Magistrates' court (warrant application)"
UNAVAILABLE_STATUSES = {NominalStatus.IN_CUSTODY, NominalStatus.IN_HOSPITAL}

# s.96B in plain words, printed on the summary and shown on the case.
STATUTORY_TEST = [
    "A justice of the peace may issue a warrant to enter and search premises to assess the "
    "risks a relevant offender poses, on an application by a police officer of at least the "
    "rank of superintendent, if satisfied that:",
    "the address is the person's last notified home address, or one where the police "
    "reasonably believe the person lives or may regularly be found;",
    "the person is not in custody, detained in hospital or outside the United Kingdom;",
    "a constable has, on at least two occasions, sought entry to the premises to assess those "
    "risks; and",
    "on each occasion the constable could not get in for that purpose (no answer, or entry "
    "refused).",
]


@dataclass(frozen=True)
class WarrantStatus:
    ready: bool
    reason: str
    person_unavailable: bool
    addresses: list[Address]  # where the test is met (empty unless ready)
    attempts: list[Visit]  # failed attempts that count, at those addresses when ready
    last_completed: Visit | None
    counted_by_address: list[tuple[Address, int]] = field(default_factory=list)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def qualifying_addresses(nominal: Nominal, addresses: list[Address], on: date) -> list[int]:
    """The last notified home address and every address the person is believed to live at or
    regularly be found at (those on the record that have not ended)."""
    current = [a.pk for a in addresses if a.to_date is None or a.to_date >= on]
    homes = [a for a in addresses if a.kind in (Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE)]
    if homes:
        last = max(homes, key=lambda a: (a.from_date or date.min, a.pk))
        current.append(last.pk)
    return sorted(set(current))


def person_unavailable(nominal: Nominal, absences: list[Absence], on: date) -> bool:
    away = any(a.first_day <= on and (a.last_day is None or a.last_day >= on) for a in absences)
    return nominal.status in UNAVAILABLE_STATUSES or away


def warrant_status(nominal: Nominal, *, on: date | None = None) -> WarrantStatus:
    on = on or timezone.localdate()
    visits = list(
        Visit.objects.recorded()
        .filter(nominal=nominal)
        .select_related("address", "recorded_by")
        .order_by("visited_at", "pk")
    )
    addresses = list(Address.objects.filter(nominal=nominal))
    absences = list(Absence.objects.filter(nominal=nominal))
    unavailable = person_unavailable(nominal, absences, on)
    with_address = [v for v in visits if v.address_id]
    # s.96B: two occasions at the same address when entry could not be obtained.
    readiness = rules.warrant_readiness(
        attempts=[
            rules.VisitAttempt(v.address_id, _local_day(v.visited_at), v.outcome)
            for v in with_address
        ],
        person_unavailable=unavailable,
        addresses=qualifying_addresses(nominal, addresses, on),
        absences=[a.span(on) for a in absences],
    )
    listed = {(a.address, a.on, a.outcome.value) for a in readiness.qualifying_attempts}
    counted = [
        v
        for v in with_address
        if (v.address_id, _local_day(v.visited_at), v.outcome) in listed
        and (not readiness.ready or v.address_id in readiness.addresses)
    ]
    by_id = {a.pk: a for a in addresses}
    completed = [v for v in visits if v.outcome == rules.AttemptOutcome.COMPLETED]
    tally: dict[int, int] = {}
    for visit in counted:
        tally[visit.address_id] = tally.get(visit.address_id, 0) + 1
    return WarrantStatus(
        ready=readiness.ready,
        reason=_reason(readiness, by_id),
        person_unavailable=unavailable,
        addresses=[by_id[pk] for pk in readiness.addresses],
        attempts=counted,
        last_completed=completed[-1] if completed else None,
        counted_by_address=[(by_id[pk], n) for pk, n in tally.items()],
    )


def _reason(readiness: rules.WarrantReadiness, addresses: dict[int, Address]) -> str:
    # The rule names addresses by id: put the address itself in the sentence.
    reason = readiness.reason
    for pk in readiness.addresses:
        reason = reason.replace(f" at {pk} ", f" at {addresses[pk]} ")
    return reason


def warrant_inbox_notice(nominal: Nominal) -> bool:
    """Tell the offender manager once, when a failed attempt makes a warrant possible."""
    status = warrant_status(nominal)
    if not status.ready:
        return False
    days = "-".join(f"{_local_day(v.visited_at):%Y%m%d}" for v in status.attempts)
    return inbox_add(
        user=nominal.offender_manager,
        nominal=nominal,
        kind="visit_warrant",
        title="A warrant under s.96B may be sought",
        key=f"visits:warrant:{nominal.pk}:{days}",
        detail=status.reason,
        link=reverse("visits:case-visits", kwargs={"pk": nominal.pk}),
    )


# --- The printable summary ----------------------------------------------------------------------


def attempt_rows(status: WarrantStatus) -> list[dict[str, str]]:
    rows = []
    for visit in status.attempts:
        local = timezone.localtime(visit.visited_at)
        rows.append(
            {
                "date": long_date(local.date()),
                "time": clock_time(local),
                "address": str(visit.address),
                "outcome": visit.get_outcome_display(),
                "officer": officer_name(visit.recorded_by) if visit.recorded_by else "Not recorded",
            }
        )
    return rows


def address_basis(address: Address) -> str:
    if address.kind in (Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE):
        return "Last notified home address"
    return f"{address.get_kind_display()} (believed to live or regularly be found there)"


def warrant_context(
    nominal: Nominal, status: WarrantStatus, *, printed_by: User, printed_at: datetime
) -> dict:
    last = status.last_completed
    return {
        "title": "Summary for a warrant application under section 96B",
        "nominal": nominal,
        "date_of_birth": long_date(nominal.date_of_birth),
        "addresses": [{"text": str(a), "basis": address_basis(a)} for a in status.addresses],
        "attempts": attempt_rows(status),
        "last_completed": (
            {
                "when": date_and_time(last.visited_at),
                "address": str(last.address) if last.address_id else "Not recorded",
                "officer": officer_name(last.recorded_by) if last.recorded_by else "",
            }
            if last
            else None
        ),
        "reason": status.reason,
        "statutory_test": STATUTORY_TEST,
        "printed_by": officer_name(printed_by),
        "printed_at": date_and_time(printed_at),
    }


def warrant_filename(nominal: Nominal, on: date) -> str:
    reference = re.sub(r"[^A-Za-z0-9-]", "", nominal.reference) or "case"
    return f"warrant-summary-{reference}-{on:%Y%m%d}.pdf"


def render_warrant_pdf(
    nominal: Nominal, status: WarrantStatus, *, printed_by: User, printed_at: datetime | None = None
) -> bytes:
    context = warrant_context(
        nominal, status, printed_by=printed_by, printed_at=printed_at or timezone.now()
    )
    html = render_to_string(TEMPLATE, context)
    document = weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=NO_REMOTE_FETCHER
    )
    return document.write_pdf(pdf_tags=True)
