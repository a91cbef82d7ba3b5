"""The MAPPA meeting pack (domain.md section 7): what it says about the meeting and each case on
its agenda, and the PDF it is printed as.

Two versions. The shared version is what the chair hands to the meeting's attendees: it leaves
out every part of the minutes the chair marked not for sharing, and the text of police
intelligence (police information, shared at the meeting by the police representative as they
judge right): it says only how many intelligence items are held. The full version is the chair's
own copy, with everything, and says so on every page.

Everything the pack prints is read in a fixed number of queries, one per kind of record across
all the cases on the agenda, however long the agenda is.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import weasyprint
from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Max, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from cases.models import Address, Nominal, OtherName, User
from mappa import rules, selectors
from mappa.models import (
    ActionStatus,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingAction,
    MeetingStatus,
)
from notifications.models import (
    Breach,
    CivilOrder,
    Clock,
    Conviction,
    Notification,
    OrderTerm,
)
from risk.models import ActionStatus as PlanActionStatus
from risk.models import (
    ArmsAssessment,
    ArmsRating,
    ArmsStatus,
    CaseNote,
    Evidence,
    FactorKind,
    NoteKind,
    PlanAction,
    RiskLevelChange,
    RiskManagementPlan,
    Rm2000Scoring,
)
from visits.models import Visit

log = logging.getLogger(__name__)

DOCUMENT = "mappa/pack_pdf.html"
NUMBERS = "mappa/pack_pdf_numbers.html"
DAY = "%-d %b %Y"
LONG_DAY = "%-d %B %Y"
CONFIDENTIALITY = (
    "This document contains personal data shared under the Multi-Agency Public Protection "
    "Arrangements (sections 325 to 327 of the Criminal Justice Act 2003) for the purpose of "
    "assessing and managing the risk posed by the people named in it. It must be kept securely, "
    "handled as OFFICIAL-SENSITIVE, and used only for that purpose. It must not be copied or "
    "shared beyond the meeting's attendees without the chair's agreement. Destroy it securely "
    "when it is no longer needed, and tell the chair at once if it is lost or seen by anyone "
    "not entitled to it."
)
FULL_MARKING = "FULL VERSION — NOT FOR CIRCULATION"
SHARED_MARKING = "Shared version"
# Small enough to keep a pack light, large enough to recognise someone on paper.
PHOTO_BOX = (300, 375)

# Only inline data: the PDF never reaches out to the network or the file system.
NO_REMOTE_FETCHER = URLFetcher(allowed_protocols=("data",))


def _day(on: date | None) -> str:
    return on.strftime(DAY) if on else ""


# --- What the pack says -------------------------------------------------------------------------


@dataclass
class Happening:
    """One thing that happened to the case since its last review, for the chronology."""

    on: date
    kind: str
    text: str


@dataclass
class CasePack:
    position: int
    item: AgendaItem
    nominal: Nominal
    photo: str = ""  # a data: URI, never a URL
    other_names: list[str] = field(default_factory=list)
    home: Address | None = None
    convictions: list[Conviction] = field(default_factory=list)
    clock: Clock | None = None
    risk_change: RiskLevelChange | None = None
    rm2000: Rm2000Scoring | None = None
    arms: ArmsAssessment | None = None
    arms_risks: list[ArmsRating] = field(default_factory=list)
    arms_protective: list[ArmsRating] = field(default_factory=list)
    plan_source: str = ""
    plan_rows: list[tuple[str, str, str]] = field(default_factory=list)
    orders: list[CivilOrder] = field(default_factory=list)
    since: date | None = None
    since_why: str = ""
    happened: list[Happening] = field(default_factory=list)
    intelligence_held: int = 0
    earlier_actions: list[MeetingAction] = field(default_factory=list)
    discussion: str = ""
    decisions: list[Decision] = field(default_factory=list)
    actions: list[MeetingAction] = field(default_factory=list)
    withheld: int = 0  # parts of the minutes left out of the shared version

    @property
    def anchor(self) -> str:
        return f"case-{self.position}"


@dataclass
class PackContent:
    meeting: Meeting
    title: str
    shared: bool
    present: list[Attendee]
    apologies: list[Attendee]
    cases: list[CasePack]
    prepared_at: datetime
    prepared_by: User | None
    confidentiality: str = CONFIDENTIALITY

    @property
    def marking(self) -> str:
        return SHARED_MARKING if self.shared else FULL_MARKING

    @property
    def version_label(self) -> str:
        if self.shared:
            return "Shared version: for the meeting's attendees"
        return "Full version: for the chair alone"


def meeting_label(meeting: Meeting) -> str:
    return f"MAPPA level {meeting.level} meeting on {_day(meeting.held_on)}"


def pack_content(
    meeting: Meeting, *, shared: bool, prepared_by: User | None = None, on: date | None = None
) -> PackContent:
    """Everything the pack prints, read in a fixed number of queries."""
    meeting = selectors.meeting_for_pack(meeting)
    items = list(meeting.agenda.all())
    nominals = [item.nominal for item in items]
    loaded = _Loaded.read(meeting, nominals, on=on or timezone.localdate())
    cases = [_case(position, item, loaded, shared=shared) for position, item in enumerate(items, 1)]
    attendees = list(meeting.attendees.all())
    version = "shared" if shared else "full"
    return PackContent(
        meeting=meeting,
        title=f"{meeting_label(meeting)}: meeting pack ({version} version)",
        shared=shared,
        present=[a for a in attendees if a.present],
        apologies=[a for a in attendees if not a.present],
        cases=cases,
        prepared_at=timezone.localtime(),
        prepared_by=prepared_by,
    )


def _by_nominal(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.nominal_id].append(row)
    return grouped


@dataclass
class _Loaded:
    """Each kind of record for every case on the agenda: one query per kind."""

    other_names: dict[int, list[OtherName]]
    homes: dict[int, list[Address]]
    clocks: dict[int, Clock]
    convictions: dict[int, list[Conviction]]
    risk_changes: dict[int, RiskLevelChange]
    rm2000: dict[int, Rm2000Scoring]
    arms: dict[int, ArmsAssessment]
    plans: dict[int, RiskManagementPlan]
    orders: dict[int, list[CivilOrder]]
    windows: dict[int, tuple[date, str]]
    visits: dict[int, list[Visit]]
    notifications: dict[int, list[Notification]]
    breaches: dict[int, list[Breach]]
    notes: dict[int, list[CaseNote]]
    earlier_actions: dict[int, list[MeetingAction]]
    end: date

    @classmethod
    def read(cls, meeting: Meeting, nominals: list[Nominal], *, on: date) -> _Loaded:
        ids = [n.pk for n in nominals]
        end = meeting.held_on
        windows = _windows(meeting, nominals)
        start = min((since for since, _ in windows.values()), default=end)
        current = Q(to_date__isnull=True) | Q(to_date__gte=on)
        latest = ("nominal_id",)
        return cls(
            other_names=_by_nominal(
                OtherName.objects.filter(current, nominal_id__in=ids).order_by("kind", "name")
            ),
            homes=_by_nominal(
                Address.objects.filter(current, nominal_id__in=ids, kind=Address.Kind.HOME)
            ),
            clocks={c.nominal_id: c for c in Clock.objects.filter(nominal_id__in=ids)},
            convictions=_by_nominal(
                Conviction.objects.filter(nominal_id__in=ids).select_related("offence")
            ),
            risk_changes={
                r.nominal_id: r
                for r in RiskLevelChange.objects.filter(nominal_id__in=ids)
                .order_by(*latest, "-set_on", "-created_at", "-pk")
                .distinct(*latest)
            },
            rm2000={
                s.nominal_id: s
                for s in Rm2000Scoring.objects.filter(nominal_id__in=ids)
                .order_by(*latest, "-scored_at", "-pk")
                .distinct(*latest)
            },
            arms={
                a.nominal_id: a
                for a in ArmsAssessment.objects.filter(
                    nominal_id__in=ids, status=ArmsStatus.SIGNED_OFF
                )
                .order_by(*latest, "-signed_off_on", "-pk")
                .distinct(*latest)
                .prefetch_related(_rated_factors())
            },
            plans={
                p.nominal_id: p
                for p in RiskManagementPlan.objects.filter(
                    nominal_id__in=ids, current=True
                ).prefetch_related(_open_plan_actions())
            },
            orders=_by_nominal(
                CivilOrder.objects.filter(nominal_id__in=ids)
                .in_force(on)
                .order_by("nominal_id", "made_on", "pk")
                .prefetch_related(_terms_in_force(on))
            ),
            windows=windows,
            visits=_by_nominal(
                Visit.objects.recorded()
                .filter(
                    nominal_id__in=ids,
                    visited_at__date__gte=start,
                    visited_at__date__lte=end,
                )
                .order_by("visited_at", "pk")
            ),
            notifications=_by_nominal(
                Notification.objects.filter(
                    nominal_id__in=ids, taken_at__date__gte=start, taken_at__date__lte=end
                ).order_by("taken_at", "pk")
            ),
            breaches=_by_nominal(
                Breach.objects.filter(nominal_id__in=ids, first_failure_on__lte=end)
                .filter(Q(remedied_on__isnull=True) | Q(remedied_on__gte=start))
                .order_by("first_failure_on", "pk")
            ),
            notes=_by_nominal(
                CaseNote.objects.filter(
                    nominal_id__in=ids, occurred_on__gte=start, occurred_on__lte=end
                ).order_by("occurred_on", "pk")
            ),
            earlier_actions=_earlier_actions(meeting, ids, on=on),
            end=end,
        )


def _rated_factors():
    return Prefetch(
        "ratings",
        queryset=ArmsRating.objects.filter(evidence__in=[Evidence.SOME, Evidence.STRONG])
        .select_related("factor")
        .order_by("factor__order", "pk"),
    )


def _open_plan_actions():
    return Prefetch(
        "actions",
        queryset=PlanAction.objects.filter(status=PlanActionStatus.OPEN).order_by(
            "heading", "due", "pk"
        ),
    )


def _terms_in_force(on: date):
    return Prefetch(
        "terms",
        queryset=OrderTerm.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)),
    )


def _earlier_actions(meeting: Meeting, ids: list[int], *, on: date) -> dict:
    """Actions still open from the force's earlier meetings about these cases."""
    actions = (
        MeetingAction.objects.filter(
            item__nominal_id__in=ids,
            item__meeting__force_id=meeting.force_id,
            status=ActionStatus.OPEN,
        )
        .exclude(item__meeting_id=meeting.pk)
        .select_related("agency", "item__meeting")
        .annotate(overdue=ExpressionWrapper(selectors.overdue_q(on), output_field=BooleanField()))
        .order_by("due", "pk")
    )
    grouped: dict[int, list[MeetingAction]] = defaultdict(list)
    for action in actions:
        grouped[action.item.nominal_id].append(action)
    return grouped


