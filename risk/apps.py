from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk"

    def ready(self) -> None:
        from cases.extensions import listen_to_case_events, register_case_tab
        from risk.services.triggers import on_case_event

        register_case_tab("risk", "Risk", "risk:overview")
        listen_to_case_events(on_case_event)
