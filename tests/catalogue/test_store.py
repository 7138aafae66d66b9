"""The database is the truth: revisions with who/when/why, a shared version,
the seed imported only into an empty database, import with a diff."""

import pytest

from bot.catalogue.files import Layout, read_all
from bot.catalogue.store import CatalogueStore, InvalidChange
from tests.support import ROOT, seed


@pytest.fixture()
def store(tmp_path):
    return CatalogueStore(f"sqlite:///{tmp_path / 'c.db'}")


def test_seed_fills_an_empty_database_once(store):
    records = seed()
    assert store.seed_if_empty(records)
    assert store.everything() == records and store.version() == 1
    changed = store.get("service", "dang_ky_tam_tru").copy(update={"short_name": "tạm trú (sửa)"})
    store.put("service", changed, "editor@example", "test edit")
    assert not store.seed_if_empty(records)  # a filled database is never overwritten
    assert store.get("service", "dang_ky_tam_tru").short_name == "tạm trú (sửa)"


def test_every_change_is_a_revision_with_before_and_after(store):
    store.seed_if_empty(seed())
    original = store.get("service", "dang_ky_tam_tru")
    edited = original.copy(update={"short_name": "tạm trú (sửa)"})
    assert store.put("service", edited, "lan@example", "rename") == 2
    assert store.put("service", edited, "lan@example", "same again") is None  # nothing changed
    history = store.history("service", "dang_ky_tam_tru")
    assert [(r.revision, r.author, r.reason) for r in history] == [(1, "seed", "first start: data/ imported"),
                                                                    (2, "lan@example", "rename")]
    assert history[1].before["short_name"] == "đăng ký tạm trú" and history[1].after["short_name"] == "tạm trú (sửa)"
    assert store.version() == 2
    store.delete("faq", "vneid_scam", "lan@example", "obsolete")
    assert store.get("faq", "vneid_scam") is None
    assert store.history("faq", "vneid_scam")[-1].after is None


def test_a_change_needs_an_author_and_a_reason_and_keeps_aliases_unique(store):
    store.seed_if_empty(seed())
    tam_tru = store.get("service", "dang_ky_tam_tru")
    with pytest.raises(InvalidChange):
        store.put("service", tam_tru.copy(update={"short_name": "x"}), "", "why")
    clash = tam_tru.copy(update={"aliases": [*tam_tru.aliases, "hộ chiếu"]})
    with pytest.raises(InvalidChange, match="also an alias of 'cap_ho_chieu_pho_thong'"):
        store.put("service", clash, "lan@example", "clash")
    assert store.get("service", "dang_ky_tam_tru") == tam_tru  # rolled back
    assert store.version() == 1


def test_import_shows_a_diff_and_applies_only_changes(store, tmp_path):
    store.seed_if_empty(seed())
    assert store.compare(seed()).empty
    files = tmp_path / "data"
    layout = Layout.under(files)
    import shutil

    shutil.copytree(ROOT / "data" / "catalogue", layout.catalogue_dir)
    shutil.copytree(ROOT / "data" / "faq", layout.faq_dir)
    layout.replies_path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "lang" / "replies.yml", layout.replies_path)
    path = layout.path("service", "dang_ky_tam_tru")
    path.write_text(path.read_text(encoding="utf-8").replace("short_name: đăng ký tạm trú", "short_name: tạm trú"),
                    encoding="utf-8")
    layout.path("faq", "vneid_scam").unlink()
    changes = store.compare(read_all(layout))
    assert changes.changed == [("service", "dang_ky_tam_tru")] and not changes.added
    assert changes.only_in_database == [("faq", "vneid_scam")]
    assert "-short_name: đăng ký tạm trú\n+short_name: tạm trú\n" in changes.diffs[("service", "dang_ky_tam_tru")]
    store.import_records(read_all(layout), "cli", "import test")
    assert store.get("service", "dang_ky_tam_tru").short_name == "tạm trú"
    assert store.get("faq", "vneid_scam") is not None  # kept: import never deletes
