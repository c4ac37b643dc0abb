"""Errors that services raise and views turn into messages."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refusal by a rule or a service, explained in Vietnamese.

    It is a ``ValidationError`` so that a field-keyed refusal
    (``DomainError({"official_on": "..."})``) lands on the right form field
    and in the API's field-level error list.
    """
