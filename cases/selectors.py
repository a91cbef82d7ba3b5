"""Named read paths for case pages."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from cases.extensions import CASELOAD_COLUMNS
from cases.models import Address, Nominal, Role, User


def current_home_addresses(on=None) -> QuerySet[Address]:
    on = on or timezone.localdate()
    return (
        Address.objects.filter(kind__in=[Address.Kind.HOME, Address.Kind.NO_FIXED_ABODE])
        .exclude(to_date__lt=on)
        .order_by("-from_date", "-pk")
    )


def with_current_postcode(qs: QuerySet[Nominal]) -> QuerySet[Nominal]:
    """Annotate each case with its current home postcode in the same query (no N+1)."""
    home = current_home_addresses().filter(nominal=OuterRef("pk"))
    return qs.annotate(
        home_postcode=Subquery(home.values("postcode")[:1]),
        home_town=Subquery(home.values("town")[:1]),
    )


def caseload_for(user: User, *, scope: str = "mine") -> QuerySet[Nominal]:
    """An offender manager's own cases (or their team's, read-only); a supervisor's teams' cases."""
    visible = Nominal.objects.visible_to(user)
    if scope == "mine" and user.has_role(Role.OFFENDER_MANAGER):
        visible = visible.filter(offender_manager=user)
    else:
        visible = visible.filter(team__in=user.teams.all())
    related = [column.related for column in CASELOAD_COLUMNS]
    return with_current_postcode(visible.select_related("offender_manager", "team", *related))


def team_managers(user: User) -> QuerySet[User]:
    """Offender managers in the user's teams (who a supervisor may allocate cases to)."""
    return (
        User.objects.filter(
            is_active=True,
            teams__in=user.teams.all(),
            groups__name=Role.OFFENDER_MANAGER,
            force=user.force,
        )
        .distinct()
        .prefetch_related("teams")
        .order_by("last_name", "first_name")
    )


def current_home_address(nominal: Nominal) -> Address | None:
    return current_home_addresses().filter(nominal=nominal).first()


def search_cases(queryset, data):
    """Match name or reference (trigram) and/or date of birth."""
    if data.get("q"):
        queryset = queryset.search(data["q"])
    if data.get("date_of_birth"):
        queryset = queryset.filter(date_of_birth=data["date_of_birth"])
    return queryset


def describe_search(data) -> str:
    parts = [
        f"text “{data['q']}”" if data.get("q") else "",
        f"date of birth {data['date_of_birth']:%d/%m/%Y}" if data.get("date_of_birth") else "",
    ]
    return "Searched for " + " and ".join(p for p in parts if p)
