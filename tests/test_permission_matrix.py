"""Every URL name × every persona (and anonymous): who gets the page, who gets 403 or 404.

The URLconf is walked, so a new view without an entry here fails the suite until its access is
decided and tested.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = [
    "om",
    "colleague",
    "om_south",
    "supervisor",
    "front_desk",
    "mappa_chair",
    "administrator",
    "other_force_om",
    "anonymous",
]

LOGIN = "login"  # an anonymous user is sent to sign in

# Cases: allocated to `om` in the North team; the colleague reads only; South cannot see it.
CASE_READ = dict(
    om=200,
    colleague=200,
    om_south=404,
    supervisor=200,
    front_desk=404,
    mappa_chair=404,
    administrator=404,
    other_force_om=404,
    anonymous=LOGIN,
)
CASE_WRITE = {**CASE_READ, "colleague": 403}
CASE_WORKERS = dict(
    om=200,
    colleague=200,
    om_south=200,
    supervisor=200,
    front_desk=403,
    mappa_chair=200,
    administrator=403,
    other_force_om=200,
    anonymous=LOGIN,
)
CREATORS = {**CASE_WORKERS, "mappa_chair": 403}


def ONLY(persona, code=200):
    return {p: (LOGIN if p == "anonymous" else 403) for p in PERSONAS} | {  # noqa: E731
        persona: code
    }


EVERYONE = {p: 200 for p in PERSONAS}
API_READ = {**CASE_READ, "front_desk": 403, "administrator": 403, "anonymous": 401}
API_ANY_USER = {**{p: 200 for p in PERSONAS}, "anonymous": 401}
API_POST_ONLY = {**{p: 405 for p in PERSONAS}, "anonymous": 401}

EXPECTED: dict[str, dict[str, int | str]] = {
    "home": {**{p: 302 for p in PERSONAS}},
    "healthz": EVERYONE,
    "login": {**{p: 302 for p in PERSONAS}, "anonymous": 200},
    "logout": {p: 405 for p in PERSONAS},
    "cases:caseload": {**CASE_WORKERS, "mappa_chair": 403},
    "cases:nominal-search": CASE_WORKERS,
    "cases:nominal-create": CREATORS,
    "cases:nominal-duplicates": CREATORS,
    "cases:nominal-detail": CASE_READ,
    "cases:nominal-edit": CASE_WRITE,
    "cases:nominal-allocate": {**ONLY("supervisor"), "other_force_om": 404},
    "cases:nominal-timeline": CASE_READ,
    "cases:nominal-viewers": {**ONLY("supervisor"), "other_force_om": 404},
    "cases:nominal-photo": CASE_READ,
    "cases:nominal-section": CASE_READ,
    "cases:record-add": CASE_WRITE,
    "cases:record-edit": CASE_WRITE,
    "cases:mappa-cases": ONLY("mappa_chair"),
    "cases:inbox": CASE_WORKERS,
    "cases:inbox-done": {p: 405 for p in PERSONAS},
    "cases:audit-search": ONLY("administrator"),
    "notifications:frontdesk-search": {**ONLY("front_desk"), "other_force_om": 200},
    "notifications:frontdesk-person": {**ONLY("front_desk"), "other_force_om": 404},
    "notifications:frontdesk-photo": {**ONLY("front_desk"), "other_force_om": 404},
    "notifications:frontdesk-notify-start": {**ONLY("front_desk"), "other_force_om": 404},
    # A journey key not started in this session is 404 even to the front desk (the journeys
    # themselves are tested in tests/notifications/test_counter.py).
    "notifications:frontdesk-notify-identity": {**ONLY("front_desk", 404), "other_force_om": 404},
    "notifications:frontdesk-notify-details": {**ONLY("front_desk", 404), "other_force_om": 404},
    "notifications:frontdesk-notify-check": {**ONLY("front_desk", 404), "other_force_om": 404},
    "notifications:frontdesk-notification-done": {**ONLY("front_desk"), "other_force_om": 404},
    "notifications:register": CASE_READ,
    # Risk
    "risk:overview": CASE_READ,
    # Visits
    "visits:case-visits": CASE_READ,
    # Visits: planning (offender managers and supervisors list visits; case writers plan)
    "visits:my-visits": {**CASE_WORKERS, "mappa_chair": 403},
    "visits:visit-plan": CASE_WRITE,
    "visits:visit-cancel": CASE_WRITE,
    "api:visit-list": API_READ,
    "api:visit-detail": API_READ,
    "api:visits-due": {**CASE_WORKERS, "mappa_chair": 403, "anonymous": 401},
    # Visits: recording at the door, attachments, warrants (POST-only URLs answer GET with 405;
    # the warrant summary is printed by the case's managers, not its readers).
    "visits:visit-start": {p: 405 for p in PERSONAS},
    "visits:visit-record": CASE_WRITE,
    "visits:visit-draft": {p: 405 for p in PERSONAS},
    "visits:attachment-add": {p: 405 for p in PERSONAS},
    "visits:attachment": CASE_READ,
    "visits:visit-detail": CASE_READ,
    "visits:warrant-pdf": CASE_WRITE,
    "api:visit-record": {**API_POST_ONLY, "front_desk": 403, "administrator": 403},
    "api:nominal-visit-record": {**API_POST_ONLY, "front_desk": 403, "administrator": 403},
    "api:visit-attachments": API_READ,
    "api:visit-attachment": API_READ,
    # RM2000 and the risk level
    "risk:rm2000-list": CASE_READ,
    "risk:rm2000-add": CASE_WRITE,
    "risk:rm2000-detail": CASE_READ,
    "risk:level-set": CASE_WRITE,
    "risk:level-list": CASE_READ,
    "api:rm2000-list": API_READ,
    "api:rm2000-detail": API_READ,
    "api:risk-level-list": API_READ,
    # ARMS and the risk management plan: supervisors sign off; POST-only URLs answer GET with 405.
    "risk:arms-list": CASE_READ,
    "risk:arms-start": CASE_WRITE,
    "risk:arms-detail": CASE_READ,
    "risk:arms-edit": CASE_WRITE,
    "risk:arms-decide": {**ONLY("supervisor"), "other_force_om": 404},
    "risk:plan-detail": CASE_READ,
    "risk:plan-review": CASE_WRITE,
    "risk:plan-version": CASE_READ,
    "risk:plan-action-status": {p: 405 for p in PERSONAS},
    "api:arms-list": API_READ,
    "api:arms-detail": API_READ,
    "api:arms-submit": {**API_POST_ONLY, "front_desk": 403, "administrator": 403},
    "api:arms-sign-off": {**ONLY("supervisor", 405), "other_force_om": 405, "anonymous": 401},
    "api:arms-return": {**ONLY("supervisor", 405), "other_force_om": 405, "anonymous": 401},
    "api:plan-list": API_READ,
    # Notes and reactive management: supervisors work the queue and decide; POST-only API URLs
    # answer GET with 405 to the roles they serve.
    "risk:note-list": CASE_READ,
    "risk:note-add": CASE_WRITE,
    "risk:reactive-queue": {**ONLY("supervisor"), "other_force_om": 200},
    "risk:reactive-propose": CASE_WRITE,
    "risk:reactive-decide": {**ONLY("supervisor"), "other_force_om": 404},
    "api:note-list": API_READ,
    "api:reactive-queue": {**ONLY("supervisor"), "other_force_om": 200, "anonymous": 401},
    "api:reactive-propose": {**API_POST_ONLY, "front_desk": 403, "administrator": 403},
    "api:reactive-decide": {**ONLY("supervisor", 405), "other_force_om": 405, "anonymous": 401},
    "notifications:conviction-add": CASE_WRITE,
    "notifications:conviction-edit": CASE_WRITE,
    "notifications:absence-add": CASE_WRITE,
    "notifications:absence-edit": CASE_WRITE,
    "notifications:notification-detail": CASE_READ,
    "notifications:deadline-close": CASE_WRITE,
    "api:nominal-list": {**API_READ, "om_south": 200, "mappa_chair": 200, "other_force_om": 200},
    "api:nominal-detail": API_READ,
    # The register
    "api:conviction-list": API_READ,
    "api:conviction-detail": API_READ,
    "api:notification-list": API_READ,
    "api:notification-detail": {**API_READ, "front_desk": 200},
    "api:nominal-clock": {**API_READ, "front_desk": 200},
    # Written acknowledgements (s.87(3)): the front desk prints, case readers reprint.
    "notifications:acknowledgement-pdf": {**CASE_READ, "front_desk": 200},
    "notifications:acknowledgement-verify": {**CASE_WORKERS, "front_desk": 200},
    # Indefinite reviews (ss.91A-91F): supervisors open and decide, case readers see history.
    "notifications:review-queue": {**ONLY("supervisor"), "other_force_om": 200},
    "notifications:review-list": CASE_READ,
    "notifications:review-open": {**ONLY("supervisor"), "other_force_om": 404},
    "notifications:review-decide": {**ONLY("supervisor"), "other_force_om": 404},
    "api:review-queue": {**ONLY("supervisor"), "other_force_om": 200, "anonymous": 401},
    "api:nominal-reviews": API_READ,
    # MAPPA: a case's level (its readers and writers), its minutes (its managers and the chairs,
    # not colleagues), meetings and actions (the force's chairs); POST-only URLs answer GET 405.
    "mappa:case-mappa": CASE_READ,
    "mappa:level-set": CASE_WRITE,
    "mappa:case-minutes": {**CASE_READ, "colleague": 403, "mappa_chair": 200},
    "mappa:meeting-list": ONLY("mappa_chair"),
    "mappa:meeting-create": ONLY("mappa_chair"),
    "mappa:meeting-detail": ONLY("mappa_chair"),
    "mappa:meeting-edit": ONLY("mappa_chair"),
    "mappa:meeting-close": ONLY("mappa_chair"),
    "mappa:agenda-add": ONLY("mappa_chair"),
    "mappa:agenda-move": {p: 405 for p in PERSONAS},
    "mappa:agenda-remove": {p: 405 for p in PERSONAS},
    "mappa:attendee-add": ONLY("mappa_chair"),
    "mappa:attendee-edit": ONLY("mappa_chair"),
    "mappa:attendee-remove": {p: 405 for p in PERSONAS},
    "mappa:item-minutes": ONLY("mappa_chair"),
    "mappa:decision-add": {p: 405 for p in PERSONAS},
    "mappa:decision-remove": {p: 405 for p in PERSONAS},
    "mappa:action-add": {p: 405 for p in PERSONAS},
    "mappa:action-remove": {p: 405 for p in PERSONAS},
    "mappa:item-complete": {p: 405 for p in PERSONAS},
    "mappa:item-reopen": {p: 405 for p in PERSONAS},
    "mappa:action-list": ONLY("mappa_chair"),
    "mappa:action-done": ONLY("mappa_chair"),
    "api:mappa-level-list": API_READ,
    "api:meeting-list": {**ONLY("mappa_chair"), "anonymous": 401},
    "api:meeting-detail": {**ONLY("mappa_chair"), "anonymous": 401},
    "api:mappa-actions": {**ONLY("mappa_chair"), "anonymous": 401},
    # Meeting packs: the force's MAPPA chairs only, a pack does not exist for anyone else (404).
    # The panel is an htmx fragment: without htmx the chair is sent back to the meeting page.
    "mappa:pack-panel": {**{p: 404 for p in PERSONAS}, "mappa_chair": 302, "anonymous": LOGIN},
    "mappa:pack-create": {p: 405 for p in PERSONAS},
    "mappa:pack-download": {**{p: 404 for p in PERSONAS}, "mappa_chair": 200, "anonymous": LOGIN},
    # Civil orders and breaches: case readers read, case writers record; supervisors see the
    # review list. The front desk never sees orders or breaches.
    "notifications:order-list": CASE_READ,
    "notifications:order-add": CASE_WRITE,
    "notifications:order-detail": CASE_READ,
    "notifications:order-change": CASE_WRITE,
    "notifications:order-reviews": {**ONLY("supervisor"), "other_force_om": 200},
    "notifications:breach-list": CASE_READ,
    "notifications:breach-add": CASE_WRITE,
    "notifications:breach-detail": CASE_READ,
    "api:order-list": API_READ,
    "api:order-detail": API_READ,
    "api:breach-list": API_READ,
    "api:order-reviews": {**ONLY("supervisor"), "other_force_om": 200, "anonymous": 401},
    # Management information: supervisors and administrators see their own force's figures.
    "dashboards:mi": {**ONLY("supervisor"), "administrator": 200, "other_force_om": 200},
    "dashboards:mi-csv": {**ONLY("supervisor"), "administrator": 200, "other_force_om": 200},
    # Team dashboard and capacity: supervisors, for the offender managers of their own teams.
    "dashboards:team": {**ONLY("supervisor"), "other_force_om": 200},
    "dashboards:team-list": {**ONLY("supervisor"), "other_force_om": 200},
    "dashboards:manager-capacity": {**ONLY("supervisor"), "other_force_om": 404},
    "dashboards:reduction-end": {**ONLY("supervisor"), "other_force_om": 404},
    "api:team-dashboard": {**ONLY("supervisor"), "other_force_om": 200, "anonymous": 401},
    "api-schema": API_ANY_USER,
    "api-docs": API_ANY_USER,
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue  # Django's admin: its own staff checks (tested in test_admin)
            yield from url_names(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_every_url_name_has_expected_access():
    missing = sorted(set(url_names()) - set(EXPECTED))
    assert not missing, f"Decide and test access for: {missing}"


def register_kwargs(name, nominal):
    """A conviction and a notification on the case, for the register's detail URLs."""
    from datetime import date

    from notifications import services as register
    from notifications.models import Schedule3Offence, Station

    if name in ("api:conviction-detail", "notifications:conviction-edit"):
        made = nominal.convictions.first() or register.conviction_save(
            acting_user=nominal.offender_manager,
            nominal=nominal,
            data={
                "kind": "caution",
                "relevant_date": date(2024, 1, 10),
                "court": "Reading police station",
                "offence": Schedule3Offence.objects.get(paragraph="13"),
                "disposal": "caution",
            },
        )
        if name == "notifications:conviction-edit":
            return {"pk": nominal.pk, "conviction_id": made.pk}
        return {"conviction_id": made.pk}
    if (
        name.startswith("notifications:frontdesk-notify-")
        and name != "notifications:frontdesk-notify-start"
    ):
        return {"pk": nominal.pk, "key": "5d1f0a52-9a8e-4d47-b7a4-2f7d1c3b6e90"}
    if name == "notifications:deadline-close":
        from notifications.models import OpenDeadline

        made = OpenDeadline.objects.create(
            nominal=nominal, kind="non_occurrence", due=date(2026, 6, 15), why="Matrix."
        )
        return {"pk": nominal.pk, "deadline_id": made.pk}
    if name == "notifications:absence-edit":
        made = nominal.absences.first() or register.absence_save(
            acting_user=nominal.offender_manager,
            nominal=nominal,
            data={"kind": "abroad", "first_day": date(2024, 5, 1), "last_day": date(2024, 5, 9)},
        )
        return {"pk": nominal.pk, "absence_id": made.pk}
    if name in (
        "api:notification-detail",
        "notifications:acknowledgement-pdf",
        "notifications:notification-detail",
        "notifications:frontdesk-notification-done",
    ):
        station, _ = Station.objects.get_or_create(force=nominal.force, name="Matrix station")
        made, _ = register.notification_record(
            acting_user=nominal.offender_manager,
            nominal=nominal,
            idempotency_key="0b1e8f6a-3c55-4c9e-8f0d-6a3c2b1d9e7f",
            data={"type": "periodic", "station": station},
        )
        return {"notification_id": made.pk}
    return None


