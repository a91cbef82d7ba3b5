"""The counter journey: what is being notified and where → identity against the photograph →
each detail ("still the same?" or change it) → check, fingerprints and photograph → submit once →
print the written acknowledgement.

What the clerk has entered so far lives in the session under the journey's key, which is also
the notification's idempotency key: pressing submit twice records one notification."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cases import audit
from cases.models import AuditAction, Role
from notifications import journey, rules
from notifications.details import SECTIONS
from notifications.models import Clock, Notification, NotificationType, Station
from notifications.services import notification_record
from notifications.views.frontdesk import front_desk_case
from notifications.views.register import clock_rows
from rsom.views import role_required

SESSION_KEY = "counter_journeys"
DETAIL_TYPES = {NotificationType.INITIAL, NotificationType.PERIODIC, NotificationType.CHANGE}
SINGLE_FORMS = {
    NotificationType.TRAVEL: journey.TravelForm,
    NotificationType.TRAVEL_RETURN: journey.ReturnForm,
    NotificationType.NON_OCCURRENCE: journey.NonOccurrenceForm,
}


# --- Journey state -------------------------------------------------------------------------------


def _journeys(request) -> dict:
    return request.session.setdefault(SESSION_KEY, {})


def _state(request, nominal, key) -> dict:
    state = _journeys(request).get(str(key))
    if state is None or state["nominal"] != nominal.pk:
        raise Http404("This notification has expired or was already recorded. Start again.")
    return state


# Journeys hold what the person said, full account numbers included: keep few, not for long.
JOURNEY_LIMIT = 5
JOURNEY_HOURS = 2


def _save(request, key, state) -> None:
    journeys = _journeys(request)
    now = timezone.now().timestamp()
    state.setdefault("started", now)
    journeys[str(key)] = state
    live = sorted(
        (k for k, v in journeys.items() if now - v.get("started", 0) < JOURNEY_HOURS * 3600),
        key=lambda k: journeys[k]["started"],
    )[-JOURNEY_LIMIT:]
    for stale in set(journeys) - set(live):
        del journeys[stale]
    request.session.modified = True


def _viewed(request, nominal, what: str) -> None:
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=nominal, description=what)


def _posted(state) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in state.get("post", {}).items():
        data.setlist(name, values)
    return data


def _sections_for(state) -> list:
    """The detail sections this notification goes through (release only for a change)."""
    sections = list(SECTIONS)
    if state["type"] == NotificationType.CHANGE:
        sections.append(RELEASE)
    return sections


class _Release:
    slug = "release"
    title = "Release from custody or hospital"
    change_type = "release"

    def items(self, nominal, on):
        return []


RELEASE = _Release()


# --- Step 1 --------------------------------------------------------------------------------------


@role_required(Role.FRONT_DESK)
def notify_start(request, pk):
    nominal = front_desk_case(request.user, pk)
    initial = {"station": request.session.get("counter_station")}
    form = journey.StartForm(request.POST or None, initial=initial, force=request.user.force)
    if request.method == "POST" and form.is_valid():
        key = uuid.uuid4()
        station = form.cleaned_data["station"]
        request.session["counter_station"] = station.pk
        _save(
            request,
            key,
            {"nominal": nominal.pk, "type": form.cleaned_data["type"], "station": station.pk},
        )
        return redirect("notifications:frontdesk-notify-identity", pk=pk, key=key)
    return render(
        request,
        "notifications/counter_start.html",
        {"nominal": nominal, "form": form, "no_stations": not form.fields["station"].queryset},
    )


# --- Step 2 --------------------------------------------------------------------------------------


@role_required(Role.FRONT_DESK)
def notify_identity(request, pk, key):
    nominal = front_desk_case(request.user, pk)
    state = _state(request, nominal, key)
    form = journey.IdentityForm(
        request.POST or None, initial={"identity_confirmed": state.get("identity")}
    )
    if request.method == "POST" and form.is_valid():
        state["identity"] = form.cleaned_data["identity_confirmed"]
        _save(request, key, state)
        return redirect("notifications:frontdesk-notify-details", pk=pk, key=key)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=nominal,
        description="Front desk: identity check",
    )
    return render(
        request,
        "notifications/counter_identity.html",
        {"nominal": nominal, "form": form, "key": key, "state": state},
    )


# --- Step 3 --------------------------------------------------------------------------------------


@role_required(Role.FRONT_DESK)
def notify_details(request, pk, key):
    nominal = front_desk_case(request.user, pk)
    state = _state(request, nominal, key)
    if "identity" not in state:
        return redirect("notifications:frontdesk-notify-identity", pk=pk, key=key)
    if request.method != "POST":
        _viewed(request, nominal, "Front desk: details to notify")
    if state["type"] in SINGLE_FORMS:
        return _single_form_details(request, nominal, key, state)
    data = (
        request.POST
        if request.method == "POST"
        else (_posted(state) if state.get("post") else None)
    )
    blocks, errors = _section_blocks(nominal, state, data)
    if request.method == "POST" and not errors:
        state["post"] = {
            k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"
        }
        _save(request, key, state)
        return redirect("notifications:frontdesk-notify-check", pk=pk, key=key)
    return render(
        request,
        "notifications/counter_details.html",
        {
            "nominal": nominal,
            "key": key,
            "state": state,
            "blocks": blocks,
            "errors": errors if request.method == "POST" else [],
            "type_label": NotificationType(state["type"]).label,
        },
    )


def _section_blocks(nominal, state, data) -> tuple[list[dict], list[dict]]:
    """Each section with its current values, the clerk's answer and (if changed) its forms."""
    on = timezone.localdate()
    blocks, errors = [], []
    for section in _sections_for(state):
        answer = data.get(f"{section.slug}-status") if data is not None else None
        if answer == "changed":
            built, valid = journey.validate_section(section.slug, nominal, data)
        else:
            built, valid = journey.section_forms(section.slug, nominal), True
        blocks.append(
            {
                "section": section,
                "items": section.items(nominal, on),
                "answer": answer,
                "forms": built,
                "optional_parts": len(built) > 1,
            }
        )
        if data is None:
            continue
        if answer not in ("same", "changed"):
            errors.append(
                {
                    "href": f"#{section.slug}-status",
                    "text": f"{section.title}: select whether they are the same or have changed",
                }
            )
        elif not valid:
            for form in built:
                for field, messages_ in form.errors.items():
                    anchor = (
                        form.add_prefix(field) if field != "__all__" else f"{section.slug}-status"
                    )
                    errors += [
                        {"href": f"#id_{anchor}", "text": f"{section.title}: {m}"}
                        for m in messages_
                    ]
            if not any(f.errors for f in built):
                errors.append(
                    {
                        "href": f"#id_{built[0].prefix}-{next(iter(built[0].fields))}",
                        "text": f"{section.title}: enter the new details or what is no longer held",
                    }
                )
    changed = [b["section"] for b in blocks if b["answer"] == "changed"]
    if data is not None and state["type"] == NotificationType.CHANGE and not errors:
        if not changed:
            errors.append(
                {"href": "#names-status", "text": "Select at least one detail that has changed"}
            )
        elif not any(section.change_type for section in changed):
            errors.append(
                {
                    "href": f"#{changed[0].slug}-status",
                    "text": "A new National Insurance number on its own is not a change the "
                    "person must notify: record it as part of a periodic notification",
                }
            )
    if data is not None and changed and not errors:
        dates = [
            day
            for b in blocks
            if b["answer"] == "changed"
            for day in journey.change_dates(b["section"].slug, b["forms"])
        ]
        problem = rules.planned_change_problem(state["type"], dates, on)
        if problem:
            errors.append({"href": f"#{changed[0].slug}-status", "text": problem})
    return blocks, errors


