"""The benchmark (issue 7, quality.md "Performance"): what quality.md lists, measured on the data
set `seed_national` generates.

- Pages, through Django's test client signed in with a real password: the server time of each
  request (p50 and p95 after a warm-up), its SQL query count, and the bare SQL behind it (the
  captured statements run again directly with a cursor) with the ratio page / SQL.
- The nightly sweeps over all records, run twice: the second run must write nothing.
- The 10-case MAPPA meeting pack PDF.
- The time the data set took to generate (from the record seed_national leaves).

Pages are a small registry (PAGES): a page is measured when its URL name resolves, and skipped
with a note when it does not exist yet.
"""

from __future__ import annotations

import importlib
import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.models import Nominal, NominalStatus, Role, User
from rsom.national_data import NATIONAL_PASSWORD, USERNAME_PREFIX

PAGE_P95_MS = 150
PAGE_MAX_QUERIES = 20
SWEEP_SECONDS = 60
SWEEP_TARGET_PEOPLE = 150_000
PACK_SECONDS = 5
PACK_CASES = 10

# --- What is measured ---------------------------------------------------------------------------


@dataclass
class Subjects:
    """The records the pages are opened on, chosen from the data set."""

    case_id: int
    case_name: str
    reference: str
    date_of_birth: date
    meeting_id: int | None
    meeting_cases: int


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    persona: str  # offender_manager, supervisor, front_desk or mappa_chair
    url_name: str
    args: Callable[[Subjects], list] = lambda s: []
    query: Callable[[Subjects], dict] = lambda s: {}
    note: str = ""
    needs_meeting: bool = False


PAGES = [
    Page("caseload", "Offender manager's caseload", "offender_manager", "cases:caseload"),
    Page(
        "case_overview",
        "Offender's profile: case overview",
        "offender_manager",
        "cases:nominal-detail",
        args=lambda s: [s.case_id],
    ),
    Page(
        "case_register",
        "Offender's profile: register tab",
        "offender_manager",
        "notifications:register",
        args=lambda s: [s.case_id],
    ),
    Page("team_dashboard", "Supervisor's team dashboard", "supervisor", "dashboards:team"),
    Page(
        "team_caseload",
        "Supervisor's team caseload",
        "supervisor",
        "cases:caseload",
        query=lambda s: {"scope": "team"},
    ),
    Page(
        "search_name",
        "Front-desk search by name",
        "front_desk",
        "notifications:frontdesk-search",
        query=lambda s: {"q": s.case_name},
    ),
    Page(
        "search_dob",
        "Front-desk search by date of birth",
        "front_desk",
        "notifications:frontdesk-search",
        query=lambda s: {
            "date_of_birth_0": s.date_of_birth.day,
            "date_of_birth_1": s.date_of_birth.month,
            "date_of_birth_2": s.date_of_birth.year,
        },
    ),
    Page(
        "search_reference",
        "Front-desk search by reference",
        "front_desk",
        "notifications:frontdesk-search",
        query=lambda s: {"q": s.reference},
    ),
    Page(
        "mappa_meeting",
        "MAPPA meeting page",
        "mappa_chair",
        "mappa:meeting-detail",
        args=lambda s: [s.meeting_id],
        needs_meeting=True,
    ),
]

# The nightly sweeps: (name, module, function). Each takes on= and returns a result with .writes.
SWEEPS = [
    ("register", "notifications.sweep", "sweep_register"),
    ("visits", "visits.sweep", "sweep_visits"),
    ("reactive", "risk.sweep", "refresh_reactive"),
    ("mappa reviews", "mappa.sweep", "sweep_mappa_reviews"),
]
PACK_RENDERER = ("mappa.pack", "render_meeting_pack")

PERSONAS = {
    "offender_manager": Role.OFFENDER_MANAGER,
    "supervisor": Role.SUPERVISOR,
    "front_desk": Role.FRONT_DESK,
    "mappa_chair": Role.MAPPA_CHAIR,
}


# --- Results ------------------------------------------------------------------------------------


@dataclass
class PageResult:
    key: str
    title: str
    url: str = ""
    status: int | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    sql_ms: float | None = None
    ratio: float | None = None
    slowest_sql_ms: float | None = None
    slowest_sql: str = ""
    note: str = ""
    skipped: bool = False

    @property
    def misses(self) -> list[str]:
        if self.skipped or self.p95_ms is None:
            return []
        out = []
        if self.p95_ms >= PAGE_P95_MS:
            out.append(f"p95 {self.p95_ms:.0f} ms ≥ {PAGE_P95_MS} ms")
        if self.queries is not None and self.queries > PAGE_MAX_QUERIES:
            out.append(f"{self.queries} queries > {PAGE_MAX_QUERIES}")
        return out


