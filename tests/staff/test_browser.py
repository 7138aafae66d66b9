"""The staff workspace in a real browser (Debian's Chromium), against the
whole stack: an editor drafts a change, a reviewer publishes it, the citizen
widget answers with it within 5 s, a rollback restores it; XLSX round trip;
wrong roles and forged posts are refused."""

import re
import time

from playwright.sync_api import expect

from tests.support.browser import ask, open_chat
from tests.support.staff import ADMIN_EMAIL, ADMIN_PASSWORD, account, login, staff_url

PASSPORT = "cap_ho_chieu_pho_thong"
NEW_TIME = "Trong 4 ngày làm việc (nội dung thử của biên tập viên)."


def widget_answer(page, question, shows, text, within=5.0) -> bool:
    """Ask in the citizen widget until the answer shows (or no longer shows)
    `text`; False if it does not within `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        ask(page, question)
        if (text in page.locator(".msg.bot").last.inner_text()) == shows:
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(300)


def test_edit_publish_see_it_in_the_widget_and_roll_back(browser, page, staff_stack):
    editor = login(browser, staff_stack, account(staff_stack, "editor"))
    editor.goto(staff_url(staff_stack, f"/dich-vu/{PASSPORT}"))
    editor.get_by_role("link", name="Thời gian giải quyết").click()
    editor.locator("textarea[name='processing_time.text']").fill(NEW_TIME)
    editor.get_by_label("Lý do thay đổi (bắt buộc)").fill("Cập nhật thời gian theo văn bản mới")
    editor.get_by_role("button", name="Xem trước câu trả lời").click()
    preview = editor.get_by_role("region", name="Xem trước", exact=True)
    expect(preview.locator("pre.proposed").nth(2)).to_contain_text(NEW_TIME)
    expect(preview.locator("pre.current").nth(2)).not_to_contain_text(NEW_TIME)
    editor.get_by_role("button", name="Lưu bản nháp").click()
    expect(editor).to_have_url(re.compile(r"/ban-nhap/\d+$"))
    expect(editor.get_by_role("button", name="Xuất bản")).to_have_count(0)  # an editor cannot publish
    draft_url = editor.url

    open_chat(page, staff_stack)
    question = "làm hộ chiếu mất bao lâu"
    ask(page, question)
    expect(page.locator(".msg.bot").last).not_to_contain_text(NEW_TIME)  # a draft is not live

    reviewer = login(browser, staff_stack, account(staff_stack, "reviewer"))
    reviewer.goto(draft_url)
    expect(reviewer.get_by_role("region", name="Xem trước", exact=True)).to_contain_text(NEW_TIME)
    reviewer.get_by_role("button", name="Xuất bản").click()
    expect(reviewer.locator(".flash")).to_contain_text("Đã xuất bản")
    assert widget_answer(page, question, True, NEW_TIME)

    reviewer.goto(staff_url(staff_stack, f"/lich-su/dich-vu/{PASSPORT}"))
    expect(reviewer.locator("article.version").first).to_contain_text("Cập nhật thời gian theo văn bản mới")
    restore = reviewer.locator("article.version").nth(1)
    restore.get_by_label("Lý do").fill("trả lại như cũ")
    restore.get_by_role("button", name=re.compile("Khôi phục phiên bản")).click()
    expect(reviewer.locator(".flash")).to_contain_text("Đã khôi phục")
    assert widget_answer(page, question, False, NEW_TIME)


def test_xlsx_export_and_import_show_no_change(browser, staff_stack, tmp_path):
    admin = login(browser, staff_stack, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.goto(staff_url(staff_stack, "/nhap-xuat"))
    with admin.expect_download() as download:
        admin.get_by_role("link", name=re.compile("Bảng tính Excel")).click()
    path = tmp_path / "danh-muc.xlsx"
    download.value.save_as(path)
    admin.get_by_label("Định dạng").select_option("xlsx")
    admin.get_by_label("Tệp").set_input_files(str(path))
    admin.get_by_role("button", name="Kiểm tra tệp").click()
    expect(admin.locator(".summary")).to_have_text("0 bản ghi mới, 0 bản ghi thay đổi.")
    expect(admin.locator(".notice")).to_contain_text("Không có thay đổi nào")


def test_a_wrong_role_is_refused(browser, staff_stack):
    analyst = login(browser, staff_stack, account(staff_stack, "analyst"))
    analyst.goto(staff_url(staff_stack, f"/dich-vu/{PASSPORT}"))
    expect(analyst.get_by_role("link", name="Thời gian giải quyết")).to_have_count(0)
    response = analyst.goto(staff_url(staff_stack, f"/dich-vu/{PASSPORT}/sua/thoi-gian"))
    assert response.status == 403
    expect(analyst.get_by_role("alert")).to_contain_text("không được phép")
    assert analyst.goto(staff_url(staff_stack, "/nguoi-dung")).status == 403


def test_a_post_without_the_csrf_token_is_refused(browser, staff_stack):
    editor = login(browser, staff_stack, account(staff_stack, "editor"))
    before = editor.context.request.get(staff_url(staff_stack, "/ban-nhap")).text()
    response = editor.context.request.post(
        staff_url(staff_stack, f"/dich-vu/{PASSPORT}/sua/thoi-gian"),
        form={"processing_time.text": "giả mạo", "_reason": "giả mạo", "_action": "save"},
    )
    assert response.status == 403
    assert "không hợp lệ" in response.text()
    assert editor.context.request.get(staff_url(staff_stack, "/ban-nhap")).text().count("giả mạo") == \
        before.count("giả mạo") == 0


def test_enter_in_a_field_previews_and_never_removes_a_list_item(browser, staff_stack):
    editor = login(browser, staff_stack, account(staff_stack, "editor"))
    editor.goto(staff_url(staff_stack, f"/dich-vu/{PASSPORT}/sua/ten-goi"))
    aliases = editor.locator("fieldset.list").first.locator(":scope > .item")
    count = aliases.count()
    editor.locator("input[name='short_name']").press("Enter")
    expect(editor.get_by_role("region", name="Xem trước", exact=True)).to_be_visible()
    assert aliases.count() == count


def test_login_stays_on_site_and_logout_ends_a_copied_session(browser, staff_stack):
    context = browser.new_context()
    form = context.request.get(staff_url(staff_stack, "/dang-nhap")).text()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', form).group(1)
    response = context.request.post(staff_url(staff_stack, "/dang-nhap"), max_redirects=0, form={
        "_csrf": csrf, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "next": "/\t/evil.example"})
    assert response.status == 303 and response.headers["location"] == "/"
    copied = browser.new_context(storage_state=context.storage_state())
    assert "Đăng xuất" in copied.request.get(staff_url(staff_stack, "/")).text()
    home = context.request.get(staff_url(staff_stack, "/")).text()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', home).group(1)
    context.request.post(staff_url(staff_stack, "/dang-xuat"), form={"_csrf": csrf})
    assert "Đăng xuất" not in copied.request.get(staff_url(staff_stack, "/")).text()


def test_inbox_conversation_and_dashboard_pages(browser, page, staff_stack):
    from tests.support.staff import StaffApi

    open_chat(page, staff_stack)
    ask(page, "plokij uhygtf")  # no known word: a miss
    StaffApi(staff_stack).call("POST", "/api/analytics/update")

    analyst = login(browser, staff_stack, account(staff_stack, "analyst"))
    analyst.goto(staff_url(staff_stack, "/thong-ke"))
    expect(analyst.locator(".figures")).to_contain_text("tin nhắn")
    chart = analyst.locator("img.chart").first
    expect(chart).to_be_visible()
    assert analyst.evaluate("img => img.naturalWidth", chart.element_handle()) > 0
    with analyst.expect_download() as download:
        analyst.get_by_role("link", name="CSV").first.click()
    assert download.value.suggested_filename.startswith("periods-")

    analyst.goto(staff_url(staff_stack, "/hop-thu"))
    analyst.get_by_role("link", name="plokij uhygtf").click()
    expect(analyst.get_by_role("button", name="Thêm làm câu hỏi mẫu")).to_have_count(0)  # analysts read only
    analyst.get_by_role("link", name=re.compile("Xem cuộc hội thoại")).click()
    expect(analyst.locator(".conversation li.marked")).to_contain_text("plokij uhygtf")

    editor = login(browser, staff_stack, account(staff_stack, "editor"))
    editor.goto(staff_url(staff_stack, "/hop-thu"))
    editor.get_by_role("link", name="plokij uhygtf").click()
    editor.get_by_label("Ý định đúng").select_option("out_of_scope")
    editor.get_by_role("button", name="Thêm làm câu hỏi mẫu").click()
    expect(editor.locator(".flash")).to_contain_text("Đã xử lý")
    expect(editor.get_by_role("link", name="plokij uhygtf")).to_have_count(0)
    editor.goto(staff_url(staff_stack, "/nhat-ky"))  # the teaching is in the audit, with its history
    editor.get_by_role("link", name="Câu hỏi mẫu đã dạy out_of_scope").first.click()
    expect(editor.locator("article.version").first).to_contain_text("hộp thư")


def test_a_new_password_works_and_ends_the_other_sessions(browser, staff_stack):
    email = account(staff_stack, "analyst")
    first, second = login(browser, staff_stack, email), login(browser, staff_stack, email)
    first.goto(staff_url(staff_stack, "/mat-khau"))
    first.get_by_label("Mật khẩu hiện tại").fill("mat-khau-dai-1")
    first.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill("mat-khau-moi-12")
    first.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-moi-12")
    first.get_by_role("button", name="Đổi mật khẩu").click()
    expect(first).to_have_url(re.compile(r"/dang-nhap"))
    second.goto(staff_url(staff_stack, "/"))
    expect(second).to_have_url(re.compile(r"/dang-nhap"))
    expect(login(browser, staff_stack, email, "mat-khau-moi-12").get_by_role("button", name="Đăng xuất")).to_be_visible()
