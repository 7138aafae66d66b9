"""Bad input at the edge, over REST and socket.io alike: refused clearly,
answered politely, never parsed when too big, never a shared conversation."""

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support import ask


def post(stack, body=None, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{stack.settings.rasa_port}/webhooks/rest/webhook",
                                     data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.parametrize("body", [{"message": "xin chào"}, {"sender": "", "message": "xin chào"},
                                  {"sender": "   ", "message": "hi"}, {"sender": "a", "message": 123},
                                  {"sender": "a", "message": None}, {"sender": "a"}, ["not", "an", "object"]])
def test_a_malformed_request_is_a_400_with_a_clear_error(stack, body):
    status, reply = post(stack, body)
    assert status == 400 and "error" in reply


def test_a_body_that_is_not_json_is_a_400_and_a_huge_body_a_413(stack):
    assert post(stack, raw=b"{not json")[0] == 400
    status, _ = post(stack, raw=json.dumps({"sender": "a", "message": "x" * 200_000}).encode())
    assert status == 413


def test_the_body_cap_is_only_on_the_public_side_not_on_rasas_calls_to_the_action_server(stack):
    """Rasa's call to the action server carries the tracker: it may be larger than a citizen's request."""
    body = json.dumps({"next_action": "action_list_services", "sender_id": "a", "version": "3.6.21",
                       "tracker": {"sender_id": "a", "slots": {}, "latest_message": {"text": "x" * 100_000},
                                   "events": [], "paused": False}, "domain": {}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{stack.settings.action_port}/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and json.loads(response.read())["responses"]


def test_a_too_long_message_gets_a_polite_reply_and_is_not_parsed(stack):
    sender = uuid.uuid4().hex
    status, reply = post(stack, {"sender": sender, "message": "hộ chiếu " * 200})
    assert status == 200 and reply[0]["text"].startswith("Dạ, tin nhắn dài quá")
    assert not any("custom" in r for r in reply)  # no action ran: the bot never saw it


def test_too_many_messages_a_minute_are_slowed_politely(stack):
    sender = uuid.uuid4().hex
    replies = [post(stack, {"sender": sender, "message": "/greet"})[1] for _ in range(21)]
    assert replies[-1][0]["text"].startswith("Dạ, anh/chị gửi nhanh quá")
    assert "nhanh quá" not in json.dumps(replies[0], ensure_ascii=False)


def test_socketio_refuses_a_message_without_session_or_text(stack):
    import socketio

    client = socketio.Client()
    errors, replies = [], []
    client.on("error", lambda data: errors.append(data))
    client.on("bot_uttered", lambda data: replies.append(data))
    client.connect(f"http://127.0.0.1:{stack.settings.rasa_port}", socketio_path="/socket.io",
                   transports=["polling"])
    try:
        client.emit("user_uttered", {"message": "xin chào"})  # no session id
        client.emit("user_uttered", {"message": 42, "session_id": "abcdefgh12345678"})
        client.emit("user_uttered", {"message": "x" * 5000, "session_id": "abcdefgh12345678"})
        deadline = time.monotonic() + 10
        while (len(errors) < 2 or not replies) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        client.disconnect()
    assert len(errors) == 2 and all("error" in e for e in errors)
    assert replies and replies[0]["text"].startswith("Dạ, tin nhắn dài quá")


def test_a_maximum_size_message_every_second_does_not_slow_other_conversations(stack):
    def latencies(count):
        sender, out = uuid.uuid4().hex, []
        ask(stack, "/greet", sender)
        for index in range(count):
            started = time.perf_counter()
            ask(stack, ["làm hộ chiếu hết bao nhiêu tiền", "đăng ký tạm trú cần giấy tờ gì"][index % 2], sender)
            out.append(time.perf_counter() - started)
        return out

    quiet = latencies(16)
    stop = threading.Event()

    def flood():
        while not stop.is_set():
            ask(stack, ("đăng ký tạm trú " * 70)[:1000], uuid.uuid4().hex)  # at the limit: parsed
            stop.wait(1.0)

    flooding = threading.Thread(target=flood)
    flooding.start()
    try:
        busy = latencies(16)
    finally:
        stop.set()
        flooding.join()

    def p95(values):
        return statistics.quantiles(values, n=20)[-1]

    assert p95(busy) <= 1.5 * p95(quiet) + 0.05, (p95(quiet), p95(busy))


def test_rasas_http_api_answers_only_with_its_token(stack):
    base = f"http://127.0.0.1:{stack.settings.rasa_port}"
    for token in ("", "?token=wrong"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/conversations/someone/tracker{token}", timeout=10)
        assert refused.value.code == 401
    with urllib.request.urlopen(f"{base}/status?token={stack.env['RASA_API_TOKEN']}", timeout=10) as response:
        assert json.loads(response.read())["model_id"]
