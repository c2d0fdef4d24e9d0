"""How well the checks tell ordinary conversation from abuse, next to
alt-profanity-check and better-profanity, in one run.

    .venv/bin/python bench/quality.py            # everything, a few minutes
    .venv/bin/python bench/quality.py --quick    # skip leave-one-set-out

What is measured where (bench/train_abuse.py says what the models learn from):

1. Ordinary real chat sent to moderators: the second half (in time) of the
   Gitter docker room. The models never saw that room: they train on the
   appium room, and thresholds are chosen on the docker room's FIRST half.
   The full pipeline (policies.evaluate_many, default settings), per
   category, with the highest-scoring examples printed.
2. F1 of the abusive categories per labelled set, on the "test" split no
   model or threshold saw (OLID: half of part B; and those tweets again as
   published, with their "@USER" handles and "URL" placeholders, and
   their offensive ones by the strongest word of the abuse lists they hold).
3. Across sets: the abuse model retrained without one set, tested on it.
4. HateCheck per functionality (a test suite, never trained on).
5. Hard cases (mild words, "this bug is killing me"), threats, calibration,
   the precision each category reaches on the validation data at its
   default threshold, and spam/selling on YouTube files 04-05.
9. Ordinary tweets in German (GermEval 2018) and Brazilian Portuguese
   (ToLD-BR) sent to moderators, and the offensive ones caught.

Each abuse figure is given with the default settings (the word model
picks candidates, the sentence reader, policies/encoder.py, decides them)
and with the word model alone (`[policies] second_stage = false`).
better-profanity takes ~12 ms a text, so it runs on fixed samples; the
sample figures for all three are printed side by side.
Needs ../shared/data/dev; says so and stops when it is absent.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import quality_rules  # noqa: E402
from quality_rules import prf_of as prf  # noqa: E402  tune_abuse imports it from here
import ordinary  # noqa: E402
from policies import Message, PolicyConfig, abuse, encoder, evaluate_many, wordmodel  # noqa: E402
from policies.slacktext import parse  # noqa: E402
from policies.config import DEFAULTS  # noqa: E402

ABUSIVE = ("threat", "hate", "harassment", "vulgar")
WORDS_ONLY = PolicyConfig(second_stage=False)
ROUTED = ("route", "remove")
SAMPLE = 600


def fmt(p: float, r: float, f: float) -> str:
    return f"P={p:.3f} R={r:.3f} F1={f:.3f}"


def findings(texts: list[str], *, config=None) -> list[list]:
    """Routed or removed findings of the full pipeline (default settings unless `config`)."""
    return [[f for f in fs if f.action in ROUTED]
            for fs in evaluate_many([(Message(text=t), None) for t in texts], config=config)]


def abusive(texts: list[str], *, config=None) -> list[bool]:
    return [any(f.category in ABUSIVE for f in fs) for fs in findings(texts, config=config)]


def sample(n: int, k: int = SAMPLE, seed: int = 42) -> list[int]:
    return sorted(random.Random(seed).sample(range(n), min(n, k)))


def peers(texts: list[str], *, slow: bool = True) -> dict[str, list[bool]]:
    out: dict[str, list[bool]] = {}
    try:
        from profanity_check import predict
        out["alt-profanity-check"] = [bool(x) for x in predict(texts)] if texts else []
    except ImportError:
        print("  (alt-profanity-check not installed: pip install -e '.[dev]')")
    if slow:
        try:
            from better_profanity import profanity
            profanity.load_censor_words()
            out["better-profanity"] = [profanity.contains_profanity(t) for t in texts]
        except ImportError:
            print("  (better-profanity not installed)")
    return out


# ----------------------------------------------------------------- 1. chat

def chat_section(worst: int) -> None:
    texts = _data.halves(_data.chat("docker"), "second")
    res = findings(texts)
    n = len(texts)
    flagged = [i for i, fs in enumerate(res) if fs]
    print(f"\n1. Ordinary real chat: Gitter docker room, second half (n={n:,}; never trained on, "
          "thresholds chosen on the first half)")
    print(f"  modbot, full pipeline: sent to moderators {len(flagged) / n:.2%} ({len(flagged)})")
    mine = sorted({f.category for fs in res for f in fs} & {"threat", "hate", "harassment", "vulgar", "selling"})
    per = Counter(f.category for fs in res for f in {f.category: f for f in fs}.values())
    for cat, k in per.most_common():
        print(f"    {cat:<16} {k / n:.3%} ({k})")
    abuse_flags = sum(1 for fs in res if any(f.category in ABUSIVE for f in fs))
    sell_flags = sum(1 for fs in res if any(f.category == "selling" for f in fs))
    print(f"  modbot, abusive categories only: {abuse_flags / n:.3%} ({abuse_flags}); selling: "
          f"{sell_flags / n:.3%} ({sell_flags})")
    words = findings(texts, config=WORDS_ONLY)
    w_all = sum(1 for fs in words if fs)
    w_abuse = sum(1 for fs in words if any(f.category in ABUSIVE for f in fs))
    print(f"  modbot, word model alone (second_stage = false): sent {w_all / n:.2%} ({w_all}), abusive categories "
          f"{w_abuse / n:.3%} ({w_abuse})")
    for name, pred in peers(texts, slow=False).items():
        print(f"  {name}: flagged {sum(pred) / n:.2%} ({sum(pred)})")
    idx = sample(n, 3000)
    sub = [texts[i] for i in idx]
    print(f"  on a fixed sample of {len(idx):,}: modbot {sum(1 for i in idx if res[i]) / len(idx):.2%}", end="")
    for name, pred in peers(sub).items():
        print(f", {name} {sum(pred) / len(idx):.2%}", end="")
    print()
    print(f"  highest-scoring flags per category (up to {worst} each; every category is shown so the rules'"
          " owners see theirs):")
    by_cat: dict[str, list] = defaultdict(list)
    for i in flagged:
        for f in res[i]:
            by_cat[f.category].append((f.score, f.rule, texts[i]))
    for cat in sorted(by_cat, key=lambda c: -len(by_cat[c])):
        for score, rule, text in sorted(by_cat[cat], reverse=True)[:worst]:
            mark = "*" if cat in mine else " "
            print(f"   {mark}{score:.2f} {rule:<28} {text[:110]!r}")


# ------------------------------------------------------- 2. labelled sets

def labelled_section() -> None:
    import train_abuse

    print("\n2. Abusive language, F1 per labelled set on its test split (no model or threshold saw it)")
    print(f"  {'set':<17} {'n':>6} {'pos':>5}  {'modbot':<26} {'words alone':>11}  {'alt-profanity-check':<26} "
          f"sample n={SAMPLE}: modbot / alt-profanity-check / better-profanity F1")
    sets = {}
    for name, rows in train_abuse.labelled("test").items():
        sets[name] = rows
        if name == "olid":
            # The same tweets as published ("@USER @USER ... URL"): the models
            # learn from tweets without handles, and whoever scores OLID as it
            # comes hands them over with theirs.
            sets["olid as published"] = [(r["raw"], r["off"]) for r in _data.olid()
                                         if train_abuse.olid_split(r) == "test"]
    for name, rows in sets.items():
        if not rows:
            continue
        texts = [t for t, _ in rows]
        gold = [y for _, y in rows]
        ours = abusive(texts)
        words = prf(abusive(texts, config=WORDS_ONLY), gold)[2]
        alt = peers(texts, slow=False).get("alt-profanity-check", [False] * len(texts))
        idx = sample(len(texts))
        sub = [texts[i] for i in idx]
        sg = [gold[i] for i in idx]
        bp = peers(sub).get("better-profanity", [False] * len(sub))
        print(f"  {name:<17} {len(rows):>6} {sum(gold):>5}  {fmt(*prf(ours, gold)):<26} {words:>11.3f}  "
              f"{fmt(*prf(alt, gold)):<26} "
              f"{prf([ours[i] for i in idx], sg)[2]:.3f} / {prf([alt[i] for i in idx], sg)[2]:.3f} / "
              f"{prf(bp, sg)[2]:.3f}")
        if name == "olid as published":
            olid_by_words(texts, gold, ours)
    dav = _data.davidson()
    print("  (Davidson: all of it trains the model at a fifth of the weight, and alt-profanity-check was trained on it;"
          f" not scored. n={len(dav):,})")


def olid_by_words(texts: list[str], gold: list[int], ours: list[bool]) -> None:
    """OLID's offensive tweets by the strongest word of the abuse lists
    (policies/lexicon.py) each holds, and the share modbot catches: where
    its recall goes."""
    from policies import lexicon
    from policies.slacktext import normalise

    def kind(text: str) -> str:
        vocab = set(normalise(parse(text).prose).norms)
        if any(lexicon.OBSCENE.get(w, 0) >= 1.5 for w in vocab):
            return "a strong word (profanity at 1.5 or more)"
        if vocab & (lexicon.INSULTS | lexicon.SLURS):
            return "an insult or a slur"
        if any(lexicon.OBSCENE.get(w, 0) == 1 for w in vocab):
            return "only a mild word (never routed alone)"
        return "no word of the lists"

    seen, caught = Counter(), Counter()
    for text, y, hit in zip(texts, gold, ours):
        if y:
            k = kind(text)
            seen[k] += 1
            caught[k] += hit
    print("    its offensive tweets by the strongest word they hold: caught / all")
    for k, n in seen.most_common():
        print(f"      {k:<44} {caught[k]:>4} / {n:<4} ({caught[k] / n:.0%})")


def loso_section() -> None:
    import train_abuse

    print("\n3. Across sets: the word model trained WITHOUT a set, scored on that set's test split "
          "(pipeline with the word model alone; the shipped word model's figure beside it). The sentence reader"
          " is not retrained per set here (a 20-minute fine-tune each): its figures are in section 2")
    test = train_abuse.labelled("test")
    with tempfile.TemporaryDirectory() as tmp:
        for name in train_abuse.SETS:
            rows = test.get(name) or []
            if not rows:
                continue
            texts = [t for t, _ in rows]
            gold = [y for _, y in rows]
            shipped = prf(abusive(texts, config=WORDS_ONLY), gold)[2]
            path = Path(tmp) / f"without_{name}.json.gz"
            train_abuse.train(path, without=name, quiet=True)
            abuse.use_classifier(wordmodel.Classifier.load(path))
            try:
                got = prf(abusive(texts, config=WORDS_ONLY), gold)
            finally:
                abuse.use_classifier(None)
            print(f"  without {name:<12} {fmt(*got)}   (shipped model F1 {shipped:.3f})")


# ------------------------------------------------------------ 4. HateCheck

def hatecheck_section() -> None:
    rows = _data.hatecheck()
    texts = [r[0] for r in rows]
    ours = abusive(texts)
    alt = peers(texts, slow=False).get("alt-profanity-check", [False] * len(texts))
    bp = peers(texts).get("better-profanity", [False] * len(texts))
    print(f"\n4. HateCheck ({len(rows):,} cases, test only): share of cases answered right per functionality "
          "(hateful: flagged; non-hateful: not flagged)")
    print(f"  {'functionality':<30} {'gold':<9} {'n':>4}  modbot  alt-pc  b-prof")
    by: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, func) in enumerate(rows):
        by[func].append(i)
    tot = [0, 0, 0]
    for func in sorted(by):
        idx = by[func]
        gold = rows[idx[0]][1]
        acc = [sum(1 for i in idx if bool(p[i]) == bool(rows[i][1])) / len(idx) for p in (ours, alt, bp)]
        for k in range(3):
            tot[k] += acc[k] * len(idx)
        print(f"  {func:<30} {'hateful' if gold else 'not':<9} {len(idx):>4}  {acc[0]:.2f}    {acc[1]:.2f}    "
              f"{acc[2]:.2f}")
    gold = [r[1] for r in rows]
    print(f"  {'all cases, accuracy':<44} {tot[0] / len(rows):.2f}    {tot[1] / len(rows):.2f}    "
          f"{tot[2] / len(rows):.2f}")
    print(f"  hateful-vs-not F1: modbot {prf(ours, gold)[2]:.3f} (word model alone "
          f"{prf(abusive(texts, config=WORDS_ONLY), gold)[2]:.3f}), alt-profanity-check {prf(alt, gold)[2]:.3f}, "
          f"better-profanity {prf(bp, gold)[2]:.3f}")


# ---------------------------------------------------------- 5. hard cases

MILD = ["damn, the build failed again", "what the hell is going on with CI", "this is crap, the docs are wrong",
        "it sucks that the API changed", "screw it, I'll just reinstall", "bloody proxy settings again",
        "damn that was fast", "hell yeah it works now", "ugh, crappy wifi today", "docker for mac sucks"]
NOT_ABUSE = ["this bug is killing me", "that demo was sick", "kill the process and restart it",
             "docker kill $(docker ps -q)", "I'm such an idiot, forgot to save the file", "dumb question: how do I "
             "mount a volume?", "you can execute the script from the container", "shoot me the link",
             "the black background looks odd", "we nuked the old cluster", "that talk was insane, killer demo",
             "I will destroy this benchmark", "they will die in future versions, use networks"]
STRONG = ["this fucking build is broken", "what a load of bullshit", "fuck this", "shit, it crashed again",
          "you are a fucking idiot", "shut up, nobody asked you", "you're a clown"]
THREATS = ["I will kill you", "you will be found and you will be hurt", "someone should shoot him",
           "they should all be hanged", "immigrants deserve to die", "I know where you live",
           "watch your back", "kill all the immigrants", "you'll regret this, I'll find you",
           "Muslims should be executed", "we are going to beat the shit out of you",
           "those people need to be wiped out", "I hope you die", "put a bullet in his head",
           "she deserves to be raped", "we should burn their houses down"]


def hard_section() -> None:
    print("\n5. Hard cases (hand-written, shown whole; also pinned in tests/unit/test_policies_abuse.py)")
    for label, texts, want in (("mild words: routed (want 0)", MILD, False),
                               ("ordinary, violent or slangy words: routed (want 0)", NOT_ABUSE, False),
                               ("strong profanity and insults: routed (want all)", STRONG, True),
                               ("threats, incl. passive and indirect: flagged as threat (want all)", THREATS, True)):
        res = findings(texts)
        if texts is THREATS:
            hit = [any(f.category == "threat" for f in fs) for fs in res]
        else:
            hit = [any(f.category in ABUSIVE for f in fs) for fs in res]
        alt = peers(texts)
        others = ", ".join(f"{k} {sum(v)}/{len(texts)}" for k, v in alt.items())
        print(f"  {label}: modbot {sum(hit)}/{len(texts)}; {others}")
        for t, h in zip(texts, hit):
            if h != want:
                print(f"     miss: {t!r}")
    hard = ordinary.HARD_NEGATIVES
    res = findings(hard)
    print(f"  generated hard ordinary messages (bench/ordinary.py, n={len(hard)}): routed "
          f"{sum(1 for fs in res if fs) / len(hard):.1%}")


def calibration_section() -> None:
    """Does a score of 0.8 mean about 80%? On the test splits plus the
    docker room's second half (the calibration itself used val + first half)."""
    import train_abuse

    texts, gold = [], []
    for rows in train_abuse.labelled("test").values():
        texts += [t for t, _ in rows]
        gold += [y for _, y in rows]
    chat = _data.halves(_data.chat("docker"), "second")
    texts += chat
    gold += [0] * len(chat)
    clf = abuse.classifier()
    scores = clf.score_many([train_abuse.feats(t) for t in texts])
    bins = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.01)

    def table(scores: list[float], idx_all: list[int]) -> None:
        for lo, hi in zip(bins, bins[1:]):
            idx = [i for i in idx_all if lo <= scores[i] < hi]
            if idx:
                print(f"  {lo:.1f}-{min(hi, 1):.1f}: n={len(idx):>6}  mean score "
                      f"{sum(scores[i] for i in idx) / len(idx):.3f}  abusive {sum(gold[i] for i in idx) / len(idx):.3f}")

    print("\n6. Calibration (test splits + docker second half): mean score vs share labelled abusive")
    print("  the word model, every text:")
    table(scores, list(range(len(texts))))
    reader = encoder.encoder()
    if reader is not None:
        ask = [i for i, s in enumerate(scores) if s >= abuse.SENTENCE_GATE]
        probs = reader.probabilities([encoder.text_of(parse(texts[i]).prose) for i in ask])
        full = [0.0] * len(texts)
        for i, q in zip(ask, probs):
            full[i] = q
        print(f"  the sentence reader, on the {len(ask):,} texts the word model scores at or above its gate "
              f"{abuse.SENTENCE_GATE}:")
        table(full, ask)


