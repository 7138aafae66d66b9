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
    assert record["fees"]["source"].startswith("https://")


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
