"""The independent question bank: its make-up, the scorer's judgement, and
the dev part end to end on a real stack (the test part is only scored by
`make eval`, to report, and never read to tune)."""

import dataclasses
import datetime as dt
from collections import Counter

import pytest

from tests.support import own_stack, isolated_settings
from tools import bank
from tools.bank import Turn, judge, normalise


def test_the_bank_is_big_enough_split_and_covers_what_the_issue_asks():
    (dev_date, dev), (test_date, test) = bank.load("dev"), bank.load("test")
    questions = dev + test
    assert dev_date == test_date == "2026-11-23"
    assert len(questions) >= 400 and len(dev) < len(test)
    assert len({q.id for q in questions}) == len(questions)
    classes = Counter(c for q in questions for c in q.classes)
    share = {c: n / len(questions) for c, n in classes.items()}
    assert share["no_diacritics"] >= 0.25 and share["multi_turn"] >= 0.15
    assert sum(1 for q in questions if {"typo", "teencode"} & set(q.classes)) / len(questions) >= 0.15
    for needed in ("name_variant", "subquestion", "ambiguous_aspect", "shared_word", "handover_request",
                   "old_paper", "greeting_prefix", "follow_up", "out_of_scope"):
        assert classes[needed] > 0, needed
    services = {q.service for q in questions if q.service}
    assert len(services) == 26


def test_facts_match_without_accents_case_or_digit_dots():
    assert normalise("Lệ phí 100.000 Đồng") == normalise("le phi 100000 dong")
    turn = Turn("?", "answer", [["100.000"], ["công an xã", "công an cấp xã"]])
    assert judge(turn, "Dạ, 100000 đồng, nộp tại Công an cấp xã", "answer").passed
    assert not judge(turn, "Dạ, 100000 đồng", "answer").passed
    assert not judge(turn, "100.000 công an xã", "clarify").passed  # asking back is not an answer
    assert judge(Turn("?", "out_of_scope"), "Dạ, ngoài phạm vi", "chitchat").passed
    assert not judge(Turn("?", "out_of_scope"), "Dạ, lệ phí ...", "answer").passed


def test_a_reply_is_read_as_the_bot_sends_it():
    messages = [
        {"text": "Dạ, em là Trợ lý"}, {"custom": {"data": {"meta": {"kind": "welcome"}}}},
        {"text": "Dạ, lệ phí 100.000 đồng"}, {"custom": {"data": {"meta": {"kind": "answer"}}}},
    ]
    assert bank.bot_turn(messages) == ("Dạ, lệ phí 100.000 đồng", "answer")


@pytest.fixture(scope="module")
def dated_stack(tmp_path_factory, trained_model):
    settings = dataclasses.replace(isolated_settings(tmp_path_factory.mktemp("bank")), today=dt.date(2026, 11, 23))
    with own_stack(settings.var_dir, trained_model, settings) as running:
        yield running


def test_the_dev_part_end_to_end(dated_stack):
    """A regression floor on the dev part (measured 90% when this was written)."""
    from tools.benchmark import ask

    _, questions = bank.load("dev")
    results = bank.score(questions, lambda sender, text: ask(dated_stack.settings.rasa_port, sender, text))
    summary = bank.summarise("dev", results)
    assert summary.rate >= 0.85, bank.failures(results)
    asked, turns = summary.asked_back
    assert asked / turns <= 0.05
