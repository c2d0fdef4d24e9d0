"""`modbot audit` of a hostile export: links, devices and paths out of the
export are reported and never read; files over the limits are reported and
never read whole; what the CLI prints carries no control characters.

The audits run as a child process with its data segment capped, so a reader
that tried to hold /dev/zero or a zip bomb fails here instead of taking the
machine's memory."""
from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.commands.export_audit import SlackExport
from bot.commands.export_audit.export import DayFileError, ExportLimits
from tests.unit.test_audit import CHANNELS, msg, ts_of, write_export

ROOT = Path(__file__).resolve().parents[2]
CARD = "4111 1111 1111 1111"
OUTSIDE_TEXT = "wombatprivatediary"  # only in a file outside the export
DATA_CAP = 700 * 1024 * 1024


def _audit(tmp_path: Path, export: Path, *extra: str) -> subprocess.CompletedProcess:
    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (DATA_CAP, DATA_CAP))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MODBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", str(export), "--out", str(tmp_path / "report"), "--jobs", "1", *extra],
        env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120, preexec_fn=cap_memory)


def _report(tmp_path: Path) -> str:
    return "".join(p.read_text() for p in (tmp_path / "report").iterdir())


def _day(text: str = "hello") -> list[dict]:
    return [msg("UALICE", text, ts_of("2024-03-01T10:00:00"))]


