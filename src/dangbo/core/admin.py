from django.contrib import admin

from .models import Code


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["list", "code", "name", "valid_from", "valid_until"]
    list_filter = ["list"]
    search_fields = ["code", "name", "other_names"]
