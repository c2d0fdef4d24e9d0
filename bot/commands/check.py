"""`modbot check`: run the policy checks on text, without Slack.

    modbot check "some text"          explain each finding in words
    modbot check --jsonl < in.jsonl   one JSON line out per JSON line in

The JSON-lines mode streams: it reads, checks and writes in small batches, so
a file of a million lines runs in bounded memory. A malformed line gets an
error line in its place and the run goes on.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import IO, Iterator

BATCH = 256


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the message text to check (mrkdwn, as Slack sends it)")
    parser.add_argument("--jsonl", action="store_true",
                        help='read JSON lines {"id", "text"[, "channel", "user"]} from stdin, write one result line each')
    parser.add_argument("--config", metavar="PATH", help="a modbot.toml whose [policies] table to use")
    parser.add_argument("--role", default="member", help="author role for the single-text mode (default: member)")
    parser.add_argument("--topic", default="", help="channel topic, to try the off-topic check")


def _load_config(path: str | None):
    from policies import load_policy_config

    if not path:
        return None
    p = Path(path)
    with p.open("rb") as fh:
        data = tomllib.load(fh)
    return load_policy_config(data.get("policies", {}), source=p.name)


def _finding_json(f) -> dict:
    return {"category": f.category, "rule": f.rule, "score": round(f.score, 3), "severity": f.severity,
            "start": f.start, "end": f.end, "explanation": f.explanation}


def _parse_line(line: str):
    """(id, Message) or (id, error text)."""
    from policies import Message

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return None, f"not valid JSON: {e.msg} at column {e.colno}"
    if not isinstance(obj, dict):
        return None, "expected a JSON object with \"id\" and \"text\""
    ident = obj.get("id")
    text = obj.get("text")
    if not isinstance(text, str):
        return ident if isinstance(ident, (str, int)) else None, "missing \"text\" (a string)"
    channel = obj.get("channel") or ""
    user = obj.get("user") or ""
    if not isinstance(channel, str) or not isinstance(user, str):
        return ident, "\"channel\" and \"user\" must be strings"
    return ident, Message(text=text, channel=channel, user=user)


def run_jsonl(inp: IO[str], out: IO[str], config=None) -> int:
    from policies import evaluate_many

    def flush(batch):
        ok = [(m, None) for _, m in batch if not isinstance(m, str)]
        results = iter(evaluate_many(ok, config=config)) if ok else iter(())
        for ident, m in batch:
            if isinstance(m, str):
                rec = {"id": ident, "error": m}
            else:
                rec = {"id": ident, "findings": [_finding_json(f) for f in next(results)]}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        out.flush()

    batch: list = []
    for line in inp:
        if not line.strip():
            continue
        batch.append(_parse_line(line))
        if len(batch) >= BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return 0


def _masked_span(text: str, findings, start: int, end: int) -> str:
    """text[start:end] with every sensitive span inside it masked."""
    from dataclasses import replace

    from policies import mask

    inner = [replace(f, start=max(f.start, start) - start, end=min(f.end, end) - start)
             for f in findings if f.sensitive and f.start < end and start < f.end]
    return mask(text[start:end], inner)


def explain(text: str, *, config=None, role: str = "member", topic: str = "") -> Iterator[str]:
    from policies import Context, Message, evaluate, mask

    findings = evaluate(Message(text=text), Context(author_role=role, channel_topic=topic), config=config)
    if not findings:
        yield "No findings: nothing in this text breaks the guidelines."
        return
    yield f"Text: {mask(text, findings)}"
    for f in findings:
        where = f" at {f.start}-{f.end}" if f.end > f.start else ""
        shown = ""
        if f.end > f.start:
            shown = f' "{_masked_span(text, findings, f.start, f.end)[:80]}"'
        shadow = ", shadow mode" if f.shadow else ""
        yield (f"- {f.category} ({f.rule}, score {f.score:.2f}, {f.severity}; action: {f.action}{shadow}){where}{shown}: "
               f"{f.explanation}")


def run(args) -> int:
    from policies import PolicyConfigError

    try:
        config = _load_config(getattr(args, "config", None))
    except PolicyConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    except (OSError, tomllib.TOMLDecodeError) as e:
        print(f"{args.config}: cannot read the configuration: {e}", file=sys.stderr)
        return 2
    if getattr(args, "jsonl", False):
        return run_jsonl(sys.stdin, sys.stdout, config)
    if args.text is None:
        print("modbot check: give a TEXT to check, or --jsonl to read JSON lines from stdin", file=sys.stderr)
        return 2
    for line in explain(args.text, config=config, role=getattr(args, "role", "member"),
                        topic=getattr(args, "topic", "")):
        print(line)
    return 0


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="modbot check", description=__doc__.split("\n")[0])
    add_arguments(_parser)
    raise SystemExit(run(_parser.parse_args()))
