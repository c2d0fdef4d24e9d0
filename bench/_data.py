"""Loaders for the shared labelled data (../shared/data/dev), never copied here.

Every loader returns None when the shared folder is absent, so benches can
say so and stop instead of failing. Set MODBOT_SHARED_DATA to point
elsewhere.
"""
from __future__ import annotations

import csv
import json
import os
import re
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MODBOT_SHARED_DATA", ROOT.parent / "shared" / "data" / "dev"))


def available() -> bool:
    return SHARED.is_dir()


def missing_message() -> str:
    return (f"shared data not found at {SHARED} (set MODBOT_SHARED_DATA); "
            "skipping the parts of this bench that need it")


_HANDLE = re.compile(r"@\w{1,30}:?|\bRT\b|\bURL\b|https?://\S+")


def clean_tweet(text: str) -> str:
    """Tweets carry handles, RT markers and URL placeholders that Slack
    messages do not; strip them so the model learns words, not Twitter."""
    return " ".join(_HANDLE.sub(" ", text).split())


def olid_part(tweet_id: str) -> str:
    """Stable half of OLID: 'A' trains the shipped model, 'B' is held out."""
    return "A" if zlib.crc32(tweet_id.encode()) % 2 == 0 else "B"


def davidson() -> list[tuple[str, int, int]] | None:
    """(text, abusive 0/1, hate 0/1); class 0 hate, 1 offensive, 2 neither."""
    path = SHARED / "davidson_labeled_data.csv"
    if not path.exists():
        return None
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cls = int(row["class"])
            out.append((clean_tweet(row["tweet"]), int(cls != 2), int(cls == 0)))
    return out


def olid() -> list[dict] | None:
    """{id, text, off, tin, target, part} for each OLID training tweet."""
    path = SHARED / "olid" / "olid-training-v1.0.tsv"
    if not path.exists():
        return None
    out = []
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            tid, tweet, a, b, c = parts[:5]
            out.append({"id": tid, "text": clean_tweet(tweet), "off": int(a == "OFF"), "tin": int(b == "TIN"),
                        "target": c, "part": olid_part(tid)})
    return out


def youtube() -> list[tuple[str, int, str]] | None:
    """(comment, spam 0/1, file stem)."""
    folder = SHARED / "youtube"
    if not folder.is_dir():
        return None
    out = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                text = row["CONTENT"].replace("\ufeff", "")
                text = re.sub(r"<br\s*/?>", "\n", text)
                out.append((text, int(row["CLASS"]), path.stem))
    return out


def presidio() -> list[dict] | None:
    path = SHARED / "presidio_synth_first_half.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
