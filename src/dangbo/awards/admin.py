from django.contrib import admin

from .models import BadgeAward


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    """Read-only: awards are recorded, voided and reissued through the services (audited)."""

    list_display = ["member", "milestone", "occasion_on", "decision_number", "badge_number",
                    "posthumous", "early", "voided_at"]  # fmt: skip
    list_filter = ["milestone", "posthumous", "early"]
    search_fields = ["member__full_name", "decision_number", "badge_number"]
    date_hierarchy = "occasion_on"
    raw_id_fields = ["member", "organization", "reissue_of"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
