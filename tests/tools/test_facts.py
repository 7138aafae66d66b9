"""`make facts`: statuses, sources, rules about to end (rendered for both
days by the real renderer), stale facts."""

import datetime as dt

from tests.support import isolated_settings
from tools import facts


def test_the_report_has_every_section_and_the_rules_ending_soon(tmp_path):
    text = facts.run(isolated_settings(tmp_path), dt.date(2026, 11, 23), tmp_path / "facts.md")
    assert (tmp_path / "facts.md").read_text(encoding="utf-8") == text
    for heading in ("## Status and sources", "## Temporary rules ending within 60 days",
                    "## Not checked for more than 180 days"):
        assert heading in text
    # the passport's 50% cut ends on 31/12/2026: today's answer and the one of 1/1/2027
    section = text[text.index("### cấp hộ chiếu phổ thông"):]
    assert "Answer on 23/11/2026" in section and "Answer on 01/01/2027" in section
    today, after = section.split("Answer on 01/01/2027")[0], section.split("Answer on 01/01/2027")[1]
    assert "hiện nay 100.000 đồng" in today and "Cấp mới hộ chiếu: 200.000 đồng" in after.split("###")[0]


def test_most_facts_rest_on_an_official_source_and_the_rest_say_why(tmp_path):
    from bot.catalogue.server import open_store

    store = open_store(isolated_settings(tmp_path))
    rows = facts.fact_rows(store.all("service"), store.all("faq"))
    official = sum(row.fact.official for row in rows)
    assert official / len(rows) >= 0.70
    assert all(row.fact.internal for row in rows if not row.fact.official)


def test_a_fact_unchecked_for_half_a_year_is_listed(tmp_path):
    text = facts.run(isolated_settings(tmp_path), dt.date(2027, 6, 1), tmp_path / "facts.md")
    stale = text[text.index("## Not checked for more than 180 days"):]
    assert "checked 23/11/2026" in stale
