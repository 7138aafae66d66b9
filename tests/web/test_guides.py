"""Printable guides for community digital-technology teams."""

import html as html_lib
import re
import urllib.error
import urllib.parse
import urllib.request

from playwright.sync_api import expect

from tests.support import seed_services
from tests.support.browser import ARTIFACTS, url

CATALOGUE = seed_services()


def test_every_service_has_a_checklist_page_from_the_catalogue(web_stack):
    for service in CATALOGUE.values():
        with urllib.request.urlopen(url(web_stack, f"/huong-dan/{service.id}"), timeout=20) as response:
            html = response.read().decode("utf-8")
        assert response.status == 200
        text = html_lib.unescape(html)
        assert service.name in text
        assert "<svg" in html  # QR code to the portal page
        assert str(service.portal_url) in text
        listed = re.findall(r'<li><a href="([^"]+)">', html.split('class="sources"')[1])
        known = {str(src.url): src for p in service.provenances() for src in p.sources}
        assert 0 < len(listed) <= 8 and all(html_lib.unescape(u) in known for u in listed)
        kinds = [known[html_lib.unescape(u)].kind.is_official for u in listed]
        assert kinds == sorted(kinds, reverse=True)  # official sources first
        for item in service.documents.items:
            assert item in text


def test_guide_index_lists_every_service(page, web_stack):
    page.goto(url(web_stack, "/huong-dan"))
    expect(page.locator("main a[href^='/huong-dan/']")).to_have_count(len(CATALOGUE))


def test_vneid_checklist_content_and_clean_a4_print(page, web_stack):
    page.goto(url(web_stack, "/huong-dan/kich_hoat_vneid"))
    expect(page.locator("h1")).to_have_text("Kích hoạt tài khoản định danh điện tử VNeID")
    expect(page.locator("ol li")).to_have_count(6)
    expect(page.locator(".qr svg")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav")).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "kich_hoat_vneid.pdf"), format="A4", print_background=True)
    assert pdf[:4] == b"%PDF"


def test_passport_checklist_fee_matches_the_chat_answer(page, web_stack):
    page.goto(url(web_stack, "/huong-dan/cap_ho_chieu_pho_thong"))
    expect(page.locator("main")).to_contain_text("Cấp mới hộ chiếu: hiện nay 100.000 đồng")
    expect(page.locator("main")).to_contain_text("Chưa có thông tin đã kiểm chứng")  # documents unknown


def test_unknown_guide_is_a_polite_404(web_stack):
    try:
        urllib.request.urlopen(url(web_stack, "/huong-dan/khong_co"), timeout=10)
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as error:
        assert error.code == 404
        assert "không có hướng dẫn này" in error.read().decode("utf-8")


# -- community teams: one plan for a household --------------------------------

def fetch(web_stack, path):
    """(status, final URL, HTML) of a GET, redirects followed."""
    try:
        with urllib.request.urlopen(url(web_stack, path), timeout=20) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.geturl(), error.read().decode("utf-8")


def plan_titles(html):
    return [html_lib.unescape(t) for t in re.findall(r'<section class="step" id="[^"]+"><header><div>'
                                                      r'<p class="kicker">Việc \d+</p><h2>([^<]+)</h2>', html)]


def test_a_household_plan_puts_vneid_first_and_a_bundle_replaces_its_single_service(web_stack):
    status, final, html = fetch(web_stack, "/ke-hoach?tinh-huong=sinh-con&tinh-huong=xe-may-moi"
                                           "&dich-vu=dang_ky_khai_sinh&dich-vu=kich_hoat_vneid&dich-vu=con_dau_thu_nho")
    assert status == 200 and "/k/" in final
    names = {sid: CATALOGUE[sid].short_name for sid in CATALOGUE}
    assert [t.lower() for t in plan_titles(html)] == [
        names[s].lower() for s in ("kich_hoat_vneid", "lien_thong_khai_sinh", "dang_ky_xe_may", "con_dau_thu_nho")]
    text = html_lib.unescape(html)
    assert "1.400.000 đồng" in text  # the motorbike's fee today, from the catalogue
    assert text.count('type="checkbox"') >= sum(len(CATALOGUE[s].documents.items) for s in ("dang_ky_xe_may",))
    # each QR: the verified procedure page, else the portal's search for the service's name
    assert str(CATALOGUE["con_dau_thu_nho"].procedure_url) in text
    assert "dvc-tim-kiem-thu-tuc.html?key=" + urllib.parse.quote_plus(CATALOGUE["dang_ky_xe_may"].short_name) in text
    assert html.count("<svg") == 5  # four services and the plan's own link
    assert fetch(web_stack, "/k/99-khong_co")[0] == 404


def test_plan_is_printed_kept_offline_and_opens_from_its_shared_link(browser, page, web_stack):
    page.goto(url(web_stack, "/to-cong-nghe-so"))
    for situation in ("sinh-con", "nguoi-mat", "vneid-muc-2"):
        page.check(f"input[value='{situation}']")
    page.click("button[type=submit]")
    expect(page.locator("section.step h2")).to_have_count(3)
    expect(page.locator("section.step h2").first).to_have_text(CATALOGUE["kich_hoat_vneid"].short_name,
                                                               ignore_case=True)
    expect(page.locator("html[data-offline=ready]")).to_have_count(1)
    shared = page.locator("#share-link").inner_text()
    assert shared.startswith("http://localhost:") and "/k/" in shared
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("nav")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "plan-printed.png"), full_page=True)
    assert page.pdf(path=str(ARTIFACTS / "plan.pdf"), format="A4", print_background=True)[:4] == b"%PDF"
    page.emulate_media(media="screen")

    page.context.set_offline(True)  # door to door, no signal
    page.reload()
    expect(page.locator("section.step h2")).to_have_count(3)
    page.click(f"a[href='/huong-dan/lien_thong_khai_tu']")
    expect(page.locator("h1")).to_contain_text(CATALOGUE["lien_thong_khai_tu"].short_name, ignore_case=True)
    page.context.set_offline(False)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")  # the resident's phone
    try:
        resident = phone.new_page()
        resident.goto(shared)
        expect(resident.locator("section.step h2")).to_have_count(3)
        resident.screenshot(path=str(ARTIFACTS / "plan-phone.png"), full_page=True)
    finally:
        phone.close()


def test_vneid_walkthrough_one_step_per_screen_with_help_when_stuck(page, web_stack):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(url(web_stack, "/vneid"))
    steps = CATALOGUE["kich_hoat_vneid"].steps
    expect(page.locator(".screen:visible .kicker")).to_have_text(f"Bước 1/{len(steps.items)}")
    page.click("#next")
    visible = page.locator(".screen:visible")
    expect(visible.locator(".instruction")).to_have_text(steps.items[1])
    visible.locator("summary").click()
    expect(visible.locator("details p")).to_have_text(steps.help[1])
    page.click("#back")
    expect(page.locator(".screen:visible .kicker")).to_have_text(f"Bước 1/{len(steps.items)}")


def test_the_print_button_works_under_the_pages_content_security_policy(page, web_stack):
    page.add_init_script("window.print = () => { window.printed = true; };")
    for path in ("/huong-dan/cap_ho_chieu_pho_thong", "/k/12"):
        page.goto(url(web_stack, path))
        page.click("nav button")
        assert page.evaluate("window.printed === true"), path
        page.evaluate("window.printed = false")
