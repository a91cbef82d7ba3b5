"""Generate the national-scale benchmark data set (quality.md "Performance"; rsom.national_data).

    manage.py seed_national --offenders 150000 --seed 7 [--reset]

For a dedicated database: it refuses to run while the register holds any case unless --reset,
which empties the register first (the audit trail is kept). It prints its progress, the time
each stage took and each nightly sweep's result, and leaves a record of its timings for
`manage.py bench` (.data/seed_national-DATABASE.json, DATABASE the database name, unless
--record says otherwise).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from rsom.commands import iso_day
from rsom.national_data import (
    DEFAULT_CHUNK,
    NATIONAL_PASSWORD,
    NationalSeeder,
    SeedRefused,
    default_record_path,
)


class Command(BaseCommand):
    help = (
        "Generate a deterministic national-scale data set for the benchmark (dedicated database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offenders", type=int, required=True, help="How many people.")
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same data."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the register first (the audit trail is kept).",
        )
        parser.add_argument(
            "--on", type=iso_day, default=None, help="The day the data is as of (default: today)."
        )
        parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="People per chunk.")
        parser.add_argument(
            "--no-sweeps", action="store_true", help="Leave the nightly sweeps for later."
        )
        parser.add_argument(
            "--foreground",
            action="store_true",
            help="Write each chunk before generating the next (slower; one connection).",
        )
        parser.add_argument(
            "--fast-constraints",
            action="store_true",
            help="Skip row-by-row foreign-key checks while loading (PostgreSQL superuser only).",
        )
        parser.add_argument(
            "--record",
            type=Path,
            default=None,
            help="Where to leave the record bench reads "
            "(default .data/seed_national-DATABASE.json).",
        )

    def handle(self, *args, offenders, seed, reset, on, chunk, **options):
        if offenders < 1:
            raise CommandError("Enter how many offenders to generate: 1 or more")
        database = connection.settings_dict.get("NAME")
        self.stdout.write(f"Generating {offenders:,} people (seed {seed}) in database {database}…")
        seeder = NationalSeeder(
            offenders=offenders,
            seed=seed,
            on=on,
            reset=reset,
            chunk_size=chunk,
            background=not options["foreground"],
            sweeps=not options["no_sweeps"],
            fast_constraints=options["fast_constraints"],
            record_path=options["record"] or default_record_path(),
            progress=lambda line: self.stdout.write(line),
        )
        try:
            report = seeder.run()
        except SeedRefused as error:
            raise CommandError(str(error)) from error
        seconds = report.seconds
        self.stdout.write("")
        self.stdout.write("Rows written:")
        for label, count in report.counts.items():
            self.stdout.write(f"  {label:<45} {count:>12,}")
        self.stdout.write("Time taken:")
        for name, value in seconds.items():
            self.stdout.write(f"  {name:<45} {value:>10.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {offenders:,} people in {seconds['generate']:.1f} s "
                f"({seconds['total']:.1f} s with the sweeps)."
            )
        )
        self.stdout.write(f"Benchmark sign-ins (password for all: {NATIONAL_PASSWORD}):")
        for role, username in report.users.items():
            self.stdout.write(f"  {role:<18} {username}")
