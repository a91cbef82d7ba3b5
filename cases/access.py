"""Who may see and change which case.

Object permissions (django-guardian) on each nominal:
- the allocated offender manager: view and change;
- the case team's members group: view (colleagues read the team's cases);
- the case team's supervisors group: view and change;
- the force's MAPPA chairs group: view, while the case is managed at MAPPA level 2 or 3.
Front desk staff hold no object permissions: they reach registered people of their own force
through the front desk only (Nominal.objects.findable_at_front_desk).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404

from cases.models import (
    MappaLevel,
    Nominal,
    NominalGroupObjectPermission,
    NominalUserObjectPermission,
    Role,
    Team,
    User,
)

VIEW, CHANGE = "view_nominal", "change_nominal"


def access_case(user, pk, *, write: bool = False) -> Nominal:
    """The case if the user may see it: 404 to outsiders, 403 to read-only users who write."""
    editable = Nominal.objects.editable_by(user).filter(pk=OuterRef("pk"))
    nominal = (
        Nominal.objects.visible_to(user)
        .select_related("force", "team", "offender_manager")
        .annotate(can_edit=Exists(editable))
        .filter(pk=pk)
        .first()
    )
    if nominal is None:
        raise Http404("No case found")
    if write and not nominal.can_edit:
        raise PermissionDenied("You can read this case but not change it")
    return nominal


def mappa_chairs_group(force_id: int) -> Group:
    group, _ = Group.objects.get_or_create(name=f"force-{force_id}-mappa-chairs")
    return group


def expected_grants(nominal: Nominal) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(user grants, group grants) as (id, codename) pairs the case should carry."""
    users: set[tuple[int, str]] = set()
    groups: set[tuple[int, str]] = set()
    if nominal.offender_manager_id:
        users |= {(nominal.offender_manager_id, VIEW), (nominal.offender_manager_id, CHANGE)}
    if nominal.team_id:
        team = nominal.team
        groups |= {
            (team.members_group_id, VIEW),
            (team.supervisors_group_id, VIEW),
            (team.supervisors_group_id, CHANGE),
        }
    if nominal.mappa_level in (MappaLevel.LEVEL_2, MappaLevel.LEVEL_3):
        groups.add((mappa_chairs_group(nominal.force_id).pk, VIEW))
    return users, groups


@transaction.atomic
def sync_case_permissions(nominal: Nominal) -> None:
    """Make the case's object permissions exactly what its allocation and level call for."""
    from django.contrib.auth.models import Permission

    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="cases", codename__in=[VIEW, CHANGE]
        )
    }
    want_users, want_groups = expected_grants(nominal)
    _reconcile(NominalUserObjectPermission, "user_id", nominal, want_users, perms)
    _reconcile(NominalGroupObjectPermission, "group_id", nominal, want_groups, perms)


def _reconcile(model, key: str, nominal: Nominal, wanted: set, perms: dict) -> None:
    rows = model.objects.filter(content_object=nominal).values_list(
        "pk", key, "permission__codename"
    )
    have = {(grantee, codename): pk for pk, grantee, codename in rows}
    stale = [pk for pair, pk in have.items() if pair not in wanted]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    missing = wanted - set(have)
    model.objects.bulk_create(
        model(content_object=nominal, permission=perms[codename], **{key: grantee})
        for grantee, codename in missing
    )


@transaction.atomic
def sync_user_groups(user: User) -> None:
    """Put the user in the permission groups of their teams and force that their roles call for."""
    roles = _fresh_roles(user)
    teams = list(Team.objects.filter(users=user))
    wanted: set[int] = set()
    if Role.OFFENDER_MANAGER in roles or Role.SUPERVISOR in roles:
        wanted |= {t.members_group_id for t in teams}
    if Role.SUPERVISOR in roles:
        wanted |= {t.supervisors_group_id for t in teams}
    if Role.MAPPA_CHAIR in roles and user.force_id:
        wanted.add(mappa_chairs_group(user.force_id).pk)
    managed = _managed_group_ids(user)
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))


def _fresh_roles(user: User) -> set[str]:
    return set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))


def _managed_group_ids(user: User) -> set[int]:
    team_groups = Team.objects.values_list("members_group_id", "supervisors_group_id")
    ids = {gid for pair in team_groups for gid in pair}
    ids |= set(Group.objects.filter(name__endswith="-mappa-chairs").values_list("pk", flat=True))
    return ids
