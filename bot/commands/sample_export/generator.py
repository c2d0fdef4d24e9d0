"""`generate`: the export itself, day file by day file, and the command
line that runs it."""
from __future__ import annotations

import argparse
import json
import random
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from bot.commands.sample_export.planted import _planted
from bot.commands.sample_export.texts import (
    ERRORS, FEATURES, FIRST, LAST, TEXTS, TIMEZONES, _dm, _general, _help_answer, _intro, _welcome,
)
from bot.commands.sample_export.workspace import (
    CHANNELS, CLEAN_CHANNELS, SEED, STAFF_DOMAIN, START, _add_reply, _Conv, _file, _ident, _message, _User,
)

# Fixed zip entry time: the same seed gives the same bytes.
_ZIP_TIME = (2024, 5, 1, 0, 0, 0)


class _Writer:
    """Day files into a zip or a folder, one at a time."""

    def __init__(self, out: Path, as_zip: bool):
        self.as_zip = as_zip
        self.out = out
        if as_zip:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.zf = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        else:
            out.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, data) -> None:
        raw = json.dumps(data, indent=4, ensure_ascii=False).encode()
        if self.as_zip:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            self.zf.writestr(info, raw, compresslevel=6)
        else:
            p = self.out / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(raw)

    def close(self) -> None:
        if self.as_zip:
            self.zf.close()


def _ts(day: datetime, seconds: int, r: random.Random) -> str:
    return f"{int(day.timestamp()) + seconds}.{r.randint(0, 999999):06d}"


def _date_of(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), tz=timezone.utc).strftime("%Y-%m-%d")


