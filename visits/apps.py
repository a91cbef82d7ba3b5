from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Home visits"

    def ready(self) -> None:
        from cases.extensions import (
            listen_to_case_events,
            register_case_tab,
            register_caseload_column,
        )
        from visits.services.due import on_case_event

        register_case_tab("visits", "Visits", "visits:case-visits")
        register_caseload_column("Next visit", "visits/_caseload_due.html", related="visit_due")
        listen_to_case_events(on_case_event)
