"""Yearly admission plans and the congress's term targets."""

from __future__ import annotations

from django.db import transaction

from dangbo.audit.services import snapshot
from dangbo.core import text
from dangbo.core.errors import DomainError
from dangbo.core.locking import save_changed, values
from dangbo.organizations.models import Organization

from ..models import AdmissionPlan, AdmissionTarget
from ._common import audit, full_clean

MIN_YEAR, MAX_YEAR = 1930, 2100


def _check_year(year: int, field: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError({field: f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}."})


def _check_count(value: int, field: str) -> None:
    if value < 0:
        raise DomainError({field: "Số lượng không được âm."})


@transaction.atomic
def set_plan(
    *, actor, organization: Organization, year: int, planned: int, note: str = ""
) -> AdmissionPlan:
    """Set how many members ``organization`` plans to admit in ``year`` (replaces the year's plan)."""
    _check_year(year, "year")
    _check_count(planned, "planned")
    plan = (
        AdmissionPlan.objects.select_for_update()
        .filter(organization=organization, year=year, voided_at__isnull=True)
        .first()
    )
    before, original = (snapshot(plan), values(plan)) if plan else (None, None)
    plan = plan or AdmissionPlan(organization=organization, year=year, planned=0)
    plan.planned = planned
    plan.note = text.normalize(note)
    full_clean(plan, validate_constraints=False)
    if original is None:
        plan.save()
    else:
        save_changed(plan, original, ["planned", "note"])
    audit(actor, "plan_set", plan, organization, before=before, after=plan)
    return plan


@transaction.atomic
def set_target(
    *, actor, organization: Organization, first_year: int, last_year: int, target: int,
    resolution: str = "",
) -> AdmissionTarget:  # fmt: skip
    """Set the term's admission target from the congress resolution (replaces the same term's)."""
    _check_year(first_year, "first_year")
    _check_year(last_year, "last_year")
    _check_count(target, "target")
    if last_year < first_year:
        raise DomainError({"last_year": "Năm cuối nhiệm kỳ phải từ năm đầu trở đi."})
    current = AdmissionTarget.objects.select_for_update().filter(
        organization=organization, voided_at__isnull=True
    )
    same = current.filter(first_year=first_year).first()
    overlapping = (
        current.filter(first_year__lte=last_year, last_year__gte=first_year)
        .exclude(pk=same.pk if same else None)
        .first()
    )
    if overlapping is not None:
        raise DomainError({"first_year": (
            f"Đã có chỉ tiêu nhiệm kỳ {overlapping.first_year}–{overlapping.last_year} trùng thời "
            f"gian."
        )})  # fmt: skip
    before, original = (snapshot(same), values(same)) if same else (None, None)
    item = same or AdmissionTarget(
        organization=organization, first_year=first_year, last_year=0, target=0
    )
    item.last_year = last_year
    item.target = target
    item.resolution = text.normalize(resolution)
    full_clean(item)
    if original is None:
        item.save()
    else:
        save_changed(item, original, ["last_year", "target", "resolution"])
    audit(actor, "target_set", item, organization, before=before, after=item)
    return item
