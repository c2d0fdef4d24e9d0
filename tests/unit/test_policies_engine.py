"""evaluate/evaluate_many, configuration, per-author state and `modbot check`."""
from __future__ import annotations

import argparse
import io
import json
import tomllib
from pathlib import Path

import pytest

import policies
from policies import (CATEGORIES, Context, Message, PolicyConfigError, evaluate, evaluate_many,
                      load_policy_config)
from policies.state import MemoryActivity

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------- config

def test_default_toml_loads_and_matches_defaults():
    data = tomllib.loads((ROOT / "policies" / "default_policies.toml").read_text())
    cfg = load_policy_config(data["policies"], source="default_policies.toml")
    assert set(cfg.categories) == set(CATEGORIES)
    assert cfg.categories == policies.PolicyConfig().categories


@pytest.mark.parametrize("data,message", [
    ({"spam": {"threshold": "high"}},
     "modbot.toml: policies.spam.threshold: expected a number between 0 and 1, got 'high'"),
    ({"spam": {"threshold": 1.5}},
     "modbot.toml: policies.spam.threshold: expected a number between 0 and 1, got 1.5"),
    ({"spam": {"action": "delete"}},
     "modbot.toml: policies.spam.action: expected one of ignore, log, route, remove, got 'delete'"),
    ({"spam": {"enabled": "yes"}}, "modbot.toml: policies.spam.enabled: expected true or false, got 'yes'"),
    ({"spam": {"treshold": 0.5}}, "modbot.toml: policies.spam.treshold: unknown setting (did you mean 'threshold'?)"),
    ({"spma": {}}, "modbot.toml: policies.spma: unknown setting (did you mean 'spam'?)"),
    ({"exempt_users": "U1"}, "modbot.toml: policies.exempt_users: expected a list of strings, got 'U1'"),
    ({"channels": {"general": {"vulgr": {"enabled": False}}}},
     "modbot.toml: policies.channels.general.vulgr: unknown setting (did you mean 'vulgar'?)"),
    ({"limits": {"flood_max_messages": 0}},
     "modbot.toml: policies.limits.flood_max_messages: expected a positive number, got 0"),
    ({"phone_regions": ["XX"]}, "modbot.toml: policies.phone_regions: unknown region code 'XX' (use ISO codes such as 'US', 'GB')"),
])
def test_config_errors_are_one_clear_line(data, message):
    with pytest.raises(PolicyConfigError) as exc:
        load_policy_config(data, source="modbot.toml")
    assert str(exc.value) == message
    assert "\n" not in str(exc.value)


def test_threshold_action_shadow_and_disable():
    def vulgar(setting: dict) -> list:
        cfg = load_policy_config({"vulgar": setting}, source="t")
        return [f for f in evaluate(Message(text="this is fucking broken"), config=cfg) if f.category == "vulgar"]

    f = vulgar({"action": "remove", "shadow": True})[0]
    assert (f.action, f.shadow) == ("remove", True)
    assert not vulgar({"threshold": 1.0})
    assert not vulgar({"enabled": False})
    assert not vulgar({"action": "ignore"})


def test_channel_override_by_name_and_id():
    cfg = load_policy_config({"selling": {"action": "remove"},
                              "channels": {"#marketplace": {"selling": {"enabled": False}},
                                           "C42": {"selling": {"shadow": True}}}}, source="t")
    text = "Check out my shop, 20% off with promo code SAVE20 https://shop.example"
    assert not [f for f in evaluate(Message(text=text, channel="C1"), Context(channel_name="marketplace"), config=cfg)
                if f.category == "selling"]
    f = [f for f in evaluate(Message(text=text, channel="C42"), config=cfg) if f.category == "selling"][0]
    assert f.shadow and f.action == "remove"   # inherits the top-level action
    f = [f for f in evaluate(Message(text=text, channel="C7"), config=cfg) if f.category == "selling"][0]
    assert not f.shadow