def _windows(meeting: Meeting, nominals: list[Nominal]) -> dict[int, tuple[date, str]]:
    """From when each case's chronology runs: its last review at an earlier closed meeting, or
    else one review interval (16 weeks at level 2, 8 at level 3) before this meeting."""
    last_reviews = dict(
        AgendaItem.objects.filter(
            nominal_id__in=[n.pk for n in nominals],
            meeting__force_id=meeting.force_id,
            meeting__status=MeetingStatus.CLOSED,
            meeting__held_on__lt=meeting.held_on,
        )
        .values("nominal_id")
        .annotate(last=Max("meeting__held_on"))
        .values_list("nominal_id", "last")
    )
    force = meeting.force
    windows = {}
    for nominal in nominals:
        last = last_reviews.get(nominal.pk)
        if last is not None:
            windows[nominal.pk] = (last, f"Since the case's last MAPPA review on {_day(last)}")
            continue
        level = nominal.mappa_level if nominal.mappa_level in (2, 3) else meeting.level
        weeks = rules.review_interval_weeks(
            level,
            level2_weeks=force.mappa_level2_review_weeks,
            level3_weeks=force.mappa_level3_review_weeks,
        )
        since = meeting.held_on - timedelta(weeks=weeks or 16)
        windows[nominal.pk] = (
            since,
            f"In the {weeks} weeks before this meeting (no earlier MAPPA review of the case "
            "is recorded)",
        )
    return windows


