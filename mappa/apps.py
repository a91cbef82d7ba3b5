from django.apps import AppConfig


class MappaConfig(AppConfig):
    name = "mappa"
    verbose_name = "MAPPA"

    def ready(self) -> None:
        from cases.extensions import register_case_tab

        register_case_tab("mappa", "MAPPA", "mappa:case-mappa")
