"""The numbering service and the outgoing register (HD 36-HD/VPTW mục II 1.3)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.documents import services
from dangbo.documents.models import IssuedDocument, NumberCounter
from dangbo.organizations.tests.factories import bloc, dang_bo

D = dt.date


ON = D(2026, 3, 2)


def take(issuer, on=ON, doc_type="QD", **kwargs):
    return services.take_number(
        actor=None, issuer=issuer, doc_type=doc_type, issued_on=on, summary="Kết nạp đảng viên",
        **kwargs,
    )  # fmt: skip


@pytest.mark.django_db
def test_numbers_run_per_issuer_and_type_from_01():
    top = bloc(code="K")
    a = dang_bo(top, code="A", name="Đảng bộ Công ty A")
    assert [take(top).number_text for _ in range(3)] == ["01-QĐ/ĐUK", "02-QĐ/ĐUK", "03-QĐ/ĐUK"]
    assert take(top, doc_type="GGT").number_text == "01-GGT/ĐUK"  # each type its own sequence
    assert take(a).number_text == "01-QĐ/ĐU"  # each issuer its own sequence
    assert take(top).number_text == "04-QĐ/ĐUK"
    assert AuditEntry.objects.filter(action="documents.number_given").count() == 6


@pytest.mark.django_db
def test_a_new_committee_term_starts_again_from_01_and_the_old_term_keeps_its_sequence():
    top = bloc(code="K")
    old = services.record_term(actor=None, organization=top, label="2020–2025",
                               starts_on=D(2020, 10, 16), ends_on=D(2025, 10, 15))  # fmt: skip
    new = services.record_term(actor=None, organization=top, label="2025–2030",
                               starts_on=D(2025, 10, 16))  # fmt: skip
    assert take(top, on=D(2025, 10, 15)).number == 1
    assert take(top, on=D(2025, 10, 15)).number == 2
    first_of_new = take(top, on=D(2025, 10, 16))
    assert (first_of_new.number, first_of_new.term) == (1, new)
    late_in_old = take(top, on=D(2025, 10, 14))  # entered late, dated in the old term
    assert (late_in_old.number, late_in_old.term) == (3, old)
    with pytest.raises(DomainError) as refused:
        services.record_term(actor=None, organization=top, label="x", starts_on=D(2025, 10, 16))
    assert "starts_on" in refused.value.message_dict


@pytest.mark.django_db
def test_a_number_given_outside_is_recorded_refused_twice_and_never_given_again():
    top = bloc(code="K")
    assert take(top).number == 1
    outside = services.record_number(
        actor=None, issuer=top, doc_type="QD", typed="05-QĐ/ĐUK", issued_on=D(2026, 3, 3),
        summary="Quyết định ký trên giấy", signer="Phạm Văn Dũng", field="decision_number",
    )  # fmt: skip
    assert (outside.number, outside.symbol, outside.external) == (5, "QĐ/ĐUK", True)
    with pytest.raises(DomainError) as refused:
        services.record_number(actor=None, issuer=top, doc_type="QD", typed="5",
                               issued_on=D(2026, 3, 4), summary="Trùng", field="decision_number")  # fmt: skip
    assert "05-QĐ/ĐUK đã cấp" in refused.value.message_dict["decision_number"][0]
    with pytest.raises(DomainError) as unreadable:
        services.record_number(actor=None, issuer=top, doc_type="QD", typed="QĐ/ĐUK",
                               issued_on=D(2026, 3, 4), summary="x", field="decision_number")  # fmt: skip
    assert "decision_number" in unreadable.value.message_dict
    assert take(top).number == 6  # past the recorded one
    # A number typed below the counter that was never given is recorded without moving it.
    services.record_number(actor=None, issuer=top, doc_type="QD", typed="03", issued_on=D(2026, 3, 5),
                           summary="Quyết định ký trên giấy")  # fmt: skip
    assert take(top).number == 7
    assert sorted(IssuedDocument.objects.values_list("number", flat=True)) == [1, 3, 5, 6, 7]


@pytest.mark.django_db
def test_a_document_keeps_the_number_it_was_given():
    top = bloc(code="K")
    source = dang_bo(top, code="A")  # any row stands for the document's source here
    first = take(top, source=source)
    assert take(top, source=source) == first  # asked again: the same number, not a new one
    assert services.record_number(actor=None, issuer=top, doc_type="QD", typed="01",
                                  issued_on=D(2026, 3, 2), summary="x", source=source) == first  # fmt: skip
    with pytest.raises(DomainError):
        services.record_number(actor=None, issuer=top, doc_type="QD", typed="02",
                               issued_on=D(2026, 3, 2), summary="x", source=source)  # fmt: skip
    assert IssuedDocument.objects.count() == 1


WRITERS = 6
ROUNDS = 5


@pytest.mark.parallel_writers
@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_never_get_the_same_number():
    top = bloc(code="K")
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                take(top)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    numbers = sorted(IssuedDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, WRITERS * ROUNDS + 1))
    assert NumberCounter.objects.get().last_number == WRITERS * ROUNDS
