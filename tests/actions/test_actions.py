"""The actions against a real catalogue service (and a dead one).

Each action builds its answerer from the environment on first use, so the
tests point CATALOGUE_URL at the service under test and reset the cache."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replying
from actions.faq import ActionAnswerFaq
from actions.services import ActionAnswerService
from actions.session import ActionSay
from tests.support import free_port


def tracker(intent, service=None, aspect=None, entities=(), response_selector=None):
    message = {"intent": {"name": intent}, "entities": list(entities), "text": "..."}
    if response_selector:
        message["response_selector"] = response_selector
    return Tracker(
        sender_id="test",
        slots={"service": service, "aspect": aspect},
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture()
def catalogue_at(monkeypatch):
    """Point the actions at a catalogue URL; the answerer is rebuilt and reset after."""

    def point(url):
        monkeypatch.setenv("CATALOGUE_URL", url)
        monkeypatch.setenv("CATALOGUE_TIMEOUT", "0.5")
        monkeypatch.setenv("BOT_TODAY", "2026-11-23")
        replying.answerer.cache_clear()

    yield point
    replying.answerer.cache_clear()


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    return dispatcher.messages, events


def test_fee_answer_comes_from_the_catalogue(catalogue_service, catalogue_at):
    catalogue_at(catalogue_service.url)
    messages, events = run(ActionAnswerService(), tracker("ask_fee", "cap_ho_chieu_pho_thong"))
    text = messages[0]["text"]
    assert "200.000 đồng" in text and "Nguồn: [" in text
    assert messages[1]["custom"] == {
        "data": {"meta": {"intent": "ask_fee", "service": "cap_ho_chieu_pho_thong", "kind": "answer",
                          "aspect": "fee"}}}
    assert events == [SlotSet("aspect", "fee")]


def test_bare_service_name_reuses_the_previous_aspect(catalogue_service, catalogue_at):
    catalogue_at(catalogue_service.url)
    messages, events = run(ActionAnswerService(), tracker("inform_service", "dang_ky_khai_sinh", aspect="fee"))
    assert "lệ phí **đăng ký khai sinh**" in messages[0]["text"]
    assert events == [SlotSet("aspect", "fee")]


def test_no_service_yet_asks_which_with_buttons(catalogue_service, catalogue_at):
    catalogue_at(catalogue_service.url)
    messages, _ = run(ActionAnswerService(), tracker("ask_documents"))
    assert "thủ tục nào" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/ask_documents{"service": "dang_ky_tam_tru"}' in payloads
    assert messages[1]["custom"]["data"]["meta"]["kind"] == "ask_service"


def test_unknown_service_id_is_a_polite_message(catalogue_service, catalogue_at):
    catalogue_at(catalogue_service.url)
    messages, _ = run(ActionAnswerService(), tracker("ask_fee", "khong_ton_tai"))
    assert "chưa có thông tin về thủ tục này" in messages[0]["text"]


def test_faq_from_the_response_selector_or_from_a_button(catalogue_service, catalogue_at):
    catalogue_at(catalogue_service.url)
    selected = {"faq": {"response": {"intent_response_key": "faq/vneid_no_otp"}, "ranking": []}}
    messages, _ = run(ActionAnswerFaq(), tracker("faq", response_selector=selected))
    assert "1900 0368" in messages[0]["text"] and "Nguồn: [" in messages[0]["text"]
    button = [{"entity": "faq", "value": "vneid_forgot_passcode"}]
    messages, _ = run(ActionAnswerFaq(), tracker("faq", entities=button))
    assert "Quên passcode" in messages[0]["text"]


def test_small_talk_is_worded_from_the_phrasebook(catalogue_service, catalogue_at):
    catalogue_at(catalogue_service.url)
    messages, _ = run(ActionSay(), tracker("personal_data"))
    assert "không cần gửi số căn cước" in messages[0]["text"] and "https://dichvucong.gov.vn" in messages[0]["text"]


def test_catalogue_down_gives_an_apology_and_the_portal(catalogue_at):
    catalogue_at(f"http://127.0.0.1:{free_port()}")
    messages, _ = run(ActionAnswerService(), tracker("ask_fee", "cap_ho_chieu_pho_thong"))
    text = messages[0]["text"]
    assert "xin lỗi" in text and "https://dichvucong.gov.vn" in text
    assert "Traceback" not in text and "Error" not in text


def test_the_question_ranked_has_the_names_cut_and_the_typos_mended():
    text = "hộ chiếu có thời hạn mấy nămw"
    names = [{"entity": "service", "start": 0, "end": 8, "value": "cap_ho_chieu_pho_thong"}]
    mends = [{"start": 25, "end": 29, "value": "nam"}, {"start": 0, "end": 2, "value": "ho"}]  # the second is inside the name
    assert replying.without_names(text, names, mends).split() == ["có", "thời", "hạn", "mấy", "nam"]
