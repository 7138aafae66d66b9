"""The staff JSON API against the whole running stack: a change is live in
the bot's answer within 5 s, survives a restart, has its history and rolls
back; a new alias is understood without retraining; spreadsheets round trip."""

import copy
import csv
import io
import uuid

import openpyxl

from tests.support import ask, own_stack, wait_until
from tests.support.staff import STAFF_ENV, StaffApi

PASSPORT = "cap_ho_chieu_pho_thong"
NEW_TIME = "Không quá 3 ngày làm việc kể từ ngày nhận đủ hồ sơ (thử nghiệm của cán bộ)."


def passport_time(stack) -> str:
    return ask(stack, "làm hộ chiếu mất bao lâu", uuid.uuid4().hex)


def put(api, collection, rid, record, reason):
    return api.call("PUT", f"/api/{collection}/{rid}", {"record": record, "reason": reason})


def test_a_put_processing_time_is_live_survives_a_restart_and_rolls_back(staff_stack, tmp_path):
    api = StaffApi(staff_stack)
    original = api.get(f"/api/services/{PASSPORT}")
    before = passport_time(staff_stack)
    assert NEW_TIME not in before
    record = copy.deepcopy(original["record"])
    record["processing_time"]["text"] = NEW_TIME
    status, body = put(api, "services", PASSPORT, record, "Cập nhật theo văn bản mới (thử)")
    assert status == 200 and body["published"] and body["revision"] == original["revision"] + 1
    assert wait_until(lambda: NEW_TIME in passport_time(staff_stack), timeout=5)

    staff_stack.stop()  # `make run` stopped ...
    staff_stack.start()  # ... and started again on the same databases
    assert NEW_TIME in passport_time(staff_stack)

    history = api.get(f"/api/services/{PASSPORT}/history")
    last = history[-1]
    assert last["reason"] == "Cập nhật theo văn bản mới (thử)" and last["author"] == "api"
    assert NEW_TIME in last["diff"]
    status, body = api.call("POST", f"/api/services/{PASSPORT}/rollback", {"version": original["revision"]})
    assert status == 200 and body["revision"] == original["revision"] + 2
    assert wait_until(lambda: NEW_TIME not in passport_time(staff_stack), timeout=5)
    assert api.get(f"/api/services/{PASSPORT}")["record"] == original["record"]


def test_a_new_alias_is_understood_within_5_seconds_without_retraining(staff_stack):
    api = StaffApi(staff_stack)
    alias = "sổ thông hành quốc tế"
    question = f"{alias} hết bao nhiêu tiền"
    assert "hộ chiếu" not in ask(staff_stack, question).lower()
    record = api.get(f"/api/services/{PASSPORT}")["record"]
    record["aliases"].append(alias)
    status, _ = put(api, "services", PASSPORT, record, "Người dân hay gọi hộ chiếu là sổ thông hành")
    assert status == 200
    assert wait_until(lambda: "hộ chiếu phổ thông" in ask(staff_stack, question, uuid.uuid4().hex), timeout=5)


def test_invalid_records_are_refused_with_the_field_named(staff_stack):
    api = StaffApi(staff_stack)
    record = api.get(f"/api/services/{PASSPORT}")["record"]
    record["processing_time"]["checked"] = "23/11/2026"
    status, body = put(api, "services", PASSPORT, record, "ngày sai định dạng")
    assert status == 422 and any(p["loc"] == "processing_time.checked" for p in body["problems"])
    status, body = put(api, "services", PASSPORT, api.get(f"/api/services/{PASSPORT}")["record"], "")
    assert status == 422 and body["problems"][0]["loc"] == "reason"


def test_xlsx_round_trip_changes_nothing_and_a_csv_fee_change_shows_in_the_bot(staff_stack):
    api = StaffApi(staff_stack)
    status, workbook = api.call("GET", "/api/export?format=xlsx")
    assert status == 200
    status, plan = api.call("POST", "/api/import?format=xlsx&dry_run=1", raw=workbook)
    assert status == 200 and plan["added"] == [] and plan["changed"] == [] and plan["problems"] == []
    assert openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames[-2:] == ["services", "faq"]

    status, table = api.call("GET", "/api/export?format=csv&kind=service")
    rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    header = rows[0]
    row = next(r for r in rows if r[header.index("id")] == "dang_ky_xe_may"
               and r[header.index("part")] == "fees.items[3]")
    assert row[header.index("standard")] == "105000"
    row[header.index("standard")] = "112000"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    edited = out.getvalue()
    shown = "112.000"
    assert shown not in ask(staff_stack, "đăng ký xe máy hết bao nhiêu tiền")
    status, plan = api.call("POST", "/api/import?format=csv&kind=service&dry_run=1",
                            raw=edited.encode("utf-8-sig"))
    assert status == 200 and plan["changed"] == ["service/dang_ky_xe_may"], plan
    status, done = api.call("POST", "/api/import?format=csv&kind=service&dry_run=0&reason=test",
                            raw=edited.encode("utf-8-sig"))
    assert status == 200 and done["drafts"] == []
    assert wait_until(lambda: shown in ask(staff_stack, "đăng ký xe máy hết bao nhiêu tiền", uuid.uuid4().hex),
                      timeout=5)


def test_roles_are_checked_on_every_call(staff_stack):
    admin = StaffApi(staff_stack)
    assert StaffApi(staff_stack, token="wrong").call("GET", "/api/services")[0] == 401
    tokens = {}
    for role in ("editor", "reviewer", "analyst"):
        from bot.staff.accounts import Accounts, Role

        accounts = Accounts(staff_stack.settings.database_url)
        user = accounts.add_user(f"{role}.{uuid.uuid4().hex[:6]}@tinh.gov.vn", role, Role(role), "mat-khau-dai-1")
        tokens[role] = StaffApi(staff_stack, accounts.issue_token(user.id, "test"))
    record = admin.get("/api/services/dang_ky_ket_hon")["record"]
    record["summary"]["text"] += " (bản nháp thử)"
    assert put(tokens["analyst"], "services", "dang_ky_ket_hon", record, "thử")[0] == 403
    assert put(tokens["reviewer"], "services", "dang_ky_ket_hon", record, "thử")[0] == 403
    status, body = put(tokens["editor"], "services", "dang_ky_ket_hon", record, "thử")
    assert status == 202 and not body["published"]
    draft = body["draft"]
    assert tokens["editor"].call("POST", f"/api/drafts/{draft}/publish")[0] == 403
    assert tokens["analyst"].call("POST", f"/api/drafts/{draft}/publish")[0] == 403
    assert tokens["analyst"].call("POST", "/api/services/dang_ky_ket_hon/rollback", {"version": 1})[0] == 403
    assert tokens["analyst"].get("/api/services/dang_ky_ket_hon")["record"]["summary"]["text"] != record["summary"]["text"]
    status, body = tokens["reviewer"].call("POST", f"/api/drafts/{draft}/publish")
    assert status == 200 and body["published"]
    assert admin.get("/api/services/dang_ky_ket_hon")["record"]["summary"]["text"] == record["summary"]["text"]
