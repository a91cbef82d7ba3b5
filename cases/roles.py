"""Each role is a group with model permissions. Object permissions (which cases) are separate:
see cases.access."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from cases.models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFENDER_MANAGER: ["cases.add_nominal"],
    Role.SUPERVISOR: [
        "cases.add_nominal",
        "cases.allocate_nominal",
        "cases.view_case_audit",
        "cases.view_financial_numbers",
        "notifications.change_indefinitereview",
    ],
    Role.FRONT_DESK: ["cases.record_notification"],
    Role.MAPPA_CHAIR: [],
    Role.ADMINISTRATOR: [
        "cases.view_user",
        "cases.add_user",
        "cases.change_user",
        "cases.view_team",
        "cases.add_team",
        "cases.change_team",
        "cases.view_force",
        "cases.change_force",
        "cases.view_auditevent",
        "auth.view_group",
        "notifications.view_schedule3offence",
        "notifications.add_schedule3offence",
        "notifications.change_schedule3offence",
        "notifications.view_station",
        "notifications.add_station",
        "notifications.change_station",
        "mappa.view_agency",
        "mappa.add_agency",
        "mappa.change_agency",
        "dashboards.view_caseweight",
        "dashboards.add_caseweight",
        "dashboards.change_caseweight",
        "dashboards.view_capacitysettings",
        "dashboards.change_capacitysettings",
    ],
}


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (runs after every migrate)."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [_permission(p) for p in perms]
        group.permissions.set([p for p in wanted if p is not None])


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
