"""bench on a tiny national data set: it signs in with the seeded users' password, measures every
page that exists (and says which it skipped and why), times the bare SQL, runs the sweeps twice,
renders the MAPPA pack and prints and writes the figures."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import AuditAction, AuditEvent
from mappa.models import Meeting
from rsom.bench import (
    PAGES,
    Bench,
    BenchError,
    BenchReport,
    Page,
    PageResult,
    format_report,
    percentile,
)
from rsom.national_data import NationalSeeder

ON = date(2026, 6, 15)


@pytest.fixture
def national(reference_data, tmp_path):
    """A tiny data set as of today (the sweeps and pages work from today's date), with its
    record; the biggest force has a MAPPA meeting."""
    record = tmp_path / "seed.json"
    NationalSeeder(offenders=700, seed=9, background=False, record_path=record).run()
    return record


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([7.0], 0.95) == 7.0


def test_a_report_lists_the_targets_it_misses():
    report = BenchReport(people=150_000, database="x", on="2026-11-21", repeat=5, debug=False)
    report.pages = [
        PageResult("a", "Fast page", p50_ms=20, p95_ms=30, queries=12),
        PageResult("b", "Slow page", p50_ms=120, p95_ms=180, queries=35),
        PageResult("c", "Missing page", skipped=True, note="not built yet"),
    ]
    report.sweep_seconds = 75
    report.pack = {"cases": 10, "seconds": 6.5, "pages": 30}
    misses = report.misses()
    assert "Slow page: p95 180 ms ≥ 150 ms" in misses
    assert "Slow page: 35 queries > 20" in misses
    assert "Nightly sweeps: 75 s ≥ 60 s" in misses
    assert "MAPPA pack: 6.5 s ≥ 5 s" in misses
    assert not any("Fast page" in m for m in misses)
    text = format_report(report)
    assert "Missing page" in text and "skipped: not built yet" in text
    assert "MISSES TARGET" in text


def test_bench_measures_every_page_the_sweeps_and_the_pack(national, tmp_path):
    assert Meeting.objects.exists()
    out = tmp_path / "bench.json"
    stdout = StringIO()
    signed_in = AuditEvent.objects.filter(action=AuditAction.LOGIN).count()
    call_command(
        "bench",
        json=out,
        repeat=2,
        warmup=1,
        record=national,
        stdout=stdout,
        stderr=StringIO(),
    )
    text = stdout.getvalue()
    data = json.loads(out.read_text())
    assert data["people"] == 700
    # Real sign-ins through the sign-in page, one per persona (audited like anyone's).
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == signed_in + 4
    pages = {p["key"]: p for p in data["pages"]}
    assert set(pages) == {page.key for page in PAGES}
    for key in [
        "caseload",
        "case_overview",
        "case_register",
        "team_caseload",
        "search_name",
        "search_dob",
        "search_reference",
        "mappa_meeting",
    ]:
        page = pages[key]
        assert page["status"] == 200, (key, page["note"])
        assert not page["skipped"]
        assert 0 < page["p50_ms"] <= page["p95_ms"]
        assert page["queries"] > 0
        assert page["sql_ms"] > 0 and page["ratio"] > 0
        assert page["slowest_sql"].lower().startswith(("select", "with"))
        assert page["title"] in text
    dashboard = pages["team_dashboard"]
    assert dashboard["status"] == 200 or (dashboard["skipped"] and dashboard["note"])
    # The sweeps ran twice each; the second run wrote nothing.
    sweeps = {s["name"]: s for s in data["sweeps"]}
    assert set(sweeps) == {"register", "visits", "reactive", "mappa reviews"}
    for sweep in sweeps.values():
        assert sweep["second_writes"] == 0
        assert sweep["first_seconds"] >= 0 and sweep["second_seconds"] >= 0
    assert data["sweep_seconds"] >= 0
    # The pack of the meeting nearest ten cases, and the seeding time from the record.
    assert data["pack"]["cases"] > 0 and data["pack"]["seconds"] > 0 and data["pack"]["pages"]
    assert data["seeding"]["offenders"] == 700 and data["seeding"]["generate_seconds"] > 0
    assert "Nightly sweep" in text and "MAPPA meeting pack PDF" in text
    assert "Data set: 700 people generated" in text


def test_a_page_that_does_not_exist_yet_is_skipped_with_a_note(national):
    pages = [
        PAGES[0],
        Page("later", "A page built later", "supervisor", "dashboards:not-built-yet"),
    ]
    report = Bench(
        repeat=1, warmup=1, sweeps=False, pack=False, record_path=national, pages=pages
    ).run()
    measured, later = report.pages
    assert measured.status == 200 and measured.queries > 0
    assert later.skipped and "not built yet" in later.note
    assert later.misses == []
    assert report.sweeps == [] and report.pack == {}
    baseline = {"people": 70, "pages": [{"key": measured.key, "p95_ms": 1.0, "queries": 3}]}
    text = format_report(report, baseline)
    assert "p95 at 70" in text and "(3 q)" in text


def test_bench_needs_the_national_data_set(reference_data, tmp_path):
    with pytest.raises(BenchError, match="seed_national"):
        Bench(repeat=1, sweeps=False, pack=False, record_path=tmp_path / "none.json").run()
    with pytest.raises(CommandError, match="seed_national"):
        call_command(
            "bench",
            repeat=1,
            no_sweeps=True,
            no_pack=True,
            record=tmp_path / "none.json",
            stdout=StringIO(),
        )
    with pytest.raises(CommandError, match="1 or more"):
        call_command("bench", repeat=0)
