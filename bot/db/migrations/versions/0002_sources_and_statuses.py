"""Catalogue documents: one `source` URL per fact becomes `sources` with a
citizen-facing title and a kind, `verified` becomes `checked`, status `known`
becomes `verified` or `uncertain` (by the kind of source), a temporary fee's
`uncertain` flag becomes its status and its prose condition a list of named
conditions; the phrasebook gains the condition phrases and new templates.

The facts themselves are not changed: after this migration, `python -m bot
catalogue import --dry-run` shows what the re-audited seed would change.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import json
from urllib.parse import urlparse

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LAW_DATABASES = ("thuvienphapluat.vn", "luatvietnam.vn", "vbpl.vn")
OFFICIAL_PRESS = ("cand.com.vn", "baochinhphu.vn", "qdnd.vn", "vietnamplus.vn")
OFFICIAL = (".gov.vn", "evn.com.vn", "npc.com.vn", "evnspc.vn")
# the only prose conditions the first catalogue used
CONDITIONS = {
    "anh/chị có tài khoản VNeID mức 2, đã tích hợp các giấy tờ cơ bản (và thông tin hộ chiếu) vào VNeID và nộp "
    "hồ sơ trực tuyến": ["vneid_level2", "documents_in_vneid", "passport_in_vneid", "online"],
    "anh/chị có tài khoản VNeID mức 2, đã tích hợp các giấy tờ cơ bản vào VNeID và nộp hồ sơ trực tuyến":
        ["vneid_level2", "documents_in_vneid", "online"],
}
CONDITION_PHRASES = {
    "vneid_level2": "có tài khoản định danh điện tử VNeID mức 2",
    "documents_in_vneid": "đã tích hợp 05 loại giấy tờ cơ bản vào VNeID",
    "online": "nộp hồ sơ trực tuyến (Cổng Dịch vụ công hoặc ứng dụng VNeID)",
    "passport_in_vneid": "đã tích hợp thông tin hộ chiếu vào VNeID",
}
NEW_TEMPLATES = {
    "detail": "Dạ, về **{service}**: {text}",
    "overview_agency": "- Nơi giải quyết: {text}",
    "overview_time": "- Thời gian: {text}",
    "overview_fee": "- Lệ phí: {text}",
    "uncertain": "Lưu ý: thông tin này chưa đối chiếu được với văn bản chính thức; anh/chị nên kiểm tra lại "
                 "trên {portal} ạ.",
}
# copies of legal texts the first catalogue cited; a citizen sees the official reference instead
COPIES = {"117-2026-tt-btc": ("Thông tư 117/2026/TT-BTC", "https://vanban.chinhphu.vn/?pageid=27160&docid=219230")}


def _kind(url: str) -> str:
    host = urlparse(url).hostname or ""
    if any(host == d or host.endswith("." + d) for d in LAW_DATABASES):
        return "law_database"
    if any(host.endswith(d) for d in OFFICIAL):
        return "official"
    if any(host == d or host.endswith("." + d) for d in OFFICIAL_PRESS):
        return "official_press"
    return "other"


def _provenance(node: dict) -> None:
    url = str(node.pop("source")).rstrip(".")
    kind = _kind(url)
    host = (urlparse(url).hostname or url).removeprefix("www.")
    old_status = node.pop("status", "known")
    uncertain = node.pop("uncertain", False)
    reason = node.pop("reason", None)
    copy = None
    if host.endswith("github.com") or host.endswith("githubusercontent.com"):
        copy = url
        host, url = next((ref for key, ref in COPIES.items() if key in copy),
                         ("Cổng Thông tin điện tử Chính phủ", "https://vanban.chinhphu.vn"))
        kind, uncertain = "official", True
        reason = reason or "chỉ đọc được bản sao của văn bản, chưa mở bản chính thức"
    if old_status == "known":
        status = "uncertain" if uncertain or kind not in ("official", "law_database") else "verified"
        reason = reason or ("các nguồn chưa thống nhất hoặc chỉ có nguồn thứ cấp" if status == "uncertain" else None)
    else:
        status = old_status
    node["sources"] = [{"title": host, "url": url, "kind": kind}]
    node["checked"] = node.pop("verified")
    node["status"] = status
    if reason and status != "verified":
        node["reason"] = reason
    if copy:
        node["internal"] = f"read only as a copy: {copy}"
    elif kind not in ("official", "law_database"):
        node["internal"] = "converted from the first catalogue: no official source recorded yet"


def _convert(node):
    if isinstance(node, dict):
        for value in node.values():
            _convert(value)
        if "condition" in node:
            prose = node.pop("condition")
            node["conditions"] = CONDITIONS.get(prose, []) if prose else []
            if prose and prose not in CONDITIONS:  # unknown prose: never widen a rate to everyone
                node["status"], node["reason"] = "unknown", f"điều kiện chưa được chuyển đổi: {prose}"
        if "source" in node and "verified" in node:
            _provenance(node)
    elif isinstance(node, list):
        for value in node:
            _convert(value)


def upgrade() -> None:
    records = sa.table("records", sa.column("kind"), sa.column("id"), sa.column("document"))
    connection = op.get_bind()
    for kind, rid, document in connection.execute(sa.select(records.c.kind, records.c.id, records.c.document)).all():
        data = json.loads(document)
        if kind == "phrases":
            data.setdefault("conditions", dict(CONDITION_PHRASES))
            for key, text in NEW_TEMPLATES.items():
                data["templates"].setdefault(key, text)
        else:
            _convert(data)
        connection.execute(
            records.update().where(records.c.kind == kind, records.c.id == rid)
            .values(document=json.dumps(data, ensure_ascii=False))
        )


def downgrade() -> None:
    raise NotImplementedError("the first catalogue format cannot hold sources with titles and kinds")
