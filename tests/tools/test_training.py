"""Training that Rasa can cache: the catalogue reaches the NLU as training
data, every input is fingerprinted, and nothing runs with --force."""

import datetime as dt
import subprocess

import yaml

from bot.catalogue.models import FaqEntry
from bot.catalogue.store import CatalogueStore
from bot.nlu.normalizer import VietnameseNormalizer
from bot.nlu.tokenizer import VietnameseTokenizer
from tests.support import ROOT, ask, isolated_settings, own_stack, seed, seed_faq, seed_services
from tools.training import rasa_env, rasa_executable, train, training_data, training_data_from_catalogue, write_training_data


def dry_run(generated_dir):
    """Rasa's own answer to "does anything need training?" (exit code 0: no)."""
    return subprocess.run(
        [rasa_executable(), "train", "--dry-run", "--config", "config.yml", "--domain", "domain.yml",
         "--data", *training_data(generated_dir)],
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=300,
    ).returncode


def test_the_catalogue_becomes_lookup_tables_and_faq_examples():
    files = training_data_from_catalogue(seed_services(), seed_faq())
    catalogue = yaml.safe_load(files["catalogue.yml"])["nlu"]
    passport = next(t for t in catalogue if t["lookup"] == "service:cap_ho_chieu_pho_thong")
    assert "- hộ chiếu\n" in passport["examples"] and "- passport\n" in passport["examples"]
    faq = yaml.safe_load(files["faq.yml"])
    otp = next(i for i in faq["nlu"] if i["intent"] == "faq/vneid_no_otp")
    assert "- ko nhận đc otp\n" in otp["examples"]
    # a placeholder response: the answer is read at run time, so editing it changes nothing here
    assert faq["responses"]["utter_faq/vneid_no_otp"] == [{"text": "faq/vneid_no_otp"}]


def test_nothing_to_retrain_after_a_train_and_an_alias_change_retrains(trained_model, tmp_path):
    from tools.training import GENERATED_DIR

    assert dry_run(GENERATED_DIR) == 0  # every component comes from Rasa's cache
    settings = isolated_settings(tmp_path)
    store = CatalogueStore(settings.database_url)
    store.seed_if_empty(seed())
    write_training_data(settings, tmp_path / "same")
    assert dry_run(tmp_path / "same") == 0  # the same catalogue: still nothing to train
    tam_tru = store.get("service", "dang_ky_tam_tru")
    store.put("service", tam_tru.copy(update={"aliases": [*tam_tru.aliases, "tạm trú ở trọ"]}), "t", "new alias")
    write_training_data(settings, tmp_path / "alias")
    assert dry_run(tmp_path / "alias") != 0


def test_language_data_and_nlu_code_are_part_of_the_fingerprint(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("căn cước\n", encoding="utf-8")
    before = VietnameseTokenizer.fingerprint_addon({"custom_words_path": str(words)})
    words.write_text("căn cước\nđịnh danh\n", encoding="utf-8")
    assert VietnameseTokenizer.fingerprint_addon({"custom_words_path": str(words)}) != before
    abbreviations = tmp_path / "abbreviations.yml"
    abbreviations.write_text("abbreviations: {ko: không}\n", encoding="utf-8")
    before = VietnameseNormalizer.fingerprint_addon({"abbreviations_path": str(abbreviations)})
    abbreviations.write_text("abbreviations: {ko: không, dc: được}\n", encoding="utf-8")
    assert VietnameseNormalizer.fingerprint_addon({"abbreviations_path": str(abbreviations)}) != before
    assert '"--force"' not in (ROOT / "tools" / "training.py").read_text(encoding="utf-8")


def test_adding_a_faq_entry_is_one_record(tmp_path, trained_model):
    """Add one FAQ record to the database, train, and the bot answers it."""
    settings = isolated_settings(tmp_path)
    store = CatalogueStore(settings.database_url)
    store.seed_if_empty(seed())
    entry = FaqEntry(
        id="doi_ten_vneid",
        title="Sửa họ tên trên VNeID",
        answer="Dạ, thông tin họ tên trên VNeID lấy từ Cơ sở dữ liệu quốc gia về dân cư; "
               "anh/chị đề nghị Công an cấp xã điều chỉnh ạ.",
        sources=[{"title": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn", "kind": "official"}],
        checked=dt.date(2026, 11, 23),
        service="kich_hoat_vneid",
        examples=["sửa họ tên trên vneid", "sua ho ten tren vneid", "vneid sai tên thì sửa thế nào",
                  "tên trên vneid bị sai", "ten tren vneid bi sai", "muốn đổi họ tên trong vneid",
                  "vneid ghi sai họ tên", "làm sao sửa tên trên ứng dụng vneid"],
    )
    store.put("faq", entry, "test@example", "a new FAQ entry")
    model = train(settings, model_dir=tmp_path / "models", generated_dir=tmp_path / "generated")
    with own_stack(tmp_path, model, settings) as running:
        assert "Cơ sở dữ liệu quốc gia về dân cư" in ask(running, "tên trên vneid của tôi bị sai thì sửa sao")
