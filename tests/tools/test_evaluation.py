from tests.support import ROOT
from tools.evaluation import VARIANTS, heldout_examples, variant_config


def test_heldout_set_is_parsed_and_not_in_training_data():
    examples = heldout_examples()
    assert len(examples) >= 50
    training = [*(ROOT / "data" / "nlu").glob("*.yml"), *(ROOT / "data" / "faq").glob("*.yml")]
    training_text = "\n".join(p.read_text(encoding="utf-8") for p in training)
    plain = sum(e.written_without_diacritics for e in examples)
    assert plain >= 15  # a real no-diacritics part
    for example in examples:
        assert f"- {example.text}\n" not in training_text, example.text
        for start, end, service in example.entities:
            assert example.stripped().text[start:end].strip()


def test_variant_configs_change_only_the_two_options():
    config = variant_config(*VARIANTS["accented"])
    normaliser, tokenizer = config["pipeline"][0], config["pipeline"][1]
    assert normaliser["augment_without_diacritics"] is False
    assert tokenizer["lemma"] == "normalized"


def test_variants_keep_entity_spans_on_the_service_names():
    from tools.evaluation import abbreviated, parts, with_typo

    examples = heldout_examples()
    variants = parts(examples)
    assert len(variants["abbreviations/teencode"]) >= 20 and len(variants["one typo per question"]) >= 50
    for original in examples:
        for variant in (abbreviated(original), with_typo(original)):
            if variant is None:
                continue
            assert variant.text != original.text and variant.intent == original.intent
            assert len(variant.entities) == len(original.entities)
            for start, end, _ in variant.entities:
                assert variant.text[start:end].strip() == variant.text[start:end] != ""


def test_abbreviation_and_typo_examples():
    from tools.evaluation import Example, abbreviated, with_typo

    example = Example("muốn đăng ký tạm trú thì cần gì", "ask_documents", frozenset({(5, 20, "dang_ky_tam_tru")}))
    short = abbreviated(example)
    assert short.text == "muốn đk tạm trú thì cần j"
    assert short.text[5:15] == "đk tạm trú" and (5, 15, "dang_ky_tam_tru") in short.entities
    typo = with_typo(example)
    assert typo.text[5:20] == "đăng ký tạm trú" and typo.text != example.text


def test_rasa_default_pipeline_is_whitespace_based():
    from tools.evaluation import config_for

    config = config_for("rasa-default")
    assert config["pipeline"][0]["name"] == "WhitespaceTokenizer"
    assert not any(c["name"].startswith("bot.") for c in config["pipeline"])