# --- One case -----------------------------------------------------------------------------------


def _case(position: int, item: AgendaItem, loaded: _Loaded, *, shared: bool) -> CasePack:
    nominal = item.nominal
    pk = nominal.pk
    since, why = loaded.windows[pk]
    arms = loaded.arms.get(pk)
    ratings = list(arms.ratings.all()) if arms else []
    strong_first = sorted(ratings, key=lambda r: r.evidence != Evidence.STRONG)
    homes = sorted(loaded.homes.get(pk, []), key=lambda a: a.from_date or date.min, reverse=True)
    plan_source, plan = _plan(item, loaded.plans.get(pk))
    notes = [n for n in loaded.notes.get(pk, []) if n.occurred_on >= since]
    intelligence = [n for n in notes if n.kind == NoteKind.INTELLIGENCE]
    if shared:
        notes = [n for n in notes if n.kind != NoteKind.INTELLIGENCE]
    decisions = list(item.decisions.all())
    actions = list(item.actions.all())
    earlier = loaded.earlier_actions.get(pk, [])
    discussion = item.discussion
    withheld = 0
    if shared:
        withheld = (
            (1 if item.discussion_not_for_sharing and item.discussion else 0)
            + sum(d.not_for_sharing for d in decisions)
            + sum(a.not_for_sharing for a in actions)
            + sum(a.not_for_sharing for a in earlier)
        )
        discussion = "" if item.discussion_not_for_sharing else discussion
        decisions = [d for d in decisions if not d.not_for_sharing]
        actions = [a for a in actions if not a.not_for_sharing]
        earlier = [a for a in earlier if not a.not_for_sharing]
    return CasePack(
        position=position,
        item=item,
        nominal=nominal,
        photo=photo_data_uri(nominal),
        other_names=[o.name for o in loaded.other_names.get(pk, [])],
        home=homes[0] if homes else None,
        convictions=loaded.convictions.get(pk, []),
        clock=loaded.clocks.get(pk),
        risk_change=loaded.risk_changes.get(pk),
        rm2000=loaded.rm2000.get(pk),
        arms=arms,
        arms_risks=[r for r in strong_first if r.factor.kind == FactorKind.RISK],
        arms_protective=[r for r in strong_first if r.factor.kind == FactorKind.PROTECTIVE],
        plan_source=plan_source,
        plan_rows=plan,
        orders=loaded.orders.get(pk, []),
        since=since,
        since_why=why,
        happened=_chronology(pk, loaded, since, notes),
        intelligence_held=len(intelligence),
        earlier_actions=earlier,
        discussion=discussion,
        decisions=decisions,
        actions=actions,
        withheld=withheld,
    )


