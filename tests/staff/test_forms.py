"""The record forms: every part of every seed record survives a form round
trip unchanged, lists grow and shrink, and errors land beside their field."""

import pytest

from bot.catalogue.files import plain
from bot.catalogue.models import KINDS
from bot.staff import forms
from tests.support import seed


def submitted(items):
    """What a browser sends for these widgets, unchanged."""
    form = {}

    def visit(widget):
        if widget.kind in ("group", "list", "mapping"):
            for child in widget.children:
                visit(child)
        elif widget.kind == "checkbox":
            form[f"{widget.name}.present"] = "1"
            if widget.value:
                form[widget.name] = "1"
        else:
            form[widget.name] = str(widget.value).replace("\n", "\r\n")  # browsers send CRLF

    for item in items:
        visit(item)
    return form


@pytest.mark.parametrize("key", sorted(seed()), ids=lambda key: f"{key[0]}-{key[1]}")
def test_every_part_round_trips_unchanged(key):
    kind, _ = key
    record = seed()[key]
    data = plain(record)
    for _, _, names in forms.PARTS[kind]:
        items = forms.widgets(KINDS[kind], data, names, {})
        data = forms.apply_form(KINDS[kind], data, names, submitted(items))
    assert KINDS[kind].parse_obj(data) == record


def test_a_changed_field_changes_only_that_field():
    record = seed()[("service", "cap_ho_chieu_pho_thong")]
    data = plain(record)
    names = forms.part("service", "thoi-gian")[2]
    form = submitted(forms.widgets(KINDS["service"], data, names, {}))
    form["processing_time.text"] = "Không quá 5 ngày làm việc."
    changed = KINDS["service"].parse_obj(forms.apply_form(KINDS["service"], data, names, form))
    assert changed.processing_time.text == "Không quá 5 ngày làm việc."
    assert changed.copy(update={"processing_time": record.processing_time}) == record


def test_add_and_remove_list_items():
    record = seed()[("service", "cap_ho_chieu_pho_thong")]
    data = plain(record)
    names = forms.part("service", "thoi-gian")[2]
    form = submitted(forms.widgets(KINDS["service"], data, names, {}))
    count = len(record.processing_time.sources)
    grown = forms.apply_form(KINDS["service"], data, names, form, "add:processing_time.sources")
    assert len(grown["processing_time"]["sources"]) == count + 1
    shrunk = forms.apply_form(KINDS["service"], data, names, form, "remove:processing_time.sources.0")
    assert len(shrunk["processing_time"]["sources"]) == count - 1


def test_errors_are_placed_beside_their_field():
    data = plain(seed()[("service", "cap_ho_chieu_pho_thong")])
    names = forms.part("service", "le-phi")[2]
    items = forms.widgets(KINDS["service"], data, names, {"checked": "Ngày kiểm tra"})
    left = forms.attach_errors(items, {"fees.checked": "invalid date format", "nowhere": "x"})
    fees = items[0]
    checked = next(c for c in fees.children if c.name == "fees.checked")
    assert checked.error == "invalid date format" and checked.label == "Ngày kiểm tra"
    assert left == ["nowhere: x"]
