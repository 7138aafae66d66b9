"""Rasa's own checks: data validation and end-to-end test stories."""

import re
import subprocess

from tests.support import ROOT
from tools.training import GENERATED_DIR, rasa_env, rasa_executable, training_data

# The FAQ answer is read from the catalogue by action_answer_faq, so Rasa's
# built-in retrieval action utter_faq is deliberately unused; and Rasa itself
# merges the retrieval intent "faq" into the domain that already declares it.
EXPECTED_WARNINGS = {
    "The utterance 'utter_faq' is not used in any story or rule.",
    "The following duplicated intents have been found across multiple domain files: faq",
}


def test_rasa_data_validate_finds_nothing_but_the_two_known_warnings(trained_model):
    result = subprocess.run(
        [rasa_executable(), "data", "validate", "--data", *training_data(GENERATED_DIR),
         "--domain", "domain.yml", "--config", "config.yml"],
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = {m.strip() for m in re.findall(r"UserWarning: (.*?)(?:\n|$)", output)}
    assert warnings == EXPECTED_WARNINGS, warnings


def test_end_to_end_test_stories_pass(trained_model, tmp_path):
    """Every user message is parsed by the real NLU; a wrong intent, entity or action fails."""
    result = subprocess.run(
        [rasa_executable(), "test", "core", "--e2e", "--model", str(trained_model),
         "--stories", "tests/test_stories.yml", "--out", str(tmp_path),
         "--fail-on-prediction-errors", "--no-plot"],
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=900,
    )
    report = (tmp_path / "failed_test_stories.yml")
    failed = report.read_text(encoding="utf-8") if report.exists() else "(no report)"
    assert result.returncode == 0, result.stderr[-3000:]
    assert "None of the test stories failed" in failed, failed


def test_an_api_token_starting_with_a_dash_reaches_rasa_whole():
    from rasa.__main__ import create_argument_parser

    from bot.rasa_server import with_api_token

    args = with_api_token(["run", "--cors", "http://localhost:8000", "http://127.0.0.1:8000"], "-Xy_9")
    parsed = create_argument_parser().parse_args(args)
    assert parsed.auth_token == "-Xy_9" and parsed.enable_api
    assert parsed.cors == ["http://localhost:8000", "http://127.0.0.1:8000"]
