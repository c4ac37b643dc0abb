"""The numbering service and the outgoing register (HD 36-HD/VPTW mục II 1.3).

``take_number`` gives the next number of an issuing organization's document
type in the committee term of the issue date, inside the caller's transaction:
the counter row is locked (``SELECT … FOR UPDATE``), so two requests at once
get two numbers, and the register row is written in the same transaction, so a
number is given once and never reused. ``record_number`` records a number
already given outside dangbo (typed by the user), refuses one already in the
register, and moves the counter past it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from dangbo.audit.services import record, snapshot
from dangbo.core.errors import DomainError
from dangbo.core.formatting import fmt_date
from dangbo.organizations.models import Organization

from . import rules
from .models import CommitteeTerm, IssuedDocument, NumberCounter


def term_for(issuer: Organization, on: dt.date) -> CommitteeTerm | None:
    """Return the recorded committee term of ``issuer`` covering ``on`` (None if none is)."""
    terms = list(CommitteeTerm.objects.filter(organization=issuer))
    found = rules.term_on([rules.Term(str(t.pk), t.starts_on, t.ends_on) for t in terms], on)
    return next((t for t in terms if found is not None and str(t.pk) == found.key), None)


def _locked_counter(issuer: Organization, doc_type: str, term: CommitteeTerm | None):
    key = str(term.pk) if term is not None else ""
    lookup = {"issuer": issuer, "doc_type": doc_type, "term_key": key}
    counter = NumberCounter.objects.select_for_update().filter(**lookup).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():  # another request may create it at the same moment
            NumberCounter.objects.create(term=term, **lookup)
    except IntegrityError:
        pass
    return NumberCounter.objects.select_for_update().get(**lookup)


def register_entry_of(source: models.Model) -> IssuedDocument | None:
    """Return the register line of the document built from ``source`` (a decision, a letter)."""
    return IssuedDocument.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).first()


def _audit(actor, action: str, entry: IssuedDocument) -> None:
    record(actor=actor, action=f"documents.{action}", target=entry, after=snapshot(entry),
           org_path=entry.issuer.path or "")  # fmt: skip


def take_number(
    *, actor, issuer: Organization, doc_type: str, issued_on: dt.date, summary: str,
    body: str = rules.IssuingBody.COMMITTEE, signer: str = "", recipients: str = "",
    source: models.Model | None = None,
) -> IssuedDocument:  # fmt: skip
    """Give the next number of ``doc_type`` for ``issuer`` in the term of ``issued_on``."""
    with transaction.atomic():
        if source is not None and (existing := register_entry_of(source)) is not None:
            return existing
        term = term_for(issuer, issued_on)
        counter = _locked_counter(issuer, doc_type, term)
        taken = set(
            IssuedDocument.objects.filter(
                issuer=issuer, doc_type=doc_type, term_key=counter.term_key,
                number__gt=counter.last_number,
            ).values_list("number", flat=True)
        )  # fmt: skip
        number = counter.last_number + 1
        while number in taken:
            number += 1
        counter.last_number = number
        counter.save(update_fields=["last_number"])
        entry = IssuedDocument.objects.create(
            issuer=issuer, issuing_body=body, doc_type=doc_type, term=term,
            term_key=counter.term_key, number=number,
            symbol=rules.symbol_of(doc_type, rules.issuer_symbol(issuer.kind)),
            issued_on=issued_on, summary=summary[:500], signer=signer[:150],
            recipients=recipients[:500], source=source,
        )  # fmt: skip
        _audit(actor, "number_given", entry)
        return entry


def record_number(
    *, actor, issuer: Organization, doc_type: str, typed: str, issued_on: dt.date, summary: str,
    body: str = rules.IssuingBody.COMMITTEE, signer: str = "", recipients: str = "",
    source: models.Model | None = None, field: str = "number",
) -> IssuedDocument:  # fmt: skip
    """Record a number given outside dangbo ("101-QĐ/ĐUK"); refuse one already in the register.

    Errors are keyed by ``field``, the form field the number was typed in.
    """
    parsed = rules.parse_number(typed)
    if parsed is None:
        raise DomainError({field: f"«{typed}» không phải số văn bản: ghi theo dạng 12-QĐ/ĐU."})
    number, symbol = parsed
    symbol = symbol or rules.symbol_of(doc_type, rules.issuer_symbol(issuer.kind))
    with transaction.atomic():
        existing = register_entry_of(source) if source is not None else None
        if existing is not None:
            if existing.number == number:
                return existing
            raise DomainError({field: (
                f"Văn bản này đã được cấp số {existing.number_text} trong sổ đăng ký văn bản đi; "
                f"số đã cấp không thay đổi, không dùng lại."
            )})  # fmt: skip
        term = term_for(issuer, issued_on)
        counter = _locked_counter(issuer, doc_type, term)
        clash = IssuedDocument.objects.filter(
            issuer=issuer, doc_type=doc_type, term_key=counter.term_key, number=number
        ).first()  # fmt: skip
        if clash is not None:
            raise DomainError({field: (
                f"Số {clash.number_text} đã cấp cho văn bản ngày {fmt_date(clash.issued_on)} "
                f"({clash.summary}) trong sổ đăng ký văn bản đi của {issuer.committee}: mỗi số chỉ "
                f"cấp một lần trong nhiệm kỳ (Hướng dẫn 36-HD/VPTW, mục II 1.3)."
            )})  # fmt: skip
        if number > counter.last_number:
            counter.last_number = number
            counter.save(update_fields=["last_number"])
        entry = IssuedDocument.objects.create(
            issuer=issuer, issuing_body=body, doc_type=doc_type, term=term,
            term_key=counter.term_key, number=number, symbol=symbol[:50], issued_on=issued_on,
            summary=summary[:500], signer=signer[:150], recipients=recipients[:500],
            external=True, source=source,
        )  # fmt: skip
        _audit(actor, "number_recorded", entry)
        return entry


def number_document(
    *, actor, issuer: Organization, doc_type: str, typed: str, issued_on: dt.date, summary: str,
    field: str, **details,
) -> IssuedDocument:  # fmt: skip
    """Number a document dangbo generates: the next number, or the one typed (recorded)."""
    if typed.strip():
        return record_number(actor=actor, issuer=issuer, doc_type=doc_type, typed=typed,
                             issued_on=issued_on, summary=summary, field=field, **details)  # fmt: skip
    return take_number(actor=actor, issuer=issuer, doc_type=doc_type, issued_on=issued_on,
                       summary=summary, **details)  # fmt: skip


@transaction.atomic
def record_term(
    *, actor, organization: Organization, label: str, starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> CommitteeTerm:  # fmt: skip
    """Record a committee term; the numbering of its documents starts again from 01 in it."""
    if ends_on is not None and ends_on < starts_on:
        raise DomainError({"ends_on": "Ngày kết thúc nhiệm kỳ không thể trước ngày bắt đầu."})
    if CommitteeTerm.objects.filter(organization=organization, starts_on=starts_on).exists():
        raise DomainError({"starts_on": f"Đã có nhiệm kỳ bắt đầu ngày {fmt_date(starts_on)}."})
    term = CommitteeTerm.objects.create(
        organization=organization, label=label.strip(), starts_on=starts_on, ends_on=ends_on
    )
    record(actor=actor, action="documents.term_recorded", target=term, after=snapshot(term),
           org_path=organization.path or "")  # fmt: skip
    return term
