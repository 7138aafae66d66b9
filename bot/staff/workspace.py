"""What staff can do to the catalogue, checked against their role: the one
place both the staff pages and the JSON API go through.

An editor's change becomes a draft; a reviewer (or an admin) publishes it,
and publishing is a new revision in the store, which every reader picks up
within seconds (the catalogue service reloads on the version counter).  A
rollback and an import are revisions too.  Validation is the loader's: the
record models and the catalogue-wide checks of `bot.catalogue.files`.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from string import Formatter
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import yaml
from pydantic import BaseModel, ValidationError

from bot.catalogue.files import CatalogueError, Key, Layout, catalogue_problems, dump, parse, record_id
from bot.catalogue.models import KINDS, PHRASEBOOK_ID, Phrasebook, Service
from bot.catalogue.store import CatalogueStore, Changes, InvalidChange, Revision
from bot.replies.aspects import Aspect
from bot.replies.phrases import Phrases
from bot.replies.render import Renderer
from bot.staff import tables
from bot.staff.accounts import Permission, User
from bot.staff.drafts import DISCARDED, PUBLISHED, Draft, Drafts

PREVIEW_ASPECTS = (Aspect.documents, Aspect.fee, Aspect.processing_time, Aspect.how_to_apply)
#: a service whose fee answer shows how edited wording reads
SAMPLE_SERVICE = "cap_ho_chieu_pho_thong"
FORMATS = ("yaml", "csv", "xlsx")


class Forbidden(Exception):
    """The user's role does not allow this (message in Vietnamese)."""


class NotFound(Exception):
    pass


class Conflict(Exception):
    """The record changed since the draft was made (message in Vietnamese)."""


@dataclass(frozen=True)
class Problem:
    loc: str  # dotted path in the record ("fees.items.0.temporary.1.valid_to"); "" for the record
    msg: str


class Invalid(Exception):
    def __init__(self, problems: List[Problem]) -> None:
        super().__init__("; ".join(f"{p.loc or '(record)'}: {p.msg}" for p in problems))
        self.problems = problems


@dataclass
class Outcome:
    published: bool
    revision: Optional[int] = None  # when published (None: nothing changed)
    draft_id: Optional[int] = None  # when saved as a draft


@dataclass
class PreviewItem:
    title: str
    current: Optional[str]
    proposed: str


@dataclass
class ImportPlan:
    changes: Changes
    problems: List[str] = field(default_factory=list)


def parse_day(text: Optional[str]) -> Optional[dt.date]:
    """YYYY-MM-DD, or None when empty; ValueError when it is not a date."""
    return dt.date.fromisoformat(text.strip()) if text and text.strip() else None


def location(loc: Tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "__root__")


#: pydantic error types -> what staff read beside the field
MESSAGES = {
    "value_error.missing": "cần nhập",
    "type_error.none.not_allowed": "cần nhập",
    "type_error.integer": "phải là số nguyên",
    "value_error.number.not_ge": "không được âm",
    "value_error.number.not_le": "lớn quá mức cho phép",
    "value_error.date": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "type_error.date": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "type_error.enum": "chọn một giá trị trong danh sách",
    "value_error.list.min_items": "cần ít nhất một mục",
    "value_error.str.regex": "chỉ dùng chữ thường không dấu, số và dấu gạch dưới",
    "value_error.extra": "trường không có trong mẫu",
}


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind.startswith("value_error.url"):
        return "địa chỉ web không hợp lệ (bắt đầu bằng https://)"
    return MESSAGES.get(kind, error["msg"])


def _problems(error: ValidationError) -> List[Problem]:
    return [Problem(location(e["loc"]), _message(e)) for e in error.errors()]


def placeholders(phrase: str) -> set:
    """The {names} a phrase fills in ("{hotline}", "{service}")."""
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(phrase) if name}
    except ValueError:  # an unmatched brace
        return {"{"}