def review_kwargs(name, nominal):
    """An open review on the case, for the decide page."""
    from datetime import date

    from notifications.models import IndefiniteReview

    if name != "notifications:review-decide":
        return None
    review, _ = IndefiniteReview.objects.get_or_create(
        nominal=nominal,
        stage="application_received",
        defaults={"decision_target": date(2024, 4, 24), "opened_by": nominal.offender_manager},
    )
    return {"review_id": review.pk}


def levels_kwargs(name, nominal):
    """An RM2000/S scoring on the case, for its detail URLs."""
    from datetime import date

    from risk.services.rm2000 import rm2000_score

    if name not in ("risk:rm2000-detail", "api:rm2000-detail"):
        return None
    scoring, _ = rm2000_score(
        acting_user=nominal.offender_manager,
        nominal=nominal,
        data={
            "commencement_date": date(2024, 1, 10),
            "sexual_appearances": 1,
            "criminal_appearances": 1,
            "male_victim": False,
            "stranger_victim": False,
            "single": False,
            "non_contact": False,
        },
    )
    if name == "api:rm2000-detail":
        return {"scoring_id": scoring.pk}
    return {"pk": nominal.pk, "scoring_id": scoring.pk}


def arms_kwargs(name, nominal):
    """An ARMS assessment (a draft to edit, a submitted one to sign off) and a plan."""
    from risk.services import arms, plans

    om = nominal.offender_manager
    if name in ("risk:plan-version", "risk:plan-action-status"):
        plan, _ = plans.plan_review(
            acting_user=om,
            nominal=nominal,
            based_on=None,
            contingency="Recall if contact with children",
            actions=[{"heading": "supervision", "action": "Home visit", "owner": "OM"}],
        )
        if name == "risk:plan-version":
            return {"pk": nominal.pk, "version": plan.version}
        return {"pk": nominal.pk, "action_id": plan.actions.get().pk}
    if not (name.startswith("risk:arms-") or name.startswith("api:arms-")):
        return None
    if name in ("risk:arms-list", "risk:arms-start", "api:arms-list"):
        return None
    assessment, _ = arms.arms_start(acting_user=om, nominal=nominal)
    if name == "risk:arms-decide" and assessment.status == "draft":
        arms.arms_save(
            acting_user=om,
            assessment=assessment,
            ratings={f.code: ("some", "") for f in arms.factors_in_use()},
            formulation="F",
            priorities="P",
        )
        arms.arms_submit(acting_user=om, assessment=assessment)
    if name.startswith("api:"):
        return {"arms_id": assessment.pk}
    return {"pk": nominal.pk, "arms_id": assessment.pk}