def test_exempt_users_groups_and_context_keep_only_secrets():
    cfg = load_policy_config({"exempt_users": ["U9"], "exempt_groups": ["S1"]}, source="t")
    text = "you idiot, token xoxb-204813774526-QWpL3kd9Xr2m"
    for msg, ctx in ((Message(text=text, user="U9"), None),
                     (Message(text=text, user="U2"), Context(user_groups=("S1",))),
                     (Message(text=text, user="U2"), Context(exempt=True))):
        assert {f.category for f in evaluate(msg, ctx, config=cfg)} == {"confidential"}
    assert "harassment" in {f.category for f in evaluate(Message(text=text, user="U2"), config=cfg)}


# ------------------------------------------------------------------ engine

def test_evaluate_many_matches_evaluate():
    texts = ["hello there", "you are an idiot", "card 4242 4242 4242 4242", "check out my channel pls subscribe",
             "<!everyone> free money at https://bit.ly/x act now", "you are a worthless idiot",
             "card 4111 1111 1111 1111", "BUY NOW cheap followers bit.ly/x", ""]
    batch = evaluate_many([(Message(text=t), None) for t in texts])
    assert batch == [evaluate(Message(text=t)) for t in texts]
    assert batch[0] == []


def test_findings_are_well_formed():
    for f in evaluate(Message(text="kill yourself, call +1 415 555 2671, https://paypa1.com/x.exe")):
        assert f.category in CATEGORIES
        assert 0 <= f.score <= 1 and f.severity in policies.model.SEVERITIES
        assert f.rule.startswith(f.category + ".") and f.explanation


def test_attachment_text_is_checked_without_span():
    f = evaluate(Message(text="see below", attachments=("token xoxb-204813774526-QWpL3kd9Xr2m",)))
    assert f and f[0].rule == "confidential.slack_token" and (f[0].start, f[0].end) == (0, 0)


# ------------------------------------------------------------ activity state

def test_flood_and_cross_post_with_memory_activity():
    act = MemoryActivity()
    ctx = lambda t, ch="C1": Context(activity=act, now=t)  # noqa: E731
    for i in range(8):
        assert not evaluate(Message(text=f"msg number {i}", user="U1", channel="C1"), ctx(1000 + i))
    flood = evaluate(Message(text="one more", user="U1", channel="C1"), ctx(1009))
    assert "spam.flood" in {f.rule for f in flood}
    # a minute later the window has passed
    assert not evaluate(Message(text="calm again", user="U1", channel="C1"), ctx(1200))
    text = "Join my webinar on growth hacking this Friday"
    rules = []
    for i, ch in enumerate(("C1", "C2", "C3")):
        rules.append({f.rule for f in evaluate(Message(text=text, user="U2", channel=ch), ctx(2000 + 60 * i))})
    assert "spam.cross_post" not in rules[1] and "spam.cross_post" in rules[2]


def test_new_member_link_rate():
    act = MemoryActivity()
    rules = set()
    for i in range(4):
        rules |= {f.rule for f in evaluate(Message(text=f"see https://a.example/{i} and https://b.example/{i}",
                                                   user="U3", channel="C1"),
                                           Context(activity=act, now=100 + i * 120, account_age_days=1))}
    assert "spam.new_member_link_rate" in rules


def test_memory_activity_is_bounded():
    act = MemoryActivity(per_user=5, max_users=3)
    for u in range(10):
        for t in range(20):
            act.record(user=f"U{u}", channel="C", ts=t, fingerprint="f", links=1)
    assert len(act) == 3
    assert act.count_since(user="U9", since=0) == 5
    assert act.count_since(user="U0", since=0) == 0
    assert act.channels_with_fingerprint(user="U9", fingerprint="f", since=0) == {"C"}
    assert act.links_since(user="U9", since=17) == 3


# -------------------------------------------------------------------- CLI

def cli(*argv, stdin: str = ""):
    from bot.commands import check

    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    import sys
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = check.run(args)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_cli_explains_and_masks():
    code, out, _ = cli("you idiot, my card is 4242 4242 4242 4242")
    assert code == 0
    assert "harassment" in out and "Luhn" in out
    assert "•••• •••• •••• 4242" in out and "4242 4242 4242 4242" not in out
    code, out, _ = cli("thanks for the help!")
    assert code == 0 and "No findings" in out


