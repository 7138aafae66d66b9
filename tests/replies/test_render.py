import datetime as dt
import re

import pytest

from bot.replies.aspects import Aspect
from bot.replies.phrases import Phrases
from bot.replies.render import Renderer
from tests.support import seed_phrases, seed_services

CATALOGUE = seed_services()
PHRASES = Phrases(seed_phrases())


def render(service_id, aspect, day):
    return Renderer(PHRASES, day).render(CATALOGUE[service_id], aspect)


def test_passport_fee_leads_with_the_cut_in_force_and_names_the_waiver_conditions():
    text = render("cap_ho_chieu_pho_thong", Aspect.fee, dt.date(2026, 11, 23))
    assert text.startswith("Dạ, lệ phí")
    first = text.splitlines()[1]
    assert first.startswith("- Cấp mới hộ chiếu: hiện nay 100.000 đồng")  # the rate in force first
    assert first.index("100.000") < first.index("200.000")
    assert "Miễn phí (nộp trực tuyến) từ 15/08/2026 đến hết 28/02/2027" in text
    assert "tài khoản định danh điện tử VNeID mức 2" in text and "thông tin hộ chiếu vào VNeID" in text
    # the waiver covers re-issue too (TT 117/2026 Art. 1.8(a))
    reissue = text[text.index("Cấp lại"):]
    assert "Miễn phí (nộp trực tuyến)" in reissue
    assert "Nguồn: [" in text and "cập nhật" in text
    assert "github.com" not in text


def test_expired_and_future_rates_are_not_quoted():
    after = render("cap_ho_chieu_pho_thong", Aspect.fee, dt.date(2027, 6, 1))
    assert "200.000 đồng" in after
    assert "hiện nay 100.000" not in after and "đến hết 28/02/2027 nếu" not in after
    before = render("dang_ky_tam_tru", Aspect.fee, dt.date(2026, 1, 10))
    assert "15.000 đồng (nộp trực tiếp), 7.000 đồng (nộp trực tuyến)" in before
    assert "Miễn phí (nộp trực tuyến) từ" not in before


def test_unknown_fact_says_so_and_points_to_the_portal():
    text = render("con_dau_moi", Aspect.processing_time, dt.date(2026, 11, 23))
    assert "chưa có thông tin đã được kiểm chứng" in text
    assert "https://dichvucong.gov.vn" in text
    assert not re.search(r"\d+\.\d{3} đồng", text)


def test_every_amount_in_a_fee_answer_is_in_the_catalogue():
    day = dt.date(2026, 11, 23)
    for service in CATALOGUE.values():
        text = Renderer(PHRASES, day).render(service, Aspect.fee)
        known = {r.amount for i in service.fees.items for r in [*i.standard, *i.temporary]}
        notes = " ".join(filter(None, [service.fees.note, service.fees.reason,
                                       *(i.note for i in service.fees.items), *(i.label for i in service.fees.items)]))
        known |= {int(n.replace(".", "")) for n in re.findall(r"\d{1,3}(?:\.\d{3})+", notes)}
        for amount in re.findall(r"(\d{1,3}(?:\.\d{3})+) đồng", text):
            assert int(amount.replace(".", "")) in known, (service.id, amount)


@pytest.mark.parametrize("aspect", list(Aspect))
def test_every_aspect_of_every_service_renders_with_a_source_or_the_portal(aspect):
    for service in CATALOGUE.values():
        text = Renderer(PHRASES, dt.date(2026, 11, 23)).render(service, aspect)
        assert text.startswith("Dạ")
        assert "Nguồn: [" in text or "dichvucong.gov.vn" in text


def test_steps_are_numbered_for_how_to_apply():
    text = render("kich_hoat_vneid", Aspect.how_to_apply, dt.date(2026, 11, 23))
    assert "1. " in text and "6. " in text and "1900 0368" in text


DAYS = (dt.date(2026, 11, 23), dt.date(2027, 1, 1), dt.date(2027, 3, 1))


@pytest.mark.parametrize("service_id", sorted(CATALOGUE))
def test_fee_answers_change_exactly_where_a_temporary_rule_starts_or_ends(service_id):
    service = CATALOGUE[service_id]
    rates = [rate for item in service.fees.items for rate in item.temporary]
    for before, after in zip(DAYS, DAYS[1:]):
        rule_changes = any(rate.in_force(before) != rate.in_force(after) for rate in rates)
        answers_differ = render(service_id, Aspect.fee, before) != render(service_id, Aspect.fee, after)
        assert answers_differ == rule_changes, (service_id, before, after)


def test_no_citizen_facing_answer_shows_a_copy_of_a_legal_text():
    for service in CATALOGUE.values():
        for aspect in Aspect:
            for day in DAYS:
                assert "github" not in render(service.id, aspect, day), (service.id, aspect)
