"""Reads of the outgoing register, always limited to a subtree."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from dangbo.organizations.models import Organization
from dangbo.organizations.selectors import path_range

from .models import IssuedDocument

# Where the file of a document dangbo generates downloads from, by its source's model.
FILE_URLS = {
    "admissions.candidate": lambda entry: reverse(
        "admission-decision-docx", kwargs={"candidate": entry.source_id}
    ),
    "admissions.recognition": lambda entry: reverse(
        "member-recognition-docx", kwargs={"pk": entry.source.member_id}
    ),
    "members.transfer": lambda entry: reverse(
        "transfer-letter-docx", kwargs={"transfer": entry.source_id}
    ),
}


def register_under(
    org: Organization, *, doc_type: str = "", year: int | None = None
) -> QuerySet[IssuedDocument]:
    """Return the documents issued by ``org`` and the organizations under it, newest first."""
    qs = IssuedDocument.objects.filter(path_range(org.path, "issuer__path")).select_related(
        "issuer", "term", "source_type"
    )
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs.order_by("-issued_on", "issuer__path", "doc_type", "-number", "-id")


def file_url(entry: IssuedDocument) -> str:
    """Return where the file of ``entry`` downloads from ("" for a document made outside)."""
    if entry.source_type_id is None:
        return ""
    make = FILE_URLS.get(f"{entry.source_type.app_label}.{entry.source_type.model}")
    try:
        return make(entry) if make is not None else ""
    except (NoReverseMatch, AttributeError):
        return ""
