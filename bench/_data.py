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
# Next to the checkout, or next to the folder of worktrees holding it.
_CANDIDATES = [ROOT.parent / "shared" / "data" / "dev", ROOT.parent.parent / "shared" / "data" / "dev"]
SHARED = Path(os.environ.get("MODBOT_SHARED_DATA")
              or next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0]))


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
    """{id, text, raw, off, tin, target, part} for each OLID training tweet:
    `text` without handles, "URL" placeholders and RT markers, `raw` as
    published."""
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
            out.append({"id": tid, "text": clean_tweet(tweet), "raw": tweet, "off": int(a == "OFF"),
                        "tin": int(b == "TIN"), "target": c, "part": olid_part(tid)})
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


# ------------------------------------------------------------ real chat

_CHAT_LINE = re.compile(r"^\[[^\]]*\] <[^>]*> ?(.*)$")
CHAT_ROOMS = {"appium": "gitter_appium_appium.txt", "docker": "gitter_docker_docker.txt"}


def chat(room: str) -> list[str] | None:
    """Messages of one Gitter room, in time order, shaped as Slack would
    deliver them: the corpus's link and code placeholders become a Slack
    link and an inline code span, so the checks see links and code."""
    path = SHARED / "chat" / CHAT_ROOMS[room]
    if not path.exists():
        return None
    out = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = _CHAT_LINE.match(line.rstrip("\n"))
            if not m:
                continue
            text = m.group(1).replace("\\'", "'").replace('\\"', '"').strip()
            text = text.replace("[<-LINK->]", "<https://example.com/page>").replace("[<-CODE->]", "`code`")
            if text:
                out.append(text)
    return out


def halves(items: list, which: str) -> list:
    """'first' or 'second' half in time order: thresholds are chosen on the
    first half of a room, figures reported on the second."""
    mid = len(items) // 2
    return items[:mid] if which == "first" else items[mid:]


# ------------------------------------------------- more labelled abuse sets

def _split(key: str) -> str:
    """Stable 'train' (60%), 'val' (20%) or 'test' (20%) by a hash of the key."""
    h = zlib.crc32(key.encode()) % 10
    return "train" if h < 6 else "val" if h < 8 else "test"


def toxic_spans() -> list[tuple[str, int, str]] | None:
    """(comment, toxic 0/1, split): toxic when most annotators said 'all
    toxic' or marked spans; Civil Comments news comments."""
    folder = SHARED / "toxic_spans"
    if not (folder / "comments.csv").exists():
        return None
    votes: dict[str, list[int]] = {}
    with (folder / "annotations.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            # 'not toxic' True is a clear no; otherwise the annotator marked
            # spans or the whole post toxic.
            votes.setdefault(row["comment_id"], []).append(0 if row["not toxic"] == "True" else 1)
    out = []
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            v = votes.get(row["comment_id"])
            if not v:
                continue
            out.append((row["comment_text"], int(sum(v) * 2 > len(v)), _split("ts" + row["comment_id"])))
    return out


def convabuse() -> list[tuple[str, int, str]] | None:
    """(user turn, abusive 0/1, split): abusive when most annotators gave a
    severity below 0 (1 and 0 are 'not abusive' and 'ambiguous')."""
    folder = SHARED / "convabuse"
    if not folder.is_dir():
        return None
    out = []
    for split, name in (("train", "train"), ("val", "valid"), ("test", "test")):
        with (folder / f"ConvAbuseEMNLP{name}.csv").open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                yes = no = 0
                for k in range(1, 9):
                    marks = [row.get(f"Annotator{k}_is_abuse.{s}") for s in ("1", "0", "-1", "-2", "-3")]
                    if not any(m == "1" for m in marks):
                        continue
                    if marks[2] == "1" or marks[3] == "1" or marks[4] == "1":
                        yes += 1
                    else:
                        no += 1
                if yes + no and row["user"].strip():
                    out.append((row["user"], int(yes > no), split))
    return out


def stormfront() -> list[tuple[str, int, str]] | None:
    """(sentence, hate 0/1, split); 'relation' and 'idk/skip' left out."""
    path = SHARED / "stormfront" / "sentences.jsonl"
    if not path.exists():
        return None
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["label"] in ("hate", "noHate"):
                # split by post (file ids share a post prefix), not by sentence
                out.append((d["text"], int(d["label"] == "hate"), _split("sf" + d["file_id"].split("_")[0])))
    return out


def toxigen() -> list[tuple[str, int, str]] | None:
    """(statement, hate 0/1, split) from the human-written demonstrations."""
    folder = SHARED / "toxigen" / "demonstrations"
    if not folder.is_dir():
        return None
    out = []
    for path in sorted(folder.rglob("*.txt")):
        y = int(path.name.startswith("hate_"))
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip().lstrip("-").strip()
            if line:
                out.append((line, y, _split("tg" + line)))
    return out


def hatecheck() -> list[tuple[str, int, str]] | None:
    """(case, hateful 0/1, functionality). A test suite: never train on it."""
    path = SHARED / "hatecheck" / "test_suite_cases.csv"
    if not path.exists():
        return None
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["test_case"].strip(), int(r["label_gold"] == "hateful"), r["functionality"])
                for r in csv.DictReader(fh)]


# ------------------------------------------------- other languages

def germeval() -> list[tuple[str, int]] | None:
    """German tweets of GermEval 2018's training part: (text, offensive 0/1),
    OTHER = 0. "|LBR|" marks a line break in the file."""
    path = SHARED / "germeval" / "germeval2018.training.txt"
    if not path.exists():
        return None
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                out.append((parts[0].replace(" |LBR| ", "\n").replace("|LBR|", "\n"), int(parts[1] != "OTHER")))
    return out


def toldbr() -> list[tuple[str, int]] | None:
    """Brazilian Portuguese tweets of ToLD-BR: (text, toxic 0/1); 0 when no
    annotator voted for any label."""
    path = SHARED / "toldbr" / "told-br-dev.csv"
    if not path.exists():
        return None
    labels = ("homophobia", "obscene", "insult", "racism", "misogyny", "xenophobia")
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["text"], int(any(float(r[k] or 0) > 0 for k in labels))) for r in csv.DictReader(fh)]
