from django.apps import AppConfig


class RsomConfig(AppConfig):
    name = "rsom"
    verbose_name = "RSOM"