def _single_form_details(request, nominal, key, state):
    form_class = SINGLE_FORMS[state["type"]]
    data = (
        request.POST
        if request.method == "POST"
        else (_posted(state) if state.get("post") else None)
    )
    form = form_class(data, nominal=nominal)
    if request.method == "POST" and form.is_valid():
        state["post"] = {
            k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"
        }
        _save(request, key, state)
        return redirect("notifications:frontdesk-notify-check", pk=nominal.pk, key=key)
    return render(
        request,
        "notifications/counter_single.html",
        {
            "nominal": nominal,
            "key": key,
            "form": form,
            "type_label": NotificationType(state["type"]).label,
        },
    )


# --- Step 4: check and submit --------------------------------------------------------------------


@role_required(Role.FRONT_DESK)
def notify_check(request, pk, key):
    nominal = front_desk_case(request.user, pk)
    already = Notification.objects.filter(idempotency_key=key, nominal=nominal).first()
    if already is not None:
        # A second press of "Record notification": the first one counted.
        return redirect("notifications:frontdesk-notification-done", notification_id=already.pk)
    state = _state(request, nominal, key)
    if "post" not in state:
        return redirect("notifications:frontdesk-notify-details", pk=pk, key=key)
    data = _posted(state)
    plan = _plan(nominal, state, data, request.user)
    if (
        plan is None
        and not Station.objects.filter(
            pk=state["station"], force=nominal.force, in_use=True
        ).exists()
    ):
        messages.error(request, "That station is no longer in use: choose the station again")
        return redirect("notifications:frontdesk-notify-start", pk=pk)
    if plan is None:  # the record changed since the details were entered
        messages.error(request, "Some details need checking again")
        return redirect("notifications:frontdesk-notify-details", pk=pk, key=key)
    form = journey.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        _viewed(request, nominal, "Front desk: check the notification")
    if request.method == "POST" and form.is_valid():
        notification, _ = notification_record(
            acting_user=request.user,
            nominal=nominal,
            idempotency_key=key,
            data={**plan["data"], **form.cleaned_data},
            apply_changes=plan["apply"],
            changed_sections=frozenset(plan["changed"]),
        )
        _journeys(request).pop(str(key), None)
        request.session.modified = True
        return redirect(
            "notifications:frontdesk-notification-done", notification_id=notification.pk
        )
    return render(
        request,
        "notifications/counter_check.html",
        {
            "nominal": nominal,
            "key": key,
            "plan": plan,
            "form": form,
            "type_label": NotificationType(state["type"]).label,
        },
    )


