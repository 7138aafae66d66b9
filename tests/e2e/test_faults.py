"""Failures are survived: each test kills or stops a real process."""

import json
import shutil
import signal
import threading
import time
import urllib.request
import uuid

import pytest

from tests.support import CatalogueProcess, ask, isolated_settings, own_stack, wait_until


@pytest.fixture()
def fresh_stack(tmp_path, trained_model):
    with own_stack(tmp_path, trained_model) as running:
        yield running


def healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_a_crashed_action_server_is_restarted_and_the_bot_answers_again(fresh_stack):
    done = threading.Event()
    supervisor = threading.Thread(target=fresh_stack.supervise, args=(done,))
    supervisor.start()
    try:
        old = fresh_stack.process("action server")
        old.send_signal(signal.SIGKILL)
        assert wait_until(lambda: fresh_stack.process("action server").pid != old.pid, timeout=20)
        url = f"http://127.0.0.1:{fresh_stack.settings.action_port}/health"
        assert wait_until(lambda: healthy(url), timeout=120)
        assert "100.000 đồng" in ask(fresh_stack, "làm hộ chiếu hết bao nhiêu tiền")
        assert fresh_stack.running[1].restarts == 1
    finally:
        done.set()
        supervisor.join()


def test_with_the_action_server_down_rasa_apologises_within_3_seconds(fresh_stack):
    action = fresh_stack.process("action server")
    action.send_signal(signal.SIGKILL)
    action.wait(timeout=20)
    started = time.monotonic()
    text = ask(fresh_stack, "làm hộ chiếu hết bao nhiêu tiền")
    assert time.monotonic() - started < 3.0
    assert "xin lỗi" in text and "https://dichvucong.gov.vn" in text


def test_rasa_restarted_mid_conversation_keeps_the_conversation(fresh_stack):
    done = threading.Event()
    supervisor = threading.Thread(target=fresh_stack.supervise, args=(done,))
    supervisor.start()
    try:
        sender = uuid.uuid4().hex
        assert "lệ phí **cấp hộ chiếu phổ thông**" in ask(fresh_stack, "làm hộ chiếu hết bao nhiêu tiền", sender)
        old = fresh_stack.process("Rasa server")
        old.send_signal(signal.SIGKILL)
        url = f"http://127.0.0.1:{fresh_stack.settings.rasa_port}/"
        assert wait_until(lambda: fresh_stack.process("Rasa server").pid != old.pid and healthy(url), timeout=240)
        follow_up = ask(fresh_stack, "còn thời gian thì sao", sender)  # the service slot survived
        assert "**cấp hộ chiếu phổ thông**" in follow_up
    finally:
        done.set()
        supervisor.join()


def test_the_catalogue_keeps_serving_its_last_good_copy_when_its_database_breaks(tmp_path):
    settings = isolated_settings(tmp_path)
    service = CatalogueProcess(settings).start()
    try:
        database = tmp_path / "catalogue.db"
        shutil.move(database, tmp_path / "moved.db")
        database.write_bytes(b"this is not a database" * 100)
        time.sleep(2.5)  # at least two reload checks
        with urllib.request.urlopen(f"{service.url}/services/cap_ho_chieu_pho_thong", timeout=10) as response:
            assert json.loads(response.read())["id"] == "cap_ho_chieu_pho_thong"
        with urllib.request.urlopen(f"{service.url}/services", timeout=10) as response:
            assert len(json.loads(response.read())) == 26
    finally:
        service.stop()
