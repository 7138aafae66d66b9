"""One Alembic history for all our tables; it produces exactly bot/db/schema.py,
and it carries the catalogue documents from one format to the next."""

import json

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.catalogue.models import KINDS
from bot.db import migrate
from bot.db.engine import alembic_config
from bot.db.schema import metadata


def test_migrations_build_the_schema_in_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    engine = sa.create_engine(url, future=True)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
        tables = set(sa.inspect(conn).get_table_names())
    assert differences == []
    assert {"records", "revisions", "counters", "feedback", "alembic_version"} <= tables


def test_migrating_twice_changes_nothing_and_the_first_revision_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    migrate(url)
    with pytest.raises(NotImplementedError):  # sources with titles cannot go back to one URL
        command.downgrade(alembic_config(url), "0001")
    url = f"sqlite:///{tmp_path / 'n.db'}"
    migrate(url, "0001")
    command.downgrade(alembic_config(url), "base")
    with sa.create_engine(url, future=True).connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}


def _fact(text=None, url="https://dichvucong.bocongan.gov.vn", **extra):
    fact = {"source": url, "verified": "2026-11-20", **extra}
    return {**fact, "text": text} if text else fact


OLD_SERVICE = {
    "id": "cap_ho_chieu_pho_thong", "name": "Cấp hộ chiếu phổ thông", "short_name": "cấp hộ chiếu",
    "group": "xuat_nhap_canh", "essential_number": 12, "aliases": ["hộ chiếu"],
    "portal_url": "https://dichvucong.bocongan.gov.vn", "in_vneid": True,
    "summary": _fact("cấp hộ chiếu", url="https://thoidai.com.vn/a.html"),
    "agency": _fact("Công an tỉnh"), "audience": _fact(status="unknown", reason="chưa rõ"),
    "documents": {**_fact(), "items": ["Tờ khai"]},
    "steps": {**_fact(), "items": ["Đăng nhập"], "channels": [{"name": "Cổng"}]},
    "processing_time": _fact("8 ngày làm việc"),
    "fees": {**_fact(), "items": [{"label": "Cấp mới", "standard": [{"amount": 200000}], "temporary": [
        {"amount": 100000, "valid_from": "2025-07-01", "valid_to": "2026-12-31", "basis": "TT 64/2025",
         "source": "https://giadinh.suckhoedoisong.vn/a.htm", "verified": "2026-11-20", "uncertain": True},
        {"amount": 0, "channel": "online", "valid_from": "2026-08-15", "valid_to": "2027-02-28", "basis": "TT 117",
         "condition": "anh/chị có tài khoản VNeID mức 2, đã tích hợp các giấy tờ cơ bản vào VNeID và nộp hồ sơ "
                      "trực tuyến", "verified": "2026-11-20",
         "source": "https://github.com/diepxuan/diepxuan.github.io/blob/1f65/van-ban/tai-chinh/117-2026-tt-btc.md"},
    ]}]},
    "legal_basis": {**_fact(), "items": ["Luật Xuất nhập cảnh 2019"]},
}


def test_a_first_format_service_becomes_a_valid_record(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url, "0001")
    records = sa.table("records", *(sa.column(c) for c in
                                    ("kind", "id", "document", "revision", "updated_at", "updated_by")))
    engine = sa.create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(records.insert().values(kind="service", id="cap_ho_chieu_pho_thong",
                                             document=json.dumps(OLD_SERVICE), revision=1,
                                             updated_at=sa.func.now(), updated_by="seed"))
    migrate(url)
    with engine.connect() as conn:
        document = conn.execute(sa.select(records.c.document)).scalar()
    service = KINDS["service"].parse_raw(document)
    assert service.agency.status.value == "verified" and service.agency.sources[0].kind.value == "official"
    assert service.summary.status.value == "uncertain" and service.summary.internal  # a news page
    cut, waiver = service.fees.items[0].temporary
    assert cut.status.value == "uncertain" and not cut.conditions
    assert waiver.conditions == ["vneid_level2", "documents_in_vneid", "online"]
    # a copy on GitHub becomes the official reference; the copy stays internal
    assert waiver.sources[0].title == "Thông tư 117/2026/TT-BTC" and "github" not in str(waiver.sources[0].url)
    assert waiver.status.value == "uncertain" and "github.com" in waiver.internal
