import unicodedata

import pytest

from bot.config import ROOT
from bot.vietnamese import (
    Lexicon,
    compose_aligned,
    fix_tone_placement,
    fold,
    folded_words,
    normalize,
    strip_diacritics,
)

LEXICON = Lexicon.from_file(str(ROOT / "data" / "lang" / "abbreviations.yml"))


def test_nfd_input_is_composed_and_offsets_point_into_the_original():
    original = unicodedata.normalize("NFD", "đăng ký tạm trú")
    assert len(original) > len("đăng ký tạm trú")
    aligned = compose_aligned(original)
    assert aligned.text == "đăng ký tạm trú"
    start = aligned.text.index("tạm trú")
    o_start, o_end = aligned.original_span(start, start + len("tạm trú"))
    assert unicodedata.normalize("NFC", original[o_start:o_end]) == "tạm trú"


@pytest.mark.parametrize(
    "typed, expected",
    [("hoà", "hòa"), ("Hoà bình", "Hòa bình"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"),
     ("quý", "quý"), ("hoàng", "hoàng"), ("toà án", "tòa án"), ("HOÀ", "HÒA")],
)
def test_one_tone_mark_placement(typed, expected):
    assert fix_tone_placement(typed) == expected


def test_abbreviations_expand_but_offsets_stay_on_the_typed_word():
    text = "đk tạm trú ko dc à"
    aligned = normalize(text, LEXICON)
    assert aligned.text == "đăng ký tạm trú không được à"
    start = aligned.text.index("không")
    assert aligned.original_span(start, start + len("không")) == (11, 13)
    assert text[11:13] == "ko"


def test_cccd_and_case_insensitive_abbreviation():
    assert normalize("CCCD bị mất", LEXICON).text == "căn cước công dân bị mất"


def test_k_after_a_number_is_not_negation():
    assert normalize("hết 200 k à", LEXICON).text == "hết 200 k à"
    assert normalize("k biết", LEXICON).text == "không biết"


def test_invisible_characters_are_dropped_and_emoji_kept():
    aligned = normalize("hộ\u200b chiếu 😀", LEXICON)
    assert aligned.text == "hộ chiếu 😀"


def test_strip_diacritics_keeps_length():
    text = "Đăng ký tạm trú cần giấy tờ gì"
    assert strip_diacritics(text) == "Dang ky tam tru can giay to gi"
    assert len(strip_diacritics(text)) == len(text)
    assert fold("ĐĂNG KÝ") == "dang ky"


def test_folded_words_map_back_to_original_spans():
    text = "Làm  HỘ CHIẾU?"
    words = folded_words(normalize(text, LEXICON))
    assert [w for w, _ in words] == ["lam", "ho", "chieu"]
    assert [text[s:e] for _, (s, e) in words] == ["Làm", "HỘ", "CHIẾU"]


def test_lexicon_file_round_trips():
    assert Lexicon.from_dict(LEXICON.to_dict()) == LEXICON
    assert LEXICON.abbreviations["đk"] == "đăng ký"