def test_cli_jsonl_streams_and_survives_bad_lines():
    lines = [json.dumps({"id": 1, "text": "you are an idiot"}), "{not json", json.dumps({"id": "b"}),
             json.dumps([1, 2]), "", json.dumps({"id": 3, "text": "hello", "channel": "C1", "user": "U1"})]
    code, out, _ = cli("--jsonl", stdin="\n".join(lines) + "\n")
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(rows) == 5
    assert rows[0]["id"] == 1 and rows[0]["findings"][0]["category"] == "harassment"
    assert set(rows[0]["findings"][0]) == {"category", "rule", "score", "severity", "start", "end", "explanation"}
    assert rows[1] == {"id": None, "error": rows[1]["error"]} and "JSON" in rows[1]["error"]
    assert rows[2]["id"] == "b" and "text" in rows[2]["error"]
    assert rows[3]["id"] is None and "error" in rows[3]
    assert rows[4] == {"id": 3, "findings": []}


def test_cli_jsonl_answers_json_python_cannot_read_and_goes_on():
    """Valid JSON the decoder refuses (nested past its depth, an integer of
    5,000 digits) used to stop the whole run."""
    lines = ["[" * 100_000, '{"id": ' + "9" * 5000 + ', "text": "x"}', json.dumps({"id": 1, "text": "you idiot"})]
    code, out, _ = cli("--jsonl", "--jobs", "1", stdin="\n".join(lines) + "\n")
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == [None, None, 1]
    assert "deeply" in rows[0]["error"] and "JSON" in rows[1]["error"] and rows[2]["findings"]


def test_cli_jsonl_workers_write_what_one_process_writes(monkeypatch):
    """Batches checked by two worker processes come back in input order,
    each line as one process checks it, bad lines included."""
    from bot.commands import check

    monkeypatch.setattr(check, "BATCH", 5)  # 9 batches; the parent makes them
    texts = ["you are an idiot", "thanks, that fixed it", "my card is 4242 4242 4242 4242",
             "buy cheap followers at spam.example now!!!", "kill yourself", "see you tomorrow"]
    lines = []
    for i in range(42):
        lines.append("{broken" if i % 11 == 7 else json.dumps({"id": i, "text": f"{texts[i % len(texts)]} #{i}"}))
    text = "\n".join(lines) + "\n"
    one, two = io.StringIO(), io.StringIO()
    assert check.run_jsonl(io.StringIO(text), one, jobs=1) == 0
    assert check.run_jsonl(io.StringIO(text), two, jobs=2) == 0
    assert two.getvalue() == one.getvalue()
    rows = [json.loads(x) for x in two.getvalue().splitlines()]
    assert [r["id"] for r in rows if "findings" in r] == [i for i in range(42) if i % 11 != 7]
    assert sum("error" in r for r in rows) == 4
    assert rows[0]["findings"] and rows[1]["findings"] == []


def test_cli_jsonl_answers_a_repeated_message_as_it_checks_it_alone(monkeypatch):
    """A message seen before is answered from memory: the same findings as
    checking it alone, for every copy, across batches and after the
    memory has outgrown its bound; a different channel or author is a
    different message."""
    from bot.commands import check
    from policies import evaluate_many

    monkeypatch.setattr(check, "BATCH", 4)
    monkeypatch.setattr(check, "REMEMBERED", 3)
    checked = []

    def counting(items, **kw):
        checked.extend(m.text for m, _ in items)
        return evaluate_many(items, **kw)

    monkeypatch.setattr("policies.evaluate_many", counting)
    texts = ["you are an idiot", "my card is 4242 4242 4242 4242", "thanks!", "kill yourself", "hi", "ok"]
    rows = [{"id": i, "text": texts[i % 3 if i < 12 else i % 6]} for i in range(24)]
    rows.append({"id": 24, "text": "you are an idiot", "channel": "C2", "user": "U2"})
    out = io.StringIO()
    assert check.run_jsonl(io.StringIO("".join(json.dumps(r) + "\n" for r in rows)), out, jobs=1) == 0
    got = [json.loads(x) for x in out.getvalue().splitlines()]
    alone = {t: [check._finding_json(f) for f in evaluate_many([(check._parse_line(json.dumps({"text": t}))[1], None)])[0]]
             for t in texts}
    assert [g["findings"] for g in got[:24]] == [alone[r["text"]] for r in rows[:24]]
    assert got[0]["findings"] and got[24]["findings"] == got[0]["findings"]
    assert checked[-1] == "you are an idiot"  # another channel and author: checked
    first = checked[:-1]
    assert first[:3] == texts[:3] and len(first) < 12  # 24 lines, not checked once per line...
    assert len(first) > len(set(first))  # ... but again once forgotten (bound 3)
    from policies import Message

    key = check._Answers.key  # no two (channel, user, text) share a key by how they are joined
    assert key(Message(text="t", channel="a\0b", user="")) != key(Message(text="t", channel="a", user="b"))
    assert key(Message(text="bt", channel="a", user="")) != key(Message(text="t", channel="a", user="b"))


