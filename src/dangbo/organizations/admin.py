from django.contrib import admin

from .models import OrgKindRule, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(OrgKindRule)
class OrgKindRuleAdmin(admin.ModelAdmin):
    list_display = ["parent_kind", "child_kind", "valid_from", "valid_until", "source"]
    list_filter = ["parent_kind", "child_kind"]
