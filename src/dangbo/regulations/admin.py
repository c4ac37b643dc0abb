from django.contrib import admin

from .models import CalendarDay, Regulation, Setting


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issuer", "effective_on", "repealed_on"]
    list_filter = ["doc_type", "issuer"]
    search_fields = ["number", "symbol", "title"]


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ["key", "organization", "value", "effective_on", "regulation"]
    list_filter = ["key"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working_day", "name", "organization", "document"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
