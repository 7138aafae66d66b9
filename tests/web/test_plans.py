"""bot.web.plans without a server: the rules in data/lang/situations.yml and
the plan's short address, over the catalogue's seed."""

import pytest

from bot.config import ROOT
from bot.web.plans import PlanRules, UnknownChoice, plan_path, services_of_path
from tests.support import seed_services

RULES = PlanRules.from_file(ROOT / "data" / "lang" / "situations.yml")
CATALOGUE = seed_services()
LISTING = [{"id": s.id, "essential_number": s.essential_number} for s in CATALOGUE.values()]


def test_every_situation_names_catalogue_services():
    assert len(RULES.situations) >= 6
    named = {s for situation in RULES.situations for s in situation.services}
    named |= {s for singles in RULES.bundles.values() for s in singles} | set(RULES.bundles) | set(RULES.first)
    assert named <= set(CATALOGUE)


def test_vneid_first_duplicates_once_and_a_bundle_replaces_its_single_service():
    ids = RULES.resolve(["xe-may-moi", "sinh-con"], ["dang_ky_khai_sinh", "dang_ky_xe_may", "kich_hoat_vneid"])
    assert ids == ["kich_hoat_vneid", "dang_ky_xe_may", "lien_thong_khai_sinh"]
    # a family's own move stays beside the newborn's bundle
    assert RULES.resolve(["sinh-con", "nha-moi"], []) == ["lien_thong_khai_sinh", "dang_ky_thuong_tru"]
    with pytest.raises(UnknownChoice):
        RULES.resolve(["khong-co"], [])


def test_the_short_address_round_trips_and_refuses_unknown_codes():
    chosen = [CATALOGUE[s] for s in ("kich_hoat_vneid", "cap_ho_chieu_pho_thong", "lien_thong_khai_tu")]
    path = plan_path(chosen)
    assert len(path) < 40
    assert services_of_path(path[len("/k/"):], LISTING) == [s.id for s in chosen]
    for bad in ("99", "1-x", "<script>"):
        with pytest.raises(UnknownChoice):
            services_of_path(bad, LISTING)


def test_a_qr_code_opens_the_procedure_page_or_the_portal_search():
    assert RULES.procedure_url(CATALOGUE["con_dau_thu_nho"]) == str(CATALOGUE["con_dau_thu_nho"].procedure_url)
    search = RULES.procedure_url(CATALOGUE["dang_ky_xe_may"])
    assert search.startswith("https://dichvucong.gov.vn/") and "key=" in search
