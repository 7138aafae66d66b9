"""The YAML seed/export format: validation errors name file and field, and
YAML -> records -> YAML gives back the same bytes."""

import shutil

import pytest
import yaml

from bot.catalogue.files import CatalogueError, Layout, dump, read_all, read_services, write_all
from bot.catalogue.models import Status
from tests.support import ROOT

CATALOGUE = ROOT / "data" / "catalogue"
load_catalogue = read_services
REQUIRED = {"dang_ky_thuong_tru", "dang_ky_tam_tru", "dang_ky_khai_sinh", "cap_ho_chieu_pho_thong", "kich_hoat_vneid"}


def test_the_real_catalogue_is_valid_and_has_the_foundation_services():
    services = load_catalogue(CATALOGUE)
    assert REQUIRED <= set(services)


def test_every_fact_has_a_source_and_a_date_and_says_why_when_unsure():
    for service in load_catalogue(CATALOGUE).values():
        for fact in service.provenances():
            assert fact.sources and all(str(s.url).startswith("http") for s in fact.sources)
            assert all("github" not in str(s.url) for s in fact.sources)
            assert fact.checked.year >= 2025
            if fact.status != Status.verified:
                assert fact.reason, service.id
            if not fact.official:
                assert fact.internal and "to be audited" not in fact.internal, service.id


def test_a_copy_is_never_a_source():
    from bot.catalogue.models import Source

    with pytest.raises(ValueError, match="holds copies"):
        Source(title="TT 117", url="https://github.com/x/y/blob/main/117.md", kind="other")


def _copy_with(tmp_path, service_id, edit):
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, target)
    path = target / f"{service_id}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_error_names_file_and_field_for_a_missing_source(tmp_path):
    directory = _copy_with(tmp_path, "dang_ky_tam_tru", lambda d: d["fees"].pop("sources"))
    with pytest.raises(CatalogueError) as error:
        load_catalogue(directory)
    assert "dang_ky_tam_tru.yml" in str(error.value)
    assert "fees.sources" in str(error.value)


def test_error_for_negative_fee(tmp_path):
    def edit(d):
        d["fees"]["items"][0]["standard"][0]["amount"] = -5
    directory = _copy_with(tmp_path, "cap_ho_chieu_pho_thong", edit)
    with pytest.raises(CatalogueError, match=r"fees\.items\.0\.standard\.0\.amount"):
        load_catalogue(directory)


def test_unknown_fact_without_reason_is_rejected(tmp_path):
    directory = _copy_with(tmp_path, "kich_hoat_vneid", lambda d: d["fees"].pop("reason"))
    with pytest.raises(CatalogueError, match="reason"):
        load_catalogue(directory)


def test_an_alias_may_belong_to_one_service_only(tmp_path):
    directory = _copy_with(tmp_path, "dang_ky_tam_tru", lambda d: d["aliases"].append("hộ chiếu"))
    with pytest.raises(CatalogueError, match="also an alias of 'cap_ho_chieu_pho_thong'"):
        load_catalogue(directory)


def test_id_must_match_file_name(tmp_path):
    directory = _copy_with(tmp_path, "dang_ky_tam_tru", lambda d: d.update(id="tam_tru"))
    with pytest.raises(CatalogueError, match="must match the file name"):
        load_catalogue(directory)


def test_every_seed_file_is_in_the_one_canonical_form():
    layout = Layout.under(ROOT / "data")
    records = read_all(layout)
    assert len(records) >= 26 + 12 + 1
    for (kind, rid), record in records.items():
        path = layout.path(kind, rid)
        assert dump(kind, record) == path.read_text(encoding="utf-8"), path


def test_write_then_read_gives_equal_records_and_equal_bytes(tmp_path):
    records = read_all(Layout.under(ROOT / "data"))
    out = Layout.under(tmp_path)
    write_all(records, out)
    assert read_all(out) == records
    for (kind, rid) in records:
        assert out.path(kind, rid).read_bytes() == Layout.under(ROOT / "data").path(kind, rid).read_bytes()
