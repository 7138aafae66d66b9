import pytest

from tests.support.nlu import process, trained_then_loaded


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return trained_then_loaded(tmp_path_factory.mktemp("model"))


def services(pipeline, text):
    return [
        (e["value"], text[e["start"] : e["end"]])
        for e in process(pipeline, text).get("entities")
        if e["entity"] == "service"
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("làm hộ chiếu hết bao nhiêu tiền", [("cap_ho_chieu_pho_thong", "làm hộ chiếu")]),
        ("lam ho chieu het bao nhieu tien", [("cap_ho_chieu_pho_thong", "lam ho chieu")]),
        ("LÀM PASSPORT ở đâu", [("cap_ho_chieu_pho_thong", "LÀM PASSPORT")]),
        ("đk tạm trú cần gì", [("dang_ky_tam_tru", "đk tạm trú")]),
        ("nhập hộ khẩu về nhà chồng", [("dang_ky_thuong_tru", "nhập hộ khẩu")]),
        ("nhập hộ khẩu cho con", [("lien_thong_khai_sinh", "nhập hộ khẩu cho con")]),
        ("làm giấy khai sinh", [("dang_ky_khai_sinh", "làm giấy khai sinh")]),
        ("cach kich hoat vneid", [("kich_hoat_vneid", "kich hoat vneid")]),
    ],
)
def test_service_found_from_catalogue_aliases(pipeline, text, expected):
    assert services(pipeline, text) == expected


def test_two_services_in_one_message(pipeline):
    found = services(pipeline, "tạm trú và thường trú khác gì nhau")
    assert [v for v, _ in found] == ["dang_ky_tam_tru", "dang_ky_thuong_tru"]


def test_no_service_in_small_talk(pipeline):
    assert services(pipeline, "xin chào, hôm nay trời đẹp quá") == []