def planning_kwargs(name, nominal):
    """A planned visit on the case, for the cancel page and the visit API."""
    from datetime import timedelta

    from django.utils import timezone

    from visits.services.planning import visit_plan

    if name not in ("visits:visit-cancel", "api:visit-detail"):
        return None
    visit, _ = visit_plan(
        acting_user=nominal.offender_manager,
        nominal=nominal,
        planned_for=timezone.localdate() + timedelta(days=7),
        time_band="morning",
        announced=False,
    )
    if name == "api:visit-detail":
        return {"visit_id": visit.pk}
    return {"pk": nominal.pk, "visit_id": visit.pk}


def recording_kwargs(name, nominal):
    """A draft, a recorded visit with a photo, and two failed attempts (a warrant may be sought)."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from visits.models import Visit, VisitAttachment
    from visits.services import recording

    om = nominal.offender_manager
    address = nominal.addresses.first()

    def recorded(outcome, days_ago):
        visit = Visit.objects.create(nominal=nominal, status="draft", created_by=om)
        when = timezone.now() - timedelta(days=days_ago)
        data = {"outcome": outcome, "visited_at": when, "address": address}
        return recording.visit_record(acting_user=om, visit=visit, data=data)[0]

    if name in ("visits:visit-record", "visits:visit-draft", "visits:attachment-add"):
        visit = Visit.objects.filter(nominal=nominal, status="draft").first()
        visit = visit or Visit.objects.create(nominal=nominal, status="draft", created_by=om)
        return {"pk": nominal.pk, "visit_id": visit.pk}
    if name in ("visits:visit-detail", "api:visit-record", "api:visit-attachments"):
        visit = Visit.objects.filter(nominal=nominal, status="recorded").first()
        return {"visit_id": (visit or recorded("completed", 1)).pk}
    if name in ("visits:attachment", "api:visit-attachment"):
        attachment = VisitAttachment.objects.filter(visit__nominal=nominal).first()
        if attachment is None:
            png = nominal.photograph.open("rb").read()
            upload = SimpleUploadedFile("p.png", png, content_type="image/png")
            attachment, _ = recording.attachment_add(
                acting_user=om, visit=recorded("completed", 1), upload=upload
            )
        if name == "api:visit-attachment":
            return {"visit_id": attachment.visit_id, "attachment_id": attachment.pk}
        return {"pk": nominal.pk, "attachment_id": attachment.pk}
    if name == "visits:warrant-pdf":
        if not Visit.objects.filter(nominal=nominal, outcome="no_answer").exists():
            recorded("no_answer", 9)
            recorded("refused", 2)
        return {"pk": nominal.pk}
    return None


def mappa_kwargs(name, nominal):
    """A meeting of the case's force with the case (now at level 2) on its agenda, an attendee,
    a decision and an action, for the meeting and minutes URLs (built once, found after)."""
    from django.utils import timezone

    from cases.models import Role, User
    from mappa.models import Agency, Meeting
    from mappa.services import levels
    from mappa.services import meetings as service
    from mappa.services import minutes as minutes_service
    from tests.conftest import make_user

    names = {
        "mappa:case-minutes": ("pk", "item_id"),
        "mappa:meeting-detail": ("meeting_id",),
        "mappa:meeting-edit": ("meeting_id",),
        "mappa:meeting-close": ("meeting_id",),
        "mappa:agenda-add": ("meeting_id",),
        "mappa:agenda-move": ("meeting_id", "item_id"),
        "mappa:agenda-remove": ("meeting_id", "item_id"),
        "mappa:attendee-add": ("meeting_id",),
        "mappa:attendee-edit": ("meeting_id", "attendee_id"),
        "mappa:attendee-remove": ("meeting_id", "attendee_id"),
        "mappa:item-minutes": ("meeting_id", "item_id"),
        "mappa:decision-add": ("meeting_id", "item_id"),
        "mappa:decision-remove": ("meeting_id", "item_id", "decision_id"),
        "mappa:action-add": ("meeting_id", "item_id"),
        "mappa:action-remove": ("meeting_id", "item_id", "action_id"),
        "mappa:item-complete": ("meeting_id", "item_id"),
        "mappa:item-reopen": ("meeting_id", "item_id"),
        "mappa:action-done": ("action_id",),
        "mappa:pack-panel": ("meeting_id",),
        "mappa:pack-create": ("meeting_id",),
        "mappa:pack-download": ("meeting_id", "pack_id"),
        "api:meeting-detail": ("meeting_id",),
    }
    if name not in names:
        return None
    meeting = Meeting.objects.filter(force=nominal.force).first()
    if meeting is None:
        om = nominal.offender_manager
        levels.mappa_level_set(
            acting_user=om, nominal=nominal, category=1, level=2, rationale="Matrix"
        )
        chair = User.objects.filter(force=nominal.force, groups__name=Role.MAPPA_CHAIR).first()
        chair = chair or make_user("matrix_chair", nominal.force, [Role.MAPPA_CHAIR])
        meeting, _ = service.meeting_create(
            acting_user=chair,
            data={"level": 2, "held_on": timezone.localdate(), "place": "Matrix room"},
        )
        item, _ = service.agenda_add(acting_user=chair, meeting=meeting, nominal=nominal)
        agency = Agency.objects.order_by("pk").first()
        service.attendee_save(
            acting_user=chair,
            meeting=meeting,
            data={"name": "Matrix Person", "agency": agency, "present": True},
        )
        minutes_service.decision_add(
            acting_user=chair, item=item, data={"decision": "Matrix", "rationale": "Matrix"}
        )
        minutes_service.action_add(
            acting_user=chair,
            item=item,
            data={"action": "Matrix", "owner": "M", "agency": agency, "due": meeting.held_on},
        )
    item = meeting.agenda.get()
    values = {
        "pk": nominal.pk,
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "attendee_id": meeting.attendees.get().pk,
        "decision_id": item.decisions.get().pk,
        "action_id": item.actions.get().pk,
    }
    if "pack_id" in names[name]:
        from mappa.services import packs

        pack = meeting.packs.first() or packs.pack_prepare(
            acting_user=meeting.chair, meeting=meeting, shared=True
        )
        values["pack_id"] = pack.pk
    return {key: values[key] for key in names[name]}


def orders_kwargs(name, nominal):
    """An SHPO with a prohibition and a breach of it, for the order and breach pages."""
    from datetime import date

    from notifications import orders

    if name not in (
        "notifications:order-detail",
        "notifications:order-change",
        "notifications:breach-detail",
        "api:order-detail",
    ):
        return None
    om = nominal.offender_manager
    order, _ = orders.order_add(
        acting_user=om,
        nominal=nominal,
        data={"type": "shpo", "court": "Matrix Crown Court", "made_on": date(2024, 1, 10)},
        terms=[{"kind": "prohibition", "text": "No contact with children"}],
    )
    if name == "notifications:order-change":
        return {"order_id": order.pk, "change": "vary"}
    if name == "notifications:breach-detail":
        breach = nominal.breaches.first() or orders.breach_record(
            acting_user=om,
            nominal=nominal,
            data={
                "duty": "shpo",
                "order": order,
                "first_failure_on": date(2025, 5, 1),
                "how_found": "home_visit",
                "action": "arrest",
                "severity": "risk_relevant",
                "rationale": "Matrix",
            },
        )
        return {"breach_id": breach.pk}
    return {"order_id": order.pk}


def capacity_kwargs(name, nominal):
    """The case's offender manager, and a reduction of their hours, for the capacity pages."""
    from datetime import date

    from dashboards.models import Reduction

    if name not in ("dashboards:manager-capacity", "dashboards:reduction-end"):
        return None
    om = nominal.offender_manager
    if name == "dashboards:manager-capacity":
        return {"user_id": om.pk}
    reduction = Reduction.objects.filter(user=om).first() or Reduction.objects.create(
        user=om, reason="Matrix", hours=2, starts_on=date(2025, 1, 1), created_by=om
    )
    return {"user_id": om.pk, "reduction_id": reduction.pk}