def placeholder_problems(current: Optional[Phrasebook], proposed: Phrasebook) -> List[Problem]:
    """Phrases that use a {name} the bot does not fill there: the same key's
    live phrase tells which names are filled in ({portal} and {hotline} always are)."""
    problems = []
    for section in ("aspects", "templates", "fees", "messages", "groups", "intent_labels", "dialogue", "conditions"):
        old: Dict[str, str] = getattr(current, section, {}) if current else {}
        for key, phrase in getattr(proposed, section).items():
            allowed = {"portal", "hotline"} | (placeholders(old[key]) if key in old else set())
            unknown = placeholders(phrase) - allowed
            if unknown:
                names = ", ".join("{" + n + "}" if n != "{" else "dấu { hoặc } lẻ" for n in sorted(unknown))
                problems.append(Problem(f"{section}.{key}", f"không dùng được {names} ở câu này"))
    for name, phrase in (("welcome.text", proposed.welcome.text), ("welcome.greet", proposed.welcome.greet)):
        unknown = placeholders(phrase) - {"portal", "hotline"}
        if unknown:
            problems.append(Problem(name, "chỉ dùng được {portal} và {hotline} ở đây"))
    return problems


CATALOGUE_MESSAGES = [  # the catalogue-wide checks' messages, for staff
    (re.compile(r"'(.+)' is also an alias of '(.+)'"), "'{0}' đã là tên gọi của thủ tục '{1}'"),
    (re.compile(r"condition '(.+)' is not in the phrasebook's conditions"),
     "điều kiện '{0}' chưa có trong phần Điều kiện của lời thoại"),
]


def _catalogue_problem(message: str) -> Problem:
    """'<id>: <field>: <what>' from the catalogue-wide checks."""
    parts = message.split(": ", 2)
    if len(parts) != 3:
        return Problem("", message)
    for pattern, vietnamese in CATALOGUE_MESSAGES:
        found = pattern.search(parts[2])
        if found:
            return Problem(parts[1], vietnamese.format(*found.groups()))
    return Problem(parts[1], parts[2])


def yaml_diff(kind: str, before: Optional[BaseModel], after: Optional[BaseModel], old: str, new: str) -> str:
    a = dump(kind, before).splitlines(keepends=True) if before is not None else []
    b = dump(kind, after).splitlines(keepends=True) if after is not None else []
    return "".join(difflib.unified_diff(a, b, fromfile=old, tofile=new))


