"""Start Rasa's own CLI (server) and the action server with our changes applied first.

`python -m bot rasa run ...` and `python -m bot actions ...` are how the
supervisor starts them, so what we change is applied explicitly, at one place,
and never as a side effect of importing one of our modules:
- personal numbers are masked in every log line, Rasa's structlog output and
  tracebacks included (`bot.personal_data`);
- our fixes to Rasa internals (`bot.rasa_patches`), in the Rasa server;
- service names added to the catalogue since training, polled from it
  (`bot.nlu.live_names`), in the Rasa server only: training stays reproducible;
- Rasa's HTTP API (the staff app activates models with its `PUT /model`) only
  with RASA_API_TOKEN set, and then behind that token; it is passed here, not
  on the command line, so `ps` does not show it.

The action server runs rasa_sdk alone: going through Rasa's CLI would load
Rasa and TensorFlow into it (about 500 MB) for nothing.
"""

from __future__ import annotations

import sys
from typing import List


def with_api_token(args: List[str], token: str) -> List[str]:
    """Rasa's HTTP API on, behind `token`.  One argument, "--auth-token=…":
    a generated token may start with "-", which argparse would take for an option."""
    return [*args, "--enable-api", f"--auth-token={token}"]


def run_rasa(args: List[str]) -> int:
    import os

    import structlog

    from bot.config import Settings

    settings = Settings.from_env()
    # Sanic (Rasa's web server) refuses bodies over this before anything reads them.
    # Only here: the action server receives Rasa's larger tracker payloads.
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(settings.max_body_bytes)

    from bot import rasa_patches
    from bot.nlu import live_names
    from bot.personal_data import mask_logs, masked_renderer

    mask_logs()
    rasa_patches.apply()
    if _serves_model(args):  # never for `rasa train` / `rasa test`: their results must not depend on live data
        live_names.enable(settings.catalogue_url, settings.live_names_seconds, settings.catalogue_timeout)
    import rasa.__main__ as rasa_cli

    configure = rasa_cli.configure_structlog

    def configure_masked(*args, **kwargs) -> None:
        configure(*args, **kwargs)
        processors = list(structlog.get_config()["processors"])
        processors[-1] = masked_renderer(processors[-1])
        structlog.configure(processors=processors)

    rasa_cli.configure_structlog = configure_masked
    if _serves_model(args) and settings.rasa_api_token and "--enable-api" not in args:
        args = with_api_token(args, settings.rasa_api_token)
    sys.argv = ["rasa", *args]
    rasa_cli.main()
    return 0


def _serves_model(args: List[str]) -> bool:
    return bool(args) and args[0] in ("run", "shell") and args[1:2] != ["actions"]


def run_action_server(args: List[str]) -> int:
    """rasa_sdk's own entry point (same arguments as `rasa run actions`), logs masked."""
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    from bot.personal_data import mask_logs

    mask_logs()
    main_from_args(create_argument_parser().parse_args(args))
    return 0
