"""`modbot rules`: what the moderators' decisions say about each rule.

    modbot rules              per rule: cases, right, wrong, precision (95 % Wilson
                              interval), shadow findings and their marks, the
                              override in force and modbot's suggestion

Reads the database (MODBOT_DB) and modbot.toml (MODBOT_CONFIG); changes
nothing. A suggestion is applied by a moderator from App Home.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="the modbot database (default: $MODBOT_DB)")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def format_reports(reports, *, min_decisions: int) -> str:
    if not reports:
        return "No rule has opened a case or made a shadow finding yet.\n"
    head = ("rule", "cases", "right", "wrong", "precision", "95% CI", "shadow (marked right/wrong)", "override")
    rows = []
    for r in reports:
        over = "-"
        if r.override is not None:
            parts = []
            if r.override.threshold is not None:
                parts.append(f"threshold {r.override.threshold:.2f}")
            if r.override.auto_remove:
                parts.append("removes by itself")
            over = ", ".join(parts) + f" (by {r.override.applied_by})"
        ci = f"{r.low:.0%}-{r.high:.0%}" if r.decided else "-"
        rows.append((r.rule, str(r.cases), str(r.right), str(r.wrong), _pct(r.precision), ci,
                     f"{r.shadow} ({r.shadow_right}/{r.shadow_wrong})", over))
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *rows]]
    lines.append("")
    suggestions = [r.suggestion for r in reports if r.suggestion is not None]
    if suggestions:
        lines.append("Suggestions (a moderator applies one from App Home; nothing changes until then):")
        for s in suggestions:
            what = (f"raise the threshold to {s.threshold:.2f}" if s.kind == "threshold"
                    else "let it remove automatically")
            lines.append(f"  {s.rule}: {what}. {s.why}.")
    else:
        lines.append(f"No suggestions (a rule needs {min_decisions} decisions first).")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.config import load_config, load_settings
    from bot.services.rule_quality import RuleQuality
    from storage import Store

    settings = load_settings()
    path = args.db or settings.modbot_db
    if not Path(path).is_file():
        print(f"modbot rules: no database at {path} (set MODBOT_DB or pass --db PATH)", file=sys.stderr)
        return 2
    config = load_config(settings.modbot_config)
    quality = RuleQuality(store=Store(path), clock=SystemClock(),
                          min_decisions=config.moderation.rule_min_decisions)
    sys.stdout.write(format_reports(quality.reports(config.policies),
                                    min_decisions=config.moderation.rule_min_decisions))
    return 0
