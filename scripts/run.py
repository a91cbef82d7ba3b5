"""The run command: database, Redis, migrations, demo data, then web, worker and beat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from services import DATA, ROOT, embedded_postgres, embedded_redis, stop_postgres

PY = sys.executable
PORT = os.environ.get("PORT", "8000")


def main() -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="rsom.settings")
    env.setdefault("DEBUG", "true")
    started_pg = redis_holder = None
    if not env.get("DATABASE_URL"):
        started_pg, env["DATABASE_URL"] = embedded_postgres(DATA / "pg", "rsom", keep_running=True)
        print(f"Embedded PostgreSQL: data in {DATA / 'pg'}")
    if not env.get("REDIS_URL"):
        redis_holder, env["REDIS_URL"] = embedded_redis(DATA / "redis")
        print(f"Embedded Redis: {env['REDIS_URL']}")
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo"], env=env, check=True)
    processes = [
        subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{PORT}"], env=env),
        subprocess.Popen(
            [PY, "-m", "celery", "-A", "rsom", "worker", "-l", "warning", "--concurrency", "2"],
            env=env,
            cwd=ROOT,
        ),
        subprocess.Popen(
            [
                PY,
                "-m",
                "celery",
                "-A",
                "rsom",
                "beat",
                "-l",
                "warning",
                "--schedule",
                str(DATA / "celerybeat-schedule"),
            ],
            env=env,
            cwd=ROOT,
        ),
    ]
    print(f"\nRSOM is running at http://127.0.0.1:{PORT}/  (Ctrl-C stops everything)\n")
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A process stopped; stopping the rest.")
        return 1
    except KeyboardInterrupt:
        print("\nStopping…")
        return 0
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if started_pg is not None:
            stop_postgres(started_pg)
        del redis_holder


if __name__ == "__main__":
    sys.exit(main())
