"""The benchmark's parts against a real stack (small counts; no timing asserts)."""

import pytest

from bot.catalogue.store import CatalogueStore
from tests.support import own_stack, seed
from tools import benchmark, report


@pytest.fixture(scope="module")
def stack(tmp_path_factory, trained_model):
    """Its own stack: other tests stop the shared one's catalogue on purpose."""
    with own_stack(tmp_path_factory.mktemp("bench"), trained_model) as running:
        yield running


def test_load_is_bounded_and_counts_errors_and_unanswered(stack):
    result = benchmark.run_load(stack.settings.rasa_port, concurrency=3, messages_per_conversation=2, max_seconds=60)
    assert result.messages == 6 and result.errors == 0 and result.unanswered == 0
    assert len(result.latencies_ms) == 6 and result.percentile(50) <= result.percentile(99)
    assert result.throughput > 0


def test_peak_rss_of_the_rasa_server_is_read_from_proc(stack):
    rasa = next(p for c, p in zip(stack.components, stack.processes) if c.name == "Rasa server")
    assert 100 < benchmark.peak_rss_mb(rasa.pid) < 24 * 1024


def test_catalogue_edit_reaches_the_answer_then_is_restored(stack):
    seconds = benchmark.edit_to_answer(stack.settings, stack.settings.rasa_port)
    assert 0 < seconds < 30
    CatalogueStore(stack.settings.database_url).import_records(seed(), "test", "restore the seed")
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = " ".join(r.get("text", "") for r in benchmark.ask(stack.settings.rasa_port, "restore", "làm hộ chiếu hết bao nhiêu tiền"))
        if "200.000 đồng" in text:
            break
        time.sleep(0.2)
    assert "200.000 đồng" in text


def test_report_sections_are_rewritten_in_place(tmp_path):
    path = tmp_path / "benchmarks.md"
    report.write_section("bench", "first", path)
    report.write_section("eval", "other", path)
    report.write_section("bench", "second", path)
    text = path.read_text(encoding="utf-8")
    assert "second" in text and "first" not in text and "other" in text
    assert text.count("<!-- bench:start -->") == 1


def test_targets_are_checked_from_results():
    load = benchmark.LoadResult(10, 100, 2.0, [100.0] * 100, 0, 0)
    result = benchmark.BenchResult(loads=[load], rasa_rss_mb=900, train_seconds=80)
    assert benchmark.check_targets(result) == {
        "p95_ms_at_10": True, "messages_per_second": True, "train_seconds": True, "rasa_rss_mb": True}
    slow = benchmark.BenchResult(loads=[benchmark.LoadResult(10, 10, 2.0, [900.0] * 10, 1, 0)], rasa_rss_mb=2000)
    assert not any(benchmark.check_targets(slow).values())


def test_the_stock_bot_is_ours_with_rasas_classes_and_no_custom_store_or_channel(tmp_path):
    import yaml

    files = benchmark.stock_files(tmp_path)
    ours = yaml.safe_load((benchmark.ROOT / "config.yml").read_text(encoding="utf-8"))
    stock = yaml.safe_load(files["config"].read_text(encoding="utf-8"))
    names = [c["name"] for c in stock["pipeline"] + stock["policies"]]
    assert "RulePolicy" in names and "ResponseSelector" in names
    assert not any(n in benchmark.STOCK_CLASSES for n in names)
    assert len(stock["pipeline"]) == len(ours["pipeline"]) and len(stock["policies"]) == len(ours["policies"])
    assert yaml.safe_load(files["endpoints"].read_text())["tracker_store"]["type"] == "SQL"
    assert yaml.safe_load(files["credentials"].read_text()) == {"rest": None}


def test_the_comparison_with_stock_rasa_is_given_as_ratios():
    ours = benchmark.LoadResult(10, 100, 1.0, [100.0] * 100, 0, 0)
    stock = benchmark.StockResult(benchmark.LoadResult(10, 100, 4.0, [400.0] * 100, 0, 0), {1: 40.0, 100: 80.0}, 900)
    result = benchmark.BenchResult(loads=[ours], turn_p50_ms={1: 20.0, 100: 20.0}, rasa_rss_mb=900, stock=stock)
    text = report.stock_markdown(result)
    assert "| p95 ms, 10 conversations | 100 | 400 | 0.25 |" in text
    assert "| messages/s, 10 conversations | 100.0 | 25.0 | 4.00 |" in text
    assert "| p50 ms at turn 100 | 20 | 80 | 0.25 |" in text


def test_cpu_time_of_a_process_is_read_from_proc():
    import os
    import time

    started = benchmark.cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    assert 0.2 < benchmark.cpu_seconds(os.getpid()) - started < 5
