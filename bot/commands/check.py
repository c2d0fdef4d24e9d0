"""`modbot check`: run the policy checks on text, without Slack.

    modbot check "some text"          explain each finding in words
    modbot check --jsonl < in.jsonl   one JSON line out per JSON line in

The JSON-lines mode streams: it reads, checks and writes in small batches, so
a file of a million lines runs in bounded memory. A malformed line gets an
error line in its place and the run goes on. Batches are checked by a worker
process per core (--jobs) and written in input order; the checks keep no
state from one line to the next here, so the output is the same for any
number of workers.
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import tomllib
from pathlib import Path
from typing import IO, Iterator

from cachetools import LRUCache

BATCH = 256
# Answers kept per process for lines seen before (_Answers).
REMEMBERED = 4096


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the message text to check (mrkdwn, as Slack sends it)")
    parser.add_argument("--jsonl", action="store_true",
                        help='read JSON lines {"id", "text"[, "channel", "user"]} from stdin, write one result line each')
    parser.add_argument("--config", metavar="PATH", help="a modbot.toml whose [policies] table to use")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="--jsonl: worker processes (default: every core)")
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
    except RecursionError:
        return None, "JSON nested too deeply to read"
    except ValueError as e:  # valid JSON Python will not read: an integer of 5,000 digits
        return None, f"not readable JSON ({e})"
    if not isinstance(obj, dict):
        return None, "expected a JSON object with \"id\" and \"text\""
    ident = obj.get("id")
    if not _is_unicode(line, obj):
        return (ident if _writable(ident) else None,
                "not valid Unicode: a byte that is not UTF-8, or a lone surrogate such as \"\\ud800\"")
    text = obj.get("text")
    if not isinstance(text, str):
        return ident if isinstance(ident, (str, int)) else None, "missing \"text\" (a string)"
    channel = obj.get("channel") or ""
    user = obj.get("user") or ""
    if not isinstance(channel, str) or not isinstance(user, str):
        return ident, "\"channel\" and \"user\" must be strings"
    return ident, Message(text=text, channel=channel, user=user)


def _is_unicode(line: str, obj: dict) -> bool:
    """A byte that is not UTF-8 (read as a lone surrogate) or a JSON escape
    of a lone surrogate ("\\ud800") is not Unicode: the models, and the
    output, would fail on it. Only a line that spells a surrogate escape is
    looked at twice."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return ("\\ud" not in line and "\\uD" not in line) or _writable(obj)


def _writable(value) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Answers(LRUCache):
    """The findings already written for a message, by its text, channel and
    author: each line is checked on its own (no state from line to line),
    so a message seen before gets the same answer without the work. Bulk
    input repeats itself (bot notices, "thanks!", a flood: 7-11% of the
    lines of the Gitter rooms in shared data). Bounded: the newest
    REMEMBERED answers, each keyed by a 16-byte digest, not the text itself."""

    def __init__(self):
        super().__init__(REMEMBERED)

    @staticmethod
    def key(message) -> bytes:
        # Lengths first: no two (channel, user, text) spell the same string.
        whole = f"{len(message.channel)}:{message.channel}{len(message.user)}:{message.user}{message.text}"
        return hashlib.blake2b(whole.encode("utf-8"), digest_size=16).digest()


def _check_lines(lines: list[str], config, answers: _Answers) -> str:
    """The output lines for a batch of input lines, in order."""
    from policies import evaluate_many

    parsed = [_parse_line(line) for line in lines]
    keys = [None if isinstance(m, str) else _Answers.key(m) for _, m in parsed]
    known: dict[bytes, list[dict]] = {}
    todo: dict[bytes, object] = {}  # each message not answered before, once
    for k, (_, m) in zip(keys, parsed):
        if k is None or k in known or k in todo:
            continue
        found = answers.get(k)
        if found is None:
            todo[k] = m
        else:
            known[k] = found
    if todo:
        for k, found in zip(todo, evaluate_many([(m, None) for m in todo.values()], config=config)):
            known[k] = answers[k] = [_finding_json(f) for f in found]
    out = []
    for k, (ident, m) in zip(keys, parsed):
        rec = {"id": ident, "error": m} if k is None else {"id": ident, "findings": known[k]}
        out.append(json.dumps(rec, ensure_ascii=False) + "\n")
    return "".join(out)


def _batches(inp: IO[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in inp:
        if not line.strip():
            continue
        batch.append(line)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


_CONFIG = None  # a worker process's policy configuration
_ANSWERS = _Answers()  # and its answers


def _init_worker(config) -> None:
    global _CONFIG, _ANSWERS
    from policies import prepare_batch_process

    _CONFIG, _ANSWERS = config, _Answers()
    prepare_batch_process(config, one_of_many=True)


def _check_in_worker(lines: list[str]) -> str:
    return _check_lines(lines, _CONFIG, _ANSWERS)


def run_jsonl(inp: IO[str], out: IO[str], config=None, *, jobs: int | None = None, alone: bool = False) -> int:
    """`alone`: this process runs only this command (the CLI), so it may be
    tuned for it (policies.prepare_batch_process)."""
    from policies import cpus, prepare_batch_process

    jobs = cpus.cores() if jobs is None else max(1, jobs)
    batches = _batches(inp)
    # Read ahead a batch per worker at most: a short input starts only the
    # workers it can use (each loads its own models, about 240 MB).
    head = list(itertools.islice(batches, jobs))
    if jobs > 1 and len(head) > 1:  # one batch is not worth starting workers for
        _run_in_workers(head, batches, out, config)
        return 0
    if alone and head:  # nothing to check: no models to load
        prepare_batch_process(config, one_of_many=False)
    answers = _Answers()
    for batch in itertools.chain(head, batches):
        out.write(_check_lines(batch, config, answers))
        out.flush()
    return 0


def _run_in_workers(head: list[list[str]], rest: Iterator[list[str]], out: IO[str], config) -> None:
    """A worker process per batch of `head`. A thread of its own writes the
    results, in input order, each as soon as it is ready, while this one
    waits for input: a slow producer (`tail -f ... |`) gets each batch's
    answer once it is checked. The queue holds the batches in flight, so
    memory stays bounded."""
    import queue
    import threading
    from concurrent.futures import Future, ProcessPoolExecutor

    from policies.cpus import IN_FLIGHT

    in_order: queue.Queue[Future | None] = queue.Queue(maxsize=len(head) * IN_FLIGHT)
    failed: list[BaseException] = []

    def write_in_order() -> None:
        try:
            while (fut := in_order.get()) is not None:
                out.write(fut.result())
                out.flush()
        except BaseException as e:  # a worker died, or the output is closed
            failed.append(e)
            while in_order.get() is not None:  # let the reading side finish
                pass

    with ProcessPoolExecutor(max_workers=len(head), initializer=_init_worker, initargs=(config,)) as pool:
        # The workers start (on Linux, forked) before the writer thread does.
        for batch in head:
            in_order.put(pool.submit(_check_in_worker, batch))
        writer = threading.Thread(target=write_in_order, name="modbot-check-writer")
        writer.start()
        try:
            for batch in rest:
                if failed:
                    break
                in_order.put(pool.submit(_check_in_worker, batch))
        finally:
            in_order.put(None)
            writer.join()
            if failed:
                pool.shutdown(cancel_futures=True)
    if failed:
        raise failed[0]


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
        jobs = getattr(args, "jobs", None)
        if jobs is not None and jobs < 1:
            print(f"--jobs: expected a positive number, got {jobs}", file=sys.stderr)
            return 2
        return run_jsonl(sys.stdin, sys.stdout, config, jobs=jobs, alone=True)
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
