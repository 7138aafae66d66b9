"""Command line for the runtime: python -m bot <command>.

  catalogue serve                 start the catalogue HTTP service
  catalogue check                 validate the YAML under data/ and print a summary
  catalogue format                rewrite the YAML under data/ in its canonical form (after hand edits)
  catalogue import [--dry-run]    show how data/ differs from the database, then apply it
  catalogue export [--out DIR]    write the database back to YAML (default: data/)
  web serve                       start the public web page (chat widget, feedback, guides)
  staff serve                     start the staff workspace (STAFF_PORT)
  staff add-user --email E --role R [--name N]   create a staff account (password asked, or STAFF_NEW_PASSWORD)
  staff token --email E [--label L]              issue an API token for an account (printed once)
  staff set-password --email E                   a new password (asked, or STAFF_NEW_PASSWORD); ends its sessions
  conversations purge [--days N]  delete stored conversations older than N days (default RETENTION_DAYS)
  rasa ARGS...                    the Rasa CLI (server) with our changes applied
  actions ARGS...                 the action server (rasa_sdk, without importing Rasa itself)

Tooling (the supervisor behind `make run`, training, evaluation, benchmark)
lives in the `tools` package; `python -m bot run|train|evaluate|eval|bench`
hands over to `python -m tools` with the same arguments.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

TOOLING = {"run", "train", "evaluate", "eval", "bank", "bench", "facts"}


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from bot.personal_data import mask_logs

    mask_logs()
    if argv and argv[0] in TOOLING:
        os.execv(sys.executable, [sys.executable, "-m", "tools", *argv])
    if argv and argv[0] == "rasa":
        from bot.rasa_server import run_rasa

        return run_rasa(argv[1:])
    if argv and argv[0] == "actions":
        from bot.rasa_server import run_action_server

        return run_action_server(argv[1:])

    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý Dịch vụ công")
    sub = parser.add_subparsers(dest="command", required=True)
    catalogue = sub.add_parser("catalogue", help="the service catalogue")
    catalogue.add_argument("action", choices=["serve", "check", "format", "import", "export"])
    catalogue.add_argument("--dry-run", action="store_true", help="import: show the difference, change nothing")
    catalogue.add_argument("--out", type=Path, help="export: write under this directory instead of data/")
    catalogue.add_argument("--author", default=os.environ.get("USER") or "cli", help="import: who makes the change")
    catalogue.add_argument("--reason", default="import from YAML", help="import: why")
    web_cmd = sub.add_parser("web", help="the public web page")
    web_cmd.add_argument("action", choices=["serve"])
    staff = sub.add_parser("staff", help="the staff workspace")
    staff.add_argument("action", choices=["serve", "add-user", "token", "set-password"])
    staff.add_argument("--email")
    staff.add_argument("--name", default="")
    staff.add_argument("--role", choices=["editor", "reviewer", "analyst", "admin"], default="editor")
    staff.add_argument("--label", default="API")
    conversations = sub.add_parser("conversations", help="the stored conversations (tracker store)")
    conversations.add_argument("action", choices=["purge"])
    conversations.add_argument("--days", type=float, help="keep this many days (default RETENTION_DAYS)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from bot.config import Settings

    settings = Settings.from_env()
    if args.command == "conversations":
        from bot.tracker_store import purge

        deleted = purge(settings.tracker_store_url, args.days if args.days is not None else settings.retention_days)
        print(f"{deleted} conversation events deleted.")
        return 0
    if args.command == "staff":
        return staff_command(args, settings)
    if args.command == "web":
        from bot.web.server import serve as serve_web

        serve_web(settings)
        return 0
    return catalogue_command(args, settings)


def staff_command(args: argparse.Namespace, settings) -> int:
    if args.action == "serve":
        from bot.staff.app import serve

        serve(settings)
        return 0
    from bot.staff.accounts import AccountError, Accounts, Role

    if not args.email:
        print("--email is required", file=sys.stderr)
        return 2
    accounts = Accounts(settings.database_url)
    user = next((u for u in accounts.users() if u.email == args.email.strip().lower()), None)
    if args.action in ("token", "set-password") and user is None:
        print(f"No staff account {args.email}", file=sys.stderr)
        return 1
    if args.action == "token":
        print(accounts.issue_token(user.id, args.label))
        return 0
    password = os.environ.get("STAFF_NEW_PASSWORD", "")
    if not password:
        import getpass

        password = getpass.getpass("Password: ")
    try:
        if args.action == "set-password":
            accounts.set_password(user.id, password)
            print(f"New password set for {user.email}; its sessions have ended.")
            return 0
        user = accounts.add_user(args.email, args.name, Role(args.role), password)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Staff account {user.email} ({user.role.value}) created.")
    return 0


def catalogue_command(args: argparse.Namespace, settings) -> int:
    from bot.catalogue.files import CatalogueError, Layout, read_all, write_all

    if args.action == "serve":
        from bot.catalogue.server import serve

        serve(settings)
        return 0
    if args.action == "export":
        from bot.catalogue.server import open_store

        layout = Layout.under(args.out or settings.data_dir)
        written = write_all(open_store(settings).everything(), layout)
        print(f"{len(written)} files written under {layout.catalogue_dir.parent}")
        return 0
    try:
        records = read_all(Layout.under(settings.data_dir))
    except CatalogueError as error:
        print(f"Catalogue error: {error}", file=sys.stderr)
        return 1
    if args.action == "check":
        for (kind, rid) in sorted(records):
            print(f"{kind}: {rid}")
        print(f"{len(records)} records OK")
        return 0
    if args.action == "format":
        written = write_all(records, Layout.under(settings.data_dir))
        print(f"{len(written)} files in canonical form")
        return 0
    from bot.catalogue.server import open_store
    from bot.catalogue.store import InvalidChange

    store = open_store(settings)
    changes = store.compare(records)
    print(changes.summary())
    if args.dry_run or changes.empty:
        print("No change made." if args.dry_run else "Nothing to import.")
        return 0
    try:
        store.import_records(records, args.author, args.reason)
    except InvalidChange as error:
        print(f"Import refused: {error}", file=sys.stderr)
        return 1
    print(f"Imported; catalogue version {store.version()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
