"""Service names found the way a person would recognise them."""

import pytest

from bot.catalogue.models import channel_names, search_terms
from bot.catalogue.search import AliasMatcher, phonetic, read_fillers
from bot.vietnamese import normalize
from tests.support import ROOT, seed_services

SERVICES = seed_services()
MATCHER = AliasMatcher(
    {sid: search_terms(s, channels=False) for sid, s in SERVICES.items()},
    {sid: channel_names(s) for sid, s in SERVICES.items()},
    read_fillers(str(ROOT / "data" / "lang" / "fillers.yml")),
)


def found(text):
    return [(m.service_id, text[m.start:m.end]) for m in MATCHER.find(normalize(text))]


def test_spelling_variants_fold_together():
    assert phonetic("ky") == phonetic("ki") and phonetic("ly") == phonetic("li")
    assert phonetic("tru") == phonetic("chu") and phonetic("so") == phonetic("xo")
    assert phonetic("huy") == "huy" and phonetic("tay") == "tay"


@pytest.mark.parametrize("text, service", [
    ("Làm lí lịch tư pháp ở đâu?", "cap_phieu_ly_lich_tu_phap"),
    ("đăng kí kết hôn cần gì", "dang_ky_ket_hon"),
    ("e muốn hỏi về hộ chíu", "cap_ho_chieu_pho_thong"),
    ("thủ tục đăng ký khia sinh", "dang_ky_khai_sinh"),
    ("đăng ký tạm chú online", "dang_ky_tam_tru"),
])
def test_a_typo_or_variant_in_the_name_still_finds_the_service(text, service):
    assert [sid for sid, _ in found(text)] == [service], found(text)


def test_small_words_inside_a_name_are_skipped():
    assert [sid for sid, _ in found("Bố tôi mất, gia đình cần làm những giấy tờ gì?")] == ["lien_thong_khai_tu"]
    assert found("tôi mới mua một mảnh đất")[0][0] == "dang_ky_bien_dong_dat_dai"


def test_a_small_word_of_a_name_may_be_another_or_missing():
    # alias "thẻ bhyt cho trẻ dưới 6 tuổi" (the birth bundle), not the household card's "thẻ bhyt"
    assert found("Thẻ BHYT của trẻ dưới 6 tuổi làm bao lâu")[0] == ("lien_thong_khai_sinh",
                                                                    "Thẻ BHYT của trẻ dưới 6 tuổi")
    assert found("thẻ bhyt trẻ dưới 6 tuổi")[0][0] == "lien_thong_khai_sinh"
    assert found("đăng ký tạm trú cần gì") == [("dang_ky_tam_tru", "đăng ký tạm trú")]  # never a trailing small word


def test_a_channel_name_loses_to_the_service_named_beside_it():
    assert [sid for sid, _ in found("đăng ký tạm trú trên vneid cần gì")] == ["dang_ky_tam_tru"]
    assert [sid for sid, _ in found("quên mật khẩu vneid")] == ["kich_hoat_vneid"]


@pytest.mark.parametrize("text", ["giá vàng hôm nay", "thời tiết ngày mai thế nào", "cho tôi mượn tiền",
                                  "kết quả bóng đá", "sốt 39 độ uống thuốc gì"])
def test_small_talk_names_no_service(text):
    assert found(text) == []
