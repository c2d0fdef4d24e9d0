"""Regenerate the shipped sample export and its manifest of planted violations.

    python bench/make_sample_export.py            bot/data/sample-export.zip (+ -planted.json)
    python bench/make_sample_export.py OUT.zip --messages 100000 --members 2000 --days 200

The generator (bot/commands/sample_export/) uses a fixed seed, so running
this again gives the same bytes.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.commands import sample_export as sample  # noqa: E402

if __name__ == "__main__":
    argv = sys.argv[1:]
    if not argv or argv[0].startswith("-"):
        argv = [str(ROOT / "bot/data/sample-export.zip"),
                "--manifest", str(ROOT / "bot/data/sample-export-planted.json"), *argv]
    raise SystemExit(sample.main(argv))
