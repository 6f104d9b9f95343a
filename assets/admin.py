from django.contrib import admin

from activity.admin_logging import LoggedModelAdmin
from organization import roles

from .models import AcquisitionMethod, BudgetType, Category


def _reference_editor(user) -> bool:
    return roles.can(user, "reference.edit")


@admin.register(Category)
class CategoryAdmin(LoggedModelAdmin):
    """Changing a default useful life applies to assets registered afterwards; registered ones keep theirs."""

    role_check = staticmethod(_reference_editor)
    list_display = ("code", "name", "useful_life_years", "is_active")
    search_fields = ("code", "name")


@admin.register(BudgetType)
class BudgetTypeAdmin(LoggedModelAdmin):
    role_check = staticmethod(_reference_editor)
    list_display = ("code", "name", "is_active")


@admin.register(AcquisitionMethod)
class AcquisitionMethodAdmin(LoggedModelAdmin):
    role_check = staticmethod(_reference_editor)
    list_display = ("code", "name", "is_active")
