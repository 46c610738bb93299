from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kaiku.demo"
    verbose_name = "Demo data"
