"""Train the promotion/spam classifier shipped as policies/data/promo_model.json.gz.

    .venv/bin/python bench/train_promo.py

Training data: UCI YouTube Spam Collection files 01-03 (Psy, Katy Perry,
LMFAO); files 04-05 (Eminem, Shakira) are held out for bench/quality.py.
Plus generated ordinary community messages (bench/ordinary.py "train"
templates, some with documentation links) as clean examples, so a link alone
does not read as spam. Same features and file format as the abuse model.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import ordinary  # noqa: E402
import train_abuse  # noqa: E402
from policies import abuse, community  # noqa: E402
from policies.slacktext import normalise, parse  # noqa: E402

TRAIN_FILES = ("Youtube01", "Youtube02", "Youtube03")


def feats(text: str) -> list[str]:
    parsed = parse(text)
    return abuse.features(normalise(parsed.prose), len(parsed.links))


def main() -> int:
    if not _data.available():
        print(_data.missing_message())
        return 0
    rows = [r for r in _data.youtube() if r[2].startswith(TRAIN_FILES)]
    texts = [r[0] for r in rows] + ordinary.generate(3000, seed=2, split="train")
    labels = [r[1] for r in rows] + [0] * 3000
    out = community.PROMO_MODEL_PATH
    n_terms = train_abuse.fit_and_write(
        out, texts, labels, feats, C=4.0,
        trained_on="UCI YouTube spam files 01-03 + 3000 generated ordinary messages",
        held_out="YouTube files 04-05")
    print(f"wrote {out} ({n_terms} terms, {len(texts)} training texts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
