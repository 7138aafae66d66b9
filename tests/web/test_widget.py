"""The chat page in a real browser, against the whole stack."""

import re

from playwright.sync_api import expect

from bot.web.feedback import FeedbackStore
from tests.support.browser import ARTIFACTS, ask, open_chat, url


def test_ask_passport_fee_and_see_it_with_its_source(page, web_stack):
    open_chat(page, web_stack)
    ask(page, "làm hộ chiếu hết bao nhiêu tiền")
    answer = page.locator(".msg.bot").last
    expect(answer).to_contain_text("200.000 đồng")
    expect(answer.locator("strong").first).to_have_text("cấp hộ chiếu phổ thông")
    link = answer.locator("a").first
    expect(link).to_have_attribute("href", re.compile(r"^https://"))
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_quick_reply_reload_keeps_history_and_the_conversation(page, web_stack):
    open_chat(page, web_stack)
    page.get_by_role("button", name="Đăng ký tạm trú").first.click()
    expect(page.locator(".msg.user").last).to_have_text(re.compile("Đăng ký tạm trú"))
    expect(page.locator(".msg.bot").last).to_contain_text("đăng ký tạm trú")
    count = page.locator(".msg").count()
    page.reload()
    expect(page.locator("#chat-status")).to_have_text("Đã kết nối")
    expect(page.locator(".msg")).to_have_count(count)
    ask(page, "còn lệ phí thì sao?")  # the server kept the service for this session
    expect(page.locator(".msg.bot").last).to_contain_text("15.000 đồng")


def test_thumbs_down_with_comment_is_stored_masked(page, web_stack):
    open_chat(page, web_stack)
    ask(page, "đăng ký tạm trú cần giấy tờ gì")
    answer = page.locator(".msg.bot").last
    answer.get_by_role("button", name="Câu trả lời chưa đúng hoặc chưa đủ").click()
    answer.locator("textarea").fill("Thiếu mẫu CT01, gọi tôi 0912345678")
    answer.get_by_role("button", name="Gửi góp ý").click()
    expect(answer).to_contain_text("Cảm ơn anh/chị đã góp ý")
    rows = FeedbackStore(web_stack.settings.database_url).all()
    row = rows[-1]
    assert row["rating"] == "down"
    assert row["comment"] == "Thiếu mẫu CT01, gọi tôi [SỐ ĐIỆN THOẠI]"
    assert row["question"] == "đăng ký tạm trú cần giấy tờ gì"
    assert row["intent"] == "ask_documents" and row["service"] == "dang_ky_tam_tru"
    assert row["conversation_id"] and "hồ sơ **đăng ký tạm trú**" in row["answer"]


def test_html_in_a_message_is_shown_as_text_and_nothing_runs(page, web_stack):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_chat(page, web_stack)
    ask(page, "<img src=x onerror=alert(1)>")
    expect(page.locator(".msg.user").last).to_have_text(re.compile(re.escape("<img src=x onerror=alert(1)>")))
    assert page.locator("#chat-log img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_phone_width_restart_and_large_text(browser, web_stack):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        open_chat(page, web_stack)
        ask(page, "dang ky tam tru can giay to gi")
        expect(page.locator(".msg.bot").last).to_contain_text("đăng ký tạm trú")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        expect(page.locator("#chat-input")).to_be_visible()
        expect(page.locator("#chat-send")).to_be_in_viewport()
        page.get_by_role("button", name="Chữ lớn").click()
        expect(page.get_by_role("button", name="Chữ lớn")).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-360x740.png"))
        page.get_by_role("button", name="Bắt đầu lại").click()
        expect(page.locator(".msg")).to_have_count(1)
        expect(page.locator(".msg.bot").first).to_contain_text("Trợ lý Dịch vụ công")
    finally:
        context.close()


def test_keyboard_only_use(page, web_stack):
    open_chat(page, web_stack)
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("#chat-input").focus()
    page.keyboard.type("đề án 06 là gì")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot").last).to_contain_text("06/QĐ-TTg")
    for control in ("#chat-input", "#chat-send", "#chat-restart", "#chat-large-text"):
        label = page.evaluate(
            "(s) => { const e = document.querySelector(s); return (e.labels && e.labels[0] && e.labels[0].textContent) || e.textContent || e.getAttribute('aria-label'); }",
            control,
        )
        assert label and label.strip(), control
