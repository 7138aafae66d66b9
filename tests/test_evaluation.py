from bot.evaluation import VARIANTS, heldout_examples, variant_config


def test_heldout_set_is_parsed_and_not_in_training_data():
    examples = heldout_examples()
    assert len(examples) >= 50
    training = (__import__("bot.config").config.ROOT / "data" / "nlu").glob("*.yml")
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
