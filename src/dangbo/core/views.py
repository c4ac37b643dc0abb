"""Shared pieces of the web views: the organization-scoped view, service forms, capabilities.

Every view declares the capability it needs (``capability`` on a class,
``@requires(...)`` on a function); ``None`` means "any logged-in user" (or a
public page such as the login form). The organization in the URL is resolved
through ``accounts.access`` only, so a code outside the user's subtrees gives
404 and a missing capability 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.views.generic import TemplateView

from .paging import BadCursor, CheapCountPaginator, keyset_page

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
PAGE_SIZE = 50


def requires(capability) -> Callable:
    """Declare the capability a function view needs (``None``: any logged-in user)."""

    def decorate(view):
        view.capability = capability
        return view

    return decorate


class DateInput(forms.DateInput):
    """A text box for dates typed the Vietnamese way (20/06/2018)."""

    def __init__(self, attrs: dict | None = None):
        base = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "class": "date"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


# Text shaped like a date (day, month, year in figures), whether or not that day exists.
_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}[/-]\d{1,2}[/-]\d{4}$")
_YEAR_MONTH_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class DayField(forms.DateField):
    """A date typed dd/mm/yyyy (or yyyy-mm-dd); a day the calendar lacks is named as such.

    "31/02/2000" is written correctly but names no day: it gets the import's words,
    «Ngày không có thật: 31/02/2000.», not a reminder of the format.
    """

    default_error_messages = {
        "invalid": "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.",
        "impossible": "Ngày không có thật: %(value)s.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            text = str(value).strip()
            if _DAY_MONTH_YEAR.match(text) or _YEAR_MONTH_DAY.match(text):
                raise ValidationError(
                    self.error_messages["impossible"], code="impossible", params={"value": text}
                ) from None
            raise


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return DayField(label=label, required=required, help_text=help_text)


def apply_domain_error(
    form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Copy a service's refusal onto ``form``: keyed messages on their fields, the rest on the form.

    Takes any ``ValidationError`` (``DomainError`` is one; a model's
    ``full_clean`` inside a service raises the plain kind).
    """
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            name = field_map.get(key, key)
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """Return the requested page of ``queryset`` (an out-of-range number gives the last page).

    The total is counted exactly only for a short list; past ``paging.EXACT_UP_TO``
    rows it is counted once per filter and data version (``paginator.approximate``).
    """
    return CheapCountPaginator(queryset, per_page).get_page(request.GET.get("page"))


def keyset_paginate(request, queryset, keys: tuple[str, ...], per_page: int | None = None):
    """Return the page of ``queryset`` that ``?after=`` / ``?before=`` name (``paging.keyset_page``).

    ``?page=N`` from an older link still opens that page; a cursor this list cannot
    read gives the first page.
    """
    per_page = per_page or PAGE_SIZE
    after = request.GET.get("after") or None
    before = None if after else request.GET.get("before") or None
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        number = 1
    offset = 0 if (after or before) else min(number - 1, 1_000_000) * per_page
    try:
        return keyset_page(
            queryset, keys, after=after, before=before, offset=offset, per_page=per_page
        )
    except BadCursor:
        return keyset_page(queryset, keys, per_page=per_page)


class DangboView(LoginRequiredMixin, TemplateView):
    """A logged-in page; htmx requests get ``partial_template_name`` when one is set."""

    capability: Any = None
    partial_template_name: str | None = None

    def is_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return (
            bool(htmx)
            and not htmx.history_restore_request
            and self.partial_template_name is not None
        )

    def get_template_names(self) -> list[str]:
        if self.is_partial():
            return [self.partial_template_name]
        return super().get_template_names()


class OrgScopedView(DangboView):
    """A page about the organization named by ``code`` in the URL.

    ``self.org`` is resolved through ``accounts.access.org_for`` with the
    view's capability: 404 outside the user's subtrees, 403 without the
    capability there.
    """

    capability: Any

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        from dangbo.accounts.access import org_for

        self.org = org_for(request, kwargs["code"], self.capability)
        request.org = self.org
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from dangbo.organizations.selectors import ancestors_of

        context = super().get_context_data(**kwargs)
        context["org"] = self.org
        context["ancestors"] = ancestors_of(self.org)
        return context


class ServiceFormMixin:
    """GET shows the form; POST validates it, calls ``perform`` (a service) and redirects.

    A ``DomainError`` lands on the form's fields (``field_map`` renames the
    service's keys) and the page comes back with status 400; the services run
    in one transaction, so nothing is half-saved.
    """

    form_class: type[forms.BaseForm]
    field_map: dict[str, str] = {}
    success_message: str = "Đã lưu."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {}

    def get_initial(self) -> dict[str, Any]:
        return {}

    def get_form(self, data=None) -> forms.BaseForm:
        return self.form_class(data=data, initial=self.get_initial(), **self.get_form_kwargs())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as exc:  # DomainError, or a model's full_clean in the service
                apply_domain_error(form, exc, self.field_map)
            else:
                # ``perform`` returns None when it put errors on the form itself.
                if result is not None and not form.errors:
                    messages.success(request, self.get_success_message(result))
                    return HttpResponseRedirect(self.get_success_url(result))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def perform(self, form) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return self.success_message

    def get_success_url(self, result) -> str:  # pragma: no cover
        raise NotImplementedError

    def render_to_response(self, context, status: int = 200, **kwargs) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        response.status_code = status
        return response


def decision_of(data: dict[str, Any]) -> dict[str, Any]:
    """Return the decision dict the organization services take, from a form's cleaned data."""
    return {
        "number": data.get("decision_number", "") or "",
        "signed_on": data.get("decision_signed_on"),
        "issuer": data.get("decision_issuer", "") or "",
    }


def choices_with_blank(
    choices: Iterable[tuple[str, str]], blank: str = "— Tất cả —"
) -> list[tuple[str, str]]:
    return [("", blank), *choices]
