"""The custom action against a real catalogue service (and a dead one)."""

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.service_answers as service_answers
from bot.answering import Answerer, aspect_for
from bot.catalogue.answers import Aspect, load_replies
from bot.catalogue.client import CatalogueClient
from bot.config import ROOT
from tests.conftest import free_port

REPLIES = load_replies(str(ROOT / "data" / "lang" / "replies.yml"))


def tracker(intent, service=None, aspect=None):
    return Tracker(
        sender_id="test",
        slots={"service": service, "aspect": aspect},
        latest_message={"intent": {"name": intent}, "entities": [], "text": "..."},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run_action(answerer, intent, service=None, aspect=None):
    service_answers._answerer = answerer
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        service_answers.ActionAnswerService().run(dispatcher, tracker(intent, service, aspect), {})
    )
    return dispatcher.messages, events


@pytest.fixture()
def answerer(catalogue_service):
    return Answerer(CatalogueClient(catalogue_service.url), REPLIES, today=lambda: dt.date(2026, 11, 23))


def test_fee_answer_comes_from_the_catalogue(answerer):
    messages, events = run_action(answerer, "ask_fee", "cap_ho_chieu_pho_thong")
    text = messages[0]["text"]
    assert "200.000 đồng" in text and "Nguồn: https://" in text
    assert messages[1]["custom"] == {"data": {"meta": {"intent": "ask_fee", "service": "cap_ho_chieu_pho_thong"}}}
    assert events == [SlotSet("aspect", "fee")]


def test_bare_service_name_reuses_the_previous_aspect(answerer):
    messages, events = run_action(answerer, "inform_service", "dang_ky_khai_sinh", aspect="fee")
    assert "lệ phí **đăng ký khai sinh**" in messages[0]["text"]
    assert events == [SlotSet("aspect", "fee")]


def test_no_service_yet_asks_which_with_buttons(answerer):
    messages, _ = run_action(answerer, "ask_documents")
    assert "thủ tục nào" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/ask_documents{"service": "dang_ky_tam_tru"}' in payloads


def test_unknown_service_id_is_a_polite_message(answerer):
    messages, _ = run_action(answerer, "ask_fee", "khong_ton_tai")
    assert "chưa có thông tin về thủ tục này" in messages[0]["text"]


def test_catalogue_down_gives_an_apology_and_the_portal():
    dead = Answerer(CatalogueClient(f"http://127.0.0.1:{free_port()}", timeout=0.5), REPLIES)
    messages, _ = run_action(dead, "ask_fee", "cap_ho_chieu_pho_thong")
    text = messages[0]["text"]
    assert "xin lỗi" in text and "https://dichvucong.gov.vn" in text
    assert "Traceback" not in text and "Error" not in text


def test_aspect_for_intents():
    assert aspect_for("ask_processing_time", "fee") == Aspect.processing_time
    assert aspect_for("inform_service", "documents") == Aspect.documents
    assert aspect_for("inform_service", None) == Aspect.overview
    assert aspect_for("inform_service", "bogus") == Aspect.overview
