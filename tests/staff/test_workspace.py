"""What staff may do, on a real database seeded from data/: drafts, review,
publishing, rollback, preview and import, each checked against the role."""

import datetime as dt

import pytest

from bot.catalogue.store import CatalogueStore
from bot.staff.accounts import User, Role
from bot.staff.drafts import Drafts
from bot.staff.workspace import Conflict, Forbidden, Invalid, Workspace
from tests.support import TEST_DAY, seed

PASSPORT = "cap_ho_chieu_pho_thong"
EDITOR = User(1, "editor@tinh.gov.vn", "Biên tập", Role.editor, True)
REVIEWER = User(2, "reviewer@tinh.gov.vn", "Duyệt", Role.reviewer, True)
ANALYST = User(3, "analyst@tinh.gov.vn", "Phân tích", Role.analyst, True)
ADMIN = User(4, "admin@tinh.gov.vn", "Quản trị", Role.admin, True)


@pytest.fixture()
def workspace(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalogue.db'}"
    store = CatalogueStore(url)
    store.seed_if_empty(seed())
    return Workspace(store, Drafts(url), lambda: TEST_DAY)


def with_time(workspace, text):
    record = workspace.store.get("service", PASSPORT)
    return record.copy(update={"processing_time": record.processing_time.copy(update={"text": text})})


def test_an_editor_drafts_and_a_reviewer_publishes(workspace):
    before = workspace.store.revision("service", PASSPORT)
    outcome = workspace.submit(EDITOR, "service", PASSPORT, with_time(workspace, "3 ngày"), "văn bản mới")
    assert not outcome.published and workspace.store.get("service", PASSPORT).processing_time.text != "3 ngày"
    with pytest.raises(Forbidden):
        workspace.publish(EDITOR, outcome.draft_id)
    workspace.publish(REVIEWER, outcome.draft_id)
    assert workspace.store.get("service", PASSPORT).processing_time.text == "3 ngày"
    last = workspace.history(ANALYST, "service", PASSPORT)[-1]
    assert last.revision == before + 1 and last.reason == "văn bản mới"
    assert last.author == "editor@tinh.gov.vn (duyệt: reviewer@tinh.gov.vn)"
    with pytest.raises(Conflict):
        workspace.publish(REVIEWER, outcome.draft_id)  # already published


def test_nobody_publishes_their_own_draft_and_analysts_change_nothing(workspace):
    draft = workspace.drafts.save("service", PASSPORT, with_time(workspace, "3 ngày"),
                                  workspace.store.revision("service", PASSPORT), ADMIN.email, "x")
    with pytest.raises(Forbidden):
        workspace.publish(ADMIN, draft)
    for call in (lambda: workspace.submit(ANALYST, "service", PASSPORT, with_time(workspace, "1 ngày"), "x"),
                 lambda: workspace.rollback(ANALYST, "service", PASSPORT, 1),
                 lambda: workspace.discard(ANALYST, draft)):
        with pytest.raises(Forbidden):
            call()


def test_a_draft_overtaken_by_another_change_is_not_published(workspace):
    draft = workspace.submit(EDITOR, "service", PASSPORT, with_time(workspace, "3 ngày"), "a").draft_id
    workspace.submit(ADMIN, "service", PASSPORT, with_time(workspace, "2 ngày"), "b")
    with pytest.raises(Conflict):
        workspace.publish(REVIEWER, draft)
    assert workspace.store.get("service", PASSPORT).processing_time.text == "2 ngày"


def test_rollback_is_a_new_revision_with_the_old_content(workspace):
    original = workspace.store.get("service", PASSPORT)
    first = workspace.store.revision("service", PASSPORT)
    workspace.submit(ADMIN, "service", PASSPORT, with_time(workspace, "2 ngày"), "b")
    revision = workspace.rollback(REVIEWER, "service", PASSPORT, first, "nhầm")
    assert revision == first + 2 and workspace.store.get("service", PASSPORT) == original
    assert workspace.history(ANALYST, "service", PASSPORT)[-1].reason == "khôi phục phiên bản 1: nhầm"


def test_the_preview_renders_the_draft_beside_the_live_answer_for_a_chosen_day(workspace):
    shown = workspace.preview("service", with_time(workspace, "Không quá 3 ngày."), TEST_DAY)
    assert [item.title for item in shown] == [
        "giấy tờ cần chuẩn bị", "lệ phí", "thời gian giải quyết", "nơi và cách nộp hồ sơ"]
    time_item = shown[2]
    assert "Không quá 3 ngày" in time_item.proposed and "Không quá 3 ngày" not in time_item.current
    # the 50% passport cut ends on 31/12/2026: the fee answer reads differently on 1/1/2027
    fee_now = workspace.preview("service", workspace.store.get("service", PASSPORT), TEST_DAY)[1].proposed
    fee_2027 = workspace.preview("service", workspace.store.get("service", PASSPORT), dt.date(2027, 1, 1))[1].proposed
    assert fee_now != fee_2027


def test_a_phrase_with_an_unknown_placeholder_is_refused(workspace):
    book = workspace.store.get("phrases", "replies")
    broken = book.copy(update={"dialogue": {**book.dialogue, "handover": "Gọi {hotlin} ạ"}})
    with pytest.raises(Invalid):
        workspace.submit(ADMIN, "phrases", "replies", broken, "lỗi gõ")
    fixed = book.copy(update={"dialogue": {**book.dialogue, "handover": "Dạ, anh/chị gọi {hotline} ạ."}})
    assert workspace.submit(ADMIN, "phrases", "replies", fixed, "ngắn gọn hơn").published


def test_an_alias_claimed_by_another_service_is_refused_beside_the_aliases(workspace):
    record = workspace.store.get("service", PASSPORT)
    data = record.dict()
    data["aliases"] = [*data["aliases"], {"name": "khai sinh"}]
    with pytest.raises(Invalid) as raised:
        workspace.submit(ADMIN, "service", PASSPORT, data, "thử")
    assert raised.value.problems[0].loc == "aliases"


def test_an_editors_import_becomes_drafts_and_an_admins_is_applied(workspace):
    changed = with_time(workspace, "5 ngày")
    incoming = {**seed(), ("service", PASSPORT): changed}
    plan, made = workspace.apply_import(EDITOR, incoming, "bảng tính")
    assert plan.changes.changed == [("service", PASSPORT)] and len(made) == 1
    assert workspace.store.get("service", PASSPORT).processing_time.text != "5 ngày"
    plan, made = workspace.apply_import(ADMIN, incoming, "bảng tính")
    assert made == [] and workspace.store.get("service", PASSPORT).processing_time.text == "5 ngày"
    assert workspace.plan_import(ADMIN, incoming).changes.empty


def test_a_reviewer_publishes_only_the_content_they_saw(workspace):
    draft = workspace.submit(EDITOR, "service", PASSPORT, with_time(workspace, "3 ngày"), "a").draft_id
    seen = workspace.draft(REVIEWER, draft).fingerprint
    other = User(5, "editor2@tinh.gov.vn", "Biên tập 2", Role.editor, True)
    workspace.submit(other, "service", PASSPORT, with_time(workspace, "NỘI DUNG CHƯA DUYỆT"), "b")
    with pytest.raises(Conflict):
        workspace.publish(REVIEWER, draft, seen)
    assert workspace.draft(REVIEWER, draft).authors == ["editor@tinh.gov.vn", "editor2@tinh.gov.vn"]
    workspace.publish(REVIEWER, draft, workspace.draft(REVIEWER, draft).fingerprint)
    assert workspace.store.get("service", PASSPORT).processing_time.text == "NỘI DUNG CHƯA DUYỆT"
    assert workspace.history(ANALYST, "service", PASSPORT)[-1].author == \
        "editor@tinh.gov.vn, editor2@tinh.gov.vn (duyệt: reviewer@tinh.gov.vn)"


def test_an_admins_edit_leaves_an_editors_draft_unpublished(workspace):
    draft = workspace.submit(EDITOR, "service", PASSPORT, with_time(workspace, "bản nháp"), "a").draft_id
    workspace.submit(ADMIN, "service", PASSPORT, with_time(workspace, "của quản trị"), "b")
    assert workspace.store.get("service", PASSPORT).processing_time.text == "của quản trị"
    assert workspace.draft(REVIEWER, draft).status == "open"  # still there, now stale
    with pytest.raises(Conflict):
        workspace.publish(REVIEWER, draft)
    # the editor saves again from the newest version: the draft is current again
    workspace.submit(EDITOR, "service", PASSPORT, with_time(workspace, "bản nháp mới"), "c")
    workspace.publish(REVIEWER, draft)
    assert workspace.store.get("service", PASSPORT).processing_time.text == "bản nháp mới"


def test_every_phrase_is_checked_for_placeholders_the_bot_does_not_fill(workspace):
    book = workspace.store.get("phrases", "replies")
    broken = book.copy(update={"dialogue": {**book.dialogue, "goodbye": "Chào {ten_nguoi_dan} ạ"}})
    with pytest.raises(Invalid) as raised:
        workspace.submit(ADMIN, "phrases", "replies", broken, "lỗi")
    assert raised.value.problems[0].loc == "dialogue.goodbye"
    unbalanced = book.copy(update={"templates": {**book.templates, "unknown": "Dạ, {service chưa có ạ"}})
    with pytest.raises(Invalid):
        workspace.submit(ADMIN, "phrases", "replies", unbalanced, "lỗi")


def test_errors_beside_fields_are_in_vietnamese(workspace):
    data = workspace.store.get("service", PASSPORT).dict()
    data["fees"]["items"][0]["standard"][0]["amount"] = "hai trăm"
    data["processing_time"]["checked"] = "hôm qua"
    with pytest.raises(Invalid) as raised:
        workspace.submit(ADMIN, "service", PASSPORT, data, "thử")
    messages = {p.loc: p.msg for p in raised.value.problems}
    assert messages["fees.items.0.standard.0.amount"] == "phải là số nguyên"
    assert messages["processing_time.checked"].startswith("ngày không hợp lệ")


def test_a_zip_that_unpacks_to_far_more_than_a_catalogue_is_refused(workspace):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("catalogue/x.yml", b"a" * (60 * 1024 * 1024))
    with pytest.raises(Invalid):
        workspace.read_upload("yaml", buffer.getvalue())
    assert len(buffer.getvalue()) < 200_000
