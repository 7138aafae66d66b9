"""bot.replies.answers against a real catalogue service: FAQ, lists, VNeID
steps, clarification and hand-over."""

import datetime as dt

import pytest

from bot.catalogue.client import CatalogueClient
from bot.replies.answers import Answerer
from bot.replies.dialogue import Turn
from bot.replies.ranking import LineRanker
from tests.support import ROOT, free_port

RANKER = LineRanker.from_files(ROOT / "data" / "lang" / "abbreviations.yml", ROOT / "data" / "lang" / "ranking.yml")


@pytest.fixture()
def answerer(catalogue_service):
    return Answerer(CatalogueClient(catalogue_service.url), lambda: dt.date(2026, 11, 23), RANKER)


def test_faq_answer_has_its_source(answerer):
    reply = answerer.faq("vneid_no_otp")
    assert "1900 0368" in reply.text and "Nguồn: [" in reply.text and reply.answered and reply.kind == "faq"


def test_unknown_faq_is_polite(answerer):
    assert "chưa có thông tin" in answerer.faq("khong_co").text


def test_list_of_the_25_grouped_by_topic(answerer):
    text = answerer.list_services().text
    for number in range(1, 26):
        assert f"{number}. " in text
    assert "**Cư trú**" in text and "**Hộ tịch và liên thông**" in text
    assert "kích hoạt tài khoản định danh" not in text.lower()  # VNeID is not one of the 25


def test_services_in_vneid_come_from_the_catalogue_channels(answerer):
    text = answerer.services_in_vneid().text
    assert "Thông báo lưu trú" in text and "Cấp Phiếu lý lịch tư pháp" in text
    assert "Cấp điện mới" not in text


def test_vneid_steps_one_at_a_time_with_help_when_stuck(answerer):
    first = answerer.vneid_step(1)
    assert first.text.startswith("**Bước 1/6:**")
    assert [b["payload"] for b in first.buttons] == ["/vneid_next_step", "/vneid_stuck"]
    stuck = answerer.vneid_step(3, stuck=True)
    assert "bước 3" in stuck.text and "OTP" in stuck.text and "1900 0368" in stuck.text
    done = answerer.vneid_step(7)
    assert "xong" in done.text and done.buttons[0]["payload"] == "/vneid_activation_guide"


def test_first_miss_offers_the_two_likeliest_readings(answerer):
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_fee"}, {"name": "out_of_scope"},
               {"name": "ask_documents"}, {"name": "greet"}]
    reply = answerer.after_miss(ranking, [], "dang_ky_tam_tru", misses=1)
    assert reply.text.startswith("Dạ, em chưa chắc")
    assert [b["payload"] for b in reply.buttons] == [
        '/ask_fee{"service": "dang_ky_tam_tru"}', '/ask_documents{"service": "dang_ky_tam_tru"}']
    assert [b["title"] for b in reply.buttons] == ["Lệ phí", "Giấy tờ cần chuẩn bị"]


def test_a_faq_reading_is_offered_by_its_title(answerer):
    ranking = [{"name": "nlu_fallback"}, {"name": "faq"}, {"name": "ask_fee"}]
    reply = answerer.after_miss(ranking, [{"intent_response_key": "faq/vneid_no_otp"}], None, misses=1)
    assert reply.buttons == [
        {"title": "Không nhận được mã OTP", "payload": '/faq{"faq": "vneid_no_otp"}'},
        {"title": "Lệ phí", "payload": "/ask_fee"},
    ]


def test_second_miss_hands_over_to_people(answerer):
    reply = answerer.after_miss([{"name": "ask_fee"}], [], None, misses=2)
    assert "1900 0368" in reply.text and "Một cửa" in reply.text and not reply.buttons
    assert reply.kind == "handover"