def threshold_section() -> None:
    """Precision of each category's findings on the validation data (val
    splits + the docker room's first half) at its default threshold, and the
    lowest threshold reaching 0.9 (route) or 0.98 (remove)."""
    import train_abuse

    texts, gold = train_abuse.validation_set()
    scored = evaluate_many([(Message(text=t), None) for t in texts])
    print("\n7. Thresholds: precision on the validation data (val splits + docker first half, "
          f"n={len(texts):,}); a finding on a message labelled abusive counts as right")
    for cat in (*ABUSIVE, "selling"):
        pts = [(max(f.score for f in fs if f.category == cat), g) for fs, g in zip(scored, gold)
               if any(f.category == cat for f in fs)]
        if not pts:
            continue
        cc = DEFAULTS[cat]
        target = 0.98 if cc.action == "remove" else 0.9
        at = [g for s, g in pts if s >= cc.threshold]
        best = None
        # Lowest threshold at which everything scoring at or above it (at
        # least 5 findings) reaches the target; ties are never split.
        for t in sorted({s for s, _ in pts}):
            above = [g for s, g in pts if s >= t]
            if len(above) >= 5 and sum(above) / len(above) >= target:
                best = t
                break
        good = sum(at) if cat != "selling" else 0
        print(f"  {cat:<11} default threshold {cc.threshold:.2f} ({cc.action}): {len(at)} findings, precision "
              f"{good / max(1, len(at)):.3f}; lowest threshold with precision >= {target}: "
              f"{'none' if best is None else f'{best:.2f}'}")
    print("  (selling: the validation data has no selling labels; see section 8)")


