from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from activity.admin_logging import LoggedModelAdmin
from thai.dates import format_date
from thai.forms import ThaiDateField

from . import roles
from .models import Division, Holiday, Location, Organization, User

admin.site.site_header = _("พัสดุ: ผู้ดูแลข้อมูลอ้างอิง")
admin.site.site_title = _("พัสดุ")
admin.site.index_title = _("ข้อมูลอ้างอิง")


def _reference_editor(user) -> bool:
    return roles.can(user, "reference.edit")


def _administrator(user) -> bool:
    return roles.can(user, "organization.edit")


@admin.register(Organization)
class OrganizationAdmin(LoggedModelAdmin):
    role_check = staticmethod(_administrator)
    list_display = ("name", "district", "province")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Division)
class DivisionAdmin(LoggedModelAdmin):
    role_check = staticmethod(_reference_editor)
    list_display = ("code", "name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name")


@admin.register(Location)
class LocationAdmin(LoggedModelAdmin):
    role_check = staticmethod(_reference_editor)
    list_display = ("code", "name", "division", "is_active")
    list_filter = ("division", "is_active")
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(LoggedModelAdmin, BaseUserAdmin):
    """Staff accounts. Nobody is deleted: untick "active" when someone leaves."""

    role_check = staticmethod(_administrator)
    logged_fields = ("username", "first_name", "last_name", "email", "division", "position", "phone",
                     "is_active", "is_staff", "is_superuser", "groups")
    list_display = ("username", "first_name", "last_name", "division", "position", "is_active")
    list_filter = ("division", "groups", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + ((_("หน่วยงาน"), {"fields": ("division", "position", "phone")}),)

    def has_delete_permission(self, request, obj=None):
        return False


class HolidayForm(forms.ModelForm):
    """The date typed and shown in the Buddhist era (31/05/2569), as everywhere else in the app."""

    date = ThaiDateField(label=_("วันที่"))

    class Meta:
        model = Holiday
        fields = ("date", "name")


@admin.register(Holiday)
class HolidayAdmin(LoggedModelAdmin):
    role_check = staticmethod(_reference_editor)
    form = HolidayForm
    list_display = ("date_be", "name")
    search_fields = ("name",)
    ordering = ("-date",)

    @admin.display(description=_("วันที่"), ordering="date")
    def date_be(self, holiday: Holiday) -> str:
        return format_date(holiday.date)
