"""Form widgets that render without the template engine where a page draws many options."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python: the HTML of Django's own template, without one
    template include per option (a list page's filter form drew some 90 of them per request).
    Groups of options fall back to the template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for _, options, _ in widget["optgroups"]:
            for option in options:
                parts.append(format_html(
                    '<option value="{}"{}>{}</option>', str(option["value"]),
                    flatatt(option["attrs"]), option["label"],
                ))  # fmt: skip
        parts.append("</select>")
        return mark_safe("".join(parts))
