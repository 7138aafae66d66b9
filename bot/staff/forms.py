"""HTML forms for catalogue records, derived from the record models.

A form field is named by its dotted path in the record
("fees.items.0.temporary.1.valid_to"), the same path pydantic reports an
error at, so each error is shown beside its field.  The forms follow the
models (`bot.catalogue.models`): a new field in a model appears in the form
with no template change.  Lists of records get "add" and "remove" buttons;
a list of plain texts is one text box, one item per line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from pydantic import BaseModel
from pydantic.fields import SHAPE_DICT, SHAPE_LIST, SHAPE_MAPPING, SHAPE_SINGLETON, ModelField

from bot.catalogue.models import Provenance

#: fields of str shown as a multi-line box
LONG_TEXTS = {"text", "answer", "note", "reason", "internal", "summary"}

#: The parts of a record edited on one page each: (slug, title, fields).
SERVICE_PARTS: List[Tuple[str, str, List[str]]] = [
    ("ten-goi", "Tên gọi và tên khác", ["name", "short_name", "group", "essential_number", "aliases",
                                         "portal_url", "procedure_url", "in_vneid"]),
    ("tom-tat", "Tóm tắt", ["summary"]),
    ("co-quan", "Cơ quan giải quyết", ["agency"]),
    ("doi-tuong", "Đối tượng và thời hạn", ["audience"]),
    ("ho-so", "Hồ sơ, giấy tờ", ["documents"]),
    ("cac-buoc", "Các bước và kênh nộp", ["steps"]),
    ("thoi-gian", "Thời gian giải quyết", ["processing_time"]),
    ("le-phi", "Lệ phí", ["fees"]),
    ("can-cu", "Căn cứ pháp lý", ["legal_basis"]),
    ("chi-tiet", "Thông tin chi tiết khác", ["details"]),
]
FAQ_PARTS: List[Tuple[str, str, List[str]]] = [
    ("noi-dung", "Câu hỏi và câu trả lời", ["title", "answer", "service", "examples", "sources", "checked",
                                             "status", "reason", "internal"]),
]
PHRASE_PARTS: List[Tuple[str, str, List[str]]] = [
    ("chung", "Cổng, đường dây nóng, dịch vụ phổ biến", ["portal_url", "hotline", "popular_services"]),
    ("loi-chao", "Lời chào", ["welcome"]),
    ("thong-bao", "Thông báo (gián đoạn, chưa rõ thủ tục)", ["messages"]),
    ("hoi-thoai", "Hội thoại (chuyển cán bộ, làm rõ, cảm ơn)", ["dialogue"]),
    ("mau-tra-loi", "Mẫu câu trả lời", ["templates"]),
    ("le-phi", "Cách nói về lệ phí", ["fees"]),
    ("dieu-kien", "Điều kiện miễn, giảm", ["conditions"]),
    ("khia-canh", "Tên các khía cạnh", ["aspects"]),
    ("nhom", "Tên nhóm thủ tục", ["groups"]),
    ("nhan-y-dinh", "Nhãn nút gợi ý", ["intent_labels"]),
]
EXAMPLE_PARTS: List[Tuple[str, str, List[str]]] = [("cau-hoi", "Câu hỏi mẫu", ["examples"])]
PARTS = {"service": SERVICE_PARTS, "faq": FAQ_PARTS, "phrases": PHRASE_PARTS, "examples": EXAMPLE_PARTS}


@dataclass
class Widget:
    """One thing on the form: an input, a group of inputs, or a list of groups."""

    kind: str  # text, textarea, lines, number, date, select, checkbox, group, list, mapping
    name: str  # dotted path
    label: str
    value: Any = None
    options: Sequence[str] = ()
    required: bool = False
    children: List["Widget"] = field(default_factory=list)  # group: fields; list/mapping: items
    error: Optional[str] = None


def part(kind: str, slug: str) -> Optional[Tuple[str, str, List[str]]]:
    return next((p for p in PARTS[kind] if p[0] == slug), None)


def _label(labels: Mapping[str, str], name: str) -> str:
    return labels.get(name, name.replace("_", " "))


def widgets(model: type, data: Mapping[str, Any], names: Sequence[str], labels: Mapping[str, str],
            prefix: str = "") -> List[Widget]:
    """Widgets for the fields `names` of `model`, filled from plain `data`."""
    return [_widget(model.__fields__[n], data.get(n), f"{prefix}{n}", labels) for n in names]


def field_order(model: type) -> List[str]:
    """A record's fields as staff read them: what the fact says, then its
    note, then where it comes from (sources, checked date, status)."""
    names = list(model.__fields__)
    if issubclass(model, Provenance):
        last = [n for n in ("note", *Provenance.__fields__) if n in names]
        names = [n for n in names if n not in last] + last
    return names


def _widget(f: ModelField, value: Any, path: str, labels: Mapping[str, str]) -> Widget:
    label = _label(labels, f.name)
    inner = f.type_
    required = f.required and not f.allow_none
    if f.shape == SHAPE_LIST:
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            items = value or []
            children = [
                Widget("group", f"{path}.{i}", f"{label} · mục {i + 1}",
                       children=widgets(inner, item if isinstance(item, dict) else _plain_item(inner, item),
                                        field_order(inner), labels, f"{path}.{i}."))
                for i, item in enumerate(items)
            ]
            return Widget("list", path, label, children=children, required=required)
        return Widget("lines", path, label, "\n".join(str(v) for v in value or []), required=required)
    if f.shape in (SHAPE_DICT, SHAPE_MAPPING):
        children = [Widget("textarea", f"{path}.{key}", key, text) for key, text in (value or {}).items()]
        return Widget("mapping", path, label, children=children, required=required)
    if f.shape != SHAPE_SINGLETON:
        raise TypeError(f"no form widget for field {f.name}")
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return Widget("group", path, label, required=required,
                      children=widgets(inner, value or {}, field_order(inner), labels, f"{path}."))
    if isinstance(inner, type) and issubclass(inner, Enum):
        default = f.default.value if isinstance(f.default, Enum) else ""
        return Widget("select", path, label, value if value is not None else default,
                      [e.value for e in inner], required)
    if inner is bool:
        return Widget("checkbox", path, label, bool(value))
    if inner is int:
        return Widget("number", path, label, "" if value is None else value, required=required)
    if inner is dt.date:
        return Widget("date", path, label, value.isoformat() if isinstance(value, dt.date) else (value or ""),
                      required=required)
    kind = "textarea" if f.name in LONG_TEXTS or (isinstance(value, str) and "\n" in value) else "text"
    return Widget(kind, path, label, "" if value is None else str(value), required=required)


def _plain_item(model: type, item: Any) -> Dict[str, Any]:
    """A list item written in short form in the YAML (an alias as a plain name)."""
    if isinstance(item, str) and "name" in model.__fields__:
        return {"name": item}
    return {}


def attach_errors(items: List[Widget], errors: Mapping[str, str]) -> List[str]:
    """Put each error on its widget (or the nearest enclosing one); returns those left over."""
    placed = set()

    def visit(widget: Widget) -> None:
        for child in widget.children:
            visit(child)
        if widget.name in errors:
            widget.error = errors[widget.name]
            placed.add(widget.name)

    for widget in items:
        visit(widget)
    left = {loc: msg for loc, msg in errors.items() if loc not in placed}
    for loc in list(left):  # an error inside a field: show it at the closest widget above
        parts = loc.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            owner = _find(items, ".".join(parts[:cut]))
            if owner is not None:
                owner.error = ((owner.error + "; ") if owner.error else "") + f"{'.'.join(parts[cut:])}: {left.pop(loc)}"
                break
    return [f"{loc}: {msg}" if loc else msg for loc, msg in left.items()]


def _find(items: List[Widget], name: str) -> Optional[Widget]:
    for widget in items:
        if widget.name == name:
            return widget
        found = _find(widget.children, name)
        if found:
            return found
    return None


# -- reading a submitted form back --------------------------------------------


def apply_form(model: type, base: Dict[str, Any], names: Sequence[str], form: Mapping[str, str],
               action: str = "") -> Dict[str, Any]:
    """`base` with the fields `names` replaced by what the form says.

    `action` is the button pressed: "add:<list path>" appends an empty item,
    "remove:<item path>" drops one; anything else only reads the values.
    """
    data = dict(base)
    for name in names:
        value = _read(model.__fields__[name], name, form)
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    if action.startswith("add:"):
        target = _get(data, action[4:])
        if isinstance(target, list):
            target.append({})
        elif target is None:
            _set(data, action[4:], [{}])
    elif action.startswith("remove:"):
        parent_path, _, index = action[7:].rpartition(".")
        target = _get(data, parent_path)
        if isinstance(target, list) and index.isdigit() and int(index) < len(target):
            target.pop(int(index))
    return data


def _read(f: ModelField, path: str, form: Mapping[str, str]) -> Any:
    inner = f.type_
    if f.shape == SHAPE_LIST:
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            items = []
            index = 0
            while _has_prefix(form, f"{path}.{index}."):
                item = {}
                for sub in inner.__fields__.values():
                    value = _read(sub, f"{path}.{index}.{sub.name}", form)
                    if value is not None:
                        item[sub.name] = value
                items.append(item)
                index += 1
            return items or None
        text = form.get(path)
        if text is None:
            return None
        lines = [line.strip() for line in _text(text).split("\n") if line.strip()]
        return lines or None
    if f.shape in (SHAPE_DICT, SHAPE_MAPPING):
        prefix = f"{path}."
        found = {key[len(prefix):]: _text(value) for key, value in form.items() if key.startswith(prefix)}
        return found or None
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        if not _has_prefix(form, f"{path}."):
            return None
        group = {}
        for sub in inner.__fields__.values():
            value = _read(sub, f"{path}.{sub.name}", form)
            if value is not None:
                group[sub.name] = value
        return group
    if inner is bool:
        return True if form.get(path) else (False if f"{path}.present" in form else None)
    raw = form.get(path)
    if raw is None:
        return None
    raw = _text(raw)
    if not raw.strip():
        return None
    if inner is int:
        try:
            return int(raw.strip().replace(".", "").replace(" ", ""))
        except ValueError:
            return raw  # pydantic reports it beside the field
    return raw if f.name in LONG_TEXTS or "\n" in raw else raw.strip()


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _has_prefix(form: Mapping[str, str], prefix: str) -> bool:
    return any(key.startswith(prefix) for key in form)


def _get(data: Any, path: str) -> Any:
    for part_name in path.split("."):
        if isinstance(data, list) and part_name.isdigit() and int(part_name) < len(data):
            data = data[int(part_name)]
        elif isinstance(data, dict):
            data = data.get(part_name)
        else:
            return None
    return data


def _set(data: Dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target: Any = data
    for part_name in parents:
        target = target[int(part_name)] if isinstance(target, list) else target.setdefault(part_name, {})
    target[last] = value
