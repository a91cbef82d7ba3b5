"""Views that belong to no app: the home page, health and the role decorator every app uses."""

from __future__ import annotations

from functools import wraps

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.models import Role


def role_required(*roles: str):
    """Signed-in users holding one of `roles`; everyone else signed in gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied("Your role does not give you access to this page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def permission_needed(perm: str):
    """Signed-in users holding the model permission `perm`; anonymous users go to sign in."""

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


HOME_BY_ROLE = [
    (Role.OFFENDER_MANAGER, "cases:caseload"),
    (Role.SUPERVISOR, "cases:caseload"),
    (Role.FRONT_DESK, "notifications:frontdesk-search"),
    (Role.MAPPA_CHAIR, "cases:mappa-cases"),
    (Role.ADMINISTRATOR, "cases:audit-search"),
]


@login_required
def home(request):
    for role, url_name in HOME_BY_ROLE:
        if request.user.has_role(role):
            return redirect(url_name)
    raise PermissionDenied("Your account has no role yet: ask your system administrator")


@never_cache
@require_GET
def healthz(request):
    """200 when the database and Redis answer; 503 naming what is down."""
    checks = {"database": _database_up(), "redis": _redis_up()}
    down = [name for name, up in checks.items() if not up]
    body = {name: "up" if up else "down" for name, up in checks.items()}
    body["status"] = "ok" if not down else "down: " + ", ".join(down)
    return JsonResponse(body, status=503 if down else 200)


def _database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_up() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        return bool(client.ping())
    except Exception:
        return False


def navigation(request) -> dict:
    """The service navigation for the signed-in user's roles."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    items = []
    if user.has_role(Role.OFFENDER_MANAGER):
        items.append(("My caseload", "cases:caseload"))
        items.append(("My visits", "visits:my-visits"))
    elif user.has_role(Role.SUPERVISOR):
        items.append(("Team caseload", "cases:caseload"))
    if user.has_role(Role.SUPERVISOR):
        items.append(("Team dashboard", "dashboards:team"))
    if user.has_role(Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR):
        items.append(("Inbox", "cases:inbox"))
    if user.has_role(Role.SUPERVISOR):
        items.append(("Indefinite reviews", "notifications:review-queue"))
        items.append(("Reactive management", "risk:reactive-queue"))
    if user.has_role(Role.MAPPA_CHAIR):
        items.append(("MAPPA cases", "cases:mappa-cases"))
        items.append(("MAPPA meetings", "mappa:meeting-list"))
    if user.has_role(Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR):
        items.append(("Find a case", "cases:nominal-search"))
    if user.has_perm("cases.add_nominal"):
        items.append(("Add a case", "cases:nominal-create"))
    if user.has_role(Role.FRONT_DESK):
        items.append(("Front desk", "notifications:frontdesk-search"))
    if user.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR):
        items.append(("Management information", "dashboards:mi"))
    if user.has_role(Role.ADMINISTRATOR):
        items.append(("Audit trail", "cases:audit-search"))
        items.append(("Users and settings", "admin:index"))
    current = request.path
    nav = []
    for text, name in items:
        href = reverse(name)
        nav.append({"text": text, "href": href, "current": current == href})
    return {"navigation": nav}
