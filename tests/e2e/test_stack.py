"""The whole stack (catalogue + action server + Rasa) over the REST channel."""

import signal
import uuid

import pytest

from tests.support import ask


def test_passport_fee_from_the_catalogue_with_its_source(stack):
    text = ask(stack, "làm hộ chiếu hết bao nhiêu tiền")
    assert "100.000 đồng" in text and "200.000 đồng" in text  # the 50% cut in force, the standard rate beside it
    assert "Nguồn: [" in text and "](https://vanban.chinhphu.vn/" in text and "github" not in text


def test_with_and_without_diacritics_get_the_same_answer(stack):
    accented = ask(stack, "đăng ký tạm trú cần giấy tờ gì")
    plain = ask(stack, "dang ky tam tru can giay to gi")
    assert "hồ sơ **đăng ký tạm trú**" in accented
    assert accented == plain


def test_follow_up_reuses_the_service(stack):
    sender = uuid.uuid4().hex
    ask(stack, "đk tạm trú cần những gì", sender)
    text = ask(stack, "còn lệ phí thì sao?", sender)
    assert "lệ phí **đăng ký tạm trú**" in text and "15.000 đồng" in text


def test_a_typo_is_mended_before_classifying(stack):
    text = ask(stack, "đăng ký thường trú chờ mấy nàgy")
    assert "thời gian giải quyết **đăng ký thường trú**" in text


@pytest.mark.parametrize("message", ["", " ", "😀😀😀", "<img src=x onerror=alert(1)>", "a" * 5000])
def test_odd_input_gets_a_polite_reply_not_an_error(stack, message):
    text = ask(stack, message)
    assert text.startswith("Dạ")


def test_catalogue_down_gives_apology_and_portal(stack):
    catalogue = stack.processes[0]
    catalogue.send_signal(signal.SIGTERM)
    catalogue.wait(timeout=20)
    text = ask(stack, "làm hộ chiếu mất bao lâu")
    assert "xin lỗi" in text and "https://dichvucong.gov.vn" in text
