"""The made-up community: its workspace, channels and members, and the JSON
shapes a Slack export gives them (users.json entries, a message, a file, a
thread's parent)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone

SEED = 20240301
START = datetime(2024, 2, 1, tzinfo=timezone.utc)
TEAM = "T05ACMECO1"
# Employees' email domain (experts.employee_email_domains in demo-modbot.toml).
STAFF_DOMAIN = "acme-cloud.example"
# Fixed zip entry time: the same seed gives the same bytes.
_ZIP_TIME = (2024, 5, 1, 0, 0, 0)

# (name, kind, weight, topic, purpose). Weight: share of the messages.
CHANNELS: tuple[tuple[str, str, int, str, str], ...] = (
    ("general", "public", 24, "Community news and chat about Acme Cloud",
     "This channel is for workspace-wide communication and announcements."),
    ("help", "public", 24, "Questions about using Acme Cloud: setup, billing, API, deploys, errors",
     "Ask the community and the Acme team for help."),
    ("announcements", "public", 3, "Release notes and events", "Official news from the Acme team."),
    ("random", "public", 14, "", "Non-work banter and water cooler conversation."),
    ("introductions", "public", 7, "Say hello!", "New here? Tell us who you are and what you build."),
    ("showcase", "public", 6, "Show what you built", "Projects, demos and write-ups from the community."),
    ("feedback", "public", 8, "", "Feature requests and product feedback."),
    ("staff-lounge", "private", 5, "", "Moderators and Acme staff."),
    ("project-falcon", "private", 5, "", "Beta programme for the Falcon deploy engine."),
)
CLEAN_CHANNELS: tuple[str, ...] = ("introductions", "showcase")


@dataclass
class _User:
    id: str
    handle: str
    real_name: str
    display_name: str
    tz: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    bot_id: str = ""
    email_domain: str = "members.acme-community.test"

    def to_json(self) -> dict:
        first, _, last = self.real_name.partition(" ")
        avatar = f"g{abs(hash_str(self.id)) % 16 ** 11:011x}"
        profile = {
            "title": "", "phone": "", "skype": "",
            "real_name": self.real_name, "real_name_normalized": self.real_name,
            "display_name": self.display_name, "display_name_normalized": self.display_name,
            "fields": None, "status_text": "", "status_emoji": "", "status_expiration": 0,
            "avatar_hash": avatar, "first_name": first, "last_name": last,
            "image_72": f"https://avatars.slack-edge.com/2024-01-01/{avatar}_72.png",
            "team": TEAM,
        }
        if not self.is_bot:
            profile["email"] = f"{self.handle}@{self.email_domain}"
        else:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id, "team_id": TEAM, "name": self.handle, "deleted": self.deleted,
            "color": "9f69e7", "real_name": self.real_name, "tz": self.tz, "tz_label": self.tz,
            "tz_offset": 0, "profile": profile, "is_admin": self.is_admin, "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner, "is_restricted": False, "is_ultra_restricted": False,
            "is_bot": self.is_bot, "is_app_user": False, "updated": 1704067200,
        }

    def message_profile(self) -> dict:
        first, _, _ = self.real_name.partition(" ")
        return {
            "avatar_hash": f"g{abs(hash_str(self.id)) % 16 ** 11:011x}", "image_72": "",
            "first_name": first, "real_name": self.real_name, "display_name": self.display_name,
            "team": TEAM, "name": self.handle, "is_restricted": False, "is_ultra_restricted": False,
        }


def hash_str(s: str) -> int:
    """A stable hash (str.__hash__ is salted per process)."""
    h = 0
    for ch in s:
        h = (h * 131 + ord(ch)) & 0xFFFFFFFFFFFF
    return h


@dataclass
class _Conv:
    id: str
    name: str
    kind: str
    weight: int
    topic: str
    purpose: str
    members: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return self.id if self.kind == "dm" else self.name


def _secret(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def _ident(r: random.Random, prefix: str) -> str:
    return prefix + _secret(r, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 10)


def _message(u: _User, text: str, ts: str) -> dict:
    return {"type": "message", "text": text, "user": u.id, "ts": ts, "team": TEAM,
            "user_team": TEAM, "source_team": TEAM, "user_profile": u.message_profile(),
            "blocks": [{"type": "rich_text", "block_id": f"b{ts[-5:]}",
                        "elements": [{"type": "rich_text_section",
                                      "elements": [{"type": "text", "text": text}]}]}]}


def _file(r: random.Random, u: _User, name: str, ts: str) -> dict:
    fid = _ident(r, "F0")
    ext = name.rsplit(".", 1)[-1]
    return {"id": fid, "created": int(float(ts)), "timestamp": int(float(ts)), "name": name, "title": name,
            "mimetype": "application/octet-stream" if ext == "exe" else f"text/{ext}", "filetype": ext,
            "pretty_type": ext.upper(), "user": u.id, "size": r.randint(800, 90000), "mode": "hosted",
            "is_external": False, "is_public": True,
            "url_private": f"https://files.slack.com/files-pri/{TEAM}-{fid}/{name}",
            "permalink": f"https://acme-community.slack.com/files/{u.id}/{fid}/{name}"}


def _add_reply(parent: dict, reply: dict) -> None:
    parent["thread_ts"] = parent["ts"]
    replies = parent.setdefault("replies", [])
    replies.append({"user": reply["user"], "ts": reply["ts"]})
    parent["reply_count"] = len(replies)
    users = sorted({x["user"] for x in replies})
    parent["reply_users"] = users
    parent["reply_users_count"] = len(users)
    parent["latest_reply"] = replies[-1]["ts"]
    parent["subscribed"] = False