def url_for(name, nominal):
    if (capacity := capacity_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=capacity)
    if (ordered := orders_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=ordered)
    if (mappa := mappa_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=mappa)
    if (recording := recording_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=recording)
    if (assessed := arms_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=assessed)
    if (planned := planning_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=planned)
    address = nominal.addresses.first()
    if (scored := levels_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=scored)
    if (register := register_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=register)
    if name == "cases:inbox-done":
        return reverse(name, kwargs={"item_id": 1})
    if (review := review_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=review)
    kwargs = {
        "cases:nominal-section": {"pk": nominal.pk, "section": "addresses"},
        "cases:record-add": {"pk": nominal.pk, "kind": "addresses"},
        "cases:record-edit": {"pk": nominal.pk, "kind": "addresses", "item": address.pk},
    }.get(name)
    if kwargs is None:
        try:
            return reverse(name, kwargs={"pk": nominal.pk})
        except Exception:
            return reverse(name)
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_matrix(name, request, client, nominal, other_force_nominal):
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        response = client.get(url_for(name, nominal))
        expected = EXPECTED[name][persona]
        if expected == LOGIN:
            assert response.status_code == 302, (name, persona, response.status_code)
            assert response.url.startswith(reverse("login")), (name, persona, response.url)
        else:
            assert response.status_code == expected, (name, persona, response.status_code)