def _plan(nominal, state, data, user) -> dict | None:
    """What will be recorded: the notification's fields, the changes and how to make them."""
    kind = state["type"]
    station = Station.objects.filter(pk=state["station"], force=nominal.force, in_use=True).first()
    if station is None:
        return None
    fields = {
        "type": kind,
        "station": station,
        "identity_confirmed": True,
    }
    if kind in SINGLE_FORMS:
        form = SINGLE_FORMS[kind](data, nominal=nominal)
        if not form.is_valid():
            return None
        cleaned = dict(form.cleaned_data)
        cleaned.pop("what", None)
        fields.update(cleaned)
        summary = [
            {"label": str(form.fields[k].label), "value": journey.shown(form.fields[k], v)}
            for k, v in form.cleaned_data.items()
            if v not in (None, "")
        ]
        return {"data": fields, "apply": None, "changed": [], "summary": summary}
    changed, forms_by_slug = [], {}
    for section in _sections_for(state):
        if data.get(f"{section.slug}-status") != "changed":
            continue
        built, valid = journey.validate_section(section.slug, nominal, data)
        if not valid:
            return None
        changed.append(section)
        forms_by_slug[section.slug] = built
    dates = [journey.change_date(s.slug, forms_by_slug[s.slug]) for s in changed]
    dates = [d for d in dates if d]
    if dates:
        fields["event_date"] = min(dates)
        fields["in_advance"] = fields["event_date"] > timezone.localdate()
    fields["change_types"] = [s.change_type for s in changed if s.change_type]

    def apply(locked_nominal):
        made = []
        for section in changed:
            made += journey.apply_section(
                acting_user=user,
                nominal=locked_nominal,
                slug=section.slug,
                built=forms_by_slug[section.slug],
            )
        return made

    summary = [{"label": s.title, "value": "Changed"} for s in changed] or [
        {"label": "Details", "value": "All the same as recorded"}
    ]
    return {
        "data": fields,
        "apply": apply,
        "changed": [s.slug for s in changed],
        "summary": summary,
        "forms": forms_by_slug,
    }


# --- Done ----------------------------------------------------------------------------------------


@role_required(Role.FRONT_DESK)
def notification_done(request, notification_id):
    notification = (
        Notification.objects.filter(pk=notification_id, nominal__force=request.user.force_id)
        .select_related("station", "taken_by", "nominal")
        .first()
    )
    if notification is None:
        raise Http404("No notification found")
    nominal = front_desk_case(request.user, notification.nominal_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=notification,
        nominal_id=nominal.pk,
        description="Front desk: notification recorded",
    )
    clock = Clock.objects.filter(pk=nominal.pk).first()
    today = timezone.localdate()
    return render(
        request,
        "notifications/counter_done.html",
        {
            "nominal": nominal,
            "notification": notification,
            "clock": clock,
            "deadlines": clock_rows(clock, on=today, due_soon_days=nominal.force.due_soon_days)
            if clock
            else [],
            "pdf_url": reverse("notifications:acknowledgement-pdf", args=[notification.pk]),
        },
    )
