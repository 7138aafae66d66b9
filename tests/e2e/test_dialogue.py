"""Multi-turn conversations through the whole stack (REST channel)."""

import uuid

from tests.support import ask


def conversation(stack):
    sender = uuid.uuid4().hex
    return lambda message: ask(stack, message, sender)


def test_session_starts_with_the_welcome_and_a_greeting_is_not_repeated(stack):
    say = conversation(stack)
    first = say("xin chào")
    assert first.count("Trợ lý Dịch vụ công") == 1
    assert "em chào anh/chị" not in first


def test_follow_up_and_switching_service(stack):
    say = conversation(stack)
    assert "hồ sơ **đăng ký khai sinh**" in say("làm giấy khai sinh cần giấy tờ gì")
    switched = say("còn khai tử thì sao?")
    assert "hồ sơ **đăng ký khai tử**" in switched and "giấy báo tử" in switched.lower()
    assert "lệ phí **đăng ký khai tử**" in say("lệ phí thì sao")


def test_two_misses_end_at_the_hand_over_not_a_loop(stack):
    say = conversation(stack)
    say("xin chào")
    first = say("asdkjh qwe zxcv")
    assert "Có phải anh/chị muốn hỏi" in first or "chưa hiểu rõ" in first
    second = say("lkjqwe poiu mnb")
    assert "1900 0368" in second and "Một cửa" in second
    assert "hồ sơ **đăng ký tạm trú**" in say("đăng ký tạm trú cần giấy tờ gì")


def test_vneid_activation_step_by_step(stack):
    say = conversation(stack)
    assert "Bước 1/6" in say("hướng dẫn kích hoạt vneid")
    assert "Bước 2/6" in say("/vneid_next_step")
    assert "Bước 3/6" in say("/vneid_next_step")
    stuck = say("/vneid_stuck")
    assert "bước 3" in stuck and "1900 0368" in stuck


def test_vneid_problem_answers(stack):
    say = conversation(stack)
    assert "1900 0368" in say("ko nhận đc otp")
    assert "Quên passcode" in say("quên passcode")
    assert "khóa tài khoản" in say("mất điện thoại có vneid").lower()


def test_personal_numbers_are_refused_and_never_repeated(stack):
    say = conversation(stack)
    text = say("số cccd của tôi là 001234567890, tra giúp hồ sơ")
    assert "không cần gửi" in text and "001234567890" not in text


def test_list_and_de_an_06(stack):
    say = conversation(stack)
    listing = say("danh sách dịch vụ")
    assert "25. " in listing and "Cấp Phiếu lý lịch tư pháp" in listing
    assert "06/QĐ-TTg" in say("đề án 06 là gì")