class Workspace:
    def __init__(self, store: CatalogueStore, drafts: Drafts, today) -> None:
        self.store = store
        self.drafts = drafts
        self.today = today  # () -> date: the day answers are previewed for by default

    @staticmethod
    def require(user: User, permission: Permission) -> None:
        if not user.can(permission):
            raise Forbidden("Dạ, vai trò của anh/chị không được phép thực hiện thao tác này.")

    # -- reading -----------------------------------------------------------------

    def records(self, user: User, kind: str) -> Dict[str, BaseModel]:
        self.require(user, Permission.read)
        return self.store.all(kind)

    def record(self, user: User, kind: str, rid: str) -> BaseModel:
        self.require(user, Permission.read)
        record = self.store.get(kind, rid)
        if record is None:
            raise NotFound(f"{kind} {rid}")
        return record

    # -- proposing and publishing -------------------------------------------------

    def validate(self, kind: str, rid: str, data: Any) -> BaseModel:
        """The record `data` describes, checked as the loader checks the YAML."""
        if kind not in KINDS:
            raise NotFound(kind)
        try:
            record = data if isinstance(data, KINDS[kind]) else KINDS[kind].parse_obj(data)
        except ValidationError as error:
            raise Invalid(_problems(error)) from error
        if record_id(kind, record) != rid:
            raise Invalid([Problem("id", f"phải là '{rid}' (mã của bản ghi đang sửa)")])
        records: Dict[Key, BaseModel] = dict(self.store.everything())
        records[(kind, rid)] = record
        problems = [p for p in catalogue_problems(records) if kind != "service" or p.startswith(f"{rid}: ")]
        if problems:
            raise Invalid([_catalogue_problem(p) for p in problems])
        if kind == "phrases":
            wrong = placeholder_problems(self.store.get("phrases", PHRASEBOOK_ID), record)  # type: ignore[arg-type]
            if wrong:
                raise Invalid(wrong)
        self.preview(kind, record, aspects=tuple(Aspect))  # what the bot cannot render is refused here
        return record

    def submit(self, user: User, kind: str, rid: str, data: Any, reason: str) -> Outcome:
        """An admin's change is published at once; an editor's becomes a draft."""
        self.require(user, Permission.edit)
        if not reason.strip():
            raise Invalid([Problem("reason", "cần ghi lý do thay đổi")])
        record = self.validate(kind, rid, data)
        if user.can(Permission.publish):  # an open draft stays for its reviewer (it is now stale)
            return Outcome(True, revision=self._put(kind, record, user.email, reason))
        draft_id = self.drafts.save(kind, rid, record, self.store.revision(kind, rid), user.email, reason)
        return Outcome(False, draft_id=draft_id)

    def _put(self, kind: str, record: BaseModel, author: str, reason: str) -> Optional[int]:
        try:
            return self.store.put(kind, record, author, reason)
        except InvalidChange as error:
            raise Invalid([_catalogue_problem(p) for p in str(error).split("; ")]) from error

    def draft(self, user: User, draft_id: int) -> Draft:
        self.require(user, Permission.read)
        found = self.drafts.get(draft_id)
        if found is None:
            raise NotFound(f"draft {draft_id}")
        return found

    def publish(self, user: User, draft_id: int, seen: Optional[str] = None) -> Optional[int]:
        """Publish a draft; `seen` is the fingerprint of the content the reviewer
        looked at, so content changed since is not published unseen."""
        self.require(user, Permission.publish)
        draft = self.draft(user, draft_id)
        if draft.status != "open":
            raise Conflict("Dạ, bản nháp này đã được xử lý rồi ạ.")
        if seen is not None and seen != draft.fingerprint:
            raise Conflict("Dạ, bản nháp vừa được sửa sau khi anh/chị xem. Vui lòng xem lại trước khi xuất bản.")
        if user.email in draft.authors:
            raise Forbidden("Dạ, người soạn không tự duyệt bản nháp của mình; cần một người duyệt khác ạ.")
        if self.store.revision(draft.kind, draft.record_id) != draft.base_revision:
            raise Conflict("Dạ, bản ghi đã được thay đổi sau khi soạn nháp. Cần soạn lại từ phiên bản mới nhất ạ.")
        record = self.validate(draft.kind, draft.record_id, draft.record)
        revision = self._put(draft.kind, record, f"{draft.author} (duyệt: {user.email})", draft.reason)
        self.drafts.close(draft.id, PUBLISHED, user.email)
        return revision

    def discard(self, user: User, draft_id: int) -> None:
        if not (user.can(Permission.edit) or user.can(Permission.publish)):
            raise Forbidden("Dạ, vai trò của anh/chị không được phép thực hiện thao tác này.")
        self.draft(user, draft_id)
        self.drafts.close(draft_id, DISCARDED, user.email)

    # -- history -----------------------------------------------------------------

    def history(self, user: User, kind: str, rid: str) -> List[Revision]:
        self.require(user, Permission.read)
        return self.store.history(kind, rid)

    def audit(self, user: User, author: Optional[str] = None, since: Optional[dt.date] = None,
              until: Optional[dt.date] = None) -> List[Revision]:
        self.require(user, Permission.read)
        start = dt.datetime.combine(since, dt.time()) if since else None
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time()) if until else None
        return self.store.audit(author, start, end)

    @staticmethod
    def revision_diff(revision: Revision) -> str:
        model = KINDS[revision.kind]
        before = model.parse_obj(revision.before) if revision.before else None
        after = model.parse_obj(revision.after) if revision.after else None
        return yaml_diff(revision.kind, before, after, f"phiên bản {revision.revision - 1}",
                         f"phiên bản {revision.revision}")

    def rollback(self, user: User, kind: str, rid: str, version: int, reason: str = "") -> Optional[int]:
        """Make the record what it was at `version`, as a new revision."""
        self.require(user, Permission.publish)
        target = next((r for r in self.store.history(kind, rid) if r.revision == version), None)
        if target is None:
            raise NotFound(f"{kind} {rid} version {version}")
        why = f"khôi phục phiên bản {version}" + (f": {reason.strip()}" if reason.strip() else "")
        if target.after is None:
            return self.store.delete(kind, rid, user.email, why)
        return self._put(kind, KINDS[kind].parse_obj(target.after), user.email, why)

    # -- preview -----------------------------------------------------------------

    def preview(self, kind: str, proposed: BaseModel, day: Optional[dt.date] = None,
                aspects: Tuple[Aspect, ...] = PREVIEW_ASPECTS) -> List[PreviewItem]:
        """The bot's answers from the proposed record beside today's, for `day`.

        A record the bot cannot render (a phrase with an unknown {placeholder})
        is Invalid: it is refused before it reaches a citizen."""
        try:
            return self._preview(kind, proposed, day or self.today(), aspects)
        except (KeyError, IndexError, ValueError, AttributeError) as error:
            raise Invalid([Problem("", f"câu trả lời không hiển thị được ({type(error).__name__}: {error})")]) from error

    def _preview(self, kind: str, proposed: BaseModel, day: dt.date, aspects: Tuple[Aspect, ...]) -> List[PreviewItem]:
        current = self.store.get(kind, record_id(kind, proposed))
        phrases = self.store.get("phrases", PHRASEBOOK_ID)
        if kind == "service":
            now = Renderer(Phrases(phrases), day)  # type: ignore[arg-type]
            return [
                PreviewItem(phrases.aspects[a.value], now.render(current, a) if current else None,  # type: ignore
                            now.render(proposed, a))  # type: ignore[arg-type]
                for a in aspects
            ]
        if kind == "faq":
            renderer = Renderer(Phrases(phrases), day)  # type: ignore[arg-type]
            return [PreviewItem(proposed.title, renderer.faq(current) if current else None,  # type: ignore
                                renderer.faq(proposed))]  # type: ignore[arg-type]
        if kind == "phrases":
            return self._phrases_preview(current, proposed, day)  # type: ignore[arg-type]
        return []  # taught examples: nothing a citizen reads until the next training

    def _phrases_preview(self, current: Optional[Phrasebook], proposed: Phrasebook, day: dt.date) -> List[PreviewItem]:
        sample: Optional[Service] = self.store.get("service", SAMPLE_SERVICE)  # type: ignore[assignment]
        old, new = Phrases(current) if current else None, Phrases(proposed)
        items = [
            PreviewItem("Lời chào", old.fill(current.welcome.text) if old else None,  # type: ignore[union-attr]
                        new.fill(proposed.welcome.text)),
            PreviewItem("Chuyển cán bộ hỗ trợ", old.say("handover") if old else None, new.say("handover")),
            PreviewItem("Khi hệ thống gián đoạn", old.message("catalogue_down") if old else None,
                        new.message("catalogue_down")),
        ]
        if sample:
            items.append(PreviewItem(
                f"Trả lời mẫu: lệ phí {sample.short_name}",
                Renderer(old, day).render(sample, Aspect.fee) if old else None,
                Renderer(new, day).render(sample, Aspect.fee),
            ))
        return items

    # -- import and export -------------------------------------------------------

    def export(self, user: User, fmt: str, kind: str = "service") -> Tuple[bytes, str, str]:
        """(content, content type, file name)."""
        self.require(user, Permission.read)
        stamp = self.today().isoformat()
        if fmt == "yaml":
            return export_yaml(self.store.everything()), "application/zip", f"danh-muc-{stamp}.zip"
        if fmt == "xlsx":
            return (tables.export_xlsx(self.store.everything()),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"danh-muc-{stamp}.xlsx")
        if fmt == "csv":
            if kind not in tables.SHEETS:
                raise NotFound(kind)
            return (tables.export_csv(kind, self.store.all(kind)), "text/csv; charset=utf-8",
                    f"{'dich-vu' if kind == 'service' else 'hoi-dap'}-{stamp}.csv")
        raise NotFound(fmt)

    @staticmethod
    def read_upload(fmt: str, data: bytes, kind: str = "service") -> Dict[Key, BaseModel]:
        """Records in an uploaded file; Invalid names the sheet, row and column (or file and field)."""
        if fmt in ("yaml", "xlsx"):
            check_archive(data)
        try:
            if fmt == "yaml":
                return import_yaml(data)
            if fmt == "xlsx":
                return tables.import_xlsx(data)
            if fmt == "csv":
                return tables.import_csv(kind, data)
        except tables.TableError as error:
            raise Invalid([Problem("", str(p)) for p in error.problems]) from error
        except (CatalogueError, csv.Error) as error:
            raise Invalid([Problem("", str(error))]) from error
        except ValueError as error:  # e.g. a table of a kind that has none
            raise Invalid([Problem("", str(error))]) from error
        raise NotFound(fmt)

    def plan_import(self, user: User, incoming: Dict[Key, BaseModel]) -> ImportPlan:
        self.require(user, Permission.edit)
        merged: Dict[Key, BaseModel] = dict(self.store.everything())
        merged.update(incoming)
        return ImportPlan(self.store.compare(incoming), catalogue_problems(merged))

    def apply_import(self, user: User, incoming: Dict[Key, BaseModel], reason: str) -> Tuple[ImportPlan, List[int]]:
        """Publish the import (reviewer rights) or turn each changed record into a draft.

        Returns the plan and the drafts made (empty when published)."""
        plan = self.plan_import(user, incoming)
        if plan.problems:
            raise Invalid([Problem("", p) for p in plan.problems])
        if not reason.strip():
            raise Invalid([Problem("reason", "cần ghi lý do thay đổi")])
        keys = plan.changes.added + plan.changes.changed
        if user.can(Permission.publish):
            try:
                self.store.apply([(k, rid, incoming[(k, rid)]) for k, rid in keys], user.email, reason)
            except InvalidChange as error:
                raise Invalid([Problem("", str(error))]) from error
            return plan, []
        made = [
            self.drafts.save(k, rid, incoming[(k, rid)], self.store.revision(k, rid), user.email, reason)
            for k, rid in keys
        ]
        return plan, made


