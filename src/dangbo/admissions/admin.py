"""Admission records in the Django admin: read and search; writes go through the services."""

from django.contrib import admin

from .models import AdmissionPlan, AdmissionTarget, Candidate, Introducer, Recognition, Vote


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reading and searching; every change is made by a service (checks and audit)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IntroducerInline(admin.TabularInline):
    model = Introducer
    extra = 0
    fields = ("member", "union", "resolution_number", "relation", "known_since", "assigned_on",
              "is_replacement", "voided_at")  # fmt: skip
    readonly_fields = fields
    can_delete = False


class VoteInline(admin.TabularInline):
    model = Vote
    extra = 0
    fields = ("body", "proposal", "held_on", "eligible", "in_favour", "resolution_number",
              "voided_at")  # fmt: skip
    readonly_fields = fields
    can_delete = False


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "date_of_birth", "organization", "stage", "proposed_on",
                    "cell_resolution_on", "decision_signed_on", "ceremony_on", "voided_at")  # fmt: skip
    list_filter = ("stage", "refused")
    search_fields = ("full_name", "search_name", "personal_id_number", "decision_number")
    list_select_related = ("organization",)
    inlines = [IntroducerInline, VoteInline]


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = ("member", "probation_ends_on", "outcome", "cell_resolution_on",
                    "decision_number", "decision_signed_on", "voided_at")  # fmt: skip
    list_filter = ("outcome",)
    search_fields = ("member__full_name", "decision_number")
    list_select_related = ("member",)
    inlines = [VoteInline]


@admin.register(AdmissionPlan)
class AdmissionPlanAdmin(ReadOnlyAdmin):
    list_display = ("organization", "year", "planned", "voided_at")
    list_filter = ("year",)


@admin.register(AdmissionTarget)
class AdmissionTargetAdmin(ReadOnlyAdmin):
    list_display = ("organization", "first_year", "last_year", "target", "resolution")
