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


def url_for(name, nominal):
    if (assessed := arms_kwargs(name, nominal)) is not None:
        return reverse(name, kwargs=assessed)
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
