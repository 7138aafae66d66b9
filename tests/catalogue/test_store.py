from bot.catalogue.loader import load_catalogue
from bot.catalogue.store import CatalogueStore
from bot.config import ROOT


def test_sync_is_idempotent_and_versions_changes(tmp_path):
    store = CatalogueStore(f"sqlite:///{tmp_path / 'c.db'}")
    services = load_catalogue(ROOT / "data" / "catalogue")
    assert store.sync(services) == len(services)
    assert store.version() == 1
    assert store.sync(services) == 0
    assert store.version() == 1
    assert store.all() == services

    changed = dict(services)
    tam_tru = services["dang_ky_tam_tru"]
    changed["dang_ky_tam_tru"] = tam_tru.copy(update={"short_name": "tạm trú (sửa)"})
    del changed["kich_hoat_vneid"]
    assert store.sync(changed) == 2
    assert store.version() == 2
    stored = store.all()
    assert stored["dang_ky_tam_tru"].short_name == "tạm trú (sửa)"
    assert "kich_hoat_vneid" not in stored
