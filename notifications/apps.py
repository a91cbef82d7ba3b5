from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "The register"

    def ready(self) -> None:
        from cases.tabs import register_case_tab

        register_case_tab("register", "Register", "notifications:register")
