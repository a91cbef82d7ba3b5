"""Measure what quality.md's "Performance" lists on the seed_national data set (rsom.bench).

    manage.py bench [--json PATH] [--repeat N] [--baseline OTHER.json] [--explain]

Run it on the benchmark database, preferably with DEBUG off (SECRET_KEY set), as production runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rsom.bench import Bench, BenchError, explain, format_report
from rsom.national_data import default_record_path


class Command(BaseCommand):
    help = "Benchmark pages, nightly sweeps and the MAPPA pack on the national data set."

    def add_arguments(self, parser):
        parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page (timed).")
        parser.add_argument("--warmup", type=int, default=3, help="Requests per page first.")
        parser.add_argument("--no-sweeps", action="store_true", help="Leave out the sweeps.")
        parser.add_argument("--no-pack", action="store_true", help="Leave out the MAPPA pack.")
        parser.add_argument(
            "--record",
            type=Path,
            default=None,
            help="The record seed_national left (default .data/seed_national-DATABASE.json).",
        )
        parser.add_argument(
            "--baseline",
            type=Path,
            default=None,
            help="An earlier --json (e.g. at 15,000 people) to print beside these figures.",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Print EXPLAIN ANALYZE of the slowest statement of each page.",
        )

    def handle(self, *args, **options):
        if options["repeat"] < 1:
            raise CommandError("Enter how many times to request each page: 1 or more")
        baseline = None
        if options["baseline"]:
            try:
                baseline = json.loads(options["baseline"].read_text())
            except (OSError, ValueError) as error:
                raise CommandError(
                    f"Could not read the baseline {options['baseline']}: {error}"
                ) from error
        bench = Bench(
            repeat=options["repeat"],
            warmup=max(1, options["warmup"]),
            sweeps=not options["no_sweeps"],
            pack=not options["no_pack"],
            record_path=options["record"] or default_record_path(),
            progress=lambda line: self.stderr.write(line),
        )
        try:
            report = bench.run()
        except BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(format_report(report, baseline))
        if options["explain"]:
            for page in report.pages:
                if page.slowest_sql:
                    self.stdout.write(
                        f"\n{page.title}: slowest statement {page.slowest_sql_ms:.1f} ms\n"
                        f"{page.slowest_sql}\n{explain(page.slowest_sql)}"
                    )
        if options["json"]:
            options["json"].parent.mkdir(parents=True, exist_ok=True)
            options["json"].write_text(json.dumps(report.as_dict(), indent=2, default=str) + "\n")
            self.stdout.write(f"\nFigures written to {options['json']}")
