from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kaiku.core"
    verbose_name = "Kaiku"