def _plan(
    item: AgendaItem, plan: RiskManagementPlan | None
) -> tuple[str, list[tuple[str, str, str]]]:
    """The plan agreed at this meeting when its minutes have one, else the case's current risk
    management plan under the same headings."""
    if any((item.plan or {}).get(key) for key in rules.PLAN_KEYS):
        return "Agreed at this meeting", selectors.plan_rows(item.plan)
    if plan is None:
        return "", []
    text = {"contingency": plan.contingency}
    for key, _ in rules.PLAN_HEADINGS:
        text[key] = "\n".join(
            f"{a.action} (owner: {a.owner}" + (f", by {_day(a.due)})" if a.due else ")")
            for a in plan.actions.all()
            if a.heading == key
        )
    made = timezone.localtime(plan.created_at).date()
    return f"The case's risk management plan (version {plan.version}, {_day(made)})", (
        selectors.plan_rows(text)
    )


def _chronology(pk: int, loaded: _Loaded, since: date, notes: list[CaseNote]) -> list[Happening]:
    happened = []
    for visit in loaded.visits.get(pk, []):
        on = timezone.localtime(visit.visited_at).date()
        if on >= since:
            text = visit.get_outcome_display()
            if visit.concerns:
                text += f". Concerns: {visit.concerns}"
            happened.append(Happening(on, "Home visit", text))
    for notification in loaded.notifications.get(pk, []):
        on = timezone.localtime(notification.taken_at).date()
        if on >= since:
            text = notification.get_type_display()
            if notification.change_types:
                text += ": " + "; ".join(notification.change_labels).lower()
            happened.append(Happening(on, "Notification", text))
    for breach in loaded.breaches.get(pk, []):
        remedied = (
            f"remedied {_day(breach.remedied_on)}" if breach.remedied_on else "not yet remedied"
        )
        text = (
            f"{breach.get_duty_display()} ({breach.get_severity_display().lower()}), "
            f"{remedied}. Action: {breach.get_action_display().lower()}"
        )
        happened.append(Happening(breach.first_failure_on, "Breach: failure began", text))
    for note in notes:
        text = note.text + (f" (source: {note.source})" if note.source else "")
        happened.append(Happening(note.occurred_on, note.get_kind_display(), text))
    return sorted(happened, key=lambda h: h.on)


