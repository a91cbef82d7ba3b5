"""A deterministic, national-scale data set for the benchmark (issue 7, quality.md "Performance").

`NationalSeeder(offenders=N, seed=S).run()` fills a dedicated database with N fictional people
spread over the 43 territorial forces (most in a few big ones), their staff (offender managers
with about 50 cases each, supervisors, front desk, a MAPPA chair and an administrator per force)
and a realistic history: convictions (about a quarter indefinite), time in custody, about ten
notifications each, home visits, RM2000 scorings and ARMS assessments, the risk level's history
(about half low, 30 % medium, 18 % high, 2 % very high), plans for the higher risks, civil orders
and breaches for a share, MAPPA levels 2 and 3 with their meetings, and reactive management for
part of the long-standing low risks.

Each person's story is drawn in rsom.national_people. How it stays fast: rows are generated in
Python per chunk of people and streamed to PostgreSQL with COPY (one statement per table per
chunk, one transaction per chunk) while the next chunk is generated. Object permissions are
written as the direct-foreign-key rows `cases.access.sync_case_permissions` would make. The
stored due dates (the register's clocks, next visits, MAPPA reviews, reactive eligibility) are
left to the project's own nightly sweeps, which run at the end exactly as they run every night.

Determinism: each person is drawn from a random generator seeded by (seed, their position), so
the same seed and day give the same people, histories and references. Seeding is not processing
of personal data by a user: it writes no audit events (the audit chain is left as it was).
"""

from __future__ import annotations

import json
import math
import queue
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from cases.access import CHANGE, VIEW, mappa_chairs_group
from cases.models import (
    Address,
    CaseEvent,
    Force,
    InboxItem,
    Nominal,
    NominalGroupObjectPermission,
    NominalUserObjectPermission,
    OtherName,
    Role,
    Team,
    User,
)
from mappa.models import (
    Agency,
    AgencyKind,
    AgendaItem,
    Attendee,
    Decision,
    MappaLevelChange,
    Meeting,
    MeetingAction,
)
from notifications.models import (
    Absence,
    Breach,
    CivilOrder,
    Conviction,
    Notification,
    OrderTerm,
    Schedule3Offence,
    Station,
)
from risk.models import (
    ArmsAssessment,
    ArmsFactor,
    ArmsRating,
    CaseNote,
    PlanAction,
    RiskLevelChange,
    RiskManagementPlan,
    RiskReviewDue,
    Rm2000Scoring,
)
from rsom import national_reference as ref
from rsom.national_people import (
    ForceInfo,
    MappaCase,
    MeetingBuilder,
    PersonBuilder,
    TeamInfo,
)
from visits.models import Visit

NATIONAL_PASSWORD = "rsom-national-2026"
USERNAME_PREFIX = "nat."
TEAM_SUFFIX = " MOSOVO"
CASES_PER_MANAGER = 50
MANAGERS_PER_TEAM = 8
CASES_PER_FRONT_DESK = 4000
DEFAULT_CHUNK = 2000


def default_record_path() -> Path:
    # One record per database: benchmarking one data set must not report another's seeding.
    name = settings.DATABASES["default"]["NAME"]
    return Path(settings.BASE_DIR) / ".data" / f"seed_national-{name}.json"


class SeedRefused(Exception):
    """The database is not empty and no reset was asked for."""


# --- Tables written with COPY ---------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table filled with COPY: the model and the attribute names in row order."""

    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def sql(self) -> str:
        quote = connection.ops.quote_name
        columns = {f.attname: f.column for f in self.model._meta.concrete_fields}
        names = ", ".join(quote(columns[name]) for name in self.fields)
        return f"COPY {quote(self.model._meta.db_table)} ({names}) FROM STDIN"


def _fields(model: type[models.Model], *, with_id: bool) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if with_id or f.attname != "id")


