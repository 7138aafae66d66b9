"""FAQ entries: one record each, sourced, with the examples the NLU learns."""

import pytest
import yaml

from bot.catalogue.files import CatalogueError, Layout, read_all
from tests.support import ROOT, seed_faq, seed_services

FAQ = seed_faq()


def test_faq_entries_are_sourced_and_point_at_real_services():
    services = seed_services()
    for entry in FAQ.values():
        assert entry.sources and entry.checked
        assert entry.answer.startswith("Dạ")
        assert entry.service is None or entry.service in services
        assert len(entry.examples) >= 5, entry.id


def test_one_rule_routes_the_whole_faq_family():
    rules = yaml.safe_load((ROOT / "data" / "rules" / "faq.yml").read_text(encoding="utf-8"))["rules"]
    assert rules == [{"rule": "a FAQ question", "steps": [{"intent": "faq"}, {"action": "action_answer_faq"}]}]
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert not any(intent in domain["intents"] for intent in FAQ)  # no intent per entry


def test_vneid_problems_are_all_covered():
    for problem in ("vneid_no_otp", "vneid_change_phone", "vneid_forgot_passcode", "vneid_forgot_password",
                    "vneid_new_phone", "vneid_lost_phone", "vneid_scam", "vneid_levels"):
        assert problem in FAQ
    assert "1900 0368" in FAQ["vneid_no_otp"].answer


def test_invalid_faq_names_file_and_field(tmp_path):
    import shutil

    layout = Layout.under(tmp_path)
    shutil.copytree(ROOT / "data" / "catalogue", layout.catalogue_dir)
    layout.faq_dir.mkdir()
    (layout.faq_dir / "a.yml").write_text("id: a\ntitle: t\nanswer: Dạ\nexamples: [a b, c d]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"a\.yml: sources: field required"):
        read_all(layout)
