"""Health, headers, sessions, lockout and deployment checks."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.urls import reverse

from cases.models import User
from tests.conftest import PASSWORD


def test_healthz_reports_both_services_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "up", "redis": "up", "status": "ok"}


def test_healthz_names_redis_when_it_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "down" and "redis" in response.json()["status"]


def test_pages_carry_a_strict_content_security_policy(client, om):
    client.force_login(om)
    response = client.get(reverse("cases:caseload"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_sessions_end_after_30_minutes_idle():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_sign_in_and_sign_out(client, om):
    response = client.post(reverse("login"), {"username": om.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("cases:caseload")
    client.post(reverse("logout"))
    assert client.get(reverse("cases:caseload")).status_code == 302


def test_repeated_failures_lock_the_account(client, om):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": om.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": om.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_a_user_without_a_role_is_told_so(client, force):
    user = User.objects.create_user("nobody", password=PASSWORD, force=force)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 403


def test_check_deploy_is_clean_for_production_settings(tmp_path):
    env = {
        "SECRET_KEY": "x" * 60 + "production-like-secret-key",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "rsom.example.police.uk",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": settings.DATABASE_URL,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