def photo_data_uri(nominal: Nominal) -> str:
    """The person's photograph, scaled down and inlined as a data: URI ("" when there is none
    or it cannot be read: the pack says so rather than failing)."""
    if not nominal.photograph:
        return ""
    try:
        with nominal.photograph.storage.open(nominal.photograph.name, "rb") as handle:
            image = Image.open(handle)
            image.draft("RGB", PHOTO_BOX)  # a JPEG decodes straight at the smaller size
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(PHOTO_BOX)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85)
    except (OSError, ValueError, Image.DecompressionBombError):
        log.warning("Photograph of nominal %s could not be read for a meeting pack", nominal.pk)
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


# --- What the minutes said when the pack was made -----------------------------------------------


def minutes_fingerprint(meeting: Meeting) -> str:
    """A digest of everything the pack prints from the meeting's own records (its details,
    attendance, agenda, minutes and their not-for-sharing marks), from a meeting loaded by
    selectors.meeting_for_pack. A pack whose digest no longer matches is out of date: above
    all, it may hold something the chair has since marked not for sharing."""
    items = []
    for item in meeting.agenda.all():
        items.append(
            [
                item.pk,
                item.nominal_id,
                item.position,
                item.discussion,
                item.discussion_not_for_sharing,
                item.plan,
                item.next_review_on,
                item.minutes_complete,
                [
                    [d.pk, d.decision, d.rationale, d.dissent, d.not_for_sharing]
                    for d in item.decisions.all()
                ],
                [
                    [a.pk, a.action, a.owner, a.agency_id, a.due, a.status, a.not_for_sharing]
                    for a in item.actions.all()
                ],
            ]
        )
    state = {
        "meeting": [
            meeting.level,
            meeting.chair_id,
            meeting.held_on,
            meeting.starts_at,
            meeting.place,
            meeting.status,
        ],
        "attendees": [[a.name, a.role, a.agency_id, a.present] for a in meeting.attendees.all()],
        "agenda": items,
    }
    body = json.dumps(state, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()[:32]


# --- The PDF ------------------------------------------------------------------------------------


@dataclass
class RenderedPack:
    pdf: bytes
    pages: int


def render_pack(
    content: PackContent, *, progress: Callable[[int], None] | None = None
) -> RenderedPack:
    """The pack as an A4 PDF.

    Without `progress` (a pack made while the chair waits) it is laid out as one document, the
    quickest way. With it (a long pack made by the task) the cover and each case are laid out
    one at a time, calling `progress(cases_done)` after each; "Page x of y" needs the total,
    known only at the end, so those numbers are then laid out on as many empty pages and
    printed over the pack's pages."""
    fonts = FontConfiguration()
    if progress is None:
        document = _layout(content, [None, *content.cases], fonts, numbered=True)
        # Tagged, so a screen reader follows the headings and tables.
        return RenderedPack(pdf=document.write_pdf(pdf_tags=True), pages=len(document.pages))
    documents = [_layout(content, [None], fonts)]
    for done, case in enumerate(content.cases, 1):
        documents.append(_layout(content, [case], fonts))
        progress(done)
    pages = [page for document in documents for page in document.pages]
    body = documents[0].copy(pages).write_pdf(pdf_tags=True)
    numbers = weasyprint.HTML(
        string=render_to_string(NUMBERS, {"pack": content, "pages": range(len(pages))}),
        base_url=str(settings.BASE_DIR),
        url_fetcher=NO_REMOTE_FETCHER,
    ).write_pdf(font_config=fonts)
    return RenderedPack(pdf=_overlay(body, numbers), pages=len(pages))


def _layout(
    content: PackContent,
    parts: list[CasePack | None],
    fonts: FontConfiguration,
    *,
    numbered: bool = False,
):
    """Lay out the cover (None) and the cases given, in order."""
    html = render_to_string(DOCUMENT, {"pack": content, "parts": parts, "numbered": numbered})
    return weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=NO_REMOTE_FETCHER
    ).render(font_config=fonts)


def _overlay(body: bytes, numbers: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    for page, numbered in zip(writer.pages, PdfReader(io.BytesIO(numbers)).pages, strict=True):
        page.merge_page(numbered)
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_meeting_pack(meeting: Meeting, *, shared: bool = True) -> RenderedPack:
    """Read and render a meeting's pack in one call (what the benchmark times)."""
    return render_pack(pack_content(meeting, shared=shared))
