from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "kaiku.accounts"
    verbose_name = _("Sign-in security")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with Kaiku's site: the second sign-in step for staff."""

    default = False  # `kaiku.accounts` itself is AccountsConfig
    default_site = "kaiku.accounts.admin_site.AdminSite"
