"""The speller of bot.vietnamese and the normaliser component that runs it,
with underthesea's real syllable list."""

import pytest

from bot.nlu.normalizer import vietnamese_syllables
from bot.vietnamese import Speller, normalize

COUNTS = {"ngay": 40, "nay": 90, "phai": 30, "kham": 5, "khoa": 20, "khong": 200, "chao": 15, "nhieu": 25,
          "online": 6, "xong": 8, "ban": 7, "bao": 7,
          # words around the typos: a message with no known word is left alone
          "dang": 50, "tru": 30, "giay": 12, "lich": 4, "alo": 2, "sinh": 9}


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(COUNTS, vietnamese_syllables())


def test_the_syllable_list_comes_from_underthesea():
    syllables = vietnamese_syllables()
    assert len(syllables) > 2500 and {"ngay", "chau", "phia", "truong"} <= syllables
    assert not {"nagy", "pahi", "kohng"} & syllables


@pytest.mark.parametrize("typed, mended", [
    ("đăng ký thường trú chờ mấy nàgy", "ngay"),  # a swap wins over the more frequent "nay" (one letter out)
    ("đổi bằng lái có cần giấy khmá sức khỏe", "kham"),  # a swap wins over "khoa"
    ("xin lý lịch pảhi nộp gì", "phai"),
    ("alo có ai kôhng", "khong"),
    ("khai sinh onlnie", "online"),
    ("hết bao nhieeu", "nhieu"),  # a letter too many
])
def test_a_typo_that_makes_no_syllable_is_mended(speller, typed, mended):
    aligned, mends = speller.correct(normalize(typed))
    assert [word for _, word in mends] == [mended]
    (start, end), _ = mends[0]
    assert mended in aligned.text and typed[start:end] not in aligned.text  # the span is the typed word


@pytest.mark.parametrize("typed", [
    "cháu đi học xa nhà",  # real syllables stay, known or not ("cháu" is not "chào")
    "đủ bao nhiêu tuổi thì phiả đổi",  # "phía" is a syllable: left to the classifier
    "số 0912345678",  # digits are never touched
    "tôi ở hà nội",  # short words are never touched
    "ngay xyzw qqqq",  # nothing one edit away
    "asdkjh qwee zxcv nagy",  # no known word at all: gibberish stays a miss, not a guess
])
def test_real_syllables_numbers_and_short_words_are_left_alone(speller, typed):
    aligned, mends = speller.correct(normalize(typed))
    assert mends == [] and aligned.text == normalize(typed).text


def test_a_tie_is_not_guessed(speller):
    assert speller.suggest("bano") is None  # "ban" and "bao" are equally frequent, one letter out


def test_without_counts_the_speller_is_off():
    assert Speller().correct(normalize("chờ mấy nàgy"))[1] == []
