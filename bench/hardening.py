"""Hardening figures (issue 12): what a stranger, a hostile export and
retention cost, measured on real processes on 127.0.0.1.

    .venv/bin/python bench/hardening.py                 all four
    .venv/bin/python bench/hardening.py --only refuse   one of: refuse, idle, bomb, purge

1. refuse: time for `modbot serve` to refuse a 1 MB body with a wrong
   signature (a real-shaped event full of e-mail addresses and raw
   newlines), beside Bolt's own WSGI adapter on waitress with the same log
   filter, which is what modbot did before: verify inside Bolt, which logs
   the whole unverified body.
2. idle: GET /healthz latency while 500 idle or half-sent connections are
   open to `modbot serve`, beside a waitress server with its default limits.
3. bomb: peak memory (max RSS) of `modbot audit` on a zip of ~200 KB whose
   one day file inflates to 200 MB; --compare-uncapped also runs it with the
   per-file limit raised past the file, under a 1.5 GB data cap.
4. purge: copies of a member's unique word in the database file and its
   WAL before and after the retention job (scenario: message, flag note,
   warning, appeal, suspension, cards and DMs).

Connections and load go only to servers this script starts on 127.0.0.1,
bounded in number (--idle, default 500) and time.
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import logging
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakeslack.payloads import sign  # noqa: E402
from tests.fakeslack.server import FakeSlack  # noqa: E402
from tests.harness import GENERAL, SIGNING_SECRET, populate  # noqa: E402
from tests.procs import start_serve  # noqa: E402
from tests.unit.test_audit_hostile_export import zip_bomb  # noqa: E402

BODY_BYTES = 1_000_000  # under MODBOT_HTTP_MAX_BODY (1 MiB)


def hostile_body(size: int = BODY_BYTES) -> str:
    words = []
    n = 0
    while n < size - 400:
        line = f"person{len(words)}@example.com\n2026-01-01 00:00:00 ERROR modbot: forged {len(words)} "
        words.append(line)
        n += len(line)
    event = {"type": "message", "channel": GENERAL, "user": "UALICE", "ts": "1.000001", "text": "".join(words)}
    return json.dumps({"type": "event_callback", "event_id": "EvBENCH", "team_id": "T1", "event": event})


def with_raw_newlines(body: str) -> str:
    """JSON's \\n made raw newlines: not JSON any more (Bolt answers 500 on
    it), but each would start a forged line in a log that kept the body."""
    return body.replace("\\n", "\n")


def _post(port: int, body: bytes, headers: dict, timeout: float = 120) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    conn.request("POST", "/slack/events", body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return resp.status, elapsed


def _forged_headers(body: str) -> dict:
    return sign(body, SIGNING_SECRET + "-wrong", int(time.time()), "application/json")


class _MaskWholeMessage(logging.Filter):
    """modbot's log filter as it was: personal data masked in the whole
    message, however long."""

    def filter(self, record: logging.LogRecord) -> bool:
        from bot.logs import redact

        record.msg, record.args = redact(record.getMessage()), ()
        return True


def _serve_quietly(server) -> None:
    try:
        server.run()
    except (OSError, ValueError):
        pass  # closed


def _plain_bolt_server(handler: logging.Handler):
    """What a user would write: Bolt's WSGI adapter on waitress (default
    limits); Bolt checks the signature and logs a failure with the body."""
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from waitress.server import create_server

    bolt_logger = logging.getLogger("plain_bolt")
    bolt_logger.addHandler(handler)
    bolt_logger.setLevel(logging.INFO)
    bolt_logger.propagate = False
    app = App(signing_secret=SIGNING_SECRET, token="xoxb-not-used", token_verification_enabled=False,
              logger=bolt_logger)
    server = create_server(SlackRequestHandler(app), host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=_serve_quietly, args=(server,), daemon=True).start()
    return server


def bench_refuse(fake: FakeSlack, tmp: Path, rounds: int) -> None:
    body = hostile_body()
    data = body.encode()
    print(f"\n1. Refusing a {len(data):,}-byte event with a wrong signature ({body.count('@'):,} e-mail addresses, "
          f"{body.count('forged'):,} would-be log lines), {rounds} requests each")
    serve = start_serve(fake, tmp / "refuse.db")
    try:
        for label, sent in (("modbot serve", body), ("modbot serve, raw newlines", with_raw_newlines(body))):
            times = []
            for _ in range(rounds):
                status, elapsed = _post(serve.port, sent.encode(), _forged_headers(sent))
                assert status == 401, status
                times.append(elapsed)
            print(f"   {label:<31} median {statistics.median(times) * 1000:8.1f} ms   max "
                  f"{max(times) * 1000:8.1f} ms   status 401")
        log_lines = [line for line in serve.log().splitlines() if "signature" in line]
        print(f"   modbot's log: {len(log_lines)} lines for {2 * rounds} requests, the longest "
              f"{max(map(len, log_lines), default=0)} characters")
    finally:
        serve.stop()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    server = _plain_bolt_server(handler)
    try:
        for label, log_filter, n in (("Bolt adapter, no log filter", None, rounds),
                                     ("Bolt adapter + masking the log", _MaskWholeMessage(), max(1, rounds // 5))):
            stream.seek(0)
            stream.truncate()
            if log_filter is not None:
                handler.addFilter(log_filter)
            times, statuses = [], set()
            for _ in range(n):
                status, elapsed = _post(server.effective_port, data, _forged_headers(body))
                statuses.add(status)
                times.append(elapsed)
            logged = stream.getvalue()
            print(f"   {label:<31} median {statistics.median(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms   "
                  f"log: {len(logged.splitlines()) / n:,.0f} lines, {len(logged) / n:,.0f} characters per request "
                  f"({n} requests, status {'/'.join(map(str, sorted(statuses)))})")
    finally:
        server.close()


def _open_idle(port: int, n: int) -> list[socket.socket]:
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if i % 2:
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bench\r\nContent-Length: 100\r\n")
        socks.append(s)
    return socks


def _healthz(port: int, rounds: int, timeout: float) -> list[float | None]:
    out: list[float | None] = []
    for _ in range(rounds):
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            out.append(time.perf_counter() - start)
        except OSError:
            out.append(None)
    return out


def _show(label: str, times: list[float | None], timeout: float) -> None:
    ok = [t for t in times if t is not None]
    failed = len(times) - len(ok)
    if ok:
        print(f"   {label:<30} median {statistics.median(ok) * 1000:8.1f} ms   max {max(ok) * 1000:8.1f} ms"
              + (f"   {failed} of {len(times)} timed out ({timeout:.0f} s)" if failed else ""))
    else:
        print(f"   {label:<30} every request timed out ({timeout:.0f} s each)")


def bench_idle(fake: FakeSlack, tmp: Path, idle: int, rounds: int) -> None:
    print(f"\n2. GET /healthz with {idle} idle connections open (half of them half-sent), {rounds} requests")
    timeout = 5.0
    serve = start_serve(fake, tmp / "idle.db")
    try:
        socks = _open_idle(serve.port, idle)
        try:
            _show("modbot serve", _healthz(serve.port, rounds, timeout), timeout)
        finally:
            for s in socks:
                s.close()
    finally:
        serve.stop()
    from waitress.server import create_server

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    server = create_server(app, host="127.0.0.1", port=0)  # waitress's defaults
    threading.Thread(target=_serve_quietly, args=(server,), daemon=True).start()
    try:
        socks = _open_idle(server.effective_port, min(idle, 100) + 20)
        try:
            _show(f"waitress defaults ({min(idle, 100) + 20} idle)", _healthz(server.effective_port, 3, timeout), timeout)
        finally:
            for s in socks:
                s.close()
    finally:
        server.close()


def _peak_rss_mb(cmd: list[str], data_cap: int | None = None) -> tuple[float, int, str]:
    def limit() -> None:
        if data_cap:
            resource.setrlimit(resource.RLIMIT_DATA, (data_cap, data_cap))

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    out, err = proc.communicate(timeout=900)
    # The child is reaped by communicate(); RUSAGE_CHILDREN then holds the
    # largest max RSS of any child so far, so each run is measured in its own
    # fresh measuring process (see main).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return peak, proc.returncode, (out + err)


def bench_bomb(tmp: Path, uncapped: bool) -> None:
    bomb = zip_bomb(tmp / "bomb.zip", 200 << 20)
    with zipfile.ZipFile(bomb) as zf:
        inflated = sum(i.file_size for i in zf.infolist())
    print(f"\n3. modbot audit of a {bomb.stat().st_size / 1024:,.0f} KB zip whose day file inflates to "
          f"{inflated / 2**20:,.0f} MB (--jobs 1)")
    runs = [("default limits (50 MB per file)", [])]
    if uncapped:
        runs.append(("--max-file-mb 300 (file read)", ["--max-file-mb", "300"]))
    for label, extra in runs:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--measure-audit", str(bomb), str(tmp / "report"), *extra]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT)})
        print(f"   {label:<34} {out.stdout.strip()}")


def measure_audit(bomb: str, out_dir: str, extra: list[str]) -> None:
    cmd = [sys.executable, "-m", "bot.cli", "audit", bomb, "--out", out_dir, "--jobs", "1", *extra]
    peak, code, text = _peak_rss_mb(cmd, data_cap=1536 << 20)
    note = "reported as over the limit" if "over the limit" in text else ("MemoryError" if "MemoryError" in text else "read")
    print(f"peak {peak:7.1f} MB   exit {code}   the day file: {note}")


def bench_purge(tmp: Path) -> None:
    from bot.services import retention
    from tests.harness import start_bench
    from tests.scenario.test_retention_purge import WORD, _on_disk, plant_words

    print("\n4. A member's words in the database and its WAL, before and after the retention job")
    fake = FakeSlack()
    populate(fake)
    fake.start()
    bench = start_bench(fake, tmp / "purge.db")
    try:
        plant_words(bench)
        db_path = Path(bench.rt.settings.modbot_db)
        before = _on_disk(db_path)
        bench.clock.advance(days=bench.rt.settings.config.moderation.retention_days + 1)
        purged = retention.run(bench.rt)
        after = _on_disk(db_path)
        print(f"   before: {before.count(WORD.encode())} copies of the word in {len(before):,} bytes "
              f"(database + WAL)")
        print(f"   after:  {after.count(WORD.encode())} copies in {len(after):,} bytes; {purged.case_words} rows "
              f"emptied, {purged.messages} messages deleted, WAL truncated: {purged.wal_truncated}")
    finally:
        bench.close()
        fake.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure-audit":
        measure_audit(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=("refuse", "idle", "bomb", "purge"))
    p.add_argument("--rounds", type=int, default=20, help="requests per measurement (default 20)")
    p.add_argument("--idle", type=int, default=500, help="idle connections to open (default 500)")
    p.add_argument("--compare-uncapped", action="store_true",
                   help="also audit the zip bomb with the per-file limit raised past it (needs ~1 GB)")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="modbot-hardening-"))
    fake = FakeSlack()
    populate(fake)
    fake.start()
    try:
        if args.only in (None, "refuse"):
            bench_refuse(fake, tmp, args.rounds)
        if args.only in (None, "idle"):
            bench_idle(fake, tmp, args.idle, args.rounds)
        if args.only in (None, "bomb"):
            bench_bomb(tmp, args.compare_uncapped)
        if args.only in (None, "purge"):
            bench_purge(tmp)
    finally:
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
