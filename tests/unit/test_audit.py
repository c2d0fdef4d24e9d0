"""modbot audit: reading exports (zip and folder, broken files), threads and
edits, the per-author state across work units, questions and answers."""
from __future__ import annotations

import argparse
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.commands import audit as audit_cmd
from bot.commands.export_audit import SlackExport, looks_like_question, run_audit
from bot.commands.export_audit.export import DayFileError, ExportError
from bot.commands.export_audit.progress import Progress
from bot.commands.export_audit.runner import AuditSettings, masked_excerpt
from bot.commands.export_audit.units import plan_units
from bot.commands.sample_export import generate

import policies

THREAT = "I will kill you if you post that again."
CLEAN = "Deploy finished, the new build looks good."


def ts_of(iso: str, micro: int = 0) -> str:
    t = datetime.fromisoformat(iso).replace(tzinfo=timezone.utc).timestamp()
    return f"{int(t)}.{micro:06d}"


def msg(user: str, text: str, ts: str, **extra) -> dict:
    return {"type": "message", "user": user, "text": text, "ts": ts, **extra}


USERS = [
    {"id": "UALICE", "name": "alice", "real_name": "Alice Ames", "profile": {"display_name": "alice", "real_name": "Alice Ames"}},
    {"id": "UBOB", "name": "bob", "real_name": "Bob Bell", "profile": {"display_name": "bob", "real_name": "Bob Bell"}},
    {"id": "UCARA", "name": "cara", "real_name": "Cara Cole", "profile": {"display_name": "cara", "real_name": "Cara Cole"}},
    {"id": "UBOT", "name": "ci", "real_name": "CI", "is_bot": True, "profile": {"real_name": "CI"}},
]
CHANNELS = [
    {"id": "CGEN", "name": "general", "topic": {"value": ""}, "purpose": {"value": ""}},
    {"id": "CHELP", "name": "help", "topic": {"value": ""}, "purpose": {"value": ""}},
    {"id": "CRND", "name": "random", "topic": {"value": ""}, "purpose": {"value": ""}},
]


def write_export(root: Path, days: dict[str, object], *, as_zip: bool = False, prefix: str = "",
                 channels=CHANNELS) -> Path:
    """A small export: `days` maps "folder/YYYY-MM-DD.json" to a list of
    messages (written as JSON) or to raw text (written as is)."""
    files: dict[str, str] = {"users.json": json.dumps(USERS), "channels.json": json.dumps(channels)}
    for name, content in days.items():
        files[name] = content if isinstance(content, str) else json.dumps(content, indent=4)
    if as_zip:
        path = root.with_suffix(".zip")
        with zipfile.ZipFile(path, "w") as zf:
            for name, content in files.items():
                zf.writestr(prefix + name, content)
        return path
    for name, content in files.items():
        p = root / prefix / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return root / prefix if prefix else root


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]


# ------------------------------------------------------------------ reading
def test_zip_and_folder_give_the_same_audit(tmp_path):
    folder = tmp_path / "export"
    generate(folder, messages=300, members=40, days=6, as_zip=False)
    zipped = tmp_path / "export.zip"
    generate(zipped, messages=300, members=40, days=6, as_zip=True)
    with SlackExport(folder) as a, SlackExport(zipped) as b:
        assert [d.path for d in a.day_files] == [d.path for d in b.day_files]
        assert a.day_files, "the generator wrote day files"
        assert {c.kind for c in a.conversations.values()} == {"public", "private", "mpim", "dm"}
        day = a.day_files[0]
        assert a.read_day(day) == b.read_day(b.day_files[0])
    r1 = run_audit(folder, out_dir=tmp_path / "r1", jobs=1, progress=False).summary
    r2 = run_audit(zipped, out_dir=tmp_path / "r2", jobs=1, progress=False).summary
    assert r1.messages == r2.messages > 250
    assert (tmp_path / "r1/findings.jsonl").read_text().replace('"file": "', "") == \
        (tmp_path / "r2/findings.jsonl").read_text().replace('"file": "', "")
    assert r1.findings > 0  # the planted violations are in every generated export


def test_a_zip_wrapped_in_a_folder_is_found(tmp_path):
    path = write_export(tmp_path / "x", {"general/2024-03-01.json": [msg("UALICE", THREAT, ts_of("2024-03-01T10:00:00"))]},
                        as_zip=True, prefix="Acme Slack export Mar 1 2024/")
    with SlackExport(path) as ex:
        assert [d.path for d in ex.day_files] == ["general/2024-03-01.json"]
        assert ex.conversations["general"].id == "CGEN"
        assert ex.members["UALICE"].real_name == "Alice Ames"


