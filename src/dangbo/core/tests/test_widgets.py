"""core.widgets.QuickSelect: the HTML of Django's Select, written without the template engine."""

import pytest
from django import forms
from django.test.html import parse_html

from dangbo.core.widgets import QuickSelect

CHOICES = [("", "— Tất cả —"), ("01", "Kinh"), ("02", "Tày & <Thái>"), (3, "Ba")]


@pytest.mark.parametrize("value", [None, "", "01", "02", 3, "nothing"])
def test_the_same_html_as_django_select(value):
    attrs = {"id": "id_x", "class": "narrow", "disabled": True, "hidden": False}
    quick = QuickSelect(choices=CHOICES).render("x", value, attrs)
    plain = forms.Select(choices=CHOICES).render("x", value, attrs)
    assert parse_html(quick) == parse_html(plain)
    assert "&lt;Thái&gt;" in quick


def test_groups_of_options_keep_the_template():
    choices = [("Nhóm", [("a", "A"), ("b", "B")]), ("c", "C")]
    quick = QuickSelect(choices=choices).render("x", "b")
    assert parse_html(quick) == parse_html(forms.Select(choices=choices).render("x", "b"))


def test_the_member_filter_form_draws_its_lists_quickly(db):
    from dangbo.members.forms import MemberFilterForm

    form = MemberFilterForm({"sex": "F"})
    assert isinstance(form.fields["ethnicity"].widget, QuickSelect)
    html = str(form["sex"])
    assert 'name="sex"' in html
    assert 'value="F" selected' in html
