from django.contrib import admin

from .actions import action_choices, action_label
from .models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, each named by its Vietnamese label."""

    title = "thao tác"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return action_choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited or deleted."""

    list_display = ["at", "actor", "action_name", "target_repr"]
    list_filter = [ActionFilter]
    search_fields = ["target_repr", "target_id"]

    @admin.display(description="thao tác", ordering="action")
    def action_name(self, obj: AuditEntry) -> str:
        return action_label(obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