# Tables whose rows other rows point to get their ids from the seeder (so children can name them);
# the rest take theirs from the database. The order is the order of writing.
_WITH_ID = [Nominal, Address, Notification, ArmsAssessment, RiskManagementPlan, CivilOrder]
_WITHOUT_ID = [
    OtherName,
    NominalUserObjectPermission,
    NominalGroupObjectPermission,
    Conviction,
    Absence,
    CaseEvent,
    InboxItem,
    OrderTerm,
    Breach,
    RiskLevelChange,
    Rm2000Scoring,
    ArmsRating,
    PlanAction,
    CaseNote,
    Visit,
    MappaLevelChange,
]
TABLES: dict[type[models.Model], Table] = {
    **{m: Table(m, _fields(m, with_id=True)) for m in _WITH_ID},
    **{m: Table(m, _fields(m, with_id=False)) for m in _WITHOUT_ID},
    RiskReviewDue: Table(RiskReviewDue, _fields(RiskReviewDue, with_id=True)),
    Meeting: Table(Meeting, _fields(Meeting, with_id=True)),
    AgendaItem: Table(AgendaItem, _fields(AgendaItem, with_id=True)),
    Attendee: Table(Attendee, _fields(Attendee, with_id=False)),
    Decision: Table(Decision, _fields(Decision, with_id=False)),
    MeetingAction: Table(MeetingAction, _fields(MeetingAction, with_id=False)),
}
# Parents before children, so an immediate constraint check would also pass.
WRITE_ORDER = [
    Nominal,
    Address,
    OtherName,
    NominalUserObjectPermission,
    NominalGroupObjectPermission,
    Conviction,
    Absence,
    Notification,
    CaseEvent,
    InboxItem,
    CivilOrder,
    OrderTerm,
    Breach,
    RiskLevelChange,
    Rm2000Scoring,
    ArmsAssessment,
    ArmsRating,
    RiskManagementPlan,
    PlanAction,
    RiskReviewDue,
    CaseNote,
    Visit,
    MappaLevelChange,
    Meeting,
    Attendee,
    AgendaItem,
    Decision,
    MeetingAction,
]
ID_TABLES = [*_WITH_ID, Meeting, AgendaItem]

Rows = dict[type[models.Model], list[tuple]]

# Records a case gathers over the years are written in the order they happened, not person by
# person, so each case's rows lie spread over the table as they do in real use (and reading one
# case's history costs the page reads it would).
TIME_ORDER = {
    Notification: "taken_at",
    Visit: "created_at",
    CaseEvent: "occurred_at",
    RiskLevelChange: "created_at",
    Address: "created_at",
    Conviction: "created_at",
}


def in_time_order(rows: Rows) -> None:
    for model, column in TIME_ORDER.items():
        if rows.get(model):
            position = TABLES[model].fields.index(column)
            rows[model].sort(key=lambda row: row[position])


def copy_rows(rows: Rows, seconds: dict[str, float] | None = None) -> None:
    """Write each table's rows with one COPY, in the caller's transaction (adding the time each
    table took to `seconds`)."""
    with connection.cursor() as cursor:
        for model in WRITE_ORDER:
            batch = rows.get(model)
            if not batch:
                continue
            started = time.monotonic()
            with cursor.copy(TABLES[model].sql) as copy:
                for row in batch:
                    copy.write_row(row)
            if seconds is not None:
                label = model._meta.label
                seconds[label] = seconds.get(label, 0.0) + time.monotonic() - started


class Writer:
    """Writes chunks, each in its own transaction. With `background`, a thread with its own
    database connection writes one chunk while the caller generates the next (PostgreSQL and
    Python then use one core each)."""

    def __init__(self, *, background: bool, session_sql: Iterable[str] = ()):
        self.background = background
        self.session_sql = list(session_sql)
        self.rows_written = 0
        self.seconds: dict[str, float] = {}
        self._error: BaseException | None = None
        if background:
            self._queue: queue.Queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._work, name="seed-writer", daemon=True)
            self._thread.start()

    def _prepare(self) -> None:
        with connection.cursor() as cursor:
            for sql in self.session_sql:
                cursor.execute(sql)

    def _write(self, rows: Rows) -> None:
        with transaction.atomic():
            copy_rows(rows, self.seconds)
            started = time.monotonic()
        self.seconds["commit"] = self.seconds.get("commit", 0.0) + time.monotonic() - started
        self.rows_written += sum(len(r) for r in rows.values())

    def _work(self) -> None:
        try:
            self._prepare()
            while True:
                rows = self._queue.get()
                if rows is None:
                    return
                if self._error is None:
                    self._write(rows)
        except BaseException as error:  # handed to the caller at its next call
            self._error = error
            while self._queue.get() is not None:  # let the caller finish putting
                pass
        finally:
            connection.close()

    def submit(self, rows: Rows) -> None:
        self._raise()
        if not self.background:
            self._write(rows)
            return
        self._queue.put(rows)

    def close(self) -> None:
        if self.background:
            self._queue.put(None)
            self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


