from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("การตรวจสอบพัสดุประจำปี")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from organization.models import Holiday

        from . import services

        def holidays_changed(**kwargs):
            with transaction.atomic():
                services.rounds_follow_holidays()

        post_save.connect(holidays_changed, sender=Holiday, dispatch_uid="audits.holidays_changed.save")
        post_delete.connect(holidays_changed, sender=Holiday, dispatch_uid="audits.holidays_changed.delete")
