"""The test command: the whole suite on real PostgreSQL and Redis.

Uses DATABASE_URL / REDIS_URL when set, else the local services on 127.0.0.1 when they answer,
else embedded servers started for this run. Extra arguments go to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys

from services import DATA, ROOT, embedded_postgres, embedded_redis, reachable


def main(args: list[str]) -> int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="rsom.settings", DJANGO_ALLOW_ASYNC_UNSAFE="true")
    env.setdefault("SECRET_KEY", "test-only-secret-key")
    holders = []
    if not env.get("DATABASE_URL"):
        if reachable("127.0.0.1", 5432):
            env["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/rsom"
        else:
            server, env["DATABASE_URL"] = embedded_postgres(
                DATA / "test-pg", "rsom", keep_running=False
            )
            holders.append(server)
    if not env.get("REDIS_URL"):
        if reachable("127.0.0.1", 6379):
            env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
        else:
            server, env["REDIS_URL"] = embedded_redis(DATA / "test-redis")
            holders.append(server)
    print(f"Testing against {_safe(env['DATABASE_URL'])} and {env['REDIS_URL']}", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env, cwd=ROOT)


def _safe(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
