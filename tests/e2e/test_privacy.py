"""Personal numbers never reach the stored conversations or any log in clear."""

import re
import sqlite3
import uuid

import pytest

from tests.support import ask, own_stack

NUMBERS = {
    "001234567890": ["số cccd của tôi là 001234567890", "cccd 001 234 567 890 tra giúp", "mã định danh:001.234.567.890"],
    "123456789": ["cmnd cũ 123456789 còn dùng được không"],
    "0912345678": ["sdt 0912 345 678 nhé", "gọi 0912.345.678 giúp", "sdt0912345678", "+84 912 345 678",
                   "zalo +84912345678"],
    "nguyen.van.a@gmail.com": ["email nguyen.van.a@gmail.com"],
    "19034567890123": ["chuyển khoản vào stk 19034567890123"],
}


def any_format(number):
    """The number however it is typed: separators between digits, +84 for a leading 0."""
    digits = re.sub(r"\D", "", number) if "@" not in number else None
    if digits is None:
        return re.compile(re.escape(number))
    body = "[ .\\-]?".join(digits[1:] if digits.startswith("0") else digits)
    lead = "(?:0|\\+?84[ .\\-]?)" if digits.startswith("0") else ""
    return re.compile(lead + body)


@pytest.fixture(scope="module")
def logged_stack(tmp_path_factory, trained_model):
    tmp = tmp_path_factory.mktemp("privacy")
    # debug logging makes Rasa write every parsed message: the hardest case for the logs
    with own_stack(tmp, trained_model, log_dir=tmp / "logs", env={"LOG_LEVEL": "DEBUG"}) as running:
        yield running, tmp / "logs"


def test_numbers_in_any_format_are_stored_and_logged_masked(logged_stack):
    stack, logs = logged_stack
    sender = uuid.uuid4().hex
    for messages in NUMBERS.values():
        for message in messages:
            reply = ask(stack, message, sender)
            assert "không cần gửi" in reply or reply.startswith("Dạ")
            for number in NUMBERS:
                assert number not in reply
    assert "100.000 đồng" in ask(stack, "làm hộ chiếu hết bao nhiêu tiền", sender)  # and amounts stay
    database = stack.settings.tracker_store_url.replace("sqlite:///", "")
    with sqlite3.connect(database) as conn:
        stored = [row[0] for row in conn.execute("SELECT data FROM events")]
    assert stored
    texts = stored + [path.read_text(encoding="utf-8", errors="replace") for path in logs.glob("*.log")]
    assert any("SỐ CĂN CƯỚC" in t or "\\u1ed0 C\\u0102N" in t for t in stored)  # the mask is what is kept
    for text in texts:
        for number in NUMBERS:
            assert not any_format(number).search(text), number
