"""`python -m bot catalogue export | import [--dry-run]` as a province would run them."""

import os
import subprocess
import sys

from bot.catalogue.files import Layout
from bot.catalogue.store import CatalogueStore
from tests.support import ROOT


def cli(tmp_path, *args):
    env = dict(os.environ, BOT_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'c.db'}")
    result = subprocess.run([sys.executable, "-m", "bot", "catalogue", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_export_then_import_is_no_change_and_round_trips_byte_for_byte(tmp_path):
    out = tmp_path / "export"
    assert "files written" in cli(tmp_path, "export", "--out", str(out))
    data, exported = Layout.under(ROOT / "data"), Layout.under(out)
    for kind, path in data.files():
        relative = path.relative_to(ROOT / "data")
        assert (out / relative).read_bytes() == path.read_bytes(), relative
    assert sorted(p.relative_to(out) for _, p in exported.files()) == sorted(
        p.relative_to(ROOT / "data") for _, p in data.files())
    report = cli(tmp_path, "import", "--dry-run")
    assert "0 to add, 0 to change, 0 only in the database" in report and "No change made." in report


def test_import_shows_the_diff_then_applies_it(tmp_path):
    cli(tmp_path, "export", "--out", str(tmp_path / "x"))  # creates and seeds the database
    store = CatalogueStore(f"sqlite:///{tmp_path / 'var' / 'c.db'}")
    passport = store.get("service", "cap_ho_chieu_pho_thong")
    store.put("service", passport.copy(update={"short_name": "hộ chiếu"}), "staff@example", "shorter name")
    report = cli(tmp_path, "import", "--dry-run")
    assert "-short_name: hộ chiếu\n+short_name: cấp hộ chiếu phổ thông" in report
    assert store.get("service", "cap_ho_chieu_pho_thong").short_name == "hộ chiếu"  # dry run: unchanged
    report = cli(tmp_path, "import", "--reason", "back to the files")
    assert "Imported" in report
    assert store.get("service", "cap_ho_chieu_pho_thong").short_name == "cấp hộ chiếu phổ thông"
    assert store.history("service", "cap_ho_chieu_pho_thong")[-1].reason == "back to the files"
