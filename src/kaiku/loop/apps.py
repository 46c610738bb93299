from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoopConfig(AppConfig):
    name = "kaiku.loop"
    verbose_name = _("Close the loop")

    def ready(self) -> None:
        from kaiku.loop import receivers

        receivers.connect()
