"""Tooling command line: python -m tools <command>.  The Makefile calls these.

  run                                    train (cached), then start the whole stack in the foreground
  train                                  write the catalogue's training data, then `rasa train` (cached)
  evaluate [--variant V|all] [--errors]  held-out intent accuracy and entity F1 (NLU only)
  bank [--part dev|test|all] [--failures] the question bank end to end (failures: dev part only)
  eval                                   question bank + held-out quality; rewrites docs/benchmarks.md
  scale-test [--conversations N --messages M]  2 replicas, PostgreSQL, Redis, nginx; prints a JSON line
  facts [--today YYYY-MM-DD]             facts health: statuses, sources, rules about to end; docs/facts.md
  bench [--quick] [--no-train]           speed and memory; rewrites docs/benchmarks.md
  retrain --job N                        one retraining job of the staff app: train, score old and new, gate
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import List, Optional

from bot.config import Settings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools", description="Trợ lý Dịch vụ công: tooling")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="train the model (Rasa's cache skips what did not change)")
    sub.add_parser("run", help="train, then start the whole stack")
    evaluate = sub.add_parser("evaluate", help="held-out intent accuracy per config variant")
    evaluate.add_argument("--variant", action="append", help="a config variant (default: config.yml)")
    evaluate.add_argument("--errors", action="store_true", help="list every wrong prediction")
    sub.add_parser("eval", help="question bank, held-out quality, end-to-end facts; rewrites docs/benchmarks.md")
    bank = sub.add_parser("bank", help="score the question bank end to end (prints dev failures with --failures)")
    bank.add_argument("--part", choices=["dev", "test", "all"], default="dev")
    bank.add_argument("--failures", action="store_true", help="list the dev part's failures")
    scale = sub.add_parser("scale-test", help="two Rasa replicas on PostgreSQL + Redis behind nginx, under load")
    scale.add_argument("--conversations", type=int, default=50)
    scale.add_argument("--messages", type=int, default=20)
    facts = sub.add_parser("facts", help="facts health report; writes docs/facts.md")
    facts.add_argument("--today", help="report as of this day (YYYY-MM-DD)")
    bench = sub.add_parser("bench", help="latency, throughput, memory; rewrites docs/benchmarks.md")
    bench.add_argument("--quick", action="store_true", help="fewer messages (for tests)")
    bench.add_argument("--no-train", action="store_true", help="skip timing a full retrain")
    bench.add_argument("--report", default=None, help="write here instead of docs/benchmarks.md")
    retrain = sub.add_parser("retrain", help="a retraining job started by the staff app")
    retrain.add_argument("--job", type=int, required=True)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings.from_env()

    if args.command == "train":
        from tools.training import train

        train(settings)
        return 0
    if args.command == "run":
        from tools.supervisor import run
        from tools.training import train

        train(settings)
        return run(settings)
    if args.command == "evaluate":
        from tools.evaluation import VARIANTS, evaluate as run_evaluation, report

        names = list(VARIANTS) if args.variant == ["all"] else (args.variant or ["config.yml"])
        print(report(run_evaluation(settings, names), show_errors=args.errors))
        return 0
    if args.command == "scale-test":
        from tools import scale
        from tools.training import train

        train(settings)
        return scale.main(args.conversations, args.messages)
    if args.command == "retrain":
        from tools.retrain import run_job

        run_job(settings, args.job)
        return 0
    if args.command == "facts":
        import datetime as dt

        from tools import facts as facts_report

        text = facts_report.run(settings, dt.date.fromisoformat(args.today) if args.today else None)
        print(text)
        return 0
    if args.command == "bank":
        from tools import bank as question_bank
        from tools.training import train

        train(settings)
        parts = question_bank.PARTS if args.part == "all" else (args.part,)
        print(question_bank.markdown(question_bank.run(parts, show_failures=args.failures)))
        return 0
    if args.command == "eval":
        from tools.eval_report import run_eval

        return run_eval(settings)
    if args.command == "bench":
        import tempfile

        from tools import benchmark, report
        from tools.training import train

        train(settings)
        with tempfile.TemporaryDirectory() as tmp:
            result = benchmark.run(Path(tmp), quick=args.quick, train=not args.no_train)
        targets = benchmark.check_targets(result)
        path = Path(args.report) if args.report else report.REPORT
        report.plot_latency(result, path.parent / "latency.png")
        report.write_section("bench", report.bench_markdown(result, targets), path)
        print(benchmark.summary(result))
        print(f"targets: {targets}; report: {path}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
