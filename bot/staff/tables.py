"""The catalogue and the FAQ as spreadsheets (CSV and XLSX) that a province
office can edit and import back.

An office works in a spreadsheet, not in YAML, so a record is flattened into
one row per fact, each with its own `sources`, `checked` and `status` cells.
The layout is derived from the pydantic models, never written per field:

- the record root is one row (`part` empty); every nested record in a field
  or a list has its own row, `part` naming its path in the record
  (`summary`, `fees.items[0]`, `fees.items[0].temporary[1]`, `details[2]`);
- a small record made only of single values (`Source`, `Alias`, `Rate`,
  `OnlineChannel`) is written inline, one per line of its cell, as
  `a | b | c` in field order (sources: `title | url | kind | published`),
  trailing empty parts left out; a list of values is one item per line;
- in those cells `\\|`, `\\\\` and `\\n` stand for a literal `|`, backslash
  and line break, so any text survives (any other backslash is kept as is);
- columns are `id`, `part`, the content fields of every row type, then
  `note`, `sources`, `checked`, `status`, `reason`, `internal`; an empty cell
  is an absent field (its default, as in the YAML files), dates are ISO
  `YYYY-MM-DD`.

Rows of a record may come in any order and list indices need not be
contiguous (deleting a row deletes that item); records come back in their
natural order.  Reading validates with the loader's own schema
(`bot.catalogue.models.KINDS`) and reports every problem at once, each naming
the sheet, the row as the spreadsheet numbers it (header = 1) and the column.
Catalogue-wide checks (an alias claimed twice, a condition the phrasebook
does not explain) need the whole catalogue, so the caller runs
`bot.catalogue.files.catalogue_problems` on the merged result.

Only "service" and "faq" are tables.  The phrasebook stays YAML-only: it is
named templates with placeholders, not facts with sources.

API: `export_csv(kind, records)`, `export_xlsx(records)`,
`import_csv(kind, data, sheet=None)`, `import_xlsx(data)`; failures raise
`TableError`, whose `problems` are `Problem`s.  Cells come back in both
formats as text: CRLF line breaks become LF and a cell of only spaces is
empty; inline parts are trimmed, so a part's own edge spaces are not kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Type, Union

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import AnyUrl, BaseModel, ValidationError
from pydantic.fields import SHAPE_LIST, SHAPE_SINGLETON

from bot.catalogue.files import Key
from bot.catalogue.models import KINDS, Provenance

#: Kinds kept in tables, and the name of each one's sheet (and CSV file).
SHEETS: Dict[str, str] = {"service": "services", "faq": "faq"}
GUIDE_SHEET = "Hướng dẫn"
ID, PART = "id", "part"
# What a fact says comes first, where it comes from last (as in the YAML files).
LAST_COLUMNS = ("note", *Provenance.__fields__)
SEPARATOR = " | "
ESCAPES = {"\\": "\\", "|": "|", "n": "\n", "r": "\r"}
MIN_WIDTH, MAX_WIDTH = 8, 60

Cell = Union[str, int]  # ints stay numbers in XLSX so an office can sum them
Path = Tuple[Tuple[str, Optional[int]], ...]  # ("fees", None), ("items", 0), ...


class Shape(Enum):
    """How a field is laid out in a table."""

    value = "value"  # a single value: one cell
    values = "values"  # a list of values: one per line of a cell
    inline = "inline"  # a small record of values: `a | b | c` in a cell
    inlines = "inlines"  # a list of them: one per line of a cell
    node = "node"  # a nested record: a row of its own
    nodes = "nodes"  # a list of nested records: a row each

    @property
    def is_row(self) -> bool:
        return self in (Shape.node, Shape.nodes)


@dataclass(frozen=True)
class Spec:
    name: str
    shape: Shape
    type_: Any  # the value's type, or the record type of an inline/nested record
    default: Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a sheet, where a person can find it."""

    sheet: str
    row: Optional[int]
    column: Optional[str]
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            where.append(f"cột {self.column}")
        return f"{', '.join(where)}: {self.message}"


