from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "kaiku.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from kaiku.privacy import consents

        consents.connect()