def spam_section() -> None:
    rows = _data.youtube()
    print("\n8. Spam and selling on the UCI YouTube Spam Collection (a spam or selling finding = spam)")
    for label, files in (("files 01-03 (the promotion model trained on them)", ("01", "02", "03")),
                         ("files 04-05 (held out)", ("04", "05"))):
        sub = [r for r in rows if any(r[2].startswith(f"Youtube{f}") for f in files)]
        texts = [r[0] for r in sub]
        gold = [r[1] for r in sub]
        res = findings(texts)
        pred = [any(f.category in ("spam", "selling") for f in fs) for fs in res]
        print(f"  {label}: modbot {fmt(*prf(pred, gold))} n={len(sub)}")


# ------------------------------------------------------ 9. other languages

def languages_section(worst: int) -> None:
    """What a German- or Portuguese-speaking community's ordinary messages
    cost. The models read English; no text of these sets was trained on."""
    print("\n9. Other languages (tweets; the models are English-only): ordinary messages sent to moderators, "
          "and the offensive ones caught")
    for name, rows in (("GermEval 2018, German (OTHER vs OFFENSE)", _data.germeval()),
                       ("ToLD-BR, Brazilian Portuguese (no vote vs any vote)", _data.toldbr())):
        if not rows:
            continue
        texts = [t for t, _ in rows]
        res = findings(texts)
        plain = [i for i, (_, y) in enumerate(rows) if y == 0]
        rude = [i for i, (_, y) in enumerate(rows) if y == 1]
        sent = [i for i in plain if res[i]]
        per = Counter(f.category for i in sent for f in {f.category: f for f in res[i]}.values())
        caught = sum(1 for i in rude if any(f.category in ABUSIVE for f in res[i]))
        print(f"  {name}: ordinary sent {len(sent) / len(plain):.2%} ({len(sent)} of {len(plain):,}: "
              + ", ".join(f"{c} {k}" for c, k in per.most_common()) + f"); offensive caught {caught / len(rude):.1%}")
        idx = sample(len(texts), 3000)
        pred = peers([texts[i] for i in idx])
        for peer, flags in pred.items():
            ordinary_flags = [f for i, f in zip(idx, flags) if rows[i][1] == 0]
            rude_flags = [f for i, f in zip(idx, flags) if rows[i][1] == 1]
            print(f"    {peer} (sample of {len(idx):,}): ordinary flagged {sum(ordinary_flags) / max(1, len(ordinary_flags)):.2%}, "
                  f"offensive {sum(rude_flags) / max(1, len(rude_flags)):.1%}")
        for i in sorted(sent, key=lambda i: -max(f.score for f in res[i]))[:worst]:
            f = max(res[i], key=lambda f: f.score)
            print(f"     {f.score:.2f} {f.rule:<28} {texts[i][:100]!r}")


