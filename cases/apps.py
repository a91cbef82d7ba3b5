from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from cases import signals  # noqa: F401  (connects the receivers)
        from cases.roles import sync_role_groups

        # Every app's post_migrate: other apps' permissions exist only after their own migrate.
        post_migrate.connect(sync_role_groups, dispatch_uid="sync_role_groups")
