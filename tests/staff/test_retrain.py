"""Closing the loop, end to end on the whole stack: a question the model
misses reaches the inbox, staff teach the right intent, a retrain in its own
process is scored before and after (held-out split and the bank's test
part), a reviewer activates it while the bot goes on answering, the question
is now answered and the dashboard counts it.  A deliberately wrong teaching
gives a model the gate refuses."""

import threading
import time
import uuid

import pytest
import yaml
from playwright.sync_api import expect

from bot.staff.accounts import Accounts, Role
from tests.support import ROOT, Stack, own_stack, replies
from tests.support.staff import STAFF_ENV, StaffApi, account, login, staff_url

MISSED = "mất ví cần làm lại căn cước thì sao"


@pytest.fixture(scope="module")
def loop_stack(tmp_path_factory, trained_model):
    with own_stack(tmp_path_factory.mktemp("retrain"), trained_model, env=STAFF_ENV) as running:
        yield running


def understood(stack: Stack, text: str) -> tuple:
    """(intent, kind) of the bot's reply: what the NLU understood and what the bot did."""
    messages = replies(stack, text, uuid.uuid4().hex)
    metas = [((m.get("custom") or {}).get("data") or {}).get("meta") for m in messages]
    meta = [m for m in metas if m][-1]
    return meta["intent"], meta["kind"]


def user_token(stack: Stack, role: str) -> StaffApi:
    accounts = Accounts(stack.settings.database_url)
    user = accounts.add_user(f"{role}.{uuid.uuid4().hex[:6]}@tinh.gov.vn", role, Role(role), "mat-khau-dai-1")
    return StaffApi(stack, accounts.issue_token(user.id, "test"))


def retrain(api: StaffApi, timeout: float = 1200) -> dict:
    """Start a retraining job and wait for its report."""
    status, started = api.call("POST", "/api/retrain")
    assert status == 202, started
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.get(f"/api/retrain/{started['job']}")
        if job["status"] in ("done", "failed"):
            assert job["status"] == "done", job["error"]
            return job
        time.sleep(5)
    raise AssertionError("the retraining job did not finish")


def test_a_miss_is_taught_retrained_gated_activated_without_downtime_and_counted(loop_stack, browser):
    admin, editor, reviewer = StaffApi(loop_stack), user_token(loop_stack, "editor"), user_token(loop_stack, "reviewer")
    assert understood(loop_stack, MISSED)[0] == "nlu_fallback"

    admin.call("POST", "/api/analytics/update")
    item = next(i for i in admin.get("/api/inbox") if i["text"] == MISSED)
    assert item["count"] == 1 and item["reasons"]
    status, _ = editor.call("POST", f"/api/inbox/{item['id']}/assign",
                            {"intent": "ask_how_to_apply", "reason": "hỏi cách làm lại căn cước khi mất"})
    assert status == 200

    job = retrain(editor)
    report = job["report"]
    assert report["passed"], report
    assert report["heldout"]["questions"] > 50 and report["bank"]["questions"] == 300
    assert {"old", "new", "per_intent", "changed"} <= set(report["heldout"])
    assert editor.call("POST", f"/api/models/{job['model']}/activate")[0] == 403
    page = login(browser, loop_stack, account(loop_stack, "reviewer"))  # the report as a reviewer reads it
    page.goto(staff_url(loop_stack, f"/huan-luyen/{job['id']}"))
    expect(page.locator("#overall")).to_contain_text(f"{report['bank']['new']}%")
    expect(page.get_by_role("button", name="Kích hoạt mô hình mới")).to_be_visible()

    failures, latencies, stop = [], [], threading.Event()

    def citizens():
        while not stop.is_set():
            started = time.monotonic()
            try:
                if not replies(loop_stack, "làm hộ chiếu hết bao nhiêu tiền", uuid.uuid4().hex):
                    failures.append("empty reply")
            except Exception as error:  # noqa: BLE001 - any failure counts
                failures.append(repr(error))
            latencies.append(time.monotonic() - started)

    talking = threading.Thread(target=citizens)
    talking.start()
    try:
        status, body = reviewer.call("POST", f"/api/models/{job['model']}/activate")
    finally:
        time.sleep(1)
        stop.set()
        talking.join()
    assert status == 200, body
    assert failures == [] and len(latencies) >= 3, failures
    assert understood(loop_stack, MISSED) == ("ask_how_to_apply", "answer")

    admin.call("POST", "/api/analytics/update")
    stats = admin.get("/api/stats")
    assert stats["total"]["messages"] >= len(latencies) + 2
    assert len(stats["models"]) >= 2  # before and after the activation


def test_a_wrong_teaching_gives_a_model_the_gate_refuses(loop_stack):
    admin = StaffApi(loop_stack)
    data = yaml.safe_load((ROOT / "data" / "nlu" / "services.yml").read_text(encoding="utf-8"))
    fee = next(block for block in data["nlu"] if block.get("intent") == "ask_fee")
    questions = [line[2:].strip() for line in fee["examples"].splitlines() if line.startswith("- ")][:40]
    status, _ = admin.call("PUT", "/api/examples/ask_documents", {
        "record": {"id": "ask_documents", "examples": questions}, "reason": "cố ý dạy sai (kiểm thử ngưỡng)"})
    assert status == 200
    job = retrain(admin)
    assert not job["report"]["passed"] and "giảm" in job["report"]["reason"]
    assert job["report"]["heldout"]["new"] < job["report"]["heldout"]["old"] - job["report"]["tolerance"]
    status, body = admin.call("POST", f"/api/models/{job['model']}/activate")
    assert status == 409, body