class Remembering:
    """The sentence reader with a memory: later sections read the same texts."""

    def __init__(self, reader):
        self.reader, self.seen = reader, {}

    def probabilities(self, texts: list[str]) -> list[float]:
        new = [t for t in dict.fromkeys(texts) if t not in self.seen]
        for t, q in zip(new, self.reader.probabilities(new)):
            self.seen[t] = q
        return [self.seen[t] for t in texts]


def main() -> int:
    ap = argparse.ArgumentParser(description="quality of the policy checks")
    ap.add_argument("--quick", action="store_true", help="skip the leave-one-set-out retraining")
    ap.add_argument("--worst", type=int, default=5, help="examples printed per category")
    ap.add_argument("--reader", type=Path, help="measure another sentence reader (a folder laid out as "
                    "policies/data/encoder, e.g. from bench/train_encoder.py --out)")
    args = ap.parse_args()
    if not _data.available():
        print(_data.missing_message())
        return 0
    t0 = time.perf_counter()
    reader = encoder.Encoder(args.reader) if args.reader else encoder.encoder()
    if reader is None:
        print("(no sentence reader: policies/data/encoder is missing; every figure is the word model's)")
    else:
        encoder.use_encoder(Remembering(reader))  # sections read the same texts again
    chat_section(args.worst)
    labelled_section()
    if not args.quick:
        loso_section()
    hatecheck_section()
    hard_section()
    calibration_section()
    threshold_section()
    spam_section()
    languages_section(args.worst)
    quality_rules.report()  # the rule checks' figures: personal data, links, spam
    print(f"\n(done in {time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
