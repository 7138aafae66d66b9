"""Dialogue decisions on plain data: aspect carry-over, misses, candidates."""

from bot.replies.aspects import Aspect
from bot.replies.dialogue import (
    Candidate, aspect_for, clarify_candidates, consecutive_misses, faq_key, should_hand_over,
)


def test_aspect_for_intents():
    assert aspect_for("ask_processing_time", "fee") == Aspect.processing_time
    assert aspect_for("inform_service", "documents") == Aspect.documents
    assert aspect_for("inform_service", None) == Aspect.overview
    assert aspect_for("inform_service", "bogus") == Aspect.overview


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_misses_are_counted_in_a_row_within_the_session():
    events = [user("nlu_fallback"), {"event": "session_started"}, user("ask_fee"), user("nlu_fallback")]
    assert consecutive_misses(events) == 1
    assert consecutive_misses(events + [user("nlu_fallback")]) == 2
    assert consecutive_misses([{"event": "session_started"}]) == 1
    assert not should_hand_over(1) and should_hand_over(2) and not should_hand_over(3)


def test_candidates_skip_what_cannot_be_offered_and_resolve_the_faq_family():
    ranking = [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "out_of_scope"}, {"name": "ask_fee"},
               {"name": "ask_documents"}]
    faq_ranking = [{"intent_response_key": "faq/vneid_no_otp"}]
    assert clarify_candidates(ranking, faq_ranking, {"ask_fee", "ask_documents"}) == [
        Candidate("faq", "vneid_no_otp"), Candidate("ask_fee")]
    assert clarify_candidates(ranking, [], {"ask_documents"}) == [Candidate("ask_documents")]
    assert faq_key({"intent_response_key": "faq/a_b"}) == "a_b" and faq_key({}) is None
