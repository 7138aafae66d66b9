import unicodedata

import pytest

from tests.support.nlu import process, trained_then_loaded


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return trained_then_loaded(tmp_path_factory.mktemp("model"))


def tokens(pipeline, text):
    return process(pipeline, text).get("text_tokens")


def test_multi_syllable_words_are_one_token_with_exact_offsets(pipeline):
    text = "Đăng ký tạm trú cần giấy tờ gì?"
    result = tokens(pipeline, text)
    assert [t.text for t in result] == ["Đăng ký", "tạm trú", "cần", "giấy tờ", "gì", "?"]
    for token in result:
        assert text[token.start : token.end] == token.text


def test_custom_word_list_keeps_terms_whole(pipeline):
    result = tokens(pipeline, "kích hoạt định danh điện tử mức 2")
    assert "định danh điện tử" in [t.text for t in result]


def test_no_diacritics_gives_the_same_lemmas(pipeline):
    accented = [t.lemma for t in tokens(pipeline, "đăng ký tạm trú cần giấy tờ gì")]
    plain = [t.lemma for t in tokens(pipeline, "dang ky tam tru can giay to gi")]
    assert accented == plain == ["dang ky", "tam tru", "can", "giay to", "gi"]


def test_abbreviation_is_one_token_on_the_typed_text(pipeline):
    text = "lam cccd o dau"
    result = tokens(pipeline, text)
    cccd = next(t for t in result if "cccd" in t.text)
    assert text[cccd.start : cccd.end] == cccd.text
    assert "can cuoc cong dan" in cccd.lemma


def test_nfd_input_offsets_point_into_the_original(pipeline):
    text = unicodedata.normalize("NFD", "làm hộ chiếu")
    result = tokens(pipeline, text)
    assert [unicodedata.normalize("NFC", text[t.start : t.end]) for t in result] == ["làm", "hộ chiếu"]
    assert result[-1].end == len(text)


def test_html_and_emoji_do_not_break_tokenisation(pipeline):
    text = "<img src=x onerror=alert(1)> hộ chiếu 😀"
    result = tokens(pipeline, text)
    for token in result:
        assert text[token.start : token.end] == token.text
    assert "hộ chiếu" in [t.text for t in result]


def test_lemma_option_with_diacritics(tmp_path):
    from bot.nlu.tokenizer import VietnameseTokenizer

    pipeline = trained_then_loaded(tmp_path, {VietnameseTokenizer: {"lemma": "normalized"}})
    lemmas = " ".join(t.lemma for t in tokens(pipeline, "Hoà bình đk tạm trú"))
    assert lemmas == "hòa bình đăng ký tạm trú"