MAX_ARCHIVE_ENTRIES = 2000
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # unpacked: the whole catalogue is a few MB


def check_archive(data: bytes) -> None:
    """Refuse a zip (YAML export or XLSX) that unpacks to far more than a catalogue."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as error:
        raise Invalid([Problem("", "tệp không phải .zip/.xlsx hợp lệ")]) from error
    if len(entries) > MAX_ARCHIVE_ENTRIES or sum(e.file_size for e in entries) > MAX_ARCHIVE_BYTES:
        raise Invalid([Problem("", "tệp quá lớn so với một danh mục thủ tục")])


def export_yaml(records: Dict[Key, BaseModel]) -> bytes:
    """The seed layout (catalogue/, faq/, lang/replies.yml) as a zip."""
    layout = Layout.under(Path(""))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for (kind, rid), record in sorted(records.items()):
            archive.writestr(str(layout.path(kind, rid)), dump(kind, record))
    return buffer.getvalue()


def import_yaml(data: bytes) -> Dict[Key, BaseModel]:
    """Records from a zip in the seed layout (what export_yaml writes)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise CatalogueError("tệp YAML phải là tệp .zip như tệp xuất ra") from error
    records: Dict[Key, BaseModel] = {}
    for name in sorted(archive.namelist()):
        if not name.endswith(".yml"):
            continue
        folder = name.rsplit("/", 2)[-2] if "/" in name else ""
        kind = {"catalogue": "service", "faq": "faq", "lang": "phrases"}.get(folder)
        stem = name.rsplit("/", 1)[-1][:-4]
        if kind is None or (kind == "phrases" and stem != PHRASEBOOK_ID):
            continue
        try:
            content = yaml.safe_load(archive.read(name).decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise CatalogueError(f"{name}: không đọc được YAML: {error}") from error
        record = parse(kind, content, name)
        if record_id(kind, record) != stem:
            raise CatalogueError(f"{name}: id: '{record_id(kind, record)}' phải trùng tên tệp '{stem}'")
        records[(kind, stem)] = record
    if not records:
        raise CatalogueError("tệp .zip không có bản ghi nào (catalogue/*.yml, faq/*.yml, lang/replies.yml)")
    return records
