import pytest

from bot.personal_data import ACCOUNT, EMAIL, ID_CARD, PHONE, contains_personal_data, mask, mask_all


@pytest.mark.parametrize("text, kind", [
    ("số cccd 001234567890", ID_CARD),
    ("cccd 001 234 567 890", ID_CARD),
    ("cccd: 001.234.567.890 nhé", ID_CARD),
    ("cmnd 123456789", ID_CARD),
    ("mã định danh của em là001234567890", ID_CARD),
    ("sdt 0912 345 678", PHONE),
    ("sđt: 0912.345.678.", PHONE),
    ("gọi 0912-345-678", PHONE),
    ("+84912345678", PHONE),
    ("+84 912 345 678", PHONE),
    ("sdt0912345678 nhé", PHONE),
    ("email nguyen.van.a+1@gmail.com", EMAIL),
    ("chuyển vào stk 19034567890123 giúp", ACCOUNT),
])
def test_personal_numbers_are_found_and_masked_by_kind(text, kind):
    assert contains_personal_data(text)
    masked = mask(text)
    assert kind in masked
    assert not any(ch.isdigit() for ch in masked.replace("84", "")) or kind == EMAIL
    assert "@" not in masked


@pytest.mark.parametrize("text", ["làm hộ chiếu hết 200.000", "lệ phí 15000 đồng năm 2026",
                                  "trợ cấp tối đa 26.550.000 đồng", "lệ phí trước bạ 1.400.000.000 đồng",
                                  "mã hồ sơ G22.99-240101-0001", "000.00.12.H26-250101-0001", "gọi 1900 0368",
                                  "hạn 23/11/2026, 5 ngày làm việc", "người thứ 3 đóng 60%"])
def test_amounts_dates_codes_and_hotlines_are_not_personal_data(text):
    assert not contains_personal_data(text)
    assert mask(text) == text


def test_mask_all_reaches_into_events():
    event = {"text": "sdt 0912345678", "parse_data": {"entities": [{"value": "001234567890"}]}, "n": 3}
    assert mask_all(event) == {"text": f"sdt {PHONE}", "parse_data": {"entities": [{"value": ID_CARD}]}, "n": 3}


@pytest.mark.parametrize("text", ["2026-11-23 18:58:33 INFO rasa", "ngày 2026-11-23", "lúc 18:58:33,673",
                                  "confidence 0.9997724890708923", "message_id a1234567890b4c5d6e7f8a9b0c1d2e3f"])
def test_log_timestamps_are_not_personal_data(text):
    assert mask(text) == text