class TableError(ValueError):
    """A sheet cannot be imported; `problems` lists every problem found."""

    def __init__(self, problems: List[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _CellError(ValueError):
    """A cell that cannot be read (a bad date, too many `|` parts)."""


# -- the layout, read off the models -------------------------------------------


def _is_record(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, BaseModel)


def _is_inline(model: Type[BaseModel]) -> bool:
    """A record of single values only is small enough for one line of a cell."""
    return all(f.shape == SHAPE_SINGLETON and not _is_record(f.type_) for f in model.__fields__.values())


@lru_cache(maxsize=None)
def specs(model: Type[BaseModel]) -> Tuple[Spec, ...]:
    """How each field of `model` is laid out, in field order."""
    result = []
    for model_field in model.__fields__.values():
        record = _is_record(model_field.type_)
        if model_field.shape == SHAPE_SINGLETON:
            shape = (Shape.inline if _is_inline(model_field.type_) else Shape.node) if record else Shape.value
        elif model_field.shape == SHAPE_LIST:
            shape = (Shape.inlines if _is_inline(model_field.type_) else Shape.nodes) if record else Shape.values
        else:
            raise TypeError(f"{model.__name__}.{model_field.name}: {model_field.outer_type_} has no table layout")
        result.append(Spec(model_field.name, shape, model_field.type_, model_field.get_default()))
    return tuple(result)


def _spec_map(model: Type[BaseModel]) -> Dict[str, Spec]:
    return {spec.name: spec for spec in specs(model)}


def _cell_specs(model: Type[BaseModel], root: bool) -> Dict[str, Spec]:
    """The fields of `model` written in its row's cells (the root's id is the `id` column)."""
    return {s.name: s for s in specs(model) if not s.shape.is_row and not (root and s.name == ID)}


def _node_models(model: Type[BaseModel]) -> List[Type[BaseModel]]:
    """`model` and every record type that gets rows of its own, depth first."""
    found: List[Type[BaseModel]] = []

    def visit(current: Type[BaseModel]) -> None:
        if current not in found:
            found.append(current)
            for spec in specs(current):
                if spec.shape.is_row:
                    visit(spec.type_)

    visit(model)
    return found


@lru_cache(maxsize=None)
def columns(kind: str) -> Tuple[str, ...]:
    """The sheet's columns: id, part, content fields, then note and provenance."""
    model = _model(kind)
    names: List[str] = []
    for node in _node_models(model):
        names.extend(n for n in _cell_specs(node, node is model) if n not in names)
    last = [n for n in LAST_COLUMNS if n in names]
    return (ID, PART, *[n for n in names if n not in last], *last)


def part_patterns(model: Type[BaseModel], prefix: str = "") -> List[str]:
    """Every `part` a row can have, with `[n]` for list positions."""
    patterns = []
    for spec in specs(model):
        if spec.shape.is_row:
            part = _join(prefix, spec.name + ("[n]" if spec.shape is Shape.nodes else ""))
            patterns += [part, *part_patterns(spec.type_, part)]
    return patterns


def _model(kind: str) -> Type[BaseModel]:
    if kind not in SHEETS:
        raise ValueError(f"no table for kind '{kind}' (tables: {', '.join(SHEETS)}; the phrasebook stays in YAML)")
    return KINDS[kind]


def _join(part: str, step: str) -> str:
    return f"{part}.{step}" if part else step


def _part_text(path: Path) -> str:
    return ".".join(name if index is None else f"{name}[{index}]" for name, index in path)


# -- writing -------------------------------------------------------------------


def _escape(text: str, pipe: bool) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return text.replace("|", "\\|") if pipe else text


def _scalar_text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _inline_text(record: BaseModel) -> str:
    """`a | b | c`: every field in order, trailing defaults left out."""
    parts = [(getattr(record, s.name), s.default) for s in specs(type(record))]
    while parts and parts[-1][0] == parts[-1][1]:
        parts.pop()
    return SEPARATOR.join("" if value is None else _escape(_scalar_text(value), pipe=True) for value, _ in parts)


def _cell(spec: Spec, value: Any) -> Cell:
    if spec.shape is Shape.value:
        return value if isinstance(value, int) and not isinstance(value, (bool, Enum)) else _scalar_text(value)
    if spec.shape is Shape.values:
        return "\n".join(_escape(_scalar_text(item), pipe=False) for item in value)
    if spec.shape is Shape.inline:
        return _inline_text(value)
    return "\n".join(_inline_text(item) for item in value)


def _rows(record: BaseModel, record_id: str, part: str = "") -> Iterator[Dict[str, Cell]]:
    """The record's rows: its own first, then its nested records' in field order."""
    row: Dict[str, Cell] = {ID: record_id, PART: part}
    children: List[Tuple[BaseModel, str]] = []
    cells = _cell_specs(type(record), root=not part)
    for spec in specs(type(record)):
        value = getattr(record, spec.name)
        if spec.shape is Shape.node and value is not None:
            children.append((value, _join(part, spec.name)))
        elif spec.shape is Shape.nodes:
            children.extend((item, _join(part, f"{spec.name}[{i}]")) for i, item in enumerate(value))
        elif spec.name in cells and value != spec.default:
            row[spec.name] = _cell(spec, value)
    yield row
    for child, child_part in children:
        yield from _rows(child, record_id, child_part)


def table(kind: str, records: Iterable[BaseModel]) -> List[List[Cell]]:
    """The sheet of `kind` as lists of cells, header first, records by id."""
    names = columns(kind)
    body = [
        [row.get(name, "") for name in names]
        for record in sorted(records, key=lambda r: r.id)  # type: ignore[attr-defined]
        for row in _rows(record, record.id)  # type: ignore[attr-defined]
    ]
    return [list(names), *body]


def export_csv(kind: str, records: Dict[str, BaseModel]) -> bytes:
    """One kind's sheet as CSV, UTF-8 with a BOM so Excel reads Vietnamese right."""
    out = io.StringIO()
    csv.writer(out).writerows(table(kind, records.values()))
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(records: Dict[Key, BaseModel]) -> bytes:
    """A workbook: the guide, then a sheet per kind (the phrasebook is left out)."""
    book = Workbook()
    _write_guide(book.active)
    for kind, sheet in SHEETS.items():
        _write_sheet(book.create_sheet(sheet), table(kind, [r for (k, _), r in records.items() if k == kind]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(sheet: Worksheet, rows: List[List[Cell]]) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for values in rows:
        sheet.append([None if value == "" else value for value in values])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text starting with "=" is text, not a formula
                cell.number_format = "@"  # and an edited date stays text
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "C2"  # the header and the id, part columns stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    for index, name in enumerate(rows[0], start=1):
        longest = max(len(line) for value in (row[index - 1] for row in rows) for line in str(value).split("\n"))
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


# -- the guide sheet -----------------------------------------------------------

GUIDE_INTRO = [
    "Bảng này dùng để sửa danh mục thủ tục (trang services) và câu hỏi thường gặp (trang faq), "
    "sau đó nhập lại vào hệ thống.",
    "Mỗi dòng là một thông tin, kèm nguồn (sources), ngày kiểm tra (checked) và trạng thái (status). "
    "Các dòng cùng id thuộc cùng một thủ tục hoặc câu hỏi; thứ tự các dòng không quan trọng.",
    "Ô để trống nghĩa là không ghi gì (dùng giá trị mặc định). Ngày xin viết dạng YYYY-MM-DD, ví dụ 2026-11-23.",
    "Ô có nhiều mục: mỗi mục một dòng trong ô (xuống dòng trong ô: Alt+Enter trong Excel, Ctrl+Enter trong "
    "LibreOffice). Các phần của một mục cách nhau bởi dấu |; phần trống ở cuối có thể bỏ.",
    "Trong ô có nhiều mục, ký tự | viết là \\|, ký tự \\ viết là \\\\, xuống dòng bên trong một mục viết là \\n.",
    "Thêm một thông tin: thêm một dòng với id của thủ tục và part theo mẫu ở cột part (ví dụ details[7]). "
    "Bỏ một thông tin: xóa dòng của nó.",
    "Xin vui lòng không đổi tên trang tính và tên cột. Khi nhập, hệ thống kiểm tra cả bảng và báo từng lỗi "
    "theo trang, số dòng và tên cột. Trang Hướng dẫn này không được đọc khi nhập.",
    "Lời thoại của bot (phrasebook) không có trong bảng này; nó được sửa trong tệp YAML.",
]

# What each column means; how to write it is added from the models.
COLUMN_MEANINGS = {
    ID: "Mã của thủ tục hoặc câu hỏi (chữ thường không dấu, số và dấu _).",
    PART: "Vị trí của thông tin trong thủ tục; để trống là dòng chung của thủ tục hoặc câu hỏi.",
    "name": "Tên chính thức của thủ tục.",
    "short_name": "Tên ngắn bot dùng khi trả lời.",
    "group": "Mã nhóm chủ đề.",
    "essential_number": "Số thứ tự trong 25 dịch vụ thiết yếu của Đề án 06, nếu có.",
    "aliases": "Các cách người dân gọi thủ tục.",
    "portal_url": "Cổng nơi thực hiện thủ tục.",
    "procedure_url": "Trang riêng của thủ tục, nếu đã kiểm tra.",
    "in_vneid": "true nếu làm được trên ứng dụng VNeID.",
    "text": "Nội dung thông tin.",
    "items": "Các mục: giấy tờ, các bước, căn cứ pháp lý.",
    "channels": "Các kênh trực tuyến.",
    "help": "Gợi ý khi người dân vướng ở từng bước (số mục bằng số bước ở cột items).",
    "label": "Tên khoản phí, lệ phí.",
    "standard": "Mức thu thông thường (đồng).",
    "amount": "Số tiền (đồng), chỉ ghi số.",
    "channel": "Kênh áp dụng mức thu.",
    "valid_from": "Ngày bắt đầu áp dụng mức tạm thời.",
    "valid_to": "Ngày cuối cùng áp dụng mức tạm thời.",
    "conditions": "Điều kiện được hưởng (tên trong phrasebook); để trống là áp dụng cho mọi người.",
    "basis": "Văn bản quy định mức thu này.",
    "topic": "Câu hỏi mà thông tin này trả lời, theo lời người dân.",
    "title": "Tiêu đề câu hỏi (cũng là nhãn nút bấm).",
    "answer": "Câu trả lời.",
    "service": "Mã thủ tục liên quan, nếu có.",
    "examples": "Các cách người dân hỏi (dữ liệu huấn luyện), ít nhất 2 câu.",
    "note": "Ghi chú hiển thị sau thông tin.",
    "sources": "Nguồn của thông tin; nguồn chính thức (official) hoặc văn bản pháp luật (law_database) "
    "là bắt buộc khi status là verified.",
    "checked": "Ngày kiểm tra gần nhất.",
    "status": "Để trống là verified (đã đối chiếu nguồn chính thức); uncertain, conflicting hoặc unknown "
    "thì xin ghi lý do ở cột reason.",
    "reason": "Lý do chưa chắc chắn; có thể hiển thị cho người dân.",
    "internal": "Ghi chú nội bộ (đã đọc gì, vì sao chưa có nguồn chính thức); không bao giờ hiển thị.",
}


def _is_enum(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, Enum)


def _is_date(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, dt.date)


def _how_to_write(spec: Spec) -> str:
    """How a cell of `spec` is written, read off its type."""
    if spec.shape in (Shape.inline, Shape.inlines):
        parts = specs(spec.type_)
        one = "Mỗi mục một dòng" if spec.shape is Shape.inlines else "Một mục"
        enums = [f"{s.name} là một trong: {', '.join(str(m.value) for m in s.type_)}."
                 for s in parts if _is_enum(s.type_)]
        return " ".join([f"{one}, dạng: {SEPARATOR.join(s.name for s in parts)}.", *enums])
    hint = "Mỗi mục một dòng." if spec.shape is Shape.values else ""
    if _is_enum(spec.type_):
        hint += f" Một trong: {', '.join(str(member.value) for member in spec.type_)}."
    elif _is_date(spec.type_):
        hint += " Dạng YYYY-MM-DD."
    return hint.strip()


def _guide_rows() -> List[Tuple[str, str]]:
    rows: List[Tuple[str, str]] = []
    for kind in SHEETS:
        model = _model(kind)
        nodes = _node_models(model)
        for name in columns(kind):
            if name in (n for n, _ in rows):
                continue
            hints = []
            for node in nodes:
                spec = _cell_specs(node, node is model).get(name)
                if spec is not None and _how_to_write(spec) and _how_to_write(spec) not in hints:
                    hints.append(_how_to_write(spec))
            if name == PART:
                hints.append("Các giá trị: " + ", ".join(part_patterns(model)) + f" (trang {SHEETS[kind]}).")
            rows.append((name, " ".join([COLUMN_MEANINGS.get(name, ""), *hints]).strip()))
    return rows


def _write_guide(sheet: Worksheet) -> None:
    sheet.title = GUIDE_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append(["Hướng dẫn sửa danh mục trong bảng tính"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in GUIDE_INTRO:
        sheet.append(["", line])
    sheet.append([])
    sheet.append(["Cột", "Ý nghĩa và cách ghi"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for name, meaning in _guide_rows():
        sheet.append([name, meaning])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = wrap
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 100


# -- reading -------------------------------------------------------------------


def _unescape(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in ESCAPES:
            out.append(ESCAPES[raw[i + 1]])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _split(line: str) -> List[str]:
    """Split on the `|` that are not escaped, keeping escapes for `_unescape`."""
    parts, start, i = [], 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == "|":
            parts.append(line[start:i])
            start = i + 1
        i += 1
    return [*parts, line[start:]]


def _lines(text: str) -> List[str]:
    return [line for line in text.split("\n") if line.strip()]


def _date(text: str) -> dt.date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _CellError(f"ngày '{text}' không đúng; xin viết dạng YYYY-MM-DD, ví dụ 2026-11-23")


def _scalar(type_: Any, text: str) -> Any:
    """A value for the model to validate: dates strictly ISO (pydantic would
    read 20261123 as a timestamp), free text as typed, the rest trimmed."""
    if _is_date(type_):
        return _date(text)
    if isinstance(type_, type) and issubclass(type_, str) and not issubclass(type_, (Enum, AnyUrl)):
        return text
    return text.strip()


def _inline(model: Type[BaseModel], line: str) -> Dict[str, Any]:
    fields = specs(model)
    parts = [part.strip() for part in _split(line)]
    if len(parts) > len(fields):
        raise _CellError(
            f"'{line}' có {len(parts)} phần, nhiều nhất là {len(fields)} "
            f"({SEPARATOR.join(s.name for s in fields)}); dấu | trong nội dung xin viết là \\|"
        )
    return {spec.name: _scalar(spec.type_, _unescape(part)) for spec, part in zip(fields, parts) if part}


def _read_cell(spec: Spec, text: str) -> Any:
    if spec.shape is Shape.value:
        return _scalar(spec.type_, text)
    if spec.shape is Shape.values:
        return [_scalar(spec.type_, _unescape(line)) for line in _lines(text)]
    lines = _lines(text)
    if spec.shape is Shape.inline:
        if len(lines) != 1:
            raise _CellError(f"chỉ ghi một mục, dạng {SEPARATOR.join(s.name for s in specs(spec.type_))}")
        return _inline(spec.type_, lines[0])
    items, errors = [], []
    for number, line in enumerate(lines, start=1):
        try:
            items.append(_inline(spec.type_, line))
        except _CellError as error:
            errors.append(f"mục {number}: {error}")
    if errors:
        raise _CellError("; ".join(errors))
    return items


def _text(value: Any) -> str:
    """A spreadsheet cell as text (Excel turns typed dates and numbers into values)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n")


@dataclass
class _Row:
    number: int
    record_id: str
    path: Path
    cells: Dict[str, str]  # the non-empty cells, by column (not id, part)


@dataclass
class _Assembly:
    """One record's rows while they are put together."""

    rows: Dict[Path, _Row]
    at: Dict[Tuple[Any, ...], Tuple[_Row, Type[BaseModel]]] = field(default_factory=dict)  # pydantic loc -> row
    used: Set[Path] = field(default_factory=set)
    bad_cells: Set[Tuple[int, str]] = field(default_factory=set)  # (row, column) already reported

    def children(self, parent: Path, name: str) -> List[Tuple[Path, _Row]]:
        depth = len(parent)
        return [(path, row) for path, row in self.rows.items()
                if len(path) == depth + 1 and path[:depth] == parent and path[depth][0] == name]


class _Sheet:
    """Reads one kind's sheet into records, collecting every problem."""

    def __init__(self, kind: str, sheet: str) -> None:
        self.kind = kind
        self.model = _model(kind)
        self.sheet = sheet
        self.problems: List[Problem] = []
        self.reported: Set[int] = set()  # positions of header problems already reported

    def problem(self, row: Optional[int], column: Optional[str], message: str) -> None:
        self.problems.append(Problem(self.sheet, row, column, message))

    def in_order(self) -> List[Problem]:
        return sorted(self.problems, key=lambda p: p.row or 0)

    def read(self, rows: Iterable[Sequence[Any]]) -> Dict[Key, BaseModel]:
        numbered = enumerate(rows, start=1)
        header = next(numbered, None)
        if header is None:
            self.problem(None, None, "bảng trống, cần có dòng tiêu đề")
            return {}
        names = self._header([_text(value).strip() for value in header[1]])
        if names is None:
            return {}
        by_record: Dict[str, List[_Row]] = {}
        seen: Dict[Tuple[str, Path], int] = {}
        for number, values in numbered:
            row = self._row(number, names, [_text(value) for value in values])
            if row is None:
                continue
            first = seen.setdefault((row.record_id, row.path), number)
            if first != number:
                self.problem(number, PART, f"trùng với dòng {first} (id {row.record_id}, "
                                           f"part '{_part_text(row.path)}'); xin giữ một dòng")
                continue
            by_record.setdefault(row.record_id, []).append(row)
        records: Dict[Key, BaseModel] = {}
        for record_id, record_rows in by_record.items():
            record = self._record(record_id, record_rows)
            if record is not None:
                records[(self.kind, record_id)] = record
        return records

    def _header(self, names: List[str]) -> Optional[Dict[int, str]]:
        """The column each position feeds, or None when `id` or `part` is missing.
        Unknown and repeated names are reported here once, not on every row."""
        known = columns(self.kind)
        used: Dict[int, str] = {}
        for index, name in enumerate(names):
            if not name:
                continue
            if name not in known:
                self.problem(1, name, f"không có cột này trong trang {self.sheet}; các cột: {', '.join(known)}")
            elif name in used.values():
                self.problem(1, name, f"cột này có hai lần (cột {get_column_letter(index + 1)})")
            else:
                used[index] = name
            self.reported.add(index)
        missing = [name for name in (ID, PART) if name not in used.values()]
        for name in missing:
            self.problem(1, name, "thiếu cột này")
        return None if missing else used

    def _row(self, number: int, names: Dict[int, str], values: List[str]) -> Optional[_Row]:
        if not any(value.strip() for value in values):
            return None
        cells: Dict[str, str] = {}
        for index, value in enumerate(values):
            if not value.strip():
                continue
            if index in names:
                cells[names[index]] = value
            elif index not in self.reported:
                self.problem(number, get_column_letter(index + 1), "ô có nội dung nhưng cột không có tên")
        record_id = cells.pop(ID, "").strip()
        part = cells.pop(PART, "").strip()
        if not record_id:
            self.problem(number, ID, "thiếu id")
            return None
        try:
            path = self._path(part)
        except _CellError as error:
            self.problem(number, PART, str(error))
            return None
        return _Row(number, record_id, path, cells)

    def _path(self, part: str) -> Path:
        path: List[Tuple[str, Optional[int]]] = []
        model = self.model
        for step in part.split(".") if part else []:
            match = re.fullmatch(r"\s*(\w+)\s*(?:\[\s*(\d+)\s*\])?\s*", step)
            spec = _spec_map(model).get(match.group(1)) if match else None
            if not match or spec is None or not spec.shape.is_row or (
                    (spec.shape is Shape.nodes) != (match.group(2) is not None)):
                raise _CellError(f"không có phần '{part}'; các phần: (trống), {', '.join(part_patterns(self.model))}")
            path.append((spec.name, int(match.group(2)) if match.group(2) is not None else None))
            model = spec.type_
        return tuple(path)

    def _record(self, record_id: str, rows: List[_Row]) -> Optional[BaseModel]:
        """Assemble one record's rows and validate it with the loader's schema."""
        before = len(self.problems)
        assembly = _Assembly({row.path: row for row in rows})
        if () not in assembly.rows:
            self.problem(rows[0].number, PART, f"id {record_id} chưa có dòng chung (part để trống)")
            return None
        data = self._node(self.model, assembly.rows[()], (), assembly)
        data[ID] = record_id
        for row in rows:
            if row.path not in assembly.used:
                missing = next(row.path[:n] for n in range(1, len(row.path) + 1) if row.path[:n] not in assembly.used)
                self.problem(row.number, PART, f"chưa có dòng part '{_part_text(missing)}' chứa dòng này "
                                               f"(id {record_id})")
        try:
            record = self.model.parse_obj(data)  # with bad cells left out, to report the rest too
        except ValidationError as error:
            self._report(error, assembly)
            return None
        return record if len(self.problems) == before else None

    def _node(self, model: Type[BaseModel], row: _Row, loc: Tuple[Any, ...], assembly: _Assembly) -> Dict[str, Any]:
        """One row and the rows under it as the model's plain data; `loc` is
        where pydantic will report this node's errors."""
        assembly.at[loc] = (row, model)
        assembly.used.add(row.path)
        cell_specs = _cell_specs(model, root=not row.path)
        for name in row.cells:
            if name not in cell_specs:
                what = f"dòng part '{_part_text(row.path)}'" if row.path else "dòng chung"
                self.problem(row.number, name, f"cột này không dùng cho {what}; xin để trống")
                assembly.bad_cells.add((row.number, name))
        data: Dict[str, Any] = {}
        for spec in specs(model):
            if spec.shape is Shape.node:
                child = assembly.rows.get(row.path + ((spec.name, None),))
                if child is not None:
                    data[spec.name] = self._node(spec.type_, child, loc + (spec.name,), assembly)
            elif spec.shape is Shape.nodes:
                # list positions as numbered in the sheet, gaps closed: deleting a row deletes an item
                children = sorted((path[-1][1], row) for path, row in assembly.children(row.path, spec.name))
                items = [
                    self._node(spec.type_, child, loc + (spec.name, position), assembly)
                    for position, (_, child) in enumerate(children)
                ]
                if items:
                    data[spec.name] = items
            elif spec.name in cell_specs and spec.name in row.cells:
                try:
                    data[spec.name] = _read_cell(spec, row.cells[spec.name])
                except _CellError as error:
                    self.problem(row.number, spec.name, str(error))
                    assembly.bad_cells.add((row.number, spec.name))
        return data

    def _report(self, error: ValidationError, assembly: _Assembly) -> None:
        """Each schema error at the row whose `part` holds the field, in the field's column."""
        for item in error.errors():
            loc = tuple(item["loc"])
            cut = max(n for n in range(len(loc) + 1) if loc[:n] in assembly.at)
            row, model = assembly.at[loc[:cut]]
            rest = [step for step in loc[cut:] if step != "__root__"]
            message = item["msg"]
            fields = _spec_map(model)
            if not rest:
                column = _named_column(model, message, root=not row.path)
            elif rest[0] in fields and fields[rest[0]].shape.is_row:
                column = PART
                message = f"thiếu dòng part '{_join(_part_text(row.path), str(rest[0]))}'"
            else:
                column = str(rest[0])
                if item["type"] in ("value_error.missing", "type_error.none.not_allowed"):
                    message = "cần có giá trị"
                within = ", ".join(f"mục {step + 1}" if isinstance(step, int) else str(step) for step in rest[1:])
                message = f"{within}: {message}" if within else message
            if (row.number, column) not in assembly.bad_cells:  # already said why
                problem = Problem(self.sheet, row.number, column, message)
                if problem not in self.problems:
                    self.problems.append(problem)


def _named_column(model: Type[BaseModel], message: str, root: bool) -> str:
    """The column a rule over several fields names ("needs a 'reason'",
    "an official source"), else `status`, which such rules depend on."""
    names = list(_cell_specs(model, root))
    for word in [*re.findall(r"'(\w+)'", message), *re.findall(r"\w+", message)]:
        for name in names:
            if word in (name, name.rstrip("s")):
                return name
    return "status" if "status" in names else PART


def import_csv(kind: str, data: bytes, sheet: Optional[str] = None) -> Dict[Key, BaseModel]:
    """Records from one kind's CSV; `sheet` names it in problems (default: the sheet name)."""
    reader = _Sheet(kind, sheet or SHEETS.get(kind, kind))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        reader.problem(None, None, "tệp không phải UTF-8; trong Excel xin lưu bằng 'CSV UTF-8'")
        raise TableError(reader.problems)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ";" under some regional settings
    records = reader.read(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if reader.problems:
        raise TableError(reader.in_order())
    return records


def import_xlsx(data: bytes) -> Dict[Key, BaseModel]:
    """Records from the workbook's `services` and `faq` sheets (other sheets are ignored)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError([Problem("tệp", None, None, f"không đọc được tệp XLSX ({error})")]) from error
    try:
        present = [kind for kind, sheet in SHEETS.items() if sheet in book.sheetnames]
        if not present:
            raise TableError([Problem("tệp", None, None, f"không có trang {' hay '.join(SHEETS.values())}")])
        records: Dict[Key, BaseModel] = {}
        problems: List[Problem] = []
        for kind in present:
            reader = _Sheet(kind, SHEETS[kind])
            records.update(reader.read(book[SHEETS[kind]].iter_rows(values_only=True)))
            problems += reader.in_order()
    finally:
        book.close()
    if problems:
        raise TableError(problems)
    return records