def test_cli_jsonl_workers_answer_a_slow_producer_batch_by_batch():
    """`tail -f ... | modbot check --jsonl`: each batch's answer is written
    once it is checked, while the input is still open (a real process with
    two workers, fed through a pipe)."""
    import queue
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from bot.commands import check

    proc = subprocess.Popen([sys.executable, "-m", "bot.commands.check", "--jsonl", "--jobs", "2"],
                            cwd=Path(__file__).resolve().parents[2], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    got: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [got.put(line) for line in proc.stdout], daemon=True).start()
    try:
        n = 2 * check.BATCH  # two full batches, then the input stays open
        for i in range(n):
            proc.stdin.write(json.dumps({"id": i, "text": "you idiot" if i == 1 else "hello"}) + "\n")
        proc.stdin.flush()
        first = [json.loads(got.get(timeout=60)) for _ in range(n)]
        assert [r["id"] for r in first] == list(range(n))
        assert first[1]["findings"] and not first[0]["findings"]
        proc.stdin.write(json.dumps({"id": n, "text": "bye"}) + "\n")
    finally:
        proc.stdin.close()
    assert proc.wait(60) == 0
    assert json.loads(got.get(timeout=10))["id"] == n


def test_cli_jsonl_refuses_no_workers():
    code, out, err = cli("--jsonl", "--jobs", "0", stdin='{"id": 1, "text": "hi"}\n')
    assert code == 2 and out == "" and "--jobs" in err


def test_cli_bad_config_is_one_line(tmp_path):
    p = tmp_path / "modbot.toml"
    p.write_text('[policies.spam]\nthreshold = "high"\n')
    code, _, err = cli("--config", str(p), "hello")
    assert code == 2
    assert err.strip() == "modbot.toml: policies.spam.threshold: expected a number between 0 and 1, got 'high'"


def test_cli_never_prints_a_sensitive_value_inside_a_longer_span():
    code, out, _ = cli("INTERNAL ONLY: customer record jane.roe@gmail.com card 4111 1111 1111 1111",
                       "--role", "employee")
    assert code == 0
    assert "4111 1111 1111 1111" not in out and "jane.roe@" not in out


def test_a_container_cpu_quota_caps_the_workers(tmp_path, monkeypatch):
    """Many visible CPUs and a quota of 1.5: two workers, not one per CPU
    (each worker holds its own models, ~240 MB)."""
    from policies import cpus

    assert cpus._cpu_quota(tmp_path) is None  # no cgroup files
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cpus._cpu_quota(tmp_path) is None
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert cpus._cpu_quota(tmp_path) == 2
    (tmp_path / "cpu.max").unlink()
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("50000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cpus._cpu_quota(tmp_path) == 1
    monkeypatch.setattr(cpus.os, "sched_getaffinity", lambda pid: set(range(64)))
    monkeypatch.setattr(cpus, "_cpu_quota", lambda: 3)
    assert cpus.cores() == 3
    monkeypatch.setattr(cpus, "_cpu_quota", lambda: None)
    assert cpus.cores() == 64