def test_not_an_export_is_one_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match="no Slack export found"):
        SlackExport(tmp_path / "empty")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(ExportError, match="not a readable zip"):
        SlackExport(bad)
    args = argparse.Namespace(export=str(tmp_path / "missing.zip"), out=str(tmp_path / "o"), jobs=1, config=None,
                              workspace_url=None, import_activity=False, db=None, tz=None, quiet=True)
    assert audit_cmd.run(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file or folder" in err[0]


@pytest.mark.parametrize("as_zip", [False, True])
def test_broken_day_files_are_reported_and_the_rest_audited(tmp_path, as_zip):
    good = [msg("UALICE", THREAT, ts_of("2024-03-02T10:00:00"))]
    path = write_export(tmp_path / "exp", {
        "general/2024-03-01.json": '[{"type": "message", "user": "UBOB", "text": "cut off',
        "general/2024-03-02.json": good,
        "help/2024-03-01.json": '{"not": "an array"}',
        "random/2024-03-01.json": [msg("UBOB", CLEAN, ts_of("2024-03-01T09:00:00")), "junk", {"text": "no ts"}],
        "orphans/2024-03-01.json": [msg("UCARA", CLEAN, ts_of("2024-03-01T11:00:00"))],
        "general/notes.txt": "ignored",
    }, as_zip=as_zip)
    out = tmp_path / "out"
    s = run_audit(path, out_dir=out, jobs=1, progress=False).summary
    problems = {p.file: p.reason for p in s.problems}
    assert "not valid JSON" in problems["general/2024-03-01.json"]
    assert "expected a JSON array" in problems["help/2024-03-01.json"]
    assert "2 entries without a valid ts" in problems["random/2024-03-01.json"]
    assert "not listed in channels.json" in problems["orphans/"]
    # The rest was audited: the threat in the good file, the clean messages.
    assert [(r["channel"], r["category"]) for r in rows(out)] == [("CGEN", "threat")]
    assert s.messages == 3
    html = (out / "report.html").read_text()
    assert "general/2024-03-01.json" in html and "not valid JSON" in html


def test_read_day_says_why(tmp_path):
    path = write_export(tmp_path / "exp", {"general/2024-03-01.json": "[1, 2"})
    with SlackExport(path) as ex:
        with pytest.raises(DayFileError, match=r"not valid JSON \(line 1"):
            ex.read_day(ex.day_files[0])


def test_day_files_python_cannot_read_are_problems_not_crashes(tmp_path):
    # Found by bench/fuzz.py: valid JSON that json.loads still refuses
    # (too deep for the recursion limit, an integer of 5,000 digits) ended
    # the whole audit with a traceback.
    path = write_export(tmp_path / "exp", {
        "general/2024-03-01.json": "[" * 100_000 + "]" * 100_000,
        "help/2024-03-01.json": '[{"type": "message", "user": "UBOB", "text": "x", "ts": ' + "1" * 5000 + "}]",
        "random/2024-03-01.json": [msg("UALICE", THREAT, ts_of("2024-03-01T10:00:00"))],
    })
    with SlackExport(path) as ex:
        by_path = {d.path: d for d in ex.day_files}
        with pytest.raises(DayFileError, match="nested too deeply"):
            ex.read_day(by_path["general/2024-03-01.json"])
        with pytest.raises(DayFileError, match="not readable JSON"):
            ex.read_day(by_path["help/2024-03-01.json"])
    out = tmp_path / "out"
    s = run_audit(path, out_dir=out, jobs=1, progress=False).summary
    problems = {p.file: p.reason for p in s.problems}
    assert "nested too deeply" in problems["general/2024-03-01.json"]
    assert "not readable JSON" in problems["help/2024-03-01.json"]
    assert [(r["channel"], r["category"]) for r in rows(out)] == [("CRND", "threat")]


def test_entries_with_no_usable_time_or_an_odd_subtype_are_skipped(tmp_path):
    # Found by bench/fuzz.py: a ts float() accepts but no date can be made
    # of ("1e20", "inf") crashed the report; an integer ts of 400 digits or
    # a subtype that is a list crashed the checker.
    good = msg("UALICE", THREAT, ts_of("2024-03-01T10:00:00"))
    odd = [dict(good, ts=ts) for ts in ("1e20", "inf", "nan", "-5", True, None, [1])]
    odd.append(dict(good, subtype=["file_share"]))
    odd.append(dict(good, subtype={"kind": "x"}))
    day = json.dumps([good, *odd]).replace('"ts": "-5"', '"ts": ' + "9" * 400)
    path = write_export(tmp_path / "exp", {"general/2024-03-01.json": day})
    out = tmp_path / "out"
    s = run_audit(path, out_dir=out, jobs=1, progress=False).summary
    assert s.messages == 1 and s.skipped["malformed"] == 2
    assert "7 entries without a valid ts" in {p.file: p.reason for p in s.problems}["general/2024-03-01.json"]
    assert [r["time_utc"][:10] for r in rows(out)] == ["2024-03-01"]


# ---------------------------------------------------------- threads, edits
def test_threads_edits_bots_and_joins(tmp_path):
    parent_ts = ts_of("2024-03-01T10:00:00")
    reply_ts = ts_of("2024-03-02T09:00:00")  # the reply lands in the next day's file
    edited_ts = ts_of("2024-03-01T12:00:00")
    parent = msg("UBOB", "How do I rotate an API key?", parent_ts, thread_ts=parent_ts, reply_count=1,
                 replies=[{"user": "UALICE", "ts": reply_ts}], reply_users=["UALICE"], reply_users_count=1,
                 latest_reply=reply_ts)
    path = write_export(tmp_path / "exp", {
        "help/2024-03-01.json": [
            parent,
            msg("UCARA", "This fucking update broke everything again, what a shitshow.", edited_ts,
                edited={"user": "UCARA", "ts": ts_of("2024-03-01T12:05:00")}),
            {"type": "message", "subtype": "channel_join", "user": "UCARA", "text": "<@UCARA> has joined the channel",
             "ts": ts_of("2024-03-01T08:00:00")},
            {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "CI", "text": THREAT,
             "ts": ts_of("2024-03-01T08:30:00")},
        ],
        "help/2024-03-02.json": [msg("UALICE", "<@UBOB> " + THREAT, reply_ts, thread_ts=parent_ts, parent_user_id="UBOB")],
    })
    out = tmp_path / "out"
    s = run_audit(path, out_dir=out, jobs=1, progress=False, workspace_url="acme").summary
    found = {r["category"]: r for r in rows(out)}
    assert set(found) == {"threat", "vulgar"}  # the bot's post is not audited
    threat = found["threat"]
    assert threat["thread_ts"] == parent_ts and threat["ts"] == reply_ts
    assert threat["link"] == (f"https://acme.slack.com/archives/CHELP/p{reply_ts.replace('.', '')}"
                              f"?thread_ts={parent_ts}&cid=CHELP")
    assert found["vulgar"]["edited"] is True
    assert found["vulgar"]["link"] == f"https://acme.slack.com/archives/CHELP/p{edited_ts.replace('.', '')}"
    assert s.skipped == {"bot": 1, "system": 1}
    assert s.messages == 3


def test_cross_posts_are_seen_across_a_unit_boundary(tmp_path):
    """The same text in three channels around midnight, with one work unit per
    day on two workers: the warm-up replay still sees the first two posts."""
    text = "Join my crypto signals group today, limited seats, great returns for everyone"
    path = write_export(tmp_path / "exp", {
        "general/2024-03-01.json": [msg("UBOB", text, ts_of("2024-03-01T23:58:00"))],
        "random/2024-03-01.json": [msg("UBOB", text, ts_of("2024-03-01T23:59:30"))],
        "help/2024-03-02.json": [msg("UBOB", text, ts_of("2024-03-02T00:00:40"))],
        "general/2024-03-03.json": [msg("UALICE", CLEAN, ts_of("2024-03-03T10:00:00"))],
    })
    with SlackExport(path) as ex:
        units = plan_units(ex, jobs=2, target_bytes=1)
    assert [u.dates for u in units] == [("2024-03-01",), ("2024-03-02",), ("2024-03-03",)]
    assert [d.path for d in units[1].warmup] == ["general/2024-03-01.json", "random/2024-03-01.json"]
    results = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        run_audit(path, out_dir=out, jobs=jobs, progress=False, unit_bytes=1)
        results[jobs] = [(r["channel"], r["rule"]) for r in rows(out)]
    assert ("CHELP", "spam.cross_post") in results[2]
    assert results[1] == results[2]


# ------------------------------------------------------------------ excerpts
def test_excerpt_window_never_cuts_or_shows_personal_data():
    card = "4539 1488 0343 6467"
    text = "x" * 300 + f" my card is {card} and mail me at jo.smith@post-box.test " + "y" * 300 + " " + THREAT
    findings = policies.evaluate(policies.Message(text=text))
    threat = next(f for f in findings if f.category == "threat")
    card_f = next(f for f in findings if f.rule.startswith("privacy.card"))
    for f in (threat, card_f):
        ex = masked_excerpt(text, findings, f)
        assert card not in ex and "6467" not in ex.replace("•••• •••• •••• 6467", "")
        assert "jo.smith@" not in ex
    assert "kill you" in masked_excerpt(text, findings, threat)
    assert masked_excerpt(text, findings, card_f).startswith("…")


# ----------------------------------------------------------------- questions
@pytest.mark.parametrize("text, expected", [
    ("How do I rotate an API key?", True),
    ("how do I rotate an API key", True),
    ("Does the Go SDK support retries", True),
    ("Anyone know why builds hang at the install step", True),
    ("Deploy finished, all good.", False),
    ("Thanks!", False),
    ("See <https://example.com/faq?id=3|the FAQ> for details.", False),
    ("Is it just me or is the dashboard slow today", True),
    ("", False),
])
def test_looks_like_question(text, expected):
    assert looks_like_question(text) is expected


def test_import_activity_counts_questions_and_answers(tmp_path):
    from storage import activity, open_db

    q1 = ts_of("2024-03-31T20:00:00")
    q2 = ts_of("2024-03-05T10:00:00")
    note = ts_of("2024-03-06T10:00:00")
    rq = ts_of("2024-03-07T10:00:00")

    def reply(user, iso, parent, micro=0):
        return msg(user, "Try a clean build, that fixed it here.", ts_of(iso, micro), thread_ts=parent)

    path = write_export(tmp_path / "exp", {
        "help/2024-03-05.json": [msg("UCARA", "Why does my deploy fail on the health check?", q2, thread_ts=q2),
                                 reply("UBOB", "2024-03-05T11:00:00", q2)],
        "help/2024-03-06.json": [msg("UBOB", "Deploy finished, all good.", note, thread_ts=note),
                                 reply("UALICE", "2024-03-06T11:00:00", note)],
        "help/2024-03-31.json": [msg("UALICE", "How do I rotate an API key?", q1, thread_ts=q1),
                                 reply("UBOB", "2024-03-31T20:10:00", q1),
                                 reply("UBOB", "2024-03-31T20:20:00", q1, 1),   # second reply: not a second answer
                                 reply("UALICE", "2024-03-31T20:30:00", q1),  # the asker: not an answer
                                 reply("UCARA", "2024-03-31T23:30:00", q1)],  # April in Tokyo
        "random/2024-03-07.json": [msg("UALICE", "What are you all reading?", rq, thread_ts=rq),
                                   reply("UBOB", "2024-03-07T11:00:00", rq)],
    })
    db = open_db(tmp_path / "modbot.db")
    settings = AuditSettings(help_channels=("help",), import_activity=True)
    outcome = run_audit(path, out_dir=tmp_path / "out", settings=settings, jobs=2, db=db, tz="Asia/Tokyo",
                        progress=False)
    assert (outcome.activity.questions, outcome.activity.answers) == (2, 3)
    assert db["questions"].count == 2
    assert activity.answers_in_month(db, user="UBOB", month="2024-03") == 1
    assert activity.answers_in_month(db, user="UBOB", month="2024-04") == 1
    assert activity.answers_in_month(db, user="UCARA", month="2024-04") == 1
    assert activity.answers_in_month(db, user="UALICE", month="2024-03") == 0
    # Importing again adds nothing.
    again = run_audit(path, out_dir=tmp_path / "out2", settings=settings, jobs=1, db=db, tz="Asia/Tokyo",
                      progress=False)
    assert (again.activity.questions, again.activity.answers) == (0, 0)


def test_import_activity_needs_a_database(tmp_path, capsys):
    args = argparse.Namespace(export=str(tmp_path), out=str(tmp_path / "o"), jobs=1, config=None, workspace_url=None,
                              import_activity=True, db=None, tz=None, quiet=True)
    assert audit_cmd.run(args) == 2
    assert "--import-activity needs --db" in capsys.readouterr().err


# ------------------------------------------------------------------ progress
class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal():
    t = [0.0]
    tty = _Tty()
    bar = Progress(10, stream=tty, clock=lambda: t[0])
    for i in range(1, 11):
        t[0] += 1
        bar.update(i, i * 100)
    bar.close()
    assert "\r[" in tty.getvalue() and "10/10 day files" in tty.getvalue() and tty.getvalue().endswith("\n")
    pipe = io.StringIO()
    quiet = Progress(10, stream=pipe)
    quiet.update(5, 500)
    quiet.close()
    assert pipe.getvalue() == ""
