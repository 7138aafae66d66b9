import pytest

from bot.personal_data import contains_personal_data, mask


@pytest.mark.parametrize("text", ["số cccd 001234567890", "sdt 0912 345 678", "sđt: 0912.345.678.",
                                  "+84912345678", "cmnd 123456789", "cccd 001 234 567 890"])
def test_ids_and_phones_are_found_and_masked(text):
    assert contains_personal_data(text)
    masked = mask(text)
    assert "[số đã ẩn]" in masked and not any(ch.isdigit() for ch in masked.replace("84", ""))


@pytest.mark.parametrize("text", ["làm hộ chiếu hết 200.000", "lệ phí 15000 đồng năm 2026",
                                  "mã hồ sơ G22.99-240101-0001", "000.00.12.H26-250101-0001", "gọi 1900 0368"])
def test_fees_dates_codes_and_hotlines_are_not_personal_data(text):
    assert not contains_personal_data(text)
    assert mask(text) == text
