import pytest
from django import forms

from calls.models import Tag
from qmi.forms import ModelChoiceField, ModelMultipleChoiceField, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("²", None),
        ("-1", None),
        ("0", None),
        ("1e3", None),
        (str(2**63), None),
        (str(2**63 - 1), 2**63 - 1),
        ("", None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


class TagForm(forms.Form):
    one = ModelChoiceField(queryset=Tag.objects.all(), required=False)
    many = ModelMultipleChoiceField(queryset=Tag.objects.all(), required=False)


@pytest.mark.parametrize("value", ["9" * 30, "²", "abc"])
def test_ids_no_database_can_hold_are_invalid_choices(db, value):
    form = TagForm({"one": value, "many": [value]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}


def test_real_ids_still_work(db):
    tag = Tag.objects.create(name="Mobilité", slug="mobilite")
    form = TagForm({"one": str(tag.pk), "many": [str(tag.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == tag and list(form.cleaned_data["many"]) == [tag]
