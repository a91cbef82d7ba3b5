"""The team dashboard as JSON, for supervisors: the same figures, access and audit as the page."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response

from cases import audit
from cases.models import AuditAction, Role
from dashboards import selectors
from dashboards.capacity import Management
from dashboards.selectors import GRID_ROWS, RISK_KEYS, ManagerRow


class Supervisors(permissions.BasePermission):
    message = "Your role does not give you access to this"

    def has_permission(self, request, view) -> bool:
        return request.user.has_role(Role.SUPERVISOR)


class CapacitySerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    available = serializers.DecimalField(max_digits=8, decimal_places=2)
    percent = serializers.IntegerField(
        allow_null=True, help_text="Null when no hours are left for casework."
    )
    over = serializers.BooleanField(help_text="Over 100 %.")


class FiguresSerializer(serializers.Serializer):
    manager_id = serializers.IntegerField(allow_null=True, help_text="Null: not allocated.")
    name = serializers.CharField()
    caseload = serializers.IntegerField()
    by_risk = serializers.DictField(child=serializers.IntegerField())
    by_management = serializers.DictField(child=serializers.IntegerField())
    visits_overdue = serializers.IntegerField()
    notifications_due = serializers.IntegerField(
        help_text="Due within the warning period or overdue."
    )
    arms_reviews_due = serializers.IntegerField()
    open_actions = serializers.IntegerField()
    capacity = CapacitySerializer(allow_null=True)
    caseload_in_force = serializers.IntegerField(
        allow_null=True, help_text="All the manager's cases in the force, as capacity counts them."
    )


class TeamDashboardSerializer(serializers.Serializer):
    on = serializers.DateField()
    guideline = serializers.IntegerField(
        help_text="Cases per offender manager the force plans for."
    )
    managers = FiguresSerializer(many=True)
    totals = FiguresSerializer()
    overdue_by_risk = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Rows visits, notifications_overdue, arms; columns the risk levels.",
    )


def _figures(row: ManagerRow, name: str) -> dict:
    counts = row.counts
    capacity = row.capacity
    return {
        "manager_id": row.manager.pk if row.manager else None,
        "name": name,
        "caseload": counts.get("caseload", 0),
        "by_risk": {key: counts.get(f"risk:{key}", 0) for key in RISK_KEYS},
        "by_management": {kind: counts.get(f"management:{kind}", 0) for kind in Management.ALL},
        "visits_overdue": counts.get("due:visits", 0),
        "notifications_due": counts.get("due:notifications", 0),
        "arms_reviews_due": counts.get("due:arms", 0),
        "open_actions": row.open_actions,
        "capacity": None
        if capacity is None
        else {
            "points": capacity.points,
            "available": capacity.available,
            "percent": capacity.percent,
            "over": capacity.over,
        },
        "caseload_in_force": row.load.caseload if row.load else None,
    }


class TeamDashboard(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, Supervisors]
    serializer_class = TeamDashboardSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(responses=TeamDashboardSerializer)
    def get(self, request):
        board = selectors.team_dashboard(request.user, on=timezone.localdate())
        audit.record(actor=request.user, action=AuditAction.VIEW, description="API: team dashboard")
        body = {
            "on": board.on,
            "guideline": board.guideline,
            "managers": [
                _figures(row, str(row.manager) if row.manager else "Not allocated")
                for row in board.rows
            ],
            "totals": _figures(board.totals, "Team"),
            "overdue_by_risk": {kind: board.grid[kind] for kind in GRID_ROWS},
        }
        return Response(self.get_serializer(body).data)
