"""Rasa's own checks: data validation and end-to-end test stories."""

import subprocess

from bot.config import ROOT
from bot.training import TRAINING_DATA, rasa_env, rasa_executable


def test_rasa_data_validate_has_no_warnings():
    result = subprocess.run(
        [rasa_executable(), "data", "validate", "--data", *TRAINING_DATA,
         "--domain", "domain.yml", "--config", "config.yml", "--fail-on-warnings"],
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


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
