"""Command line: python -m bot <command>.  The Makefile only calls these.

  train [--force]        train the Rasa model if it is missing or stale
  run                    train if stale, then start the whole stack
  catalogue serve        start the catalogue HTTP service
  web serve              start the web page (chat widget, feedback, guides)
  catalogue check        validate data/catalogue and print a summary
  evaluate [--variant V|all] [--errors]  held-out intent accuracy and entity F1
  eval                                   held-out quality report; rewrites docs/benchmarks.md
  bench [--quick] [--no-train]           speed and memory; rewrites docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from bot.config import Settings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý Dịch vụ công")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train the model if stale")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    sub.add_parser("run", help="train if stale, then start the whole stack")
    catalogue = sub.add_parser("catalogue", help="the service catalogue")
    catalogue.add_argument("action", choices=["serve", "check"])
    web_cmd = sub.add_parser("web", help="the public web page")
    web_cmd.add_argument("action", choices=["serve"])
    evaluate = sub.add_parser("evaluate", help="held-out intent accuracy per config variant")
    evaluate.add_argument("--variant", action="append", help="a config variant (default: config.yml)")
    evaluate.add_argument("--errors", action="store_true", help="list every wrong prediction")
    sub.add_parser("eval", help="held-out quality, ours vs Rasa's default pipeline, end-to-end facts; rewrites docs/benchmarks.md")
    bench = sub.add_parser("bench", help="latency, throughput, memory; rewrites docs/benchmarks.md")
    bench.add_argument("--quick", action="store_true", help="fewer messages (for tests)")
    bench.add_argument("--no-train", action="store_true", help="skip timing a full retrain")
    bench.add_argument("--report", default=None, help="write here instead of docs/benchmarks.md")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings.from_env()

    if args.command == "train":
        from bot.training import train as train_model

        train_model(settings.model_dir, force=args.force)
        return 0
    if args.command == "run":
        from bot.stack import run
        from bot.training import train as train_model

        train_model(settings.model_dir)
        return run(settings)
    if args.command == "evaluate":
        from bot.evaluation import VARIANTS, evaluate as run_evaluation, report

        names = list(VARIANTS) if args.variant == ["all"] else (args.variant or ["config.yml"])
        print(report(run_evaluation(names), show_errors=args.errors))
        return 0
    if args.command == "eval":
        from bot.eval_report import run_eval

        return run_eval(settings)
        return 0
    if args.command == "bench":
        import tempfile
        from pathlib import Path

        from bot import benchmark, report
        from bot.training import train as train_model

        train_model(settings.model_dir)
        with tempfile.TemporaryDirectory() as tmp:
            result = benchmark.run(Path(tmp), quick=args.quick, train=not args.no_train)
        targets = benchmark.check_targets(result)
        path = Path(args.report) if args.report else report.REPORT
        report.plot_latency(result, path.parent / "latency.png")
        report.write_section("bench", report.bench_markdown(result, targets), path)
        print(benchmark.summary(result))
        print(f"targets: {targets}; report: {path}")
        return 0
    if args.command == "web":
        from bot.web.server import serve as serve_web

        serve_web(settings)
        return 0
    if args.action == "serve":
        from bot.catalogue.server import serve

        serve(settings)
        return 0
    from bot.catalogue.loader import CatalogueError, load_catalogue

    try:
        services = load_catalogue(settings.catalogue_dir)
    except CatalogueError as error:
        print(f"Catalogue error: {error}", file=sys.stderr)
        return 1
    for service in services.values():
        print(f"{service.id}: {service.name}")
    print(f"{len(services)} services OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
