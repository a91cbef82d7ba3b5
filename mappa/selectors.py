"""Named read paths for MAPPA: meetings scoped to the chair's force, the agenda with what each
row shows in one query, the cases a chair may list, open actions, a case's reviews, and the
meeting as the pack reads it."""

from __future__ import annotations

from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from cases.models import Nominal, User
from mappa import rules
from mappa.models import (
    ActionStatus,
    Agency,
    AgencyKind,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingAction,
)
from mappa.services.levels import REVIEWED_LEVELS

# --- Meetings -----------------------------------------------------------------------------------


def meetings_for(user: User) -> QuerySet[Meeting]:
    """The meetings of the user's force, latest first, with how many cases each reviews."""
    if not user.force_id:
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(force_id=user.force_id)
        .select_related("chair")
        .annotate(
            case_count=Count("agenda", distinct=True),
            complete_count=Count("agenda", filter=Q(agenda__minutes_complete=True), distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def access_meeting(user: User, meeting_id: int) -> Meeting:
    """A meeting of the user's force, or 404 (a meeting elsewhere is not revealed)."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id, force_id=user.force_id)
        .select_related("chair", "force")
        .first()
    )
    if meeting is None or not user.force_id:
        raise Http404("No meeting found")
    return meeting


def agenda_for(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, each row with its case, offender manager, review due and counts."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("nominal__offender_manager", "nominal__mappa_review")
        .annotate(
            decision_count=Count("decisions", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True
            ),
        )
        .order_by("position", "pk")
    )


def attendees_for(meeting: Meeting) -> QuerySet[Attendee]:
    return Attendee.objects.filter(meeting=meeting).select_related("agency")


def agencies() -> QuerySet[Agency]:
    """Agencies in use, the responsible authorities first, then the reference list's order."""
    return Agency.objects.filter(in_use=True).order_by(
        ExpressionWrapper(
            Q(kind=AgencyKind.RESPONSIBLE_AUTHORITY), output_field=BooleanField()
        ).desc(),
        "order",
        "name",
    )


def agenda_candidates(user: User, meeting: Meeting, q: str = "") -> QuerySet[Nominal]:
    """Level 2 and 3 cases the chair can see that are not yet on the agenda: by name or
    reference when searched, else the longest overdue review first."""
    cases = (
        Nominal.objects.visible_to(user)
        .filter(mappa_level__in=REVIEWED_LEVELS)
        .exclude(mappa_items__meeting=meeting)
        .select_related("offender_manager", "mappa_review")
    )
    if q.strip():
        return cases.search(q)
    return cases.order_by(F("mappa_review__due").asc(nulls_last=True), "surname", "forenames", "pk")


def item_in_meeting(meeting: Meeting, item_id: int) -> AgendaItem:
    """One case's minutes with everything its page shows, or 404."""
    item = (
        AgendaItem.objects.filter(meeting=meeting, pk=item_id)
        .select_related("nominal__force", "nominal__offender_manager", "nominal__mappa_review")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("pk")),
            Prefetch("actions", queryset=_actions_with_overdue(timezone.localdate())),
        )
        .first()
    )
    if item is None:
        raise Http404("No such case on this agenda")
    item.meeting = meeting
    return item


# --- Actions ------------------------------------------------------------------------------------


def overdue_q(on: date) -> Q:
    """The one definition of an overdue action: still open after its due date."""
    return Q(status=ActionStatus.OPEN, due__lt=on)


def _actions_with_overdue(on: date) -> QuerySet[MeetingAction]:
    return (
        MeetingAction.objects.select_related("agency")
        .annotate(overdue=ExpressionWrapper(overdue_q(on), output_field=BooleanField()))
        .order_by("due", "pk")
    )


def actions_for(user: User, *, on: date) -> QuerySet[MeetingAction]:
    """Actions from the meetings of the user's force, each marked overdue or not."""
    if not user.force_id:
        return MeetingAction.objects.none()
    return (
        _actions_with_overdue(on)
        .filter(item__meeting__force_id=user.force_id)
        .select_related("item__meeting", "item__nominal")
    )


def open_actions(user: User, *, on: date, overdue_only: bool = False) -> QuerySet[MeetingAction]:
    actions = actions_for(user, on=on).filter(status=ActionStatus.OPEN)
    return actions.filter(overdue_q(on)) if overdue_only else actions


def action_of_force(user: User, action_id: int, *, on: date) -> MeetingAction:
    action = actions_for(user, on=on).filter(pk=action_id).first()
    if action is None:
        raise Http404("No action found")
    return action


# --- A case's reviews ---------------------------------------------------------------------------


def case_items(nominal: Nominal) -> QuerySet[AgendaItem]:
    """The meetings that have listed the case, latest first."""
    return (
        AgendaItem.objects.filter(nominal=nominal)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-pk")
    )


def case_item(nominal: Nominal, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(nominal=nominal, pk=item_id)
        .select_related("meeting__chair", "nominal")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("pk")),
            Prefetch("actions", queryset=_actions_with_overdue(timezone.localdate())),
        )
        .first()
    )
    if item is None:
        raise Http404("No such MAPPA review of this case")
    return item


def plan_rows(plan: dict) -> list[tuple[str, str, str]]:
    """The meeting's plan as (key, heading, text), in the minutes' order."""
    labels = [*rules.PLAN_HEADINGS, ("contingency", "Contingency plan")]
    return [(key, label, (plan or {}).get(key, "")) for key, label in labels]


def plan_prefill(nominal: Nominal) -> tuple[dict[str, str], int | None]:
    """The case's current risk management plan as text under the minutes' headings, to start
    the meeting's plan from: (text by heading, plan version), or ({}, None) with no plan."""
    from risk.models import ActionStatus as PlanActionStatus
    from risk.models import PlanAction, RiskManagementPlan

    plan = (
        RiskManagementPlan.objects.filter(nominal=nominal, current=True)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=PlanAction.objects.filter(status=PlanActionStatus.OPEN).order_by(
                    "heading", "due", "pk"
                ),
            )
        )
        .first()
    )
    if plan is None:
        return {}, None
    text = {"contingency": plan.contingency}
    for key, _ in rules.PLAN_HEADINGS:
        lines = [
            f"- {a.action} (owner: {a.owner}" + (f", by {a.due:%-d %b %Y})" if a.due else ")")
            for a in plan.actions.all()
            if a.heading == key
        ]
        text[key] = "\n".join(lines)
    return text, plan.version


# --- The meeting pack ---------------------------------------------------------------------------


def meeting_for_pack(meeting: Meeting) -> Meeting:
    """The meeting with its chair, attendees (with agencies), and agenda in order (each item
    with its case, decisions, and actions with agencies, each action annotated `overdue`)
    prefetched: what a pack reads, in a fixed number of queries however many cases."""
    return (
        Meeting.objects.filter(pk=meeting.pk)
        .select_related("chair", "force")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("agency")),
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related(
                    "nominal__offender_manager", "nominal__mappa_review"
                )
                .prefetch_related(
                    Prefetch("decisions", queryset=Decision.objects.order_by("pk")),
                    Prefetch("actions", queryset=_actions_with_overdue(timezone.localdate())),
                )
                .order_by("position", "pk"),
            ),
        )
        .get()
    )
