"""Printable guides for community digital-technology teams."""

import html as html_lib
import re
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
