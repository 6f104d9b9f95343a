from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = _("บันทึกการใช้งาน")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_guard_log, sender=self)


def _guard_log(sender, using="default", **kwargs):
    """After every migrate (and every flush, which sends post_migrate), the log's tables refuse change."""
    from django.db import connections

    from .guards import install_triggers

    install_triggers(connections[using])