@dataclass
class SweepResult:
    name: str
    first_seconds: float | None = None
    first_writes: int | None = None
    second_seconds: float | None = None
    second_writes: int | None = None
    note: str = ""


@dataclass
class BenchReport:
    people: int
    database: str
    on: str
    repeat: int
    debug: bool
    pages: list[PageResult] = field(default_factory=list)
    sweeps: list[SweepResult] = field(default_factory=list)
    sweep_seconds: float | None = None
    pack: dict[str, Any] = field(default_factory=dict)
    seeding: dict[str, Any] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, Any] = field(default_factory=dict)

    def misses(self) -> list[str]:
        out = [f"{p.title}: {m}" for p in self.pages for m in p.misses]
        if (
            self.sweep_seconds is not None
            and self.people >= SWEEP_TARGET_PEOPLE
            and self.sweep_seconds >= SWEEP_SECONDS
        ):
            out.append(f"Nightly sweeps: {self.sweep_seconds:.0f} s ≥ {SWEEP_SECONDS} s")
        out += [
            f"Nightly sweep {s.name}: the second run wrote {s.second_writes} rows"
            for s in self.sweeps
            if s.second_writes
        ]
        if self.pack.get("seconds") is not None and self.pack["seconds"] >= PACK_SECONDS:
            out.append(f"MAPPA pack: {self.pack['seconds']:.1f} s ≥ {PACK_SECONDS} s")
        return out

    def as_dict(self) -> dict:
        data = asdict(self)
        data["misses"] = self.misses()
        return data


# --- Running it ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


class Bench:
    def __init__(
        self,
        *,
        repeat: int = 20,
        warmup: int = 3,
        sweeps: bool = True,
        pack: bool = True,
        record_path: Path | None = None,
        pages: list[Page] | None = None,
        progress: Callable[[str], None] = lambda line: None,
    ):
        if repeat < 1:
            raise ValueError("Repeat each page at least once.")
        self.repeat = repeat
        self.warmup = warmup
        self.do_sweeps = sweeps
        self.do_pack = pack
        self.record_path = record_path
        self.pages = PAGES if pages is None else pages
        self.progress = progress

    def run(self) -> BenchReport:
        from django.conf import settings

        record = _read_record(self.record_path)
        report = BenchReport(
            people=Nominal.objects.count(),
            database=str(connection.settings_dict.get("NAME", "")),
            on=timezone.localdate().isoformat(),
            repeat=self.repeat,
            debug=settings.DEBUG,
            seeding=_seeding(record),
        )
        users = bench_users(record)
        report.users = {k: u.username for k, u in users.items()}
        subjects = choose_subjects(users)
        report.subjects = {k: str(v) for k, v in asdict(subjects).items()}
        with override_settings(**_client_settings(settings)):
            clients = {persona: _signed_in(user) for persona, user in users.items()}
            for page in self.pages:
                self.progress(f"Page: {page.title}…")
                report.pages.append(self._page(page, clients, subjects))
        if self.do_sweeps:
            report.sweeps = [self._sweep(*sweep) for sweep in SWEEPS]
            measured = [s.second_seconds for s in report.sweeps if s.second_seconds is not None]
            report.sweep_seconds = round(sum(measured), 2) if measured else None
        if self.do_pack:
            report.pack = self._pack(subjects)
        return report

    # Pages -----------------------------------------------------------------------------------

    def _page(self, page: Page, clients: dict[str, Client], subjects: Subjects) -> PageResult:
        result = PageResult(key=page.key, title=page.title, note=page.note)
        if page.needs_meeting and subjects.meeting_id is None:
            result.skipped, result.note = True, "no MAPPA meeting in the data set"
            return result
        try:
            url = reverse(page.url_name, args=page.args(subjects))
        except NoReverseMatch:
            result.skipped = True
            result.note = f"not built yet ({page.url_name} does not exist)"
            return result
        client = clients[page.persona]
        query = page.query(subjects)
        result.url = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        response = client.get(url, query)
        result.status = response.status_code
        if response.status_code != 200:
            result.skipped = True
            result.note = f"answered {response.status_code}, not 200: not measured"
            return result
        for _ in range(self.warmup - 1):
            client.get(url, query)
        times = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            client.get(url, query)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, query)
        result.p50_ms = round(statistics.median(times), 1)
        result.p95_ms = round(percentile(times, 0.95), 1)
        result.queries = len(captured.captured_queries)
        sql = [q["sql"] for q in captured.captured_queries if _is_read(q["sql"])]
        total, slowest, slowest_sql = _time_sql(sql, runs=max(3, min(self.repeat, 10)))
        result.sql_ms = round(total, 2)
        result.slowest_sql_ms = round(slowest, 2)
        result.slowest_sql = slowest_sql
        result.ratio = round(result.p50_ms / total, 1) if total else None
        return result

    # Sweeps ----------------------------------------------------------------------------------

    def _sweep(self, name: str, module: str, function: str) -> SweepResult:
        result = SweepResult(name=name)
        try:
            sweep = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            result.note = f"not built yet ({module}.{function} does not exist)"
            return result
        on = timezone.localdate()
        for run in ("first", "second"):
            self.progress(f"Sweep: {name} ({run} run)…")
            started = time.perf_counter()
            outcome = sweep(on=on)
            seconds = time.perf_counter() - started
            setattr(result, f"{run}_seconds", round(seconds, 2))
            setattr(result, f"{run}_writes", outcome.writes)
            if not getattr(outcome, "ran", True):
                result.note = "another sweep held the lock: not run"
                break
        return result

    # The pack --------------------------------------------------------------------------------

    def _pack(self, subjects: Subjects) -> dict[str, Any]:
        module, function = PACK_RENDERER
        try:
            render = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            return {"note": f"not built yet ({module}.{function} does not exist)"}
        if subjects.meeting_id is None:
            return {"note": "no MAPPA meeting in the data set"}
        from mappa.models import Meeting

        meeting = Meeting.objects.get(pk=subjects.meeting_id)
        self.progress(f"MAPPA pack: {subjects.meeting_cases} cases…")
        render(meeting, shared=True)  # warm-up: fonts and templates
        started = time.perf_counter()
        rendered = render(meeting, shared=True)
        seconds = time.perf_counter() - started
        return {
            "cases": subjects.meeting_cases,
            "seconds": round(seconds, 2),
            "pages": getattr(rendered, "pages", None),
            "bytes": len(getattr(rendered, "pdf", b"")),
        }


