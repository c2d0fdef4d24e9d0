"""Reading a standard Slack export, a .zip or an unpacked folder, a day at a time.

An export holds users.json, channels.json (and groups.json, mpims.json,
dms.json in a full export) and one folder per conversation with one JSON
array of messages per day: ``general/2024-03-01.json``. Public and private
channels and group DMs are foldered by name, DMs by conversation id
(Slack help: "How to read Slack data exports").

Nothing here holds the whole export: the metadata files are small, and a day
file is opened only when asked for. A file that cannot be read is reported as
a `Problem` (file and reason) and the caller carries on.

An export may be hostile. Every read is bounded (`ExportLimits`: bytes per
file, declared and actually read, and in all); symbolic links, devices and
pipes, and paths that would leave the export are never read, only reported
(the bounded reads are in sources.py).
"""
from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from policies.slacktext import mend_surrogates

# MB, ExportLimits and _Source are imported from here too (bot/commands/audit.py, bench/fuzz.py).
from .sources import (  # noqa: F401
    MB, ExportError, ExportLimits, RefusedFile, _amount, _open_source, _Source, _too_large,
)

# (file name, conversation kind) in the order Slack documents them.
CONVERSATION_FILES: tuple[tuple[str, str], ...] = (
    ("channels.json", "public"),
    ("groups.json", "private"),
    ("mpims.json", "mpim"),
    ("dms.json", "dm"),
)
USER_FILES: tuple[str, ...] = ("users.json", "org_users.json")
_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


