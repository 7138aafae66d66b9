"""The lines of a record that answer a specific question come first."""

import datetime as dt

from bot.replies.phrases import Phrases
from bot.replies.ranking import LineRanker
from bot.replies.render import Renderer
from tests.support import ROOT, seed_phrases, seed_services

SERVICES = seed_services()
RENDERER = Renderer(Phrases(seed_phrases()), dt.date(2026, 11, 23))
RANKER = LineRanker.from_files(ROOT / "data" / "lang" / "abbreviations.yml", ROOT / "data" / "lang" / "ranking.yml")


def rank(service_id, question):
    """`question` is what is left once the NLU has cut out the service's name."""
    return RANKER.rank(question, RENDERER.lines(SERVICES[service_id]))


def top(service_id, question):
    return rank(service_id, question)[0]


def test_a_case_specific_fee_question_finds_its_fee_line():
    line, score = top("cap_ho_chieu_pho_thong", "bị mất làm lại hết bao nhiêu")
    assert line.aspect == "fee" and "mất" in line.text and score > 0


def test_the_agency_question_finds_the_agency():
    line, _ = top("dang_ky_tam_tru", "ở cơ quan nào")
    assert line.aspect == "how_to_apply" and "Công an" in line.text


def test_abbreviations_and_missing_diacritics_rank_alike():
    typed = rank("cap_ho_chieu_pho_thong", "bi mat lam lai het bn")
    assert typed[0][0] == top("cap_ho_chieu_pho_thong", "bị mất làm lại hết bao nhiêu")[0]


def test_unknown_facts_have_no_lines():
    lines = RENDERER.lines(SERVICES["kich_hoat_vneid"])
    assert all(line.fact.status.value != "unknown" for line in lines)
