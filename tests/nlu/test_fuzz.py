"""Any Unicode a citizen (or a bot) can send goes through our NLU components
without an exception, and every token points into the text as typed."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.nlu import process, trained_then_loaded

# Vietnamese letters in both normal forms, combining marks on their own,
# abbreviations, digits, emoji, zero-width and bidi characters, HTML
PIECES = st.sampled_from([
    "đăng ký", "tạm trú", "hộ chiếu", "dk", "ko", "cccd", "vneid", "?", "!", " ", "  ", "\n", "\t",
    unicodedata.normalize("NFD", "giấy tờ"), "\u0301", "\u0323\u0309", "\u200b", "\u200d", "\u202e",
    "\ufeff", "😀", "👨‍👩‍👧", "<b>", "&amp;", "0912 345 678", "1.000.000đ", "ﬁ", "Ⅻ", "ǅ", "İ",
])
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=30).map("".join),
)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return trained_then_loaded(tmp_path_factory.mktemp("model"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_any_text_gives_tokens_that_point_into_it(pipeline, text):
    message = process(pipeline, text)
    tokens = message.get("text_tokens") or []
    end = 0
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= end  # in order, not overlapping
        assert text[token.start:token.end] == token.text
        end = token.end
    for entity in message.get("entities") or []:
        assert 0 <= entity["start"] < entity["end"] <= len(text)
