"""Rasa's scaling model, started for real: two replicas on PostgreSQL and Redis
behind nginx (Debian's packages, installed when missing)."""

import time
import uuid

import pytest

from tools import scale


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, trained_model):
    with scale.cluster(tmp_path_factory.mktemp("scale"), trained_model) as running:
        yield running


def test_conversations_alternating_replicas_lose_nothing(cluster):
    result = scale.run_load(cluster, conversations=8, messages=6, concurrency=4)
    assert result["lost"] == 0 and result["errors_5xx"] == 0 and result["out_of_order"] == 0, result
    assert result["messages"] == 48


def test_socketio_through_the_balancer_sticks_to_one_replica(cluster):
    import socketio

    client = socketio.Client()
    replies, confirmed = [], []
    client.on("session_confirm", lambda session: confirmed.append(session))
    client.on("bot_uttered", lambda data: replies.append(data))
    client.connect(f"http://127.0.0.1:{cluster.balancer}", socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": uuid.uuid4().hex})
        deadline = time.monotonic() + 30
        while not confirmed and time.monotonic() < deadline:
            time.sleep(0.1)
        client.emit("user_uttered", {"message": "làm hộ chiếu hết bao nhiêu tiền", "session_id": confirmed[0]})
        while not any("100.000" in (r.get("text") or "") for r in replies) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        client.disconnect()
    assert any("100.000 đồng" in (r.get("text") or "") for r in replies)


def test_with_redis_down_a_replica_answers_politely_and_logs_why(cluster, tmp_path_factory):
    cluster.redis.terminate()
    cluster.redis.wait(timeout=20)
    started = time.monotonic()
    status, replies = scale.ask(cluster.replicas[0], uuid.uuid4().hex, "làm hộ chiếu hết bao nhiêu tiền", timeout=30)
    assert time.monotonic() - started < 10
    assert status == 200 and "xin lỗi" in replies[0]["text"] and "dichvucong.gov.vn" in replies[0]["text"]
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in cluster.stack.log_dir.glob("Rasa*.log"))
    assert "could not be handled" in logs and ("Redis" in logs or "redis" in logs)
