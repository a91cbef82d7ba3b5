from django.urls import path

from dashboards.views import capacity, mi, team

app_name = "dashboards"

urlpatterns = [
    # Management information
    path("management-information/", mi.mi, name="mi"),
    path("management-information/figures.csv", mi.mi_csv, name="mi-csv"),
    # End of management information
    # Team dashboard and capacity
    path("team/", team.team_dashboard, name="team"),
    path("team/cases/", team.team_list, name="team-list"),
    path(
        "team/managers/<int:user_id>/capacity/",
        capacity.manager_capacity,
        name="manager-capacity",
    ),
    path(
        "team/managers/<int:user_id>/reductions/<int:reduction_id>/end/",
        capacity.reduction_end,
        name="reduction-end",
    ),
    # End of team dashboard and capacity
]