# --- Choosing users and records -----------------------------------------------------------------


def _read_record(path: Path | None) -> dict:
    if path is None or not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _seeding(record: dict) -> dict:
    if not record:
        return {"note": "no record from seed_national found"}
    seconds = record.get("seconds", {})
    return {
        "offenders": record.get("offenders"),
        "seed": record.get("seed"),
        "on": record.get("on"),
        "database": record.get("database"),
        "generate_seconds": seconds.get("generate"),
        "sweep_seconds": round(sum(v for k, v in seconds.items() if k.startswith("sweep_")), 2),
        "total_seconds": seconds.get("total"),
        "sweeps": record.get("sweeps", {}),
    }


class BenchError(Exception):
    """Something the benchmark needs is missing (a user, a case, a sign-in)."""


def bench_users(record: dict) -> dict[str, User]:
    """The users seed_national named in its record, or else the biggest force's seeded staff."""
    names = record.get("users") or {}
    users = {}
    for persona, role in PERSONAS.items():
        user = None
        if names.get(persona):
            user = User.objects.filter(username=names[persona], is_active=True).first()
        if user is None:
            user = (
                User.objects.filter(
                    username__startswith=USERNAME_PREFIX, groups__name=role, is_active=True
                )
                .annotate(force_cases=Count("force__nominals", distinct=True))
                .order_by("-force_cases", "username")
                .first()
            )
        if user is None:
            raise BenchError(
                f"No {Role(role).label.lower()} to sign in as: run seed_national first."
            )
        users[persona] = user
    return users


def choose_subjects(users: dict[str, User]) -> Subjects:
    """A typical case of the offender manager (active, the number of notifications nearest ten)
    and the chair's meeting with the number of cases nearest ten, closed ones first."""
    manager = users["offender_manager"]
    cases = list(
        Nominal.objects.filter(offender_manager=manager, status=NominalStatus.ACTIVE)
        .annotate(count=Count("notifications"))
        .order_by("pk")
    )
    if not cases:
        raise BenchError(f"{manager.username} has no active case: run seed_national first.")
    case = min(cases, key=lambda n: (abs(n.count - 10), n.pk))
    from mappa.models import Meeting

    meetings = list(
        Meeting.objects.filter(force_id=users["mappa_chair"].force_id)
        .annotate(cases=Count("agenda"), closed=Count("pk", filter=Q(status="closed")))
        .order_by("-held_on", "pk")[:500]
    )
    meeting = min(meetings, key=lambda m: (abs(m.cases - PACK_CASES), -m.closed), default=None)
    return Subjects(
        case_id=case.pk,
        case_name=case.full_name,
        reference=case.reference,
        date_of_birth=case.date_of_birth,
        meeting_id=meeting.pk if meeting else None,
        meeting_cases=meeting.cases if meeting else 0,
    )


def _client_settings(settings) -> dict:
    """What the test client needs from the settings in any environment: its host allowed, no
    redirect to HTTPS, and static files named as they are on disk (no manifest needed)."""
    return {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "SECURE_SSL_REDIRECT": False,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


def _signed_in(user: User) -> Client:
    """A client signed in through the sign-in page with the user's password, as a person is
    (the lockout and the audit of the sign-in included)."""
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": NATIONAL_PASSWORD}
    )
    if response.status_code != 302 or "_auth_user_id" not in client.session:
        raise BenchError(
            f"Could not sign in as {user.username} with the benchmark password: the users must "
            "come from seed_national."
        )
    return client