def generate(
    out: str | Path,
    *,
    messages: int = 3000,
    members: int = 300,
    days: int = 90,
    seed: int = SEED,
    as_zip: bool = True,
    manifest: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write an export with about `messages` messages; returns a summary.

    The planted violations are always included. `manifest` (a path) gets the
    planted list as JSON. Memory stays flat at any size: day files are written
    as they are made (thread replies that fall on a later day wait in a small
    buffer until that day).
    """
    r = random.Random(seed)
    out = Path(out)
    w = _Writer(out, as_zip)

    # ----- members: staff, named actors, then the crowd.
    used_ids: set[str] = set()
    used_handles: set[str] = set()

    def new_user(real: str, display: str = "", *, uid: str = "", **kw) -> _User:
        uid = uid or _ident(r, "U0")
        while uid in used_ids:
            uid = _ident(r, "U0")
        used_ids.add(uid)
        handle = real.lower().replace(" ", ".")
        n = 2
        while handle in used_handles:
            handle = f"{real.lower().replace(' ', '.')}{n}"
            n += 1
        used_handles.add(handle)
        return _User(uid, handle, real, display, r.choice(TIMEZONES), **kw)

    named = {
        "owner": new_user("Maya Lindqvist", "Maya (Acme)", is_admin=True, is_owner=True, email_domain=STAFF_DOMAIN),
        "mod": new_user("Ravi Menon", "Ravi | Acme mod", uid="U05MODRAVI", is_admin=True, email_domain=STAFF_DOMAIN),
        "support": new_user("Support Team", "Support Team", is_admin=True, email_domain=STAFF_DOMAIN),
        "impostor": new_user("Support  Team", "Acme Support Team"),
        "hothead": new_user("Brett Hollis", "brett"),
        "troll": new_user("Rex Varga", "rexv"),
        "edgy": new_user("Kyle Dorn", "kd"),
        "asker": new_user("Dana Kowalski", "dana", uid="U05ASKER01"),
        "newbie": new_user("Tom Abbot", "tom.a"),
        "dev": new_user("Lena Frost", "lena"),
        # An employee: demo-modbot.toml names the staff email domain.
        "leaker": new_user("Gus Harlan", "gus", email_domain=STAFF_DOMAIN),
        "spammer": new_user("Profit Pete", "pete.profits"),
        "seller": new_user("Marta Sowa", "marta"),
        "chatty": new_user("Liam Doyle", "liamd"),
    }
    crowd: list[_User] = []
    while len(crowd) < max(members - len(named), 10):
        real = f"{r.choice(FIRST)} {r.choice(LAST)}"
        display = r.choice((real.split()[0].lower(), real, "", real.split()[0] + real.split()[1][0]))
        crowd.append(new_user(real, display, deleted=r.random() < 0.02))
    bots = [
        new_user("Release Notes", "", is_bot=True, bot_id=_ident(r, "B0")),
        new_user("GitHub", "", is_bot=True, bot_id=_ident(r, "B0")),
    ]
    all_users = list(named.values()) + crowd + bots
    w.write("users.json", [u.to_json() for u in all_users])
    by_id = {u.id: u for u in all_users}
    active_crowd = [u for u in crowd if not u.deleted]
    crowd_ids = {u.id for u in crowd}
    staff = [named["owner"], named["mod"], named["support"]]

    # ----- conversations
    convs: list[_Conv] = []
    for name, kind, weight, topic, purpose in CHANNELS:
        c = _Conv(_ident(r, "C0"), name, kind, weight, topic, purpose)
        if kind == "private":
            c.members = [u.id for u in staff] + [u.id for u in r.sample(active_crowd, min(12, len(active_crowd)))]
            if name == "project-falcon":
                c.members.append(named["dev"].id)
        else:
            c.members = [u.id for u in all_users if not u.deleted and not u.is_bot]
        convs.append(c)
    pair = r.sample(active_crowd, 5)
    convs.append(_Conv(_ident(r, "D0"), "", "dm", 1, "", "", [pair[0].id, pair[1].id]))
    convs.append(_Conv(_ident(r, "C0"), f"mpdm-{pair[2].handle}--{pair[3].handle}--{pair[4].handle}-1",
                       "mpim", 1, "", "", [p.id for p in pair[2:]]))
    created = int(START.timestamp()) - 86400 * 200

    def conv_json(c: _Conv) -> dict:
        d = {"id": c.id, "created": created, "creator": named["owner"].id, "is_archived": False,
             "is_general": c.name == "general", "members": c.members,
             "topic": {"value": c.topic, "creator": named["owner"].id if c.topic else "", "last_set": created if c.topic else 0},
             "purpose": {"value": c.purpose, "creator": named["owner"].id if c.purpose else "", "last_set": created if c.purpose else 0}}
        if c.kind != "dm":
            d["name"] = c.name
        if c.kind == "dm":
            d = {"id": c.id, "created": created, "members": c.members}
        return d

    for fname, kind in (("channels.json", "public"), ("groups.json", "private"), ("mpims.json", "mpim"), ("dms.json", "dm")):
        w.write(fname, [conv_json(c) for c in convs if c.kind == kind])
    w.write("integration_logs.json", [])
    by_folder = {c.folder: c for c in convs}

    # ----- planted violations, placed by (folder, date)
    plants = _planted(r)
    plant_ts: list[str] = []
    pending: dict[tuple[str, str], list[dict]] = {}
    plant_msgs: list[dict] = []
    for i, p in enumerate(plants):
        author = named[p.author]
        hh, mm, ss = (int(x) for x in p.at.split(":"))
        day = START + timedelta(days=p.day)
        ts = f"{int(day.timestamp()) + hh * 3600 + mm * 60 + ss}.{100000 + i:06d}"
        plant_ts.append(ts)
        m = _message(author, p.text, ts)
        if p.edited:
            m["edited"] = {"user": author.id, "ts": f"{float(ts) + 95:.6f}"}
        if p.files:
            m["files"] = [_file(r, author, name, ts) for name in p.files]
        if p.thread_of is not None:
            parent_ts = plant_ts[p.thread_of]
            parent = plant_msgs[p.thread_of]
            m["thread_ts"] = parent_ts
            m["parent_user_id"] = parent["user"]
            _add_reply(parent, m)
        plant_msgs.append(m)
        pending.setdefault((p.channel, _date_of(ts)), []).append(m)

    # ----- the crowd talks
    total_weight = sum(c.weight for c in convs)
    said: set[tuple[str, str]] = set()
    unique = messages <= 50_000  # the uniqueness set is for the shipped sample
    emitted = len(plants)
    for d in range(days):
        day = START + timedelta(days=d)
        date = day.strftime("%Y-%m-%d")
        weekend = day.weekday() >= 5
        # Spread what is left over the days left, so the total lands close.
        per_day = max(messages - emitted, 0) / (days - d)
        n_day = per_day * (0.5 if weekend else 1.2) if d < days - 1 else per_day
        for c in convs:
            want = n_day * c.weight / total_weight
            k = int(want) + (1 if r.random() < want - int(want) else 0)
            day_msgs = pending.pop((c.folder, date), [])
            made = 0
            while made < k:
                made += _make_thread(r, c, day, date, by_id, named, crowd_ids, bots, said, unique, day_msgs, pending)
            emitted += made
            if day_msgs:
                day_msgs.sort(key=lambda m: float(m["ts"]))
                w.write(f"{c.folder}/{date}.json", day_msgs)
        if progress:
            progress(emitted)
    for (folder, date), msgs in sorted(pending.items()):
        msgs.sort(key=lambda m: float(m["ts"]))
        w.write(f"{folder}/{date}.json", msgs)
    w.close()

    planted = [
        {"channel": by_folder[p.channel].id, "channel_name": p.channel, "ts": plant_ts[i],
         "category": p.category, "expected": p.expected, "note": p.note}
        for i, p in enumerate(plants) if p.category != "none"
    ]
    summary = {
        "seed": seed, "messages": emitted, "members": len(all_users), "days": days,
        "clean_channels": [by_folder[c].id for c in CLEAN_CHANNELS],
        "clean_channel_names": list(CLEAN_CHANNELS),
        "planted": planted,
    }
    if manifest:
        Path(manifest).write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _make_thread(r, c: _Conv, day: datetime, date: str, by_id, named, crowd_ids, bots, said, unique,
                 day_msgs: list[dict], pending) -> int:
    """One top-level post (and maybe its thread); returns messages made."""
    sec = r.randint(6 * 3600, 23 * 3600 - 1)
    ts = _ts(day, sec, r)
    # Ordinary chatter comes from the crowd; the named actors only post what
    # the plant list gives them (an impostor's every post is a finding).
    pool = [by_id[m] for m in c.members if m in crowd_ids and not by_id[m].deleted]
    roll = r.random()
    if roll < 0.04 and c.kind in ("public", "private"):
        u = r.choice(pool)
        day_msgs.append({"type": "message", "subtype": "channel_join", "ts": ts, "user": u.id,
                         "text": f"<@{u.id}> has joined the channel"})
        return 1
    if c.name == "announcements":
        if roll < 0.6:
            bot = r.choice(bots)
            day_msgs.append({"type": "message", "subtype": "bot_message", "ts": ts, "bot_id": bot.bot_id,
                             "username": bot.real_name,
                             "text": f"Acme Cloud {r.randint(3, 5)}.{r.randint(0, 40)}.{r.randint(0, 9)} is out: "
                                     f"faster {r.choice(FEATURES)} and fixes for {r.choice(ERRORS)}. "
                                     f"<https://acme-cloud.example/changelog|Changelog>",
                             "icons": {"image_48": "https://avatars.slack-edge.com/bot_48.png"}})
            return 1
        u = r.choice((named["owner"], named["mod"], named["support"]))
        day_msgs.append(_message(u, _general(r), ts))
        return 1

    def say(u: _User, make: Callable[[], str]) -> str:
        for _ in range(20):
            text = make()
            if not unique or (u.id, text) not in said:
                break
        if unique:
            said.add((u.id, text))
        return text

    u = r.choice(pool)
    if c.name == "introductions":
        text = say(u, lambda: _intro(r, u.real_name))
    elif c.kind in ("dm", "mpim"):
        text = say(u, lambda: _dm(r))
    else:
        text = say(u, lambda: TEXTS[c.name](r))
    m = _message(u, text, ts)
    if r.random() < 0.05:
        m["edited"] = {"user": u.id, "ts": f"{float(ts) + r.randint(30, 900)}.000000"}
    if r.random() < 0.04:
        m["files"] = [_file(r, u, r.choice(("screenshot.png", "error.log", "config.yaml", "notes.md", "trace.txt")), ts)]
    day_msgs.append(m)
    made = 1
    thread_p = {"help": 0.85, "general": 0.3, "showcase": 0.4, "introductions": 0.5}.get(c.name, 0.15)
    if r.random() < thread_p:
        n = r.choice((1, 1, 2, 2, 3, 4, 6))
        t = float(ts)
        for _ in range(n):
            t += r.randint(60, 5 * 3600)
            rts = f"{int(t)}.{r.randint(0, 999999):06d}"
            ru = r.choice(pool)
            if c.name == "help":
                rtext = say(ru, lambda: _help_answer(r))
            elif c.name == "introductions":
                rtext = say(ru, lambda: _welcome(r, u.real_name))
            else:
                rtext = say(ru, lambda: TEXTS.get(c.name, _dm)(r))
            reply = _message(ru, rtext, rts)
            reply["thread_ts"] = ts
            reply["parent_user_id"] = u.id
            _add_reply(m, reply)
            rdate = _date_of(rts)
            if rdate == date:
                day_msgs.append(reply)
            else:
                pending.setdefault((c.folder, rdate), []).append(reply)
            made += 1
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a realistic Slack export (fixed seed).")
    ap.add_argument("out", help="the .zip to write, or a folder with --folder")
    ap.add_argument("--messages", type=int, default=3000)
    ap.add_argument("--members", type=int, default=300)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--folder", action="store_true", help="write an unpacked folder instead of a zip")
    ap.add_argument("--manifest", help="write the planted violations (JSON) here")
    a = ap.parse_args(argv)
    s = generate(a.out, messages=a.messages, members=a.members, days=a.days, seed=a.seed,
                 as_zip=not a.folder, manifest=a.manifest)
    print(f"wrote {a.out}: {s['messages']} messages, {s['members']} members, {len(s['planted'])} planted", file=sys.stderr)
    return 0
