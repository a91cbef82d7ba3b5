from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards and management information"

    def ready(self) -> None:
        from cases.extensions import register_allocation_preview
        from dashboards.selectors import reallocation_preview

        register_allocation_preview(reallocation_preview)
