import yaml

from bot.catalogue.loader import CatalogueError, load_catalogue, load_faq
from bot.config import ROOT

import pytest

FAQ = load_faq(ROOT / "data" / "faq")


def test_every_faq_entry_is_an_intent_routed_to_the_faq_action_and_vice_versa():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((ROOT / "data" / "rules" / "faq.yml").read_text(encoding="utf-8"))["rules"]
    routed = {r["steps"][0]["intent"] for r in rules if r["steps"][1] == {"action": "action_answer_faq"}}
    assert routed == set(FAQ)
    assert set(FAQ) <= set(domain["intents"])


def test_faq_entries_are_sourced_and_point_at_real_services():
    services = load_catalogue(ROOT / "data" / "catalogue")
    for entry in FAQ.values():
        assert str(entry.source).startswith("http") and entry.verified
        assert entry.answer.startswith("Dạ")
        assert entry.service is None or entry.service in services


def test_vneid_problems_are_all_covered():
    for problem in ("vneid_no_otp", "vneid_change_phone", "vneid_forgot_passcode", "vneid_forgot_password",
                    "vneid_new_phone", "vneid_lost_phone", "vneid_scam", "vneid_levels"):
        assert problem in FAQ
    assert "1900 0368" in FAQ["vneid_no_otp"].answer


def test_invalid_faq_names_file_and_entry(tmp_path):
    (tmp_path / "x.yml").write_text("entries:\n  - id: a\n    title: t\n    answer: Dạ\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"x\.yml: entries\.0: source"):
        load_faq(tmp_path)