def test_catalogue_down_is_polite_for_every_kind_of_answer():
    dead = Answerer(CatalogueClient(f"http://127.0.0.1:{free_port()}", timeout=0.3), ranker=RANKER)
    for reply in (dead.faq("vneid_no_otp"), dead.list_services(), dead.vneid_step(1), dead.services_in_vneid()):
        assert "xin lỗi" in reply.text and "dichvucong.gov.vn" in reply.text


def ranking(*names):
    return [{"name": n, "confidence": c} for n, c in zip(names, (0.5, 0.3, 0.1, 0.05))]


def test_a_greeting_in_front_of_a_question_is_answered_as_the_question(answerer):
    turn = Turn("chào em, cho hỏi làm hộ chiếu hết bao nhiêu", "greet", ranking("greet", "ask_fee"),
                services_named=["cap_ho_chieu_pho_thong"])
    reply = answerer.respond(turn)
    assert reply.kind == "answer" and "lệ phí **cấp hộ chiếu phổ thông**" in reply.text


def test_a_faq_about_another_service_yields_to_the_service_named(answerer):
    turn = Turn("thẻ căn cước công dân cũ còn dùng được không", "faq", ranking("faq", "ask_service_info"),
                faq_selected="vneid_levels", services_named=["cap_doi_the_can_cuoc"])
    reply = answerer.respond(turn)
    assert reply.kind == "answer" and "thẻ căn cước" in reply.text
    general = Turn("xem hồ sơ tạm trú đã xong chưa", "faq", faq_selected="ask_application_status",
                   services_named=["dang_ky_tam_tru"])
    assert answerer.respond(general).kind == "faq"  # a general entry stays


def test_with_a_known_service_an_unsure_reading_is_answered_not_asked_back(answerer):
    turn = Turn("thế mất mấy ngày", "nlu_fallback", ranking("nlu_fallback", "ask_processing_time", "ask_fee"),
                service_slot="dang_ky_ket_hon")
    reply = answerer.respond(turn)
    assert reply.kind == "answer" and "đăng ký kết hôn" in reply.text
    unknown = Turn("asdkjh qwe", "nlu_fallback", ranking("nlu_fallback", "ask_fee"), service_slot="dang_ky_ket_hon",
                   unknown_words=True)
    assert answerer.respond(unknown).kind == "clarify"


def test_asking_for_a_person_hands_over_at_once(answerer):
    reply = answerer.respond(Turn("cho tôi gặp nhân viên", "request_human"))
    assert reply.kind == "handover" and "1900 0368" in reply.text


def test_out_of_scope_yields_to_a_line_of_the_named_service_that_answers(answerer):
    turn = Turn("lý lịch tư pháp bây giờ do công an hay sở tư pháp cấp", "out_of_scope",
                ranking("out_of_scope", "ask_how_to_apply"), services_named=["cap_phieu_ly_lich_tu_phap"],
                question=" bây giờ do công an hay sở tư pháp cấp")
    reply = answerer.respond(turn)
    assert reply.kind == "answer" and "Công an" in reply.text  # the agency line or the summary
    # a service's word in a question nothing in its record answers stays out of scope
    honda = Turn("giá xe máy honda bao nhiêu", "out_of_scope", ranking("out_of_scope", "ask_fee"),
                 services_named=["dang_ky_xe_may"], question="giá   honda bao nhiêu")
    assert answerer.respond(honda).kind == "chitchat"


def test_a_service_named_beside_vneid_wins_over_the_apps_list(answerer):
    turn = Turn("bằng lái trên VNeID có dùng thay bằng thật khi đi đường được không", "ask_vneid_services",
                ranking("ask_vneid_services", "ask_service_info"), services_named=["cap_doi_giay_phep_lai_xe"],
                question=" trên VNeID có dùng thay bằng thật khi đi đường được không")
    reply = answerer.respond(turn)
    assert reply.kind == "answer" and "giấy phép lái xe" in reply.text
    alone = Turn("vneid làm được những thủ tục gì", "ask_vneid_services", services_named=["kich_hoat_vneid"])
    assert answerer.respond(alone).kind == "list"
