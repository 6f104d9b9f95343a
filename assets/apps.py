from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("ทะเบียนคุมทรัพย์สิน")

    def ready(self):
        from .resources import register_tables

        register_tables()
