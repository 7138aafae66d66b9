"""The catalogue covers Đề án 06's 25 essential services, both bundles and VNeID,
and each has documents, fee, time and channel, or says why not."""

from bot.catalogue.models import Status
from tests.support import seed_services

CATALOGUE = seed_services()


def test_all_25_essential_services_are_present_once():
    numbers = sorted(s.essential_number for s in CATALOGUE.values() if s.essential_number)
    assert numbers == list(range(1, 26))


def test_the_two_bundles_and_vneid_are_present():
    assert CATALOGUE["lien_thong_khai_sinh"].essential_number == 15
    assert CATALOGUE["lien_thong_khai_tu"].essential_number == 16
    assert "kich_hoat_vneid" in CATALOGUE


def test_each_service_has_documents_fee_time_and_channel_or_a_reason():
    for service in CATALOGUE.values():
        for fact in (service.documents, service.fees, service.processing_time, service.steps):
            if fact.status == Status.unknown:
                assert fact.reason, service.id
            else:
                assert fact.sources and fact.checked, service.id
        assert service.steps.channels, f"{service.id}: no channel"


def test_agencies_are_current_after_the_2025_changes():
    for service in CATALOGUE.values():
        text = (service.agency.text or "").lower()
        assert "cấp huyện" not in text or "không còn cấp huyện" in text, service.id
        assert "sở giao thông" not in text and "sở tư pháp" not in text, service.id
    assert "Công an" in CATALOGUE["cap_doi_giay_phep_lai_xe"].agency.text
    assert "Công an" in CATALOGUE["cap_phieu_ly_lich_tu_phap"].agency.text


def test_household_book_is_not_presented_as_current():
    for service in CATALOGUE.values():
        for item in service.documents.items:
            assert "sổ hộ khẩu" not in item.lower(), service.id
