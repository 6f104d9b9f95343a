from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "organization"
    verbose_name = _("องค์กรและบุคลากร")

    def ready(self):
        from . import tables  # noqa: F401 - registers the organisation's tables for the set-up area
