"""A ModelAdmin base for reference data: access by role, and every save or delete written to the log."""

from django.contrib import admin
from django.forms.models import model_to_dict

from . import log


class LoggedModelAdmin(admin.ModelAdmin):
    """Reference data edited in the admin: who may edit is a role question, and each change is logged."""

    role_check = None  # a callable(user) -> bool, set by subclasses (organization.roles stays above us)
    logged_fields = None  # None: every field; a tuple keeps personal data such as password hashes out

    def _values(self, obj) -> dict:
        return model_to_dict(obj, fields=self.logged_fields)

    def _allowed(self, request) -> bool:
        return bool(self.role_check and self.role_check(request.user))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def save_model(self, request, obj, form, change):
        obj._log_before = self._values(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = self._values(obj)
        action = f"{obj._meta.model_name}.{'update' if change else 'create'}"
        details = {"changes": log.diff(getattr(obj, "_log_before", {}), after)} if change else {"after": after}
        if change and not details["changes"]:
            return
        log.record(action, obj=obj, actor=request.user, details=details)

    def delete_model(self, request, obj):
        snapshot = self._values(obj)
        label, pk, text = obj._meta.label_lower, str(obj.pk), str(obj)
        super().delete_model(request, obj)
        log.record(f"{obj._meta.model_name}.delete", actor=request.user, object_type=label, object_id=pk,
                   object_repr=text, details={"before": snapshot})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
