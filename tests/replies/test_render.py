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


def test_passport_fee_quotes_standard_rate_and_the_cut_in_force():
    text = render("cap_ho_chieu_pho_thong", Aspect.fee, dt.date(2026, 11, 23))
    assert text.startswith("Dạ, lệ phí")
    assert "200.000 đồng (mức thông thường)" in text
    assert "100.000 đồng đến hết 31/12/2026" in text  # temporary cut, flagged uncertain
    assert "nguồn chưa thống nhất" in text
    assert "Miễn phí (nộp trực tuyến) từ 15/08/2026 đến hết 28/02/2027" in text
    assert "Nguồn: https://" in text and "cập nhật" in text


def test_expired_and_future_rates_are_not_quoted():
    after = render("cap_ho_chieu_pho_thong", Aspect.fee, dt.date(2027, 6, 1))
    assert "200.000 đồng" in after
    assert "100.000" not in after and "28/02/2027" not in after
    before = render("dang_ky_tam_tru", Aspect.fee, dt.date(2026, 1, 10))
    assert "15.000 đồng (nộp trực tiếp), 7.000 đồng (nộp trực tuyến)" in before
    assert "Miễn phí" not in before


def test_unknown_fact_says_so_and_points_to_the_portal():
    text = render("kich_hoat_vneid", Aspect.fee, dt.date(2026, 11, 23))
    assert "chưa có thông tin đã được kiểm chứng" in text
    assert "https://dichvucong.gov.vn" in text
    assert not re.search(r"\d+\.\d{3} đồng", text)


def test_every_amount_in_a_fee_answer_is_in_the_catalogue():
    day = dt.date(2026, 11, 23)
    for service in CATALOGUE.values():
        text = Renderer(PHRASES, day).render(service, Aspect.fee)
        known = {r.amount for i in service.fees.items for r in [*i.standard, *i.temporary]}
        notes = " ".join(filter(None, [service.fees.note, service.fees.reason, *(i.note for i in service.fees.items)]))
        known |= {int(n.replace(".", "")) for n in re.findall(r"\d{1,3}(?:\.\d{3})+", notes)}
        for amount in re.findall(r"(\d{1,3}(?:\.\d{3})+) đồng", text):
            assert int(amount.replace(".", "")) in known, (service.id, amount)


@pytest.mark.parametrize("aspect", list(Aspect))
def test_every_aspect_of_every_service_renders_with_a_source_or_the_portal(aspect):
    for service in CATALOGUE.values():
        text = Renderer(PHRASES, dt.date(2026, 11, 23)).render(service, aspect)
        assert text.startswith("Dạ")
        assert "Nguồn: http" in text or "dichvucong.gov.vn" in text


def test_steps_are_numbered_for_how_to_apply():
    text = render("kich_hoat_vneid", Aspect.how_to_apply, dt.date(2026, 11, 23))
    assert "1. " in text and "6. " in text and "1900 0368" in text
