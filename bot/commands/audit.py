"""`modbot audit EXPORT`: check a Slack export offline and write a report.

    modbot audit export.zip                       report into ./modbot-report
    modbot audit export/ --out /tmp/r --jobs 4    an unpacked export, 4 workers
    modbot audit export.zip --import-activity --db modbot.db
                                                  also load questions and answers

No Slack connection and no tokens: everything comes from the export. The
policy engine is the live bot's, with the [policies] table, channel topics
and [experts] settings of --config (or MODBOT_CONFIG).
"""
from __future__ import annotations

import argparse
import os
from dataclasses import replace
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", help="a Slack export: the .zip Slack gives you, or its unpacked folder")
    parser.add_argument("--out", default="modbot-report", metavar="DIR",
                        help="folder for report.html, findings.csv and findings.jsonl (default ./modbot-report)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="worker processes (default: every core this process may use)")
    parser.add_argument("--config", metavar="PATH", help="modbot.toml to take policies, channel topics and "
                        "help channels from (default: $MODBOT_CONFIG, else built-in defaults)")
    parser.add_argument("--workspace-url", metavar="URL",
                        help="your workspace, e.g. https://acme.slack.com, for links to each message "
                             "(default: community.workspace_url from the config, else a placeholder)")
    parser.add_argument("--import-activity", action="store_true",
                        help="also load help-channel questions and answers into the activity tables, and public "
                             "help channels' questions into the index of earlier threads (needs --db)")
    parser.add_argument("--db", metavar="PATH", help="the modbot database, for --import-activity")
    parser.add_argument("--tz", metavar="ZONE",
                        help="time zone that decides which month a question or answer counts in (default UTC)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    parser.add_argument("--max-file-mb", type=float, default=None, metavar="MB",
                        help="skip (and report) any file in the export larger than this, as declared or as read "
                             "(default 50)")
    parser.add_argument("--max-total-mb", type=float, default=None, metavar="MB",
                        help="read at most this much of the export in all; day files past it are skipped and "
                             "reported (default 8192)")


def _fail(msg: str) -> int:
    print(f"modbot audit: {msg}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from bot.config import SettingError, load_config
    from bot.commands.export_audit import ExportError, run_audit
    from bot.commands.export_audit.export import MB, ExportLimits
    from bot.commands.export_audit.report import format_summary
    from bot.commands.export_audit.settings import settings_from_config

    if args.jobs is not None and args.jobs < 1:
        return _fail(f"--jobs: expected a positive number, got {args.jobs}")
    if args.import_activity and not args.db:
        return _fail("--import-activity needs --db PATH (the database to load the activity into)")
    if args.tz:
        try:
            ZoneInfo(args.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return _fail(f"--tz: unknown time zone {args.tz!r} (use a name such as Europe/Berlin)")
    try:
        config = load_config(args.config or os.environ.get("MODBOT_CONFIG") or None)
    except SettingError as exc:
        return _fail(str(exc))
    settings = settings_from_config(config, import_activity=args.import_activity)
    limits = ExportLimits()
    for flag, name in (("--max-file-mb", "max_file_bytes"), ("--max-total-mb", "max_total_bytes")):
        # getattr: callers that build the arguments themselves may leave them out.
        value = getattr(args, flag[2:].replace("-", "_"), None)
        if value is not None:
            if not value > 0:
                return _fail(f"{flag}: expected a positive number of megabytes, got {value:g}")
            limits = replace(limits, **{name: int(value * MB)})
    settings = replace(settings, limits=limits)
    workspace_url = args.workspace_url or config.community.workspace_url or None
    db = None
    if args.import_activity:
        from storage import open_db

        db = open_db(args.db)
    try:
        outcome = run_audit(args.export, out_dir=args.out, settings=settings, jobs=args.jobs,
                            workspace_url=workspace_url, db=db, tz=args.tz,
                            progress=False if args.quiet else None)
    except ExportError as exc:
        return _fail(str(exc))
    finally:
        if db is not None:
            db.conn.close()
    s = outcome.summary
    if not args.quiet:
        print(format_summary(s))
        if outcome.activity is not None:
            print(f"\nImported {outcome.activity.questions:,} questions and {outcome.activity.answers:,} answers "
                  f"into {Path(args.db).resolve()}")
        print(f"\nReport: {s.html_path}")
        print(f"Also:   {s.out_dir / 'findings.csv'} and findings.jsonl")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="modbot audit")
    add_arguments(p)
    raise SystemExit(run(p.parse_args()))
