import json
import urllib.error
import urllib.parse
import urllib.request

import pytest


def get(service, path):
    with urllib.request.urlopen(service.url + path, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_health_and_list(catalogue_service):
    status, health = get(catalogue_service, "/health")
    assert status == 200 and health["status"] == "ok" and health["services"] >= 5
    _, listing = get(catalogue_service, "/services")
    tam_tru = next(s for s in listing if s["id"] == "dang_ky_tam_tru")
    assert tam_tru == {"id": "dang_ky_tam_tru", "name": "Đăng ký tạm trú", "short_name": "đăng ký tạm trú",
                       "group": "cu_tru", "essential_number": 4, "in_vneid": True}


def test_get_by_id(catalogue_service):
    _, record = get(catalogue_service, "/services/cap_ho_chieu_pho_thong")
    assert record["fees"]["items"][0]["standard"][0]["amount"] == 200000
    assert record["fees"]["sources"][0]["url"].startswith("https://")


def test_unknown_id_is_404(catalogue_service):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(catalogue_service, "/services/khong_co")
    assert error.value.code == 404


@pytest.mark.parametrize("query", ["hộ chiếu", "ho chieu", "HỘ CHIẾU", "làm passport", "lam ho chieu"])
def test_search_is_accent_and_case_insensitive(catalogue_service, query):
    _, hits = get(catalogue_service, "/search?q=" + urllib.parse.quote(query))
    assert hits[0]["id"] == "cap_ho_chieu_pho_thong"


def test_search_by_abbreviation_and_partial_name(catalogue_service):
    _, hits = get(catalogue_service, "/search?q=" + urllib.parse.quote("đk tạm trú"))
    assert hits[0]["id"] == "dang_ky_tam_tru"
    _, hits = get(catalogue_service, "/search?q=" + urllib.parse.quote("tài khoản định danh"))
    assert hits[0]["id"] == "kich_hoat_vneid"


def test_search_nothing_and_bad_limit(catalogue_service):
    _, hits = get(catalogue_service, "/search?q=" + urllib.parse.quote("giá vàng hôm nay"))
    assert hits == []
    _, hits = get(catalogue_service, "/search?q=" + urllib.parse.quote("hộ chiếu " * 150))  # long, truncated
    assert hits[0]["id"] == "cap_ho_chieu_pho_thong"
    with pytest.raises(urllib.error.HTTPError) as error:  # absurd URL: refused, not a crash
        get(catalogue_service, "/search?q=" + "x" * 100000)
    assert error.value.code == 400
    assert get(catalogue_service, "/health")[0] == 200
    with pytest.raises(urllib.error.HTTPError) as error:
        get(catalogue_service, "/search?q=a&limit=abc")
    assert error.value.code == 400


def test_phrases_and_faq_are_served(catalogue_service):
    _, phrases = get(catalogue_service, "/phrases")
    assert phrases["portal_url"] == "https://dichvucong.gov.vn" and phrases["hotline"] == "1900 0368"
    _, faq = get(catalogue_service, "/faq")
    assert {"id": "vneid_no_otp", "title": "Không nhận được mã OTP", "service": "kich_hoat_vneid"} in faq


def test_unchanged_records_are_revalidated_with_the_version(catalogue_service):
    with urllib.request.urlopen(catalogue_service.url + "/services/dang_ky_tam_tru", timeout=10) as response:
        etag = response.headers["ETag"]
    request = urllib.request.Request(catalogue_service.url + "/services/dang_ky_tam_tru",
                                     headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as error:  # urllib raises on 304
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 304


def test_a_change_in_the_database_is_served_and_survives_a_restart(tmp_path):
    """The database is the truth: an edit through the store's API is served
    within 2 s, and killing and restarting the service keeps it (the YAML
    seed never overwrites a filled database)."""
    import time

    from bot.catalogue.store import CatalogueStore
    from tests.support import CatalogueProcess, isolated_settings

    settings = isolated_settings(tmp_path)
    service = CatalogueProcess(settings).start()
    try:
        store = CatalogueStore(settings.database_url)
        passport = store.get("service", "cap_ho_chieu_pho_thong")
        edited = passport.copy(update={"short_name": "hộ chiếu (đã sửa)"})
        store.put("service", edited, "test@example", "prove the database is the truth")
        started = time.monotonic()
        while get(service, "/services/cap_ho_chieu_pho_thong")[1]["short_name"] != "hộ chiếu (đã sửa)":
            assert time.monotonic() - started < 2.0, "the change was not served within 2 s"
            time.sleep(0.05)
        service.process.kill()
        service.process.wait(timeout=20)
        service = CatalogueProcess(settings).start()
        assert get(service, "/services/cap_ho_chieu_pho_thong")[1]["short_name"] == "hộ chiếu (đã sửa)"
        assert store.history("service", "cap_ho_chieu_pho_thong")[-1].reason == "prove the database is the truth"
    finally:
        service.stop()


def test_names_are_the_names_training_writes_as_lookup_tables(catalogue_service):
    import yaml

    from tests.support import seed_services
    from tools.training import training_data_from_catalogue

    _, names = get(catalogue_service, "/names")
    assert isinstance(names["version"], int)
    assert {"Đăng ký tạm trú", "đăng ký tạm trú"} <= set(names["terms"]["dang_ky_tam_tru"])
    assert {"vneid", "định danh điện tử"} <= set(names["channels"]["kich_hoat_vneid"])
    assert "vneid" not in names["terms"]["kich_hoat_vneid"]
    lookups = yaml.safe_load(training_data_from_catalogue(seed_services(), {})["catalogue.yml"])["nlu"]
    tables = {t["lookup"]: [line[2:] for line in t["examples"].splitlines()] for t in lookups}
    assert {f"service:{sid}": ns for sid, ns in names["terms"].items()} == {
        k: v for k, v in tables.items() if k.startswith("service:")}
    assert {f"service_channel:{sid}": ns for sid, ns in names["channels"].items()} == {
        k: v for k, v in tables.items() if k.startswith("service_channel:")}


def test_unchanged_names_are_revalidated_with_the_version(catalogue_service):
    with urllib.request.urlopen(catalogue_service.url + "/names", timeout=10) as response:
        etag, version = response.headers["ETag"], json.loads(response.read())["version"]
    assert etag == f'"{version}"'
    request = urllib.request.Request(catalogue_service.url + "/names", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 304


def test_a_new_alias_is_in_the_names_within_5_seconds(tmp_path):
    from bot.catalogue.models import Alias
    from bot.catalogue.store import CatalogueStore
    from tests.support import CatalogueProcess, isolated_settings, wait_until

    settings = isolated_settings(tmp_path)
    service = CatalogueProcess(settings).start()
    try:
        version = get(service, "/names")[1]["version"]
        store = CatalogueStore(settings.database_url)
        passport = store.get("service", "cap_ho_chieu_pho_thong")
        edited = passport.copy(update={"aliases": [*passport.aliases, Alias(name="giấy thông hành xanh")]})
        store.put("service", edited, "test@example", "a name people use")
        assert wait_until(
            lambda: "giấy thông hành xanh" in get(service, "/names")[1]["terms"]["cap_ho_chieu_pho_thong"], timeout=5
        ), "the new alias was not listed within 5 s"
        assert get(service, "/names")[1]["version"] != version
    finally:
        service.stop()
