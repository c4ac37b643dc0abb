"""Template filters for Vietnamese formats: {{ n|so }}, {{ d|ngay }}, {{ a|tyle:b }}."""

from django import template

from dangbo.core import formatting

register = template.Library()


@register.filter(name="so")
def so(value):
    return formatting.fmt_int(value)


@register.filter(name="thapphan")
def thapphan(value, places=1):
    return formatting.fmt_decimal(value, int(places))


@register.filter(name="tyle")
def tyle(numerator, denominator=None):
    return formatting.fmt_percent(numerator, denominator)


@register.filter(name="ngay")
def ngay(value):
    return formatting.fmt_date(value)


@register.filter(name="thoigian")
def thoigian(value):
    return formatting.fmt_datetime(value)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """Return the current query string with some parameters replaced (for paging and sorting)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
