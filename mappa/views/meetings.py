"""MAPPA meetings, for the force's MAPPA chairs: plan a meeting, build its agenda, record who
attended, write each case's minutes, close it, and track its actions to done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import audit
from cases.models import AuditAction, Nominal, Role
from mappa import selectors
from mappa.forms import (
    ActionDoneForm,
    ActionForm,
    AgendaSearchForm,
    AttendeeForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
)
from mappa.models import ActionStatus, Attendee, Decision, MeetingAction, MeetingStatus
from mappa.rules import PLAN_KEYS
from mappa.services import meetings as service
from mappa.services import minutes as minutes_service
from mappa.views.levels import add_errors
from rsom.views import role_required

PAGE_SIZE = 25
chair_required = role_required(Role.MAPPA_CHAIR)


def _viewed(request, obj, what: str, nominal_id: int | None = None) -> None:
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=obj,
        nominal_id=nominal_id,
        description=what,
    )


def _meeting_url(meeting, anchor: str = "") -> str:
    return reverse("mappa:meeting-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Meetings -----------------------------------------------------------------------------------


@chair_required
def meeting_list(request):
    page = Paginator(selectors.meetings_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _viewed(request, None, "MAPPA meetings")
    return render(request, "mappa/meeting_list.html", {"page": page, "section": "meetings"})


@chair_required
def meeting_create(request):
    form = MeetingForm(
        request.POST or None,
        user=request.user,
        initial={"chair": request.user.pk, "level": 2},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting, created = service.meeting_create(
                acting_user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(request, f"{service.meeting_title(meeting)} planned")
            return redirect("mappa:meeting-detail", meeting_id=meeting.pk)
    elif request.method != "POST":
        _viewed(request, None, "Plan a MAPPA meeting")
    return render(request, "mappa/meeting_form.html", {"form": form, "meeting": None})


@chair_required
def meeting_detail(request, meeting_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    agenda = selectors.agenda_for(meeting)
    attendees = list(selectors.attendees_for(meeting))
    _viewed(request, meeting, f"{service.meeting_title(meeting)}: {len(agenda)} cases")
    closed = meeting.status == MeetingStatus.CLOSED
    return render(
        request,
        "mappa/meeting_detail.html",
        {
            "meeting": meeting,
            "title": service.meeting_title(meeting),
            "agenda": agenda,
            "attendees": attendees,
            "closed": closed,
            "complete_count": sum(item.minutes_complete for item in agenda),
            "present_count": sum(a.present for a in attendees),
            "section": "meetings",
        },
    )


@chair_required
def meeting_edit(request, meeting_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    if meeting.status == MeetingStatus.CLOSED:
        messages.error(request, service.CLOSED)
        return redirect("mappa:meeting-detail", meeting_id=meeting.pk)
    initial = {
        "level": meeting.level,
        "chair": meeting.chair_id,
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
    }
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = service.meeting_update(
                acting_user=request.user, meeting=meeting, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changes:
                messages.success(request, "Meeting details changed")
            return redirect("mappa:meeting-detail", meeting_id=meeting.pk)
    elif request.method != "POST":
        _viewed(request, meeting, f"Change the {service.meeting_title(meeting)}")
    return render(request, "mappa/meeting_form.html", {"form": form, "meeting": meeting})


@chair_required
def meeting_close(request, meeting_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    problems: list[str] = []
    if request.method == "POST":
        try:
            closed = service.meeting_close(acting_user=request.user, meeting=meeting)
        except ValidationError as error:
            problems = error.messages
        else:
            if closed:
                messages.success(
                    request,
                    f"{service.meeting_title(meeting)} closed: each case's next review is set",
                )
            return redirect("mappa:meeting-detail", meeting_id=meeting.pk)
    else:
        problems = [] if meeting.status == MeetingStatus.CLOSED else service.close_problems(meeting)
        _viewed(request, meeting, f"Close the {service.meeting_title(meeting)}")
    return render(
        request,
        "mappa/meeting_close.html",
        {
            "meeting": meeting,
            "title": service.meeting_title(meeting),
            "problems": problems,
            "closed": meeting.status == MeetingStatus.CLOSED,
        },
    )


# --- The agenda ---------------------------------------------------------------------------------


@chair_required
def agenda_add(request, meeting_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    if request.method == "POST":
        nominal = _listable(request, meeting)
        try:
            item, created = service.agenda_add(
                acting_user=request.user, meeting=meeting, nominal=nominal
            )
        except ValidationError as error:
            _report(request, error)
        else:
            verb = "added to" if created else "is already on"
            messages.success(request, f"{nominal.display_name} {verb} the agenda")
        return redirect(request.get_full_path())
    form = AgendaSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    cases = selectors.agenda_candidates(request.user, meeting, q)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action=AuditAction.SEARCH if q else AuditAction.VIEW,
        obj=meeting,
        description=(
            f"Searched level 2 and 3 cases for “{q}”" if q else "Level 2 and 3 cases to list"
        ),
    )
    return render(
        request,
        "mappa/agenda_add.html",
        {
            "meeting": meeting,
            "title": service.meeting_title(meeting),
            "form": form,
            "page": page,
            "q": q,
            "closed": meeting.status == MeetingStatus.CLOSED,
        },
    )


def _listable(request, meeting) -> Nominal:
    try:
        pk = int(request.POST.get("nominal", ""))
    except ValueError:
        raise Http404("No case found") from None
    nominal = selectors.agenda_candidates(request.user, meeting).filter(pk=pk).first()
    nominal = nominal or Nominal.objects.visible_to(request.user).filter(pk=pk).first()
    if nominal is None:
        raise Http404("No case found")
    return nominal


def _agenda_item(request, meeting_id, item_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    return meeting, selectors.item_in_meeting(meeting, item_id)


@require_POST
@chair_required
def agenda_move(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    try:
        service.agenda_move(
            acting_user=request.user, item=item, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        _report(request, error)
    return redirect(_meeting_url(meeting, "agenda"))


@require_POST
@chair_required
def agenda_remove(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    try:
        service.agenda_remove(acting_user=request.user, item=item)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"{item.nominal.display_name} taken off the agenda")
    return redirect(_meeting_url(meeting, "agenda"))


# --- Attendance ---------------------------------------------------------------------------------


@chair_required
def attendee_add(request, meeting_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    return _attendee_page(request, meeting, None)


@chair_required
def attendee_edit(request, meeting_id, attendee_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    attendee = get_object_or_404(
        Attendee.objects.select_related("agency"), pk=attendee_id, meeting=meeting
    )
    return _attendee_page(request, meeting, attendee)


def _attendee_page(request, meeting, attendee):
    if meeting.status == MeetingStatus.CLOSED:
        messages.error(request, service.CLOSED)
        return redirect(_meeting_url(meeting, "attendees"))
    initial = {"present": "present"}
    if attendee is not None:
        initial = {
            "name": attendee.name,
            "role": attendee.role,
            "agency": attendee.agency_id,
            "present": "present" if attendee.present else "apologies",
        }
    form = AttendeeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved, changed = service.attendee_save(
                acting_user=request.user, meeting=meeting, data=form.cleaned_data, attendee=attendee
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, f"Attendance recorded for {saved.name}")
            if attendee is None and "another" in request.POST:
                return redirect("mappa:attendee-add", meeting_id=meeting.pk)
            return redirect(_meeting_url(meeting, "attendees"))
    elif request.method != "POST":
        _viewed(request, attendee or meeting, f"Attendance at the {service.meeting_title(meeting)}")
    return render(
        request,
        "mappa/attendee_form.html",
        {
            "meeting": meeting,
            "title": service.meeting_title(meeting),
            "form": form,
            "attendee": attendee,
        },
    )


@require_POST
@chair_required
def attendee_remove(request, meeting_id, attendee_id):
    meeting = selectors.access_meeting(request.user, meeting_id)
    attendee = get_object_or_404(Attendee, pk=attendee_id, meeting=meeting)
    try:
        service.attendee_remove(acting_user=request.user, attendee=attendee)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"{attendee.name} removed from the attendance")
    return redirect(_meeting_url(meeting, "attendees"))


# --- Minutes ------------------------------------------------------------------------------------


def _minutes_initial(item) -> tuple[dict, int | None]:
    """What the minutes form starts from: what was saved, else the case's current plan and the
    latest next review the interval allows."""
    saved = item.plan or {}
    initial = {
        "discussion": item.discussion,
        "discussion_not_for_sharing": item.discussion_not_for_sharing,
        **{key: saved.get(key, "") for key in PLAN_KEYS},
        "next_review_on": item.next_review_on or minutes_service.default_next_review(item),
    }
    version = None
    if not saved:
        prefill, version = selectors.plan_prefill(item.nominal)
        initial.update({k: v for k, v in prefill.items() if v})
    return initial, version


def _error_list(forms, missing: dict) -> list[tuple[str, str]]:
    """Every problem on the page, as (link, message), for one error summary."""
    found = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            if name == "__all__":
                found += [("#minutes", e) for e in errors]
                continue
            field = form[name]
            anchor = field.auto_id + ("_0" if hasattr(field.field, "fields") else "")
            found += [(f"#{anchor}", e) for e in errors]
    anchors = {"decisions": "id_decision-decision", "next_review_on": "id_next_review_on_0"}
    for key, message in missing.items():
        for text in message if isinstance(message, list) else [message]:
            found.append((f"#{anchors.get(key, f'id_{key}')}", text))
    return found


def _minutes_page(
    request, meeting, item, *, minutes=None, decision=None, action=None, missing=None
):
    prefilled_from = None
    if minutes is None:
        initial, prefilled_from = _minutes_initial(item)
        minutes = MinutesForm(initial=initial)
    editable = (
        meeting.status != MeetingStatus.CLOSED
        and not item.minutes_complete
        and meeting.held_on <= timezone.localdate()
    )
    return render(
        request,
        "mappa/item_minutes.html",
        {
            "meeting": meeting,
            "title": service.meeting_title(meeting),
            "item": item,
            "nominal": item.nominal,
            "minutes_form": minutes,
            "decision_form": decision or DecisionForm(),
            "action_form": action or ActionForm(),
            "error_list": _error_list([minutes, decision, action], missing or {}),
            "missing_summary": "These minutes cannot be marked complete yet" if missing else "",
            "editable": editable,
            "closed": meeting.status == MeetingStatus.CLOSED,
            "not_yet": meeting.held_on > timezone.localdate(),
            "prefilled_from": prefilled_from,
            "decisions": list(item.decisions.all()),
            "actions": list(item.actions.all()),
            "plan_rows": selectors.plan_rows(item.plan),
        },
    )


def _item_url(meeting, item, anchor: str = "") -> str:
    url = reverse("mappa:item-minutes", args=[meeting.pk, item.pk])
    return url + (f"#{anchor}" if anchor else "")


@chair_required
def item_minutes(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    if request.method != "POST":
        _viewed(request, item, f"Minutes of the {service.meeting_title(meeting)}", item.nominal_id)
        return _minutes_page(request, meeting, item)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            changes = minutes_service.minutes_save(
                acting_user=request.user, item=item, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Minutes saved" if changes else "No changes to save")
            return redirect(_item_url(meeting, item))
    return _minutes_page(request, meeting, item, minutes=form)


@require_POST
@chair_required
def decision_add(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            _, created = minutes_service.decision_add(
                acting_user=request.user, item=item, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(request, "Decision recorded")
            return redirect(_item_url(meeting, item, "decisions"))
    return _minutes_page(request, meeting, item, decision=form)


@require_POST
@chair_required
def decision_remove(request, meeting_id, item_id, decision_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    decision = get_object_or_404(Decision, pk=decision_id, item=item)
    try:
        minutes_service.decision_remove(acting_user=request.user, decision=decision)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, "Decision removed")
    return redirect(_item_url(meeting, item, "decisions"))


@require_POST
@chair_required
def action_add(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            _, created = minutes_service.action_add(
                acting_user=request.user, item=item, data=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(request, "Action recorded")
            return redirect(_item_url(meeting, item, "actions"))
    return _minutes_page(request, meeting, item, action=form)


@require_POST
@chair_required
def action_remove(request, meeting_id, item_id, action_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    action = get_object_or_404(MeetingAction, pk=action_id, item=item)
    try:
        minutes_service.action_remove(acting_user=request.user, action=action)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, "Action removed")
    return redirect(_item_url(meeting, item, "actions"))


@require_POST
@chair_required
def item_complete(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    try:
        minutes_service.item_complete(acting_user=request.user, item=item)
    except ValidationError as error:
        missing = (
            error.message_dict if hasattr(error, "error_dict") else {"minutes": error.messages}
        )
        return _minutes_page(request, meeting, item, missing=missing)
    messages.success(request, f"Minutes for {item.nominal.display_name} marked complete")
    return redirect(_meeting_url(meeting, "agenda"))


@require_POST
@chair_required
def item_reopen(request, meeting_id, item_id):
    meeting, item = _agenda_item(request, meeting_id, item_id)
    try:
        if minutes_service.item_reopen(acting_user=request.user, item=item):
            messages.success(request, "Minutes reopened: mark them complete again when corrected")
    except ValidationError as error:
        _report(request, error)
    return redirect(_item_url(meeting, item))


# --- Actions across meetings --------------------------------------------------------------------


@chair_required
def action_list(request):
    today = timezone.localdate()
    overdue_only = request.GET.get("show") == "overdue"
    actions = selectors.open_actions(request.user, on=today, overdue_only=overdue_only)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    _viewed(request, None, "Open MAPPA actions" + (" (overdue)" if overdue_only else ""))
    return render(
        request,
        "mappa/action_list.html",
        {"page": page, "overdue_only": overdue_only, "today": today, "section": "actions"},
    )


@chair_required
def action_done(request, action_id):
    today = timezone.localdate()
    action = selectors.action_of_force(request.user, action_id, on=today)
    form = ActionDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = minutes_service.action_set_status(
                acting_user=request.user,
                action=action,
                status=ActionStatus.DONE,
                completed_on=form.cleaned_data["completed_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, "Action marked as done")
            return redirect("mappa:action-list")
    elif request.method != "POST":
        _viewed(request, action, "MAPPA action", action.item.nominal_id)
    return render(request, "mappa/action_done.html", {"form": form, "action": action})