def test_links_devices_and_pipes_in_a_folder_export_are_reported_and_never_read(tmp_path):
    root = write_export(tmp_path / "export", {"general/2024-03-01.json": _day()})
    secret = tmp_path / "outside.json"
    secret.write_text(json.dumps(_day(f"{OUTSIDE_TEXT} {CARD}")))
    (root / "general" / "2024-03-02.json").symlink_to(secret)
    (root / "general" / "2024-03-03.json").symlink_to("/dev/zero")
    os.mkfifo(root / "general" / "2024-03-04.json")
    (root / "random").symlink_to(tmp_path, target_is_directory=True)
    proc = _audit(tmp_path, root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = _report(tmp_path)
    assert OUTSIDE_TEXT not in report
    for name, why in (("general/2024-03-02.json", "symbolic link"), ("general/2024-03-03.json", "symbolic link"),
                      ("general/2024-03-04.json", "not a regular file"), ("random/", "symbolic link to a folder")):
        assert name in report and why in report, name


def test_a_file_swapped_for_a_device_after_listing_is_not_read(tmp_path):
    root = write_export(tmp_path / "export", {"general/2024-03-01.json": _day()})
    export = SlackExport(root)
    day = export.day_files[0]
    (root / day.path).unlink()
    (root / day.path).symlink_to("/dev/zero")
    with pytest.raises(DayFileError, match="not a regular file|symbolic|Too many levels"):
        export.read_day(day)
    export.close()


def zip_bomb(path: Path, size: int) -> Path:
    """A zip whose one day file inflates to `size` bytes of valid JSON."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", json.dumps(CHANNELS))
        with zf.open("general/2024-03-01.json", "w", force_zip64=True) as f:
            f.write(b'[{"type": "message", "user": "UALICE", "ts": "1709287200.0", "text": "')
            chunk = b"a" * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
            f.write(b'"}]')
    return path


def test_a_zip_bomb_day_file_over_the_limit_is_reported_and_not_read(tmp_path):
    bomb = zip_bomb(tmp_path / "bomb.zip", 24 << 20)
    assert bomb.stat().st_size < 200_000
    proc = _audit(tmp_path, bomb, "--max-file-mb", "4")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "general/2024-03-01.json" in proc.stdout and "over the limit" in proc.stdout
    # Raised, the same file is audited.
    assert _audit(tmp_path, bomb, "--max-file-mb", "32").returncode == 0
    assert "over the limit" not in _report(tmp_path)


def test_the_total_limit_skips_the_day_files_past_it(tmp_path):
    days = {f"general/2024-03-{d:02d}.json": [msg("UALICE", "x" * 4000, ts_of(f"2024-03-{d:02d}T10:00:00"))]
            for d in range(1, 11)}
    root = write_export(tmp_path / "export", days)
    size = (root / "general" / "2024-03-01.json").stat().st_size
    export = SlackExport(root, limits=ExportLimits(max_total_bytes=int(size * 3.5)))
    assert len(export.day_files) == 3
    skipped = [p for p in export.problems if "whole export" in p.reason]
    assert len(skipped) == 7
    export.close()


def test_zip_entries_that_are_links_or_leave_the_export_are_reported_and_never_read(tmp_path):
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", json.dumps(CHANNELS))
        zf.writestr("general/2024-03-01.json", json.dumps(_day()))
        link = zipfile.ZipInfo("general/2024-03-02.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "../../outside.json")
        device = zipfile.ZipInfo("general/2024-03-03.json")
        device.external_attr = (stat.S_IFCHR | 0o644) << 16
        zf.writestr(device, "")
        zf.writestr("../general/2024-03-04.json", json.dumps(_day(OUTSIDE_TEXT)))
    export = SlackExport(path)
    reasons = {p.file: p.reason for p in export.problems}
    assert "symbolic link" in reasons["general/2024-03-02.json"]
    assert "not a regular file" in reasons["general/2024-03-03.json"]
    assert "leaves the export" in reasons["../general/2024-03-04.json"]
    assert [d.path for d in export.day_files] == ["general/2024-03-01.json"]
    export.close()


def test_what_the_cli_prints_from_an_export_has_no_control_characters(tmp_path):
    evil = "gen\x1b[2J\x1b]0;pwned\x07eral\nFORGED LINE\u202e"
    channels = [{**CHANNELS[0], "name": evil}]
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", json.dumps(channels))
        zf.writestr(f"{evil}/2024-03-01.json", json.dumps(_day(f"my card is {CARD}")))
        zf.writestr("bad\x1b[31m/2024-03-01.json", "{not json")
    proc = _audit(tmp_path, path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout + proc.stderr
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert not any(line.startswith("FORGED LINE") for line in out.splitlines())
    assert "FORGED LINE" in out  # the name is shown, on its own line's terms


def test_a_zip_entry_that_lies_about_its_size_is_not_read_past_the_lie(tmp_path):
    """The central directory says 1,000 bytes; the data inflates to 8 MB.
    Reading stops at the declared size and the file is reported."""
    path = zip_bomb(tmp_path / "liar.zip", 8 << 20)
    data = bytearray(path.read_bytes())
    name = b"general/2024-03-01.json"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")  # uncompressed size, as declared
    path.write_bytes(bytes(data))
    export = SlackExport(path, limits=ExportLimits(max_file_bytes=1 << 20))
    assert export.size_of(export.day_files[0]) == 1000
    with pytest.raises(DayFileError, match="Bad CRC"):  # after 1,000 bytes, not 8 MB
        export.read_day(export.day_files[0])
    export.close()


def test_a_lone_surrogate_in_an_export_is_shown_as_a_replacement_character(tmp_path):
    """JSON can spell half a surrogate pair ("\\ud800"), which is not
    Unicode. The report used to fail writing it; now the message is audited
    with U+FFFD in its place, and a name holding one is shown the same way."""
    users = [{"id": "UALICE", "name": "ali\udfffce"}]
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:  # json.dumps writes each as an escape
        zf.writestr("users.json", json.dumps(users))
        zf.writestr("channels.json", json.dumps(CHANNELS))
        zf.writestr("general/2024-03-01.json", json.dumps(_day(f"my card is {CARD} \ud800")
                                                          + [msg("UALICE", "kind \ud83d\ude00 words", ts_of("2024-03-01T11:00:00"))]))
    proc = _audit(tmp_path, path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = [json.loads(line) for line in (tmp_path / "report" / "findings.jsonl").read_text().splitlines()]
    assert [r["category"] for r in found] == ["privacy"]
    assert found[0]["user_name"] == "ali\ufffdce" and found[0]["excerpt"].endswith("\ufffd")
    assert CARD not in _report(tmp_path)


def test_check_jsonl_answers_a_line_that_is_not_unicode_and_goes_on():
    """A byte that is not UTF-8, or a JSON escape of a lone surrogate, in
    any field: that line gets an error (with its id when the id itself can
    be written), the others their findings."""
    lines = [b'{"id": 1, "text": "a \\ud800 b"}', b'{"id": "\\udfff", "text": "hello"}',
             b'{"id": 2, "text": "hi", "user": "\\udc00"}', b'{"id": 3, "text": "bad \xff byte"}',
             b'{"id": 4, "text": "emoji \\ud83d\\ude00 fine"}', b'{"id": 5, "text": "you idiot"}']
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MODBOT_"))}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "check", "--jsonl", "--jobs", "1"],
                          input=b"\n".join(lines) + b"\n", capture_output=True, timeout=120,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [(r["id"], "error" in r) for r in rows] == [(1, True), (None, True), (2, True), (3, True),
                                                       (4, False), (5, False)]
    assert "Unicode" in rows[0]["error"] and rows[4]["findings"] == [] and rows[5]["findings"]