@dataclass
class SeedReport:
    offenders: int
    seed: int
    on: date
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    sweeps: dict[str, dict] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    database: str = ""
    copy_seconds: dict[str, float] = field(default_factory=dict)  # per table, while loading

    def as_dict(self) -> dict:
        return {
            "offenders": self.offenders,
            "seed": self.seed,
            "on": self.on.isoformat(),
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "counts": self.counts,
            "sweeps": self.sweeps,
            "users": self.users,
            "password": NATIONAL_PASSWORD,
            "database": self.database,
            "copy_seconds": self.copy_seconds,
        }


# --- The seeder ---------------------------------------------------------------------------------


class NationalSeeder:
    def __init__(
        self,
        *,
        offenders: int,
        seed: int,
        on: date | None = None,
        reset: bool = False,
        chunk_size: int = DEFAULT_CHUNK,
        background: bool = True,
        sweeps: bool = True,
        fast_constraints: bool = False,
        record_path: Path | None = None,
        progress: Callable[[str], None] = lambda line: None,
    ):
        if offenders < 1:
            raise ValueError("The number of offenders must be at least 1.")
        self.offenders = offenders
        self.seed = seed
        self.on = on or timezone.localdate()
        self.reset = reset
        self.chunk_size = max(1, chunk_size)
        self.background = background
        self.run_sweeps = sweeps
        self.fast_constraints = fast_constraints
        self.record_path = record_path
        self.progress = progress
        self.report = SeedReport(offenders=offenders, seed=seed, on=self.on)
        self.counts: dict[str, int] = defaultdict(int)
        self.mappa_cases: list[MappaCase] = []
        self.key_tag = (0x4E4154 << 32) | (seed & 0xFFFFFFFF)  # "NAT" and the seed
        self.serial = 0

    # Entry point ---------------------------------------------------------------------------

    def run(self) -> SeedReport:
        started = time.monotonic()
        self._check_empty()
        self._reference()
        self._staff()
        self.report.seconds["staff"] = time.monotonic() - started
        mark = time.monotonic()
        self._people()
        self.report.seconds["people"] = time.monotonic() - mark
        mark = time.monotonic()
        self._finish()
        self.report.seconds["finish"] = time.monotonic() - mark
        self.report.seconds["generate"] = time.monotonic() - started
        if self.run_sweeps:
            self._sweeps()
        self.report.seconds["total"] = time.monotonic() - started
        self.report.counts = dict(sorted(self.counts.items()))
        self.report.database = str(connection.settings_dict.get("NAME", ""))
        if self.record_path is not None:
            self.record_path.parent.mkdir(parents=True, exist_ok=True)
            self.record_path.write_text(json.dumps(self.report.as_dict(), indent=2) + "\n")
        return self.report

    # Empty database, or reset ----------------------------------------------------------------

    def _check_empty(self) -> None:
        cases = Nominal.objects.count()
        staff = User.objects.filter(username__startswith=USERNAME_PREFIX).count()
        if not (cases or staff):
            return
        if not self.reset:
            raise SeedRefused(
                f"The database already holds {cases:,} cases and {staff:,} seeded staff. "
                "seed_national fills a dedicated benchmark database: run it again with --reset "
                "to empty the register first (the audit trail is kept)."
            )
        self.progress(f"Emptying the register ({cases:,} cases, {staff:,} seeded staff)…")
        reset_national_data()

    # Reference data ------------------------------------------------------------------------

    def _reference(self) -> None:
        forces = {
            f.code: f
            for f in Force.objects.filter(
                kind=Force.Kind.TERRITORIAL, code__in=ref.FORCE_POPULATION
            )
        }
        missing = set(ref.FORCE_POPULATION) - set(forces)
        if missing:
            raise SeedRefused(
                "These forces are missing from the database (run migrate): "
                + ", ".join(sorted(missing))
            )
        self.offences = {o.paragraph: o.pk for o in Schedule3Offence.objects.all()}
        self.offence_names = {o.paragraph: o.offence for o in Schedule3Offence.objects.all()}
        self.factors = list(
            ArmsFactor.objects.filter(in_use=True).values_list("pk", "kind", "name")
        )
        agencies = list(Agency.objects.filter(in_use=True).order_by("order", "name"))
        self.authorities = [a for a in agencies if a.kind == AgencyKind.RESPONSIBLE_AUTHORITY]
        self.cooperating = [a for a in agencies if a.kind == AgencyKind.DUTY_TO_COOPERATE]
        perms = Permission.objects.filter(
            content_type__app_label="cases", codename__in=[VIEW, CHANGE]
        )
        self.perm = {p.codename: p.pk for p in perms}
        # The register's share per force: Zipf-like, about 9 % in the Met.
        weights = {c: p**ref.SPREAD_EXPONENT for c, p in ref.FORCE_POPULATION.items()}
        shares = _apportion(self.offenders, weights)
        self.forces = {
            code: ForceInfo(
                force=forces[code],
                count=shares[code],
                places=[tuple(p.split(":")) for p in ref.FORCE_PLACES[code].split(";")],
            )
            for code in ref.FORCE_POPULATION
        }
        order = [code for code, n in shares.items() for _ in range(n)]
        # People join the register in an order mixing the forces, so one force's (or one offender
        # manager's) cases lie spread over the table, as they do after years of use.
        random.Random(f"{self.seed}:order").shuffle(order)
        self.force_order = order
        self.notification_link = reverse("notifications:notification-detail", args=[0])[:-2]

    # Staff -----------------------------------------------------------------------------------

    def _staff(self) -> None:
        password = make_password(NATIONAL_PASSWORD)
        roles = {r: Group.objects.get_or_create(name=r)[0].pk for r in Role.values}
        groups, teams, users = [], [], []
        plan: list[tuple[ForceInfo, list[str], list]] = []
        for code, info in self.forces.items():
            if not info.count:
                continue
            rnd = random.Random(f"{self.seed}:staff:{code}")
            managers = max(1, math.ceil(info.count / CASES_PER_MANAGER))
            team_count = math.ceil(managers / MANAGERS_PER_TEAM)
            names = _team_names(team_count)
            for name in names:
                groups.append(Group(name=f"team-{code}-{name}-members"[:150]))
                groups.append(Group(name=f"team-{code}-{name}-supervisors"[:150]))
            people = (
                [("om", i + 1, Role.OFFENDER_MANAGER) for i in range(managers)]
                + [("sup", i + 1, Role.SUPERVISOR) for i in range(team_count)]
                + [
                    ("desk", i + 1, Role.FRONT_DESK)
                    for i in range(max(1, info.count // CASES_PER_FRONT_DESK))
                ]
                + [("chair", 1, Role.MAPPA_CHAIR), ("admin", 1, Role.ADMINISTRATOR)]
            )
            made = []
            for kind, number, role in people:
                username = f"{USERNAME_PREFIX}{code}.{kind}{number:03d}"
                user = User(
                    username=username,
                    password=password,
                    first_name=rnd.choice(ref.MALE_FORENAMES + ref.FEMALE_FORENAMES),
                    last_name=rnd.choice(ref.SURNAMES),
                    email=f"{username}@{code}.police.example",
                    force=info.force,
                    collar_number=str(rnd.randrange(1000, 99999)),
                    is_staff=role == Role.ADMINISTRATOR,
                    date_joined=timezone.now(),
                )
                users.append(user)
                made.append((kind, role, user))
            plan.append((info, names, made))
        Group.objects.bulk_create(groups)
        group_ids = dict(
            Group.objects.filter(name__in=[g.name for g in groups]).values_list("name", "pk")
        )
        for info, names, _ in plan:
            for name in names:
                teams.append(
                    Team(
                        force=info.force,
                        name=name,
                        members_group_id=group_ids[f"team-{info.code}-{name}-members"[:150]],
                        supervisors_group_id=group_ids[
                            f"team-{info.code}-{name}-supervisors"[:150]
                        ],
                    )
                )
        Team.objects.bulk_create(teams)
        User.objects.bulk_create(users, batch_size=1000)
        team_rows = {(t.force_id, t.name): t for t in teams}
        user_groups, user_teams = [], []
        through_groups, through_teams = User.groups.through, User.teams.through
        for info, names, made in plan:
            info.teams = [
                TeamInfo(
                    id=team_rows[(info.force.pk, n)].pk,
                    name=n,
                    members_group_id=team_rows[(info.force.pk, n)].members_group_id,
                    supervisors_group_id=team_rows[(info.force.pk, n)].supervisors_group_id,
                )
                for n in names
            ]
            info.chairs_group_id = mappa_chairs_group(info.force.pk).pk
            managers = [u for kind, _, u in made if kind == "om"]
            supervisors = [u for kind, _, u in made if kind == "sup"]
            for index, user in enumerate(managers):
                team = info.teams[index % len(info.teams)]
                info.managers.append(user.pk)
                info.manager_team[user.pk] = index % len(info.teams)
                user_teams.append(through_teams(user_id=user.pk, team_id=team.id))
                user_groups.append(through_groups(user_id=user.pk, group_id=team.members_group_id))
            for index, user in enumerate(supervisors):
                team = info.teams[index]
                team.supervisor_id = user.pk
                user_teams.append(through_teams(user_id=user.pk, team_id=team.id))
                user_groups.append(through_groups(user_id=user.pk, group_id=team.members_group_id))
                user_groups.append(
                    through_groups(user_id=user.pk, group_id=team.supervisors_group_id)
                )
            for kind, role, user in made:
                user_groups.append(through_groups(user_id=user.pk, group_id=roles[role]))
                if kind == "desk":
                    info.desk.append(user.pk)
                elif kind == "chair":
                    info.chair_id = user.pk
                    user_groups.append(
                        through_groups(user_id=user.pk, group_id=info.chairs_group_id)
                    )
                elif kind == "admin":
                    info.admin_id = user.pk
            info.slots = self._slots(info)
        through_groups.objects.bulk_create(user_groups, batch_size=5000)
        through_teams.objects.bulk_create(user_teams, batch_size=5000)
        self._stations()
        self.counts["users"] = len(users)
        self.counts["teams"] = len(teams)
        self._bench_users()

    def _slots(self, info: ForceInfo) -> list[tuple[int, int | None]]:
        rnd = random.Random(f"{self.seed}:slots:{info.code}")
        slots = []
        for k in range(info.count):
            manager = info.managers[k % len(info.managers)]
            if rnd.random() < 0.01:  # waiting for allocation: the team holds it
                slots.append((info.manager_team[manager], None))
            else:
                slots.append((info.manager_team[manager], manager))
        rnd.shuffle(slots)
        return slots

    def _stations(self) -> None:
        existing = {
            (s.force_id, s.name): s.pk
            for s in Station.objects.filter(force__in=[i.force for i in self.forces.values()])
        }
        new = []
        for info in self.forces.values():
            if not info.count:
                continue
            towns = list(dict.fromkeys(town for town, _ in info.places))
            for town in towns:
                name = f"{town} police station"
                if (info.force.pk, name) not in existing:
                    new.append(Station(force=info.force, name=name, address=town))
        Station.objects.bulk_create(new)
        for station in Station.objects.filter(force__in=[i.force for i in self.forces.values()]):
            for info in self.forces.values():
                if info.force.pk == station.force_id and station.name.endswith(" police station"):
                    info.stations.append((station.pk, station.name))

    def _bench_users(self) -> None:
        """Who the benchmark signs in as: the biggest force's staff."""
        info = max(self.forces.values(), key=lambda i: i.count)
        manager = info.managers[0]
        team = info.teams[info.manager_team[manager]]
        names = dict(
            User.objects.filter(
                pk__in=[manager, team.supervisor_id, info.desk[0], info.chair_id]
            ).values_list("pk", "username")
        )
        self.report.users = {
            "offender_manager": names[manager],
            "supervisor": names[team.supervisor_id],
            "front_desk": names[info.desk[0]],
            "mappa_chair": names[info.chair_id],
        }

    # People ----------------------------------------------------------------------------------

    def _people(self) -> None:
        session = ["SET synchronous_commit = off"]
        if self.fast_constraints:
            # Foreign keys are not checked row by row (superuser only); the data is built whole.
            session.append("SET session_replication_role = replica")
        writer = Writer(background=self.background, session_sql=session)
        if not self.background:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
        self.ids = {model: _next_id(model) for model in ID_TABLES}
        started = time.monotonic()
        total = self.offenders
        try:
            for start in range(0, total, self.chunk_size):
                rows: Rows = defaultdict(list)
                for index in range(start, min(start + self.chunk_size, total)):
                    PersonBuilder(self, index, rows).build()
                in_time_order(rows)
                writer.submit(rows)
                for model, batch in rows.items():
                    self.counts[model._meta.label] += len(batch)
                done = min(start + self.chunk_size, total)
                elapsed = time.monotonic() - started
                share = 100 * done / total
                self.progress(f"  {done:>9,} / {total:,} people ({share:3.0f} %), {elapsed:6.1f} s")
            rows = defaultdict(list)
            MeetingBuilder(self, rows).build()
            writer.submit(rows)
            for model, batch in rows.items():
                self.counts[model._meta.label] += len(batch)
        finally:
            writer.close()
        self.report.copy_seconds = {
            k: round(v, 2) for k, v in sorted(writer.seconds.items(), key=lambda kv: -kv[1])
        }
        if not self.background:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = on")

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def next_id(self, model: type[models.Model]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    # Finishing -------------------------------------------------------------------------------

    def _finish(self) -> None:
        for info in self.forces.values():
            if info.issued:
                Force.objects.filter(pk=info.force.pk).update(last_reference_number=info.issued)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in ID_TABLES:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM {quote(table)}), 1))",
                    [table],
                )
            self.progress("Updating the planner's statistics (ANALYZE)…")
            cursor.execute("ANALYZE")

    def _sweeps(self) -> None:
        from mappa.sweep import sweep_mappa_reviews
        from notifications.sweep import sweep_register
        from risk.sweep import refresh_reactive
        from visits.sweep import sweep_visits

        for name, sweep in [
            ("register", sweep_register),
            ("visits", sweep_visits),
            ("reactive", refresh_reactive),
            ("mappa", sweep_mappa_reviews),
        ]:
            self.progress(f"Running the {name} sweep…")
            mark = time.monotonic()
            result = sweep(on=self.on)
            seconds = time.monotonic() - mark
            self.report.sweeps[name] = {
                "seconds": round(seconds, 2),
                "writes": result.writes,
                "result": str(result),
            }
            self.report.seconds[f"sweep_{name}"] = seconds
            self.progress(f"  {result} ({seconds:.1f} s)")
        # As autovacuum would have by the next night: the visibility map lets the sweeps read
        # their covering indexes alone, and the planner sees the sweeps' writes. (VACUUM cannot
        # run in a transaction, as in a test; ANALYZE alone there.)
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        self.progress(f"Updating the tables ({statement})…")
        with connection.cursor() as cursor:
            cursor.execute(statement)


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` by weight with the largest-remainder method (the shares add up exactly)."""
    whole = sum(weights.values())
    raw = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in raw.items()}
    left = total - sum(shares.values())
    for k in sorted(raw, key=lambda k: (raw[k] - shares[k], k), reverse=True)[:left]:
        shares[k] += 1
    return shares


def _team_names(count: int) -> list[str]:
    names = []
    for index in range(count):
        base = ref.TEAM_NAMES[index % len(ref.TEAM_NAMES)]
        round_ = index // len(ref.TEAM_NAMES) + 1
        names.append(f"{base}{f' {round_}' if round_ > 1 else ''}{TEAM_SUFFIX}")
    return names


def _next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        first = cursor.fetchone()[0]
        # Past the sequence too: a row added through the application used it.
        cursor.execute(
            "SELECT last_value FROM pg_sequences WHERE schemaname = current_schema() "
            "AND sequencename = split_part(pg_get_serial_sequence(%s, 'id'), '.', 2)",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return max(first, (row[0] or 0) + 1 if row else first)


def reset_national_data() -> None:
    """Empty the register (every case and everything recorded about it, and the MAPPA meetings)
    and remove the seeded staff and their teams. The audit trail is append-only and kept."""
    with connection.cursor() as cursor:
        # TRUNCATE refuses while the transaction holds deferred foreign-key checks (a caller's
        # transaction that has just written rows): run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {Nominal._meta.db_table}, {Meeting._meta.db_table} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with transaction.atomic():
        seeded = User.objects.filter(username__startswith=USERNAME_PREFIX)
        teams = list(
            Team.objects.filter(name__endswith=TEAM_SUFFIX).exclude(
                users__in=User.objects.exclude(username__startswith=USERNAME_PREFIX)
            )
        )
        seeded.delete()
        groups = [g for t in teams for g in (t.members_group_id, t.supervisors_group_id)]
        Team.objects.filter(pk__in=[t.pk for t in teams]).delete()
        Group.objects.filter(pk__in=groups).delete()
        Force.objects.update(last_reference_number=0)