# --- Bare SQL -----------------------------------------------------------------------------------

_WRITES = ("insert", "update", "delete", "savepoint", "release", "rollback", "begin", "commit")


def _is_read(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].lower() if sql.strip() else ""
    return head not in _WRITES and "pg_advisory" not in sql


def _time_sql(statements: list[str], *, runs: int) -> tuple[float, float, str]:
    """Run the page's read statements again, directly: (median total ms, the slowest statement's
    median ms, its text)."""
    if not statements:
        return 0.0, 0.0, ""
    per_statement: list[list[float]] = [[] for _ in statements]
    totals = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            total = 0.0
            for index, sql in enumerate(statements):
                started = time.perf_counter()
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
                elapsed = (time.perf_counter() - started) * 1000
                per_statement[index].append(elapsed)
                total += elapsed
            totals.append(total)
    medians = [statistics.median(times) for times in per_statement]
    slowest = max(range(len(statements)), key=lambda i: medians[i])
    return statistics.median(totals), medians[slowest], statements[slowest]


def explain(sql: str) -> str:
    """EXPLAIN ANALYZE of one statement (for the report on a slow page)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


# --- Printing -----------------------------------------------------------------------------------


def format_report(report: BenchReport, baseline: dict | None = None) -> str:
    lines = [
        f"RSOM benchmark: {report.people:,} people in {report.database} on {report.on}, "
        f"{report.repeat} requests a page after a warm-up"
        + (" (DEBUG on: slower than production)" if report.debug else ""),
        "",
    ]
    base_pages = {p["key"]: p for p in (baseline or {}).get("pages", [])}
    head = f"{'Page':<42} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'page/SQL':>9}"
    if baseline:
        head += f"  {'p95 at ' + format(baseline.get('people', 0), ','):>16}"
    lines += [head, "-" * len(head)]
    for page in report.pages:
        if page.skipped:
            lines.append(f"{page.title:<42} skipped: {page.note}")
            continue
        row = (
            f"{page.title:<42} {page.p50_ms:>8.1f} {page.p95_ms:>8.1f} {page.queries:>8} "
            f"{_num(page.sql_ms, '.1f'):>8} {_ratio(page.ratio):>9}"
        )
        before = base_pages.get(page.key)
        if baseline:
            if before and before.get("p95_ms") is not None:
                row += f"  {before['p95_ms']:>8.1f} ({before['queries']} q)"
            else:
                row += f"  {'–':>16}"
        if page.misses:
            row += "  MISSES TARGET"
        lines.append(row)
    lines.append("")
    if report.sweeps:
        head = f"{'Nightly sweep':<42} {'1st s':>8} {'writes':>8} {'2nd s':>8} {'writes':>8}"
        lines += [head, "-" * len(head)]
        for sweep in report.sweeps:
            if sweep.first_seconds is None:
                lines.append(f"{sweep.name:<42} skipped: {sweep.note}")
                continue
            lines.append(
                f"{sweep.name:<42} {sweep.first_seconds:>8.1f} {sweep.first_writes:>8} "
                f"{_num(sweep.second_seconds, '.1f'):>8} {_num(sweep.second_writes, 'd'):>8}"
            )
        if report.sweep_seconds is not None:
            lines.append(
                f"{'all sweeps (second run)':<42} {'':>8} {'':>8} {report.sweep_seconds:>8.1f}"
            )
        lines.append("")
    if report.pack:
        if "seconds" in report.pack:
            lines.append(
                f"MAPPA meeting pack PDF, {report.pack['cases']} cases: "
                f"{report.pack['seconds']:.2f} s ({report.pack['pages']} pages)"
            )
        else:
            lines.append(f"MAPPA meeting pack PDF: skipped: {report.pack['note']}")
    seeding = report.seeding
    if seeding.get("generate_seconds") is not None:
        lines.append(
            f"Data set: {seeding['offenders']:,} people generated in "
            f"{seeding['generate_seconds']:.0f} s, {seeding['total_seconds']:.0f} s with the "
            f"first sweeps (seed {seeding['seed']}, as of {seeding['on']})"
        )
    else:
        lines.append(f"Data set: {seeding.get('note', '')}")
    misses = report.misses()
    lines.append("")
    if misses:
        lines.append("Targets missed (quality.md):")
        lines += [f"  - {m}" for m in misses]
    else:
        lines.append("Every measured figure meets quality.md's targets.")
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return f"{value:.1f}×" if value is not None else "–"


def _num(value, spec: str) -> str:
    return format(value, spec) if value is not None else "–"
