from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "The register"

    def ready(self) -> None:
        from cases.extensions import register_case_tab, register_caseload_column

        register_case_tab("register", "Register", "notifications:register")
        register_case_tab("orders", "Orders and breaches", "notifications:order-list")
        register_caseload_column(
            "Next notification", "notifications/_caseload_due.html", related="clock"
        )
