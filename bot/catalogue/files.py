"""The catalogue as YAML files: the seed of an empty database and the export
format, so a province can keep its catalogue in git.

    data/catalogue/<id>.yml   one service
    data/faq/<id>.yml         one FAQ entry (answer, source, example questions)
    data/lang/replies.yml     the phrasebook (the bot's wording)
    data/examples/<intent>.yml  questions staff taught for an intent (from the inbox)

`dump()` writes the one canonical form of a record, so YAML -> database ->
YAML gives back the same bytes.  Reading validates against the record schema;
an error names the file and the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml
from pydantic import BaseModel, ValidationError

from bot.catalogue.models import KINDS, PHRASEBOOK_ID, Alias, Provenance, Service, alias_conflicts, unknown_conditions

#: A record's address: (kind, id).
Key = Tuple[str, str]

HEADERS = {
    "service": "# One public service. Every fact has a source and the date it was checked.\n",
    "faq": "# One FAQ entry: the answer (read at run time), its source, and how people ask it.\n",
    "examples": "# Questions staff taught the bot for this intent; `make train` adds them to the NLU data.\n",
    "phrases": (
        "# The bot's wording around catalogue facts. Keep the {placeholders}.\n"
        "# Facts themselves (fees, documents, times) come only from data/catalogue.\n"
    ),
}


class CatalogueError(Exception):
    """The catalogue files are invalid; the message names the file and field."""


@dataclass(frozen=True)
class Layout:
    """Where each kind of record lives on disk."""

    catalogue_dir: Path
    faq_dir: Path
    replies_path: Path
    examples_dir: Optional[Path] = None

    @classmethod
    def under(cls, data_dir: Path) -> "Layout":
        return cls(data_dir / "catalogue", data_dir / "faq", data_dir / "lang" / "replies.yml", data_dir / "examples")

    def path(self, kind: str, record_id: str) -> Path:
        if kind == "service":
            return self.catalogue_dir / f"{record_id}.yml"
        if kind == "faq":
            return self.faq_dir / f"{record_id}.yml"
        if kind == "examples" and self.examples_dir is not None:
            return self.examples_dir / f"{record_id}.yml"
        if kind == "phrases":
            return self.replies_path
        raise CatalogueError(f"no place for {kind} records in this layout")

    def files(self) -> Iterator[Tuple[str, Path]]:
        for path in sorted(self.catalogue_dir.glob("*.yml")):
            yield "service", path
        for path in sorted(self.faq_dir.glob("*.yml")):
            yield "faq", path
        if self.replies_path.exists():
            yield "phrases", self.replies_path
        if self.examples_dir is not None:
            for path in sorted(self.examples_dir.glob("*.yml")):
                yield "examples", path


def _problems(error: ValidationError) -> str:
    def where(location) -> str:
        return ".".join(str(part) for part in location if part != "__root__") or "(record)"

    return "; ".join(f"{where(e['loc'])}: {e['msg']}" for e in error.errors())


def parse(kind: str, data: Any, origin: str) -> BaseModel:
    """Validate one record; `origin` (a file name, a sheet row) prefixes errors."""
    if not isinstance(data, dict):
        raise CatalogueError(f"{origin}: expected a mapping of fields, got {type(data).__name__}")
    try:
        return KINDS[kind].parse_obj(data)
    except ValidationError as error:
        raise CatalogueError(f"{origin}: {_problems(error)}") from error


def read_file(kind: str, path: Path) -> BaseModel:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: not valid YAML: {error}") from error
    record = parse(kind, data, str(path))
    expected = PHRASEBOOK_ID if kind == "phrases" else path.stem
    if record_id(kind, record) != expected:
        raise CatalogueError(f"{path}: id: '{record_id(kind, record)}' must match the file name '{path.stem}'")
    return record


def record_id(kind: str, record: BaseModel) -> str:
    return PHRASEBOOK_ID if kind == "phrases" else record.id  # type: ignore[attr-defined]


def read_all(layout: Layout) -> Dict[Key, BaseModel]:
    """Every record under `layout`, validated, with catalogue-wide checks."""
    records: Dict[Key, BaseModel] = {}
    for kind, path in layout.files():
        record = read_file(kind, path)
        records[(kind, record_id(kind, record))] = record
    if not any(kind == "service" for kind, _ in records):
        raise CatalogueError(f"{layout.catalogue_dir}: no catalogue entries (*.yml) found")
    problems = catalogue_problems(records)
    if problems:
        raise CatalogueError("; ".join(problems))
    return records


def catalogue_problems(records: Dict[Key, BaseModel]) -> List[str]:
    """Checks across records: an alias claimed twice, a condition no phrase explains."""
    services = {rid: r for (kind, rid), r in records.items() if kind == "service"}
    phrases = records.get(("phrases", PHRASEBOOK_ID))
    return alias_conflicts(services) + unknown_conditions(services, phrases)  # type: ignore[arg-type]


def read_services(directory: Path) -> Dict[str, Service]:
    """Only the services of a catalogue directory (tests, checks)."""
    layout = Layout(Path(directory), Path(directory) / "-", Path(directory) / "-")
    return {rid: r for (kind, rid), r in read_all(layout).items() if kind == "service"}  # type: ignore[misc]


# -- the canonical YAML form ---------------------------------------------------


def plain(value: Any) -> Any:
    """A record as plain YAML data: defaults left out, enums and URLs as text."""
    if isinstance(value, BaseModel):
        data = {
            name: getattr(value, name)
            for name, field in value.__fields__.items()
            if getattr(value, name) != field.get_default()
        }
        if isinstance(value, Alias) and set(data) == {"name"}:
            return value.name  # a plain name stays a plain string
        if isinstance(value, Provenance):  # what the fact says first, its note, where it comes from last
            last = [name for name in ("note", *Provenance.__fields__) if name in data]
            data = {**{k: v for k, v in data.items() if k not in last}, **{k: data[k] for k in last}}
        return {k: plain(v) for k, v in data.items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    return value


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # noqa: ARG002
        return True  # never "&id001": a value written twice is written out twice

    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: ARG002
        return super().increase_indent(flow, False)  # indent list items under their key


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dt.date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", v.isoformat()))


def dump(kind: str, record: BaseModel) -> str:
    body = yaml.dump(plain(record), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)
    return HEADERS[kind] + body


def write_all(records: Dict[Key, BaseModel], layout: Layout) -> List[Path]:
    """Write every record in canonical form; returns the files written."""
    written = []
    for (kind, rid), record in sorted(records.items()):
        path = layout.path(kind, rid)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(kind, record), encoding="utf-8")
        written.append(path)
    return written
