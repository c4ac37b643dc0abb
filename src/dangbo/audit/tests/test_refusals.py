"""A refused attempt is logged even though its transaction rolls back, and logged once."""

from __future__ import annotations

import pytest
from django.db import transaction

from dangbo.audit.models import AuditEntry
from dangbo.audit.services import flush_refusals, keeps_refusals, record_refusal
from dangbo.core.errors import DomainError
from dangbo.organizations.tests.factories import bloc

pytestmark = pytest.mark.django_db
ACTION = "members.duplicate_refused"


def _refusals() -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(action=ACTION).values_list("target_id", "org_path"))


def test_a_refusal_outlives_the_rollback_of_its_transaction():
    org = bloc(code="KHOI")

    @keeps_refusals
    @transaction.atomic
    def refuse():
        record_refusal(actor=None, action=ACTION, target=org, org_path=org.path)
        assert _refusals() == []  # kept aside while the transaction is open
        raise DomainError({"card_number": "Số thẻ đảng viên này đã được dùng."})

    with pytest.raises(DomainError):
        refuse()
    assert _refusals() == [(str(org.pk), org.path)]


def test_inside_a_larger_transaction_it_waits_for_the_outermost_to_end():
    org = bloc(code="KHOI")

    @keeps_refusals
    @transaction.atomic
    def refuse():
        record_refusal(actor=None, action=ACTION, target=org, org_path=org.path)
        raise DomainError("Từ chối.")

    with transaction.atomic():
        with pytest.raises(DomainError):
            refuse()
        assert _refusals() == []
        org.name = "Đổi tên rồi bỏ"
        org.save()
        transaction.set_rollback(True)
    assert flush_refusals() == 1
    assert _refusals() == [(str(org.pk), org.path)]


def test_a_refusal_in_a_transaction_that_commits_is_written_once(
    django_capture_on_commit_callbacks,
):
    org = bloc(code="KHOI")

    @keeps_refusals
    def skip_one_row():
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            record_refusal(actor=None, action=ACTION, target=org, org_path=org.path)

    skip_one_row()
    assert _refusals() == [(str(org.pk), org.path)]
