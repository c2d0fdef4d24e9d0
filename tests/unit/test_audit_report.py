"""The report for the shipped sample export (what `make demo` shows): every
planted violation found with its category, nothing in the clean channels,
no personal data or secrets in clear, one self-contained HTML file."""
from __future__ import annotations

import argparse
import csv
import html
import json
import re
import zipfile
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

import policies
from bot.commands import demo
from bot.commands.export_audit import run_audit
from bot.commands.export_audit.settings import load_settings

DATA = resources.files("bot") / "data"
MANIFEST = json.loads((DATA / "sample-export-planted.json").read_text())


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "modbot-report"
    rc = demo.run(argparse.Namespace(out=str(out), jobs=2))
    assert rc == 0
    return out


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]


def _sample_messages() -> dict[tuple[str, str], dict]:
    """(channel id, ts) -> raw message, straight from the zip."""
    with zipfile.ZipFile(DATA / "sample-export.zip") as zf:
        chans = {}
        for meta in ("channels.json", "groups.json", "mpims.json"):
            chans.update({c["name"]: c["id"] for c in json.loads(zf.read(meta))})
        chans.update({c["id"]: c["id"] for c in json.loads(zf.read("dms.json"))})
        out = {}
        for name in zf.namelist():
            if name.count("/") == 1 and name.endswith(".json"):
                for m in json.loads(zf.read(name)):
                    out[(chans[name.split("/")[0]], m["ts"])] = m
        return out


def test_sample_is_small_and_realistic():
    assert (DATA / "sample-export.zip").stat().st_size < 1_000_000
    assert 2000 <= MANIFEST["messages"] <= 5000 and MANIFEST["members"] >= 200
    msgs = _sample_messages().values()
    assert sum(1 for m in msgs if m.get("subtype") == "bot_message") > 5
    assert sum(1 for m in msgs if m.get("subtype") == "channel_join") > 20
    assert sum(1 for m in msgs if "edited" in m) > 20
    assert sum(1 for m in msgs if m.get("files")) > 20
    assert sum(1 for m in msgs if m.get("thread_ts") and m["thread_ts"] != m["ts"]) > 500
    planted = {p["category"] for p in MANIFEST["planted"]}
    assert planted == set(policies.CATEGORIES)


def test_every_planted_violation_is_found_with_its_category(report):
    found = defaultdict(set)
    for r in _rows(report):
        found[(r["channel"], r["ts"])].add(r["category"])
    missed = [p for p in MANIFEST["planted"]
              if p["expected"] and p["category"] not in found[(p["channel"], p["ts"])]]
    assert missed == []


def test_nothing_is_found_in_the_clean_channels(report):
    clean = set(MANIFEST["clean_channels"])
    assert [r for r in _rows(report) if r["channel"] in clean] == []
    # ... though they were audited.
    html_text = (report / "report.html").read_text()
    for name in MANIFEST["clean_channel_names"]:
        assert f"#{name}" in html_text


def test_no_finding_outside_the_planted_messages(report):
    planted = {(p["channel"], p["ts"]) for p in MANIFEST["planted"]}
    stray = [(r["channel_name"], r["rule"], r["excerpt"]) for r in _rows(report) if (r["channel"], r["ts"]) not in planted]
    assert stray == []


def _sensitive_values() -> list[str]:
    """Every span the detectors call personal data or a secret, in the
    planted messages, plus every member's email from users.json."""
    msgs = _sample_messages()
    values = []
    for p in MANIFEST["planted"]:
        text = msgs[(p["channel"], p["ts"])]["text"]
        for f in policies.evaluate(policies.Message(text=text)):
            if f.sensitive and f.end > f.start:
                values.append(text[f.start:f.end])
    with zipfile.ZipFile(DATA / "sample-export.zip") as zf:
        values += [u["profile"]["email"] for u in json.loads(zf.read("users.json")) if u["profile"].get("email")]
    return values


def test_no_personal_data_or_secret_in_clear(report):
    values = _sensitive_values()
    kinds = " ".join(values)
    assert "@" in kinds and "xoxb-" in kinds and "AKIA" in kinds  # the check itself has teeth
    for name in ("report.html", "findings.csv", "findings.jsonl"):
        text = (report / name).read_text()
        if name == "report.html":
            text = html.unescape(text)
        digits_only = re.sub(r"\D", "", text)
        for v in values:
            assert v not in text, (name, "a sensitive value appears in clear")
            d = re.sub(r"\D", "", v)
            if len(d) >= 9:  # card, IBAN, SSN, phone: not even with other separators
                assert d not in digits_only, (name, "sensitive digits appear in clear")


def test_html_is_one_self_contained_file(report):
    text = (report / "report.html").read_text()
    assert "<svg" in text and "<style>" in text
    assert not re.search(r"<(script|link|img|iframe)\b", text, re.I)
    assert not re.search(r"\burl\(", text)
    assert "src=" not in text
    # Every category shows up in the counts table, and every link goes to a message.
    for cat in policies.CATEGORIES:
        assert f">{cat}</span>" in text
    links = re.findall(r'href="([^"]+)"', text)
    assert links and all(re.fullmatch(r"https://YOUR-WORKSPACE\.slack\.com/archives/\w+/p\d{16}"
                                      r"(\?thread_ts=\d+\.\d+&amp;cid=\w+)?", l) for l in links)
    assert "--workspace-url" in text  # says the links use a placeholder


def test_csv_and_jsonl_agree(report):
    jsonl = _rows(report)
    with open(report / "findings.csv", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [(r["channel"], r["ts"], r["category"]) for r in csv_rows] == \
        [(r["channel"], r["ts"], r["category"]) for r in jsonl]
    assert all(r["excerpt"] and r["explanation"] and r["link"] for r in jsonl)


def test_html_escapes_message_text(tmp_path):
    from tests.unit.test_audit import THREAT, msg, ts_of, write_export

    path = write_export(tmp_path / "exp", {"general/2024-03-01.json": [
        msg("UALICE", '<script>alert(1)</script> "quoted" ' + THREAT, ts_of("2024-03-01T10:00:00"))]})
    s = run_audit(path, out_dir=tmp_path / "out", jobs=1, progress=False).summary
    text = s.html_path.read_text()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_same_report_whatever_the_number_of_workers(report, tmp_path):
    settings = load_settings(str(DATA / "demo-modbot.toml"))
    with resources.as_file(DATA / "sample-export.zip") as export:
        run_audit(export, out_dir=tmp_path, settings=settings, jobs=1, progress=False)
    assert (tmp_path / "findings.jsonl").read_text() == (report / "findings.jsonl").read_text()


def test_demo_prints_the_summary_and_where_the_report_is(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert demo.run(argparse.Namespace(out="modbot-report", jobs=1)) == 0
    out = capsys.readouterr().out
    assert "threat" in out and "total" in out
    assert f"Open the report: {tmp_path / 'modbot-report' / 'report.html'}" in out
    assert (tmp_path / "modbot-report" / "report.html").is_file()
