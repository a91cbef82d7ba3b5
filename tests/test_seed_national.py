"""seed_national: the national-scale data set is deterministic, realistic in its mix, refuses to
seed twice without --reset, writes exactly the object permissions and search names the services
would, passes the models' own validation, and leaves the nightly sweeps nothing to do twice."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from cases import services
from cases.access import sync_case_permissions
from cases.audit import verify_chain
from cases.models import (
    Address,
    AuditEvent,
    CaseEvent,
    Force,
    MappaLevel,
    Nominal,
    NominalGroupObjectPermission,
    NominalStatus,
    NominalUserObjectPermission,
    OtherName,
    Role,
    User,
)
from mappa.models import (
    AgendaItem,
    Attendee,
    Decision,
    MappaLevelChange,
    MappaReviewDue,
    Meeting,
    MeetingAction,
)
from mappa.sweep import sweep_mappa_reviews
from notifications.models import (
    Absence,
    Breach,
    CivilOrder,
    Clock,
    Conviction,
    Notification,
    OrderTerm,
)
from notifications.sweep import sweep_register
from risk.models import (
    ArmsAssessment,
    ArmsRating,
    CaseNote,
    PlanAction,
    ReactiveCase,
    RiskLevelChange,
    RiskManagementPlan,
    RiskReviewDue,
    Rm2000Scoring,
)
from risk.sweep import refresh_reactive
from rsom import national_reference as ref
from rsom.national_data import NATIONAL_PASSWORD, NationalSeeder, SeedRefused, _apportion
from rsom.national_people import verification_code
from visits.models import Visit, VisitDue
from visits.sweep import sweep_visits

ON = date(2026, 6, 15)


def seed(offenders=240, seed=11, **options):
    options.setdefault("sweeps", False)
    return NationalSeeder(offenders=offenders, seed=seed, on=ON, background=False, **options).run()


def fingerprint() -> str:
    """Everything that makes the data set what it is, without database ids (rows sorted in
    Python: two rows may tie on any ordering the database could use)."""

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields), key=repr)

    parts = [
        rows(
            Nominal.objects,
            "force__code",
            "reference",
            "forenames",
            "surname",
            "date_of_birth",
            "sex",
            "ni_number",
            "status",
            "risk_level",
            "risk_level_set_on",
            "mappa_level",
            "on_licence",
            "search_names",
            "team__name",
            "offender_manager__username",
        ),
        rows(
            Notification.objects,
            "nominal__reference",
            "type",
            "taken_at",
            "deadline",
            "change_types",
            "details",
        ),
        rows(Visit.objects, "nominal__reference", "status", "outcome", "visited_at", "planned_for"),
        rows(
            Conviction.objects,
            "nominal__reference",
            "relevant_date",
            "disposal",
            "last_day",
            "indefinite",
        ),
        rows(
            AgendaItem.objects,
            "meeting__held_on",
            "meeting__level",
            "nominal__reference",
            "next_review_on",
        ),
        sorted(
            (model._meta.label, model.objects.count())
            for model in [ArmsRating, RiskLevelChange, CivilOrder, Breach, CaseEvent, Address]
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- Pure parts ---------------------------------------------------------------------------------


def test_the_register_is_spread_over_the_43_forces_with_about_9_per_cent_in_the_met():
    weights = {c: p**ref.SPREAD_EXPONENT for c, p in ref.FORCE_POPULATION.items()}
    shares = _apportion(150_000, weights)
    assert len(shares) == 43
    assert sum(shares.values()) == 150_000
    assert 0.085 <= shares["metropolitan"] / 150_000 <= 0.095
    biggest = sorted(shares, key=shares.get, reverse=True)[:4]
    assert biggest[0] == "metropolitan"
    assert {"west-midlands", "greater-manchester"} <= set(biggest)
    assert min(shares.values()) >= 1
    assert set(ref.FORCE_PLACES) == set(ref.FORCE_POPULATION)


def test_verification_codes_are_unique_and_read_like_the_services_codes():
    codes = [verification_code(pk) for pk in range(1, 50_001)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 12 and c[4] == "-" and c[9] == "-" for c in codes[:100])


# --- The data set -------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_data_however_it_is_chunked(reference_data):
    seed(seed=11)
    first = fingerprint()
    seed(seed=11, reset=True, chunk_size=37)
    assert fingerprint() == first
    seed(seed=12, reset=True)
    assert fingerprint() != first


def test_counts_and_mix_are_those_of_a_real_register(reference_data):
    report = seed(offenders=600, seed=5)
    people = Nominal.objects.count()
    assert people == 600 == report.counts["cases.Nominal"]
    by_force = dict(Nominal.objects.values_list("force__code").annotate(n=Count("pk")))
    assert max(by_force, key=by_force.get) == "metropolitan"
    assert not Nominal.objects.filter(force__kind=Force.Kind.NATIONAL).exists()
    # Risk: about half low, 30 % medium, 18 % high, 2 % very high.
    levels = dict(Nominal.objects.values_list("risk_level").annotate(n=Count("pk")))
    assert 0.42 <= levels["low"] / people <= 0.58
    assert 0.22 <= levels["medium"] / people <= 0.38
    assert 0.12 <= levels["high"] / people <= 0.24
    assert levels.get("very_high", 0) / people <= 0.05
    assert not Nominal.objects.filter(risk_level="").exists()
    # The level's history ends at the current level, on the day it was set.
    latest = (
        RiskLevelChange.objects.filter(nominal_id__in=Nominal.objects.values("pk"))
        .order_by("nominal_id", "-set_on", "-pk")
        .distinct("nominal_id")
    )
    current = dict(Nominal.objects.values_list("pk", "risk_level"))
    set_on = dict(Nominal.objects.values_list("pk", "risk_level_set_on"))
    assert all(c.level == current[c.nominal_id] for c in latest)
    assert all(c.set_on == set_on[c.nominal_id] for c in latest)
    # About a quarter indefinite; about ten notifications, fifteen visits, three assessments each.
    main = Conviction.objects.order_by("nominal_id", "-relevant_date").distinct("nominal_id")
    indefinite = sum(c.indefinite for c in main)
    assert 0.17 <= indefinite / people <= 0.33
    assert 7 <= Notification.objects.count() / people <= 13
    assert 10 <= Visit.objects.count() / people <= 20
    assessments = Rm2000Scoring.objects.count() + ArmsAssessment.objects.count()
    assert 2.3 <= assessments / people <= 3.7
    assert (
        Visit.objects.filter(outcome="completed").count()
        > 0.8 * Visit.objects.filter(status="recorded").count()
    )
    assert Visit.objects.exclude(outcome__in=["completed", ""]).exists()  # some failed
    # A share with civil orders, breaches, MAPPA levels 2 and 3 with their history and meetings;
    # reactive management for part of the low risks.
    assert CivilOrder.objects.count() >= 0.03 * people
    assert Breach.objects.exists()
    assert OrderTerm.objects.exists()
    level_2_3 = Nominal.objects.filter(mappa_level__in=[2, 3])
    assert 0.01 * people <= level_2_3.count() <= 0.08 * people
    assert set(level_2_3.values_list("pk", flat=True)) == set(
        MappaLevelChange.objects.filter(level__in=[2, 3]).values_list("nominal_id", flat=True)
    )
    assert Meeting.objects.exists() and Decision.objects.exists() and Attendee.objects.exists()
    assert MeetingAction.objects.exists()
    assert AgendaItem.objects.filter(nominal__mappa_level=1).count() == 0
    reactive = Nominal.objects.filter(status=NominalStatus.REACTIVE)
    assert reactive.exists()
    assert not reactive.exclude(risk_level="low").exists()
    assert not reactive.filter(on_licence=True).exists()
    assert not reactive.exclude(mappa_level=MappaLevel.LEVEL_1).exists()
    assert RiskManagementPlan.objects.filter(current=True).count() == len(
        set(RiskManagementPlan.objects.values_list("nominal_id", flat=True))
    )
    assert not RiskManagementPlan.objects.filter(nominal__risk_level="low").exists()
    assert PlanAction.objects.exists() and CaseNote.objects.exists()
    assert RiskReviewDue.objects.exists() and Absence.objects.exists()
    assert OtherName.objects.exists()
    assert not Address.objects.filter(kind="home").exclude(postcode__regex=r"^[A-Z]").exists()


def test_staff_per_force_and_about_50_cases_per_offender_manager(reference_data):
    seed(offenders=600, seed=5)
    per_manager = list(
        Nominal.objects.exclude(offender_manager=None)
        .values("offender_manager")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    assert max(per_manager) <= 50
    assert sum(per_manager) >= 0.97 * 600  # a few wait for allocation in their team
    for force in Force.objects.filter(nominals__isnull=False).distinct():
        staff = User.objects.filter(force=force, username__startswith="nat.")
        for role in Role.values:
            assert staff.filter(groups__name=role).exists(), (force.code, role)
        assert staff.filter(groups__name=Role.MAPPA_CHAIR).count() == 1
        assert staff.filter(groups__name=Role.ADMINISTRATOR, is_staff=True).count() == 1
        issued = Nominal.objects.filter(force=force).count()
        assert Force.objects.get(pk=force.pk).last_reference_number == issued
        references = set(Nominal.objects.filter(force=force).values_list("reference", flat=True))
        assert references == {f"{force.reference_prefix}-{n:06d}" for n in range(1, issued + 1)}
    # Managers and supervisors sit in their teams' permission groups (cases.access).
    manager = User.objects.filter(username__startswith="nat.", groups__name=Role.OFFENDER_MANAGER)[
        0
    ]
    before = set(manager.groups.values_list("pk", flat=True))
    from cases.access import sync_user_groups

    sync_user_groups(manager)
    assert set(manager.groups.values_list("pk", flat=True)) == before


def test_seeding_twice_is_refused_unless_reset(reference_data, tmp_path):
    seed(offenders=80, seed=2)
    with pytest.raises(SeedRefused, match="--reset"):
        seed(offenders=80, seed=2)
    with pytest.raises(CommandError, match="--reset"):
        call_command(
            "seed_national",
            offenders=80,
            seed=2,
            foreground=True,
            no_sweeps=True,
            record=tmp_path / "record.json",
        )
    assert Nominal.objects.count() == 80
    seed(offenders=50, seed=2, reset=True)
    assert Nominal.objects.count() == 50
    assert User.objects.filter(username__startswith="nat.").count() == len(
        set(User.objects.filter(username__startswith="nat.").values_list("username", flat=True))
    )


def test_object_permissions_are_exactly_what_sync_case_permissions_makes(reference_data):
    seed(offenders=600, seed=5)
    assert Nominal.objects.filter(mappa_level__in=[2, 3]).exists()
    assert Nominal.objects.filter(offender_manager=None).exists()

    def grants(nominal):
        users = set(
            NominalUserObjectPermission.objects.filter(content_object=nominal).values_list(
                "user_id", "permission__codename"
            )
        )
        groups = set(
            NominalGroupObjectPermission.objects.filter(content_object=nominal).values_list(
                "group_id", "permission__codename"
            )
        )
        return users, groups

    totals = (
        NominalUserObjectPermission.objects.count(),
        NominalGroupObjectPermission.objects.count(),
    )
    for nominal in Nominal.objects.select_related("team"):
        before = grants(nominal)
        sync_case_permissions(nominal)
        assert grants(nominal) == before, nominal.reference
    assert totals == (
        NominalUserObjectPermission.objects.count(),
        NominalGroupObjectPermission.objects.count(),
    )


def test_search_names_are_what_the_services_keep(reference_data):
    seed(offenders=240, seed=11)
    assert OtherName.objects.values("nominal").distinct().count() > 20
    for nominal in Nominal.objects.all():
        stored = nominal.search_names
        services.refresh_search_names(nominal)
        assert nominal.search_names == stored, nominal.reference


def test_records_pass_the_models_own_validation(reference_data):
    seed(offenders=240, seed=11)
    connection.check_constraints()  # the deferred foreign keys hold
    models = [
        Nominal,
        Address,
        OtherName,
        Conviction,
        Absence,
        Notification,
        CivilOrder,
        OrderTerm,
        Breach,
        RiskLevelChange,
        Rm2000Scoring,
        ArmsAssessment,
        RiskManagementPlan,
        PlanAction,
        CaseNote,
        Visit,
        MappaLevelChange,
        Meeting,
        AgendaItem,
        Attendee,
        Decision,
        MeetingAction,
    ]
    for model in models:
        rows = list(model.objects.order_by("?")[:25])
        assert rows, model._meta.label
        for row in rows:
            row.full_clean()


def test_seeding_writes_no_audit_events_and_the_sweeps_then_have_nothing_left(reference_data):
    events = AuditEvent.objects.count()
    seed(offenders=240, seed=11)
    assert AuditEvent.objects.count() == events
    assert not Clock.objects.exists()
    seed(offenders=240, seed=11, reset=True, sweeps=True)
    people = Nominal.objects.count()
    assert Clock.objects.count() == people
    assert VisitDue.objects.count() == people
    assert MappaReviewDue.objects.filter(due__isnull=False).count() == (
        Nominal.objects.filter(mappa_level__in=[2, 3]).count()
    )
    # Under reactive management (some flagged for return: they missed a notification).
    under = ReactiveCase.objects.filter(stage__in=["approved", "return_flagged"])
    assert set(under.values_list("nominal_id", flat=True)) == set(
        Nominal.objects.filter(status=NominalStatus.REACTIVE).values_list("pk", flat=True)
    )
    # Nothing the seed wrote makes a registered case's requirements end early.
    assert not Nominal.objects.filter(
        status=NominalStatus.NOTIFICATION_ENDED, events__kind="notification_ended"
    ).exists()
    for sweep in (sweep_register, sweep_visits, refresh_reactive, sweep_mappa_reviews):
        assert sweep(on=ON).writes == 0, sweep.__name__
    count, problem = verify_chain()
    assert problem is None and count > events


def test_the_command_prints_its_progress_and_leaves_a_record(reference_data, tmp_path):
    out = tmp_path / "seed.json"
    from io import StringIO

    stdout = StringIO()
    call_command(
        "seed_national",
        offenders=60,
        seed=4,
        on=ON,
        foreground=True,
        no_sweeps=True,
        record=out,
        stdout=stdout,
    )
    text = stdout.getvalue()
    assert "Generated 60 people" in text
    assert "60 / 60 people (100 %)" in text
    assert NATIONAL_PASSWORD in text
    record = json.loads(out.read_text())
    assert record["offenders"] == 60 and record["seed"] == 4 and record["on"] == ON.isoformat()
    assert record["counts"]["cases.Nominal"] == 60
    assert record["seconds"]["generate"] > 0
    assert set(record["users"]) == {"offender_manager", "supervisor", "front_desk", "mappa_chair"}
    assert User.objects.get(username=record["users"]["offender_manager"]).check_password(
        NATIONAL_PASSWORD
    )


def test_the_command_rejects_a_bad_count(reference_data):
    with pytest.raises(CommandError, match="1 or more"):
        call_command("seed_national", offenders=0, foreground=True)
