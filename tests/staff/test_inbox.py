"""The inbox of missed questions, the conversation viewer and the dashboard,
against the whole stack: citizens' misses and 👎 arrive masked and grouped,
staff teach from them (a revision), and the counts include them."""

import uuid

from bot.staff.accounts import Accounts, Role
from tests.support import ask, post_json
from tests.support.staff import StaffApi


def token(stack, role):
    accounts = Accounts(stack.settings.database_url)
    user = accounts.add_user(f"{role}.{uuid.uuid4().hex[:6]}@tinh.gov.vn", role, Role(role), "mat-khau-dai-1")
    return StaffApi(stack, accounts.issue_token(user.id, "test")), user.email


def test_misses_and_thumbs_down_reach_the_inbox_masked_grouped_and_counted(staff_stack):
    admin = StaffApi(staff_stack)
    admin.call("POST", "/api/analytics/update")
    before = admin.get("/api/stats")["total"]["messages"]
    for text in ("qwertz asdfgh zxcvbn", "qwertz asdfgh zxcvbn", "zxcvbnm qwertz asdfgh"):
        ask(staff_stack, text, uuid.uuid4().hex)
    conversation = uuid.uuid4().hex
    ask(staff_stack, "làm hộ chiếu mất bao lâu", conversation)
    post_json(f"http://127.0.0.1:{staff_stack.settings.web_port}/api/feedback", {
        "rating": "down", "conversation_id": conversation, "question": "làm hộ chiếu mất bao lâu",
        "answer": "…", "service": "cap_ho_chieu_pho_thong", "intent": "ask_processing_time",
        "comment": "sai rồi, gọi tôi 0912 345 678"})

    status, added = admin.call("POST", "/api/analytics/update")
    assert status == 200 and added["turns"] >= 4 and added["feedback"] == 1
    items = admin.get("/api/inbox")
    group = next(i for i in items if "qwertz" in i["text"])
    assert group["count"] == 3 and group["reasons"] == ["fallback"]
    rated = next(i for i in items if "thumbs_down" in i["reasons"])
    assert "0912" not in rated["comment"] and "[SỐ ĐIỆN THOẠI]" in rated["comment"]

    stats = admin.get("/api/stats")
    assert stats["total"]["messages"] == before + 4
    assert stats["total"]["fallback_pct"] > 0
    assert any(row["service"] == "cap_ho_chieu_pho_thong" and row["down"] >= 1 for row in stats["services"])

    analyst, analyst_email = token(staff_stack, "analyst")
    lines = analyst.get(f"/api/conversations/{group['conversation_id']}")
    assert any(line["speaker"] == "user" and "qwertz" in line["text"] for line in lines)
    editor, editor_email = token(staff_stack, "editor")
    assert editor.call("GET", f"/api/conversations/{group['conversation_id']}")[0] == 403
    assert analyst.call("POST", f"/api/inbox/{group['id']}/assign", {"dismiss": True})[0] == 403

    status, done = editor.call("POST", f"/api/inbox/{group['id']}/assign",
                               {"intent": "out_of_scope", "reason": "chuỗi ký tự vô nghĩa"})
    assert status == 200 and done["status"] == "out_of_scope" and done["resolved_by"] == editor_email
    taught = admin.get("/api/examples/out_of_scope")
    assert group["text"] in taught["record"]["examples"]
    history = admin.get("/api/examples/out_of_scope/history")
    assert history[-1]["author"] == editor_email and history[-1]["reason"] == "chuỗi ký tự vô nghĩa"
    assert all(i["id"] != group["id"] for i in admin.get("/api/inbox"))


def test_stats_by_week_and_no_chart_without_a_login(staff_stack):
    from tests.support.staff import staff_url
    import urllib.request

    admin = StaffApi(staff_stack)
    admin.call("POST", "/api/analytics/update")
    status, csv_body = admin.call("GET", "/api/stats?by=week")
    assert status == 200 and csv_body["by"] == "week"
    # without a login, a chart (like every page) sends the browser to the login form
    with urllib.request.urlopen(staff_url(staff_stack, "/thong-ke/bieu-do/ngay.svg"), timeout=10) as response:
        assert "/dang-nhap" in response.url and "image/svg" not in response.headers["Content-Type"]