class DayFileError(Exception):
    """One day file could not be read; `reason` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str  # the handle (users.json "name")
    display_name: str
    real_name: str
    email: str = ""  # only to tell employees by domain; never reported
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.real_name or self.name or self.id


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    name: str
    kind: str  # "public" | "private" | "mpim" | "dm"
    folder: str
    topic: str = ""
    purpose: str = ""


@dataclass(frozen=True, slots=True)
class DayFile:
    folder: str
    date: str  # YYYY-MM-DD, from the file name
    path: str  # inside the export (posix, relative to the export root)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    reason: str


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"


def _loads(raw: bytes):
    """JSON from a file of the export. JSON can spell half of a surrogate
    pair on its own ("\\ud800"), which is not Unicode: the report, its
    database and the models would all fail on it. Each is shown as U+FFFD
    (one character for one, so offsets into a text still hold). Only a file
    that spells a surrogate escape is walked."""
    data = json.loads(raw)
    if b"\\ud" not in raw and b"\\uD" not in raw:
        return data
    stack = [data]
    while stack:  # no recursion: JSON may nest as deep as the decoder allows
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(items):
            if isinstance(value, str):
                node[key] = mend_surrogates(value)
            elif isinstance(value, (dict, list)):
                stack.append(value)
            if isinstance(node, dict) and isinstance(key, str) and mend_surrogates(key) != key:
                node[mend_surrogates(key)] = node.pop(key)
    return mend_surrogates(data) if isinstance(data, str) else data


class SlackExport:
    """The export's members and conversations, and its day files on demand.

    `problems` collects every file that was skipped, with the reason.
    """

    def __init__(self, path: str | os.PathLike, *, limits: ExportLimits = ExportLimits()):
        self.path = Path(path)
        self.limits = limits
        self._source = _open_source(self.path)
        self.problems: list[Problem] = []
        names = list(self._source.names())
        self.problems += [Problem(name, why) for name, why in self._source.skipped]
        self._prefix = self._find_root(names)
        # Files at the export's top level (users.json, channels.json ...).
        self._present = {r for r in (self._rel(n) for n in names) if r and "/" not in r}
        self.members: dict[str, Member] = {}
        self.conversations: dict[str, Conversation] = {}  # by folder
        self._load_members()
        self._load_conversations()
        self.day_files: list[DayFile] = self._find_day_files(names)
        if not self.day_files and not self.conversations and not self.members:
            self.close()
            raise ExportError(f"{self.path}: no Slack export found (no users.json, channels.json or day files)")

    # ------------------------------------------------------------ layout
    @staticmethod
    def _find_root(names: list[str]) -> str:
        """The folder holding channels.json: "" for a plain export, or the one
        folder a re-zipped export was wrapped in."""
        best: str | None = None
        for n in names:
            p = PurePosixPath(n)
            if p.name in ("channels.json", "users.json"):
                prefix = "" if str(p.parent) == "." else str(p.parent) + "/"
                if best is None or len(prefix) < len(best):
                    best = prefix
        return best or ""

    def _rel(self, name: str) -> str | None:
        if not name.startswith(self._prefix):
            return None
        return name[len(self._prefix):]

    def _read_json(self, rel: str):
        return _loads(self._source.read(self._prefix + rel, self.limits.max_file_bytes))

    def _read_metadata_list(self, rel: str, present: set[str]) -> list[dict]:
        if rel not in present:
            return []
        try:
            data = self._read_json(rel)
        except json.JSONDecodeError as exc:
            self.problems.append(Problem(rel, _json_error(exc) + "; its entries are ignored"))
            return []
        except RefusedFile as exc:
            self.problems.append(Problem(rel, f"{exc}; its entries are ignored"))
            return []
        except (OSError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, RecursionError) as exc:
            self.problems.append(Problem(rel, f"unreadable ({exc}); its entries are ignored"))
            return []
        if not isinstance(data, list):
            self.problems.append(Problem(rel, "expected a JSON array; its entries are ignored"))
            return []
        return [d for d in data if isinstance(d, dict)]

    def _load_members(self) -> None:
        present = self._present
        for fname in USER_FILES:
            for u in self._read_metadata_list(fname, present):
                uid = u.get("id")
                if not isinstance(uid, str):
                    continue
                profile = u.get("profile") if isinstance(u.get("profile"), dict) else {}
                self.members[uid] = Member(
                    id=uid,
                    name=str(u.get("name") or ""),
                    display_name=str(profile.get("display_name") or ""),
                    real_name=str(u.get("real_name") or profile.get("real_name") or ""),
                    email=str(profile.get("email") or ""),
                    is_admin=bool(u.get("is_admin")),
                    is_owner=bool(u.get("is_owner") or u.get("is_primary_owner")),
                    is_bot=bool(u.get("is_bot")),
                    deleted=bool(u.get("deleted")),
                )

    def _load_conversations(self) -> None:
        present = self._present
        for fname, kind in CONVERSATION_FILES:
            for c in self._read_metadata_list(fname, present):
                cid = c.get("id")
                if not isinstance(cid, str):
                    continue
                name = str(c.get("name") or "")
                # DMs have no name: their folder is the conversation id.
                folder = name if kind != "dm" and name else cid
                topic = c.get("topic") if isinstance(c.get("topic"), dict) else {}
                purpose = c.get("purpose") if isinstance(c.get("purpose"), dict) else {}
                self.conversations[folder] = Conversation(
                    id=cid,
                    name=name or cid,
                    kind=kind,
                    folder=folder,
                    topic=str(topic.get("value") or ""),
                    purpose=str(purpose.get("value") or ""),
                )

    def _find_day_files(self, names: list[str]) -> list[DayFile]:
        days: list[DayFile] = []
        unknown: set[str] = set()
        total = 0
        # In name order, so the same files are left out on every run.
        for n in sorted(names):
            rel = self._rel(n)
            if rel is None:
                continue
            parts = rel.split("/")
            if len(parts) != 2:
                continue  # metadata at the top, attachments deeper down
            folder, fname = parts
            m = _DAY_FILE.match(fname)
            if not m:
                continue
            if folder not in self.conversations:
                unknown.add(folder)
            day = DayFile(folder=folder, date=m.group(1), path=rel)
            size = self._source.size(n)
            if size > self.limits.max_file_bytes:
                self.problems.append(Problem(rel, str(_too_large(size, self.limits.max_file_bytes)) + ", skipped"))
                continue
            if total + size > self.limits.max_total_bytes:
                self.problems.append(Problem(rel, f"over the limit of {_amount(self.limits.max_total_bytes)} "
                                             "for the whole export (--max-total-mb); skipped"))
                continue
            total += size
            days.append(day)
        for folder in sorted(unknown):
            # Still audited, under its folder name: losing messages is worse.
            self.problems.append(
                Problem(folder + "/", "folder not listed in channels.json/groups.json/mpims.json/dms.json; "
                        "audited under its folder name")
            )
            self.conversations[folder] = Conversation(id=folder, name=folder, kind="unknown", folder=folder)
        days.sort(key=lambda d: (d.date, d.folder))
        return days

    # ------------------------------------------------------------ messages
    def read_day(self, day: DayFile) -> list[dict]:
        """The messages of one day file; raises DayFileError with the reason."""
        try:
            raw = self._source.read(self._prefix + day.path, self.limits.max_file_bytes)
        except RefusedFile as exc:
            raise DayFileError(str(exc)) from None
        except (OSError, zipfile.BadZipFile, KeyError, EOFError) as exc:
            raise DayFileError(f"unreadable ({exc})") from None
        try:
            data = _loads(raw)
        except json.JSONDecodeError as exc:
            raise DayFileError(_json_error(exc)) from None
        except UnicodeDecodeError as exc:
            raise DayFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except RecursionError:
            raise DayFileError("JSON nested too deeply to read") from None
        except ValueError as exc:  # valid JSON Python will not read: an integer of 5,000 digits
            raise DayFileError(f"not readable JSON ({exc})") from None
        if not isinstance(data, list):
            raise DayFileError(f"expected a JSON array of messages, found a JSON {type(data).__name__}")
        return data

    def size_of(self, day: DayFile) -> int:
        """Uncompressed bytes of a day file, for planning work."""
        return self._source.size(self._prefix + day.path)

    def conversation(self, folder: str) -> Conversation:
        return self.conversations[folder]

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> "SlackExport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
