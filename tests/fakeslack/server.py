"""A local fake of Slack's Web API, with state and Slack's rules.

It answers like Slack: unknown methods, missing or unknown tokens, tokens
without the method's scope (scopes taken from manifest.yml) and missing
required arguments are refused with Slack's error codes, using the facts in
methods.json (a subset of slack-ruby/slack-api-ref, see its "source").
Everything it is asked is recorded in ``calls`` so tests assert on what the
app did, not on how. Socket Mode (apps.connections.open with the app-level
token, then a WebSocket) is in socket_mode.py, reached as ``fake.socket_mode``.

    with FakeSlack() as fake:
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import math
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

import yaml

from .payloads import user_object
from .socket_mode import SocketModeServer

HERE = Path(__file__).resolve().parent
DEFAULT_MANIFEST = HERE.parent.parent / "manifest.yml"
METHODS_FILE = HERE / "methods.json"

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# chat.postMessage to one channel: this many at once, then about one a second.
POST_BURST = 4

# Methods for app-level tokens (xapp-), with the scope each needs. methods.json
# lists no scope for them: it only knows bot and user scopes. Slack refuses an
# app-level token anywhere else, and any other token here.
APP_TOKEN_METHODS = {"apps.connections.open": "connections:write"}


def load_methods(path: Path = METHODS_FILE) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text())["methods"]


def load_manifest_scopes(path: Path) -> tuple[list[str], list[str]]:
    data = yaml.safe_load(Path(path).read_text()) or {}
    scopes = (data.get("oauth_config") or {}).get("scopes") or {}
    return list(scopes.get("bot") or []), list(scopes.get("user") or [])


class SlackError(Exception):
    """An ok:false answer; ``extra`` goes into the JSON body beside the error."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


# Block Kit's limits as Slack enforces them for surfaces (views): the block
# types a Home tab may hold, and the lengths Slack refuses past.
HOME_BLOCK_TYPES = {"actions", "context", "divider", "header", "image", "input", "rich_text", "section", "video"}
ELEMENT_TYPES = {"button", "overflow", "static_select", "users_select", "conversations_select",
                 "channels_select", "datepicker", "checkboxes", "radio_buttons", "image", "mrkdwn", "plain_text"}


def _block_kit_problem(blocks: list[dict[str, Any]], allowed: set[str]) -> str | None:
    """The first thing Slack would refuse in these blocks, as its
    invalid_blocks message says it, or None."""
    block_ids: set[str] = set()

    def text_obj(t: Any, where: str, limit: int, plain: bool = False) -> str | None:
        if not isinstance(t, dict) or t.get("type") not in (("plain_text",) if plain else ("plain_text", "mrkdwn")):
            return f"must be a {'plain_text' if plain else 'text'} object [json-pointer:{where}]"
        if not isinstance(t.get("text"), str) or not t["text"]:
            return f"must be more than 0 characters [json-pointer:{where}/text]"
        if len(t["text"]) > limit:
            return f"must be less than {limit + 1} characters [json-pointer:{where}/text]"
        return None

    for i, b in enumerate(blocks):
        at = f"/blocks/{i}"
        kind = b.get("type")
        if kind not in allowed:
            return f"unsupported type: {kind} [json-pointer:{at}/type]"
        bid = b.get("block_id")
        if bid is not None:
            if not isinstance(bid, str) or not 0 < len(bid) <= 255:
                return f"must be 1 to 255 characters [json-pointer:{at}/block_id]"
            if bid in block_ids:
                return f"block_id must be unique [json-pointer:{at}/block_id]"
            block_ids.add(bid)
        problem = None
        if kind == "header":
            problem = text_obj(b.get("text"), f"{at}/text", 150, plain=True)
        elif kind == "section":
            if "text" in b or not b.get("fields"):
                problem = text_obj(b.get("text"), f"{at}/text", 3000)
        elif kind in ("actions", "context"):
            elements = b.get("elements")
            limit = 25 if kind == "actions" else 10
            if not isinstance(elements, list) or not 0 < len(elements) <= limit:
                return f"must have 1 to {limit} elements [json-pointer:{at}/elements]"
            action_ids: set[str] = set()
            for j, e in enumerate(elements):
                where = f"{at}/elements/{j}"
                if not isinstance(e, dict) or e.get("type") not in ELEMENT_TYPES:
                    return f"unsupported element [json-pointer:{where}]"
                aid = e.get("action_id")
                if aid is not None:
                    if aid in action_ids:
                        return f"action_id must be unique in its block [json-pointer:{where}/action_id]"
                    action_ids.add(aid)
                if e["type"] == "button":
                    problem = text_obj(e.get("text"), f"{where}/text", 75, plain=True)
                    if problem is None and len(str(e.get("value", ""))) > 2000:
                        problem = f"must be less than 2001 characters [json-pointer:{where}/value]"
                if e["type"] == "overflow" and not 2 <= len(e.get("options") or []) <= 5:
                    problem = f"must have 2 to 5 options [json-pointer:{where}/options]"
                if problem:
                    return problem
        if problem:
            return problem
    return None


def _missing(field_name: str) -> SlackError:
    return SlackError("invalid_arguments",
                      response_metadata={"messages": [f"[ERROR] missing required field: {field_name}"]})


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    token_kind: str | None  # 'bot' | 'user' | 'app' | None
    ok: bool
    error: str | None
    status: int
    response: dict[str, Any] | None = field(default=None, repr=False)


@dataclass
class Token:
    token: str
    kind: str  # 'bot' | 'user' | 'app' (app-level, for Socket Mode)
    user_id: str
    scopes: list[str]


@dataclass
class _Fault:
    method: str
    status: int
    remaining: int
    retry_after: int | None = None
    seconds: float = 0.0  # for delays


class FakeSlack:
    """A threaded fake Slack Web API on 127.0.0.1, port chosen by the OS."""

    def __init__(
        self,
        manifest_path: str | Path | None = None,
        *,
        team_id: str = "T1",
        team_name: str = "modbot test",
        team_domain: str = "modbot-test",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        bot_token: str = "xoxb-test-bot",
        admin_user_id: str = "UADMIN",
        admin_token: str = "xoxp-test-admin",
        member_user_id: str | None = "UMEMBER",
        member_token: str | None = "xoxp-test-member",
        app_id: str = "A1",
        app_token: str = "xapp-1-A1-1-fakeslackapptoken",
        post_rate: float | None = 1.0,
        post_burst: int = POST_BURST,
        rate_clock: Callable[[], float] | None = None,
    ) -> None:
        self.methods = load_methods()
        self.manifest_path = Path(manifest_path) if manifest_path else DEFAULT_MANIFEST
        self.bot_scopes, self.user_scopes = load_manifest_scopes(self.manifest_path)
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.bot_token, self.admin_token, self.member_token = bot_token, admin_token, member_token
        self.app_token = app_token
        self.admin_user_id, self.member_user_id = admin_user_id, member_user_id

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._version = 0  # bumped on every change; wait_for sleeps until it moves
        self._last_ts = 1_700_000_000_000_000  # microseconds; message ts strings grow from here
        self._ids = itertools.count(1)

        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, Token] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # messages posted to interactions' response_url
        self.deleted: list[dict[str, Any]] = []  # messages removed by chat.delete
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self._view_events: list[tuple[str, str]] = []  # (method, view_id)
        self._triggers: dict[str, str] = {}  # trigger_id -> 'fresh' | 'used' | 'expired'
        self._dm_ids: dict[frozenset[str], str] = {}
        self._faults: list[_Fault] = []
        self._delays: list[_Fault] = []
        # Slack's per-channel limit on chat.postMessage: about one a second
        # with a short burst, then 429 with Retry-After. post_rate=None turns
        # it off; rate_clock lets a test count in its own (fake) time.
        self.post_rate, self.post_burst = post_rate, post_burst
        self.rate_clock: Callable[[], float] = rate_clock or time.monotonic
        self._post_buckets: dict[str, tuple[float, float]] = {}  # channel -> (tokens, when)

        self.add_user(bot_user_id, "modbot", real_name="modbot", is_bot=True, bot_id=bot_id)
        self.add_user(admin_user_id, "admin", real_name="Ada Admin", is_admin=True, email="admin@example.com")
        self.add_token(bot_token, "bot", bot_user_id)
        self.add_token(admin_token, "user", admin_user_id)
        self.add_token(app_token, "app", "")
        if member_user_id and member_token:
            self.add_user(member_user_id, "member", real_name="Mo Member", email="member@example.com")
            self.add_token(member_token, "user", member_user_id)

        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.socket_mode = SocketModeServer(self)  # listens once a URL is issued

    # ------------------------------------------------------------ lifecycle

    def start(self) -> "FakeSlack":
        handler = _make_handler(self)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fakeslack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases delayed answers
        self.socket_mode.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeSlack not started"
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # ------------------------------------------------------------ state setup

    def add_token(self, token: str, kind: str, user_id: str, scopes: list[str] | None = None) -> None:
        """Give ``user_id`` a token; scopes default to manifest.yml's for that kind
        (an app-level token, which belongs to no user, gets connections:write)."""
        if kind not in ("bot", "user", "app"):
            raise ValueError("kind must be 'bot', 'user' or 'app'")
        if scopes is None:
            scopes = {"bot": self.bot_scopes, "user": self.user_scopes, "app": ["connections:write"]}[kind]
        with self._lock:
            self.tokens[token] = Token(token, kind, user_id, list(scopes))

    def add_user(self, id: str, name: str, *, real_name: str = "", display_name: str = "",
                 email: str | None = None, title: str = "", company: str | None = None,
                 is_admin: bool = False, is_owner: bool = False, is_bot: bool = False,
                 deleted: bool = False, image: bool = True, tz: str = "Europe/London",
                 bot_id: str | None = None) -> dict[str, Any]:
        user = user_object(id, name, real_name=real_name, display_name=display_name, email=email, title=title,
                           company=company, is_admin=is_admin, is_owner=is_owner, is_bot=is_bot,
                           deleted=deleted, image=image, tz=tz, team=self.team_id, bot_id=bot_id)
        with self._cond:
            self.users[id] = user
            self._changed()
        return copy.deepcopy(user)

    def update_user(self, id: str, **profile_or_fields: Any) -> dict[str, Any]:
        """Change a user's top-level fields or profile fields; returns the new object."""
        with self._cond:
            user = self.users[id]
            for key, value in profile_or_fields.items():
                if key in user and key != "profile":
                    user[key] = value
                else:
                    user["profile"][key] = value
            self._changed()
            return copy.deepcopy(user)

    def add_channel(self, id: str, name: str, *, is_private: bool = False, members: list[str] = (),  # type: ignore[assignment]
                    is_general: bool = False, is_archived: bool = False, bot_member: bool = True,
                    shared: str = "") -> None:
        """``bot_member`` adds the bot to ``members`` (as if invited).
        ``shared``: "" (this workspace only), "org" (other workspaces of the
        same Enterprise Grid organisation), "ext" (Slack Connect with another
        organisation) or "pending_ext" (a Slack Connect invitation not yet
        accepted)."""
        assert shared in ("", "org", "ext", "pending_ext"), shared
        members = list(members)
        if bot_member and self.bot_user_id not in members:
            members.append(self.bot_user_id)
        with self._cond:
            self.channels[id] = {
                "id": id, "name": name, "is_private": is_private, "is_im": False, "is_mpim": False,
                "is_general": is_general, "is_archived": is_archived, "members": members, "messages": [],
                "created": 1_700_000_000, "creator": self.admin_user_id, "shared": shared,
            }
            self._changed()

    def add_usergroup(self, id: str, handle: str, users: list[str] = (), *, name: str | None = None,  # type: ignore[assignment]
                      description: str = "") -> None:
        with self._cond:
            self.usergroups[id] = {"id": id, "handle": handle, "name": name or handle,
                                   "description": description, "users": list(users)}
            self._changed()

    def next_ts(self) -> str:
        """A fresh message ts, greater than every ts the fake has seen."""
        with self._lock:
            self._last_ts += 100
            micros = self._last_ts
            return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _bump_ts(self, ts: str) -> None:
        # Keep generated ts greater than any explicitly given one.
        try:
            sec, _, frac = ts.partition(".")
            micros = int(sec) * 1_000_000 + int((frac + "000000")[:6])
        except ValueError:
            return
        with self._lock:
            self._last_ts = max(self._last_ts, micros)

    def add_message(self, channel: str, user: str, text: str, ts: str | None = None,
                    thread_ts: str | None = None, **fields: Any) -> str:
        """Put a message in a channel as if a member had posted it; returns its ts."""
        with self._cond:
            if ts is None:
                ts = self.next_ts()
            else:
                self._bump_ts(ts)
            if channel not in self.channels:
                raise KeyError(f"unknown channel {channel}; add_channel first")
            msg = {"type": "message", "user": user, "text": text, "ts": ts, "team": self.team_id, **fields}
            self._store_message(channel, msg, thread_ts)
            self._changed()
            return ts

    def new_trigger_id(self) -> str:
        """A trigger_id Slack would put in an interactivity payload; usable once."""
        with self._lock:
            tid = f"{next(self._ids)}.{self.team_id}.{abs(hash(time.monotonic_ns())) % 16**16:016x}"
            self._triggers[tid] = "fresh"
            return tid

    def expire_triggers(self) -> None:
        """Slack's trigger_ids live three seconds; make every unused one expire now."""
        with self._lock:
            for tid, state in self._triggers.items():
                if state == "fresh":
                    self._triggers[tid] = "expired"

    # ------------------------------------------------------------ faults

    def fail(self, method: str, status: int = 429, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ("*": any) with an HTTP error."""
        with self._lock:
            self._faults.append(_Fault(method, status, times, retry_after if status == 429 else None))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` answers to ``method`` for ``seconds`` (client timeouts)."""
        with self._lock:
            self._delays.append(_Fault(method, 200, times, seconds=seconds))

    def _take(self, faults: list[_Fault], method: str) -> _Fault | None:
        with self._lock:
            for f in faults:
                if f.remaining > 0 and f.method in (method, "*"):
                    f.remaining -= 1
                    return f
        return None

    # ------------------------------------------------------------ queries for tests

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(self, channel: str, *, include_replies: bool = True) -> list[dict[str, Any]]:
        """Messages in a channel (oldest first), copies."""
        with self._lock:
            ch = self.channels.get(channel)
            if ch is None:
                return []
            msgs = ch["messages"]
            if not include_replies:
                msgs = [m for m in msgs if m.get("thread_ts") in (None, m["ts"])]
            return copy.deepcopy(msgs)

    def dm_channel(self, user: str) -> str | None:
        with self._lock:
            return self._dm_ids.get(frozenset([user]))

    def dms(self, user: str) -> list[dict[str, Any]]:
        """Messages posted in the bot's DM with ``user``."""
        with self._lock:
            cid = self.dm_channel(user)
            return self.messages(cid) if cid else []

    def ephemerals(self, user: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy([e for e in self.ephemeral if user is None or e["user"] == user])

    def responded(self, response_url: str | None = None) -> list[dict[str, Any]]:
        """Messages posted to a response_url (all, or to the one given)."""
        path = "/hooks" + urllib.parse.urlsplit(response_url).path if response_url else None
        with self._lock:
            return copy.deepcopy([r for r in self.responses if path is None or r["path"] == path])

    def respond(self, path: str, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A POST to an interaction's response_url, as Slack answers it: a
        message with text or blocks, at most five times per URL."""
        with self._lock:
            parts = path.strip("/").split("/")
            if len(parts) != 5 or parts[0] != "hooks":
                return 404, {"ok": False, "error": "no_service"}
            if not args.get("text") and not args.get("blocks"):
                return 400, {"ok": False, "error": "no_text"}
            if len([r for r in self.responses if r["path"] == path]) >= 5:
                return 404, {"ok": False, "error": "used_url"}
            try:
                secret = parts[4] + "=" * (-len(parts[4]) % 4)
                whom = json.loads(base64.urlsafe_b64decode(secret))
            except (ValueError, TypeError):
                whom = {}
            entry = {"path": path, "text": args.get("text") or "", "blocks": args.get("blocks"),
                     "response_type": args.get("response_type") or "ephemeral",
                     "replace_original": args.get("replace_original")}
            self.responses.append(entry)
            if entry["response_type"] == "ephemeral" and whom.get("u"):
                # What the member sees: an ephemeral message where they clicked.
                self.ephemeral.append({"channel": whom.get("c") or None, "user": whom["u"], "text": entry["text"],
                                       "blocks": entry["blocks"], "thread_ts": None, "ts": self.next_ts(),
                                       "from": "response_url"})
            self._changed()
            return 200, {"ok": True}

    def views_opened(self) -> list[dict[str, Any]]:
        """Views opened with views.open, in order (current state of each)."""
        with self._lock:
            return copy.deepcopy([self.views[v] for m, v in self._view_events if m == "views.open"])

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self.views.get(view_id))

    def find_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            m = self._find(channel, ts)
            return copy.deepcopy(m) if m else None

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy, re-checking whenever the fake's
        state changes; returns its last value (falsy on timeout). The predicate
        runs without the fake's lock held, so it may itself call the fake."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                version = self._version
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return value
            with self._cond:
                if self._version == version:
                    self._cond.wait(min(remaining, 0.25))

    def clear_calls(self) -> None:
        """Forget recorded calls (state is kept), e.g. after a test's setup."""
        with self._lock:
            self.calls.clear()

    def _changed(self) -> None:
        # Caller holds the lock.
        self._version += 1
        self._cond.notify_all()

    # ------------------------------------------------------------ request handling

    def handle(self, method: str, args: dict[str, Any], auth_header: str | None,
               parse_error: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one Web API request: (HTTP status, JSON body, extra headers)."""
        token = None
        if auth_header and auth_header.lower().startswith("bearer "):
            token = auth_header[7:].strip()
        token = token or (args.get("token") if isinstance(args.get("token"), str) else None)
        args = {k: v for k, v in args.items() if k != "token"}
        tok = self.tokens.get(token) if token else None
        kind = tok.kind if tok else None

        delay = self._take(self._delays, method)
        if delay:
            self._stopping.wait(delay.seconds)

        headers: dict[str, str] = {}
        fault = self._take(self._faults, method)
        wait = self._over_post_rate(method, args, tok) if not fault else None
        if wait is not None:
            status = 429
            headers["Retry-After"] = str(max(1, math.ceil(wait)))
            body = {"ok": False, "error": "ratelimited"}
        elif fault:
            status = fault.status
            if status == 429:
                headers["Retry-After"] = str(fault.retry_after if fault.retry_after is not None else 1)
                body = {"ok": False, "error": "ratelimited"}
            else:
                body = {"ok": False, "error": "fatal_error" if status == 500 else "service_unavailable"}
        else:
            status = 200
            try:
                if parse_error:
                    raise SlackError(parse_error)
                body = self._dispatch(method, args, tok, token)
                if tok:
                    headers["X-OAuth-Scopes"] = ",".join(tok.scopes)
            except SlackError as err:
                body = {"ok": False, "error": err.error, **err.extra}
            except Exception as err:  # a bug in the fake must not kill the server
                body = {"ok": False, "error": "internal_error", "detail": repr(err)}
        with self._cond:
            self.calls.append(Call(method, _recordable(args), token, kind, bool(body.get("ok")),
                                   body.get("error"), status, body))
            self._changed()
        return status, body, headers

    def _over_post_rate(self, method: str, args: dict[str, Any], tok: Token | None) -> float | None:
        """Seconds until this channel may be posted to again, if it is over
        Slack's rate (a token bucket per channel); None if the post may go."""
        if method != "chat.postMessage" or not self.post_rate or tok is None:
            return None
        channel = str(args.get("channel") or "")
        now = self.rate_clock()
        with self._lock:
            tokens, then = self._post_buckets.get(channel, (float(self.post_burst), now))
            tokens = min(float(self.post_burst), tokens + max(0.0, now - then) * self.post_rate)
            if tokens < 1.0:
                self._post_buckets[channel] = (tokens, now)
                return (1.0 - tokens) / self.post_rate
            self._post_buckets[channel] = (tokens - 1.0, now)
            return None

    def _dispatch(self, method: str, args: dict[str, Any], tok: Token | None, token: str | None) -> dict[str, Any]:
        spec = self.methods.get(method)
        impl = getattr(self, "_m_" + method.replace(".", "_"), None)
        if spec is None or impl is None:
            raise SlackError("unknown_method")
        if not token:
            raise SlackError("not_authed")
        if tok is None:
            raise SlackError("invalid_auth")
        if (tok.kind == "app") != (method in APP_TOKEN_METHODS):
            raise SlackError("not_allowed_token_type")
        if tok.kind == "app" and APP_TOKEN_METHODS[method] not in tok.scopes:
            raise SlackError("missing_scope", needed=APP_TOKEN_METHODS[method], provided=",".join(tok.scopes))
        scope = spec.get("scope") or {}
        if scope:
            accepted = scope.get(tok.kind) or []
            if not accepted:
                raise SlackError("not_allowed_token_type")
            if not any(s in tok.scopes for s in accepted):
                raise SlackError("missing_scope", needed=",".join(accepted), provided=",".join(tok.scopes))
        for name in spec.get("required") or []:
            if args.get(name) in (None, ""):
                if method in ("chat.postMessage", "chat.postEphemeral") and name == "channel":
                    raise SlackError("channel_not_found")
                raise _missing(name)
        for name in ("blocks", "attachments", "view"):
            if isinstance(args.get(name), str):
                try:
                    args[name] = json.loads(args[name])
                except ValueError:
                    raise SlackError("invalid_blocks_format" if name == "blocks" else "invalid_arguments")
        with self._cond:
            result = impl(args, tok)
            self._changed()
        return {"ok": True, **result}

    # ------------------------------------------------------------ helpers

    def _store_message(self, channel: str, msg: dict[str, Any], thread_ts: str | None) -> None:
        ch = self.channels[channel]
        if thread_ts:
            msg["thread_ts"] = thread_ts
            parent = self._find(channel, thread_ts)
            if parent is not None:
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                if msg.get("user") and msg["user"] not in users:
                    users.append(msg["user"])
                parent["latest_reply"] = msg["ts"]
                msg["parent_user_id"] = parent.get("user")
        ch["messages"].append(msg)

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        ch = self.channels.get(channel)
        if ch is None:
            return None
        for m in ch["messages"]:
            if m["ts"] == ts:
                return m
        return None

    def _dm_for(self, users: list[str]) -> str:
        key = frozenset(users)
        cid = self._dm_ids.get(key)
        if cid is None:
            is_im = len(users) == 1
            cid = ("D" if is_im else "G") + f"{next(self._ids):08d}"
            self._dm_ids[key] = cid
            self.channels[cid] = {
                "id": cid, "name": "" if is_im else "mpdm-" + "--".join(sorted(users)) + "-1",
                "is_private": True, "is_im": is_im, "is_mpim": not is_im, "is_general": False,
                "is_archived": False, "members": sorted(set(users) | {self.bot_user_id}), "messages": [],
                "created": 1_700_000_000, "creator": self.bot_user_id, "user": users[0] if is_im else None,
            }
        return cid

    def _channel_for(self, tok: Token, channel: str, *, posting: bool = False) -> str:
        """Resolve a channel argument the way Slack does for this token."""
        if posting and channel[:1] in ("U", "W") and channel not in self.channels:
            user = self.users.get(channel)
            if user is None or tok.kind != "bot":
                raise SlackError("channel_not_found")
            return self._dm_for([channel])
        ch = self.channels.get(channel)
        if ch is None:
            raise SlackError("channel_not_found")
        member = tok.user_id in ch["members"]
        if (ch["is_private"] or ch["is_im"]) and not member:
            raise SlackError("channel_not_found")  # Slack hides private conversations
        if posting and not member:
            raise SlackError("not_in_channel")
        if posting and ch["is_archived"]:
            raise SlackError("is_archived")
        return channel

    def _check_blocks(self, args: dict[str, Any], limit: int = MAX_MESSAGE_BLOCKS) -> list[dict[str, Any]] | None:
        blocks = args.get("blocks")
        if blocks is None:
            return None
        if not isinstance(blocks, list) or any(not isinstance(b, dict) or not b.get("type") for b in blocks):
            raise SlackError("invalid_blocks",
                             response_metadata={"messages": ["[ERROR] each block needs a type"]})
        if len(blocks) > limit:
            raise SlackError("invalid_blocks",
                             response_metadata={"messages": [f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]"]})
        return blocks

    def _message_out(self, msg: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy(msg)

    def _page(self, items: list[Any], args: dict[str, Any], default_limit: int = 100) -> tuple[list[Any], str]:
        try:
            limit = int(args.get("limit") or default_limit)
        except (TypeError, ValueError):
            raise SlackError("invalid_limit")
        if limit <= 0:
            limit = default_limit
        limit = min(limit, 1000)
        start = 0
        cursor = args.get("cursor")
        if cursor:
            try:
                kind, _, n = base64.b64decode(str(cursor).encode(), validate=True).decode().partition(":")
                start = int(n)
                if kind != "next" or start < 0:
                    raise ValueError
            except ValueError:
                raise SlackError("invalid_cursor")
        page = items[start:start + limit]
        nxt = ""
        if start + limit < len(items):
            nxt = base64.b64encode(f"next:{start + limit}".encode()).decode()
        return page, nxt

    def _user_out(self, user: dict[str, Any], tok: Token) -> dict[str, Any]:
        out = copy.deepcopy(user)
        if "users:read.email" not in tok.scopes:
            out["profile"].pop("email", None)
        return out

    # ------------------------------------------------------------ methods

    def _m_auth_test(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        user = self.users.get(tok.user_id, {})
        out = {"url": f"https://{self.team_domain}.slack.com/", "team": self.team_name,
               "user": user.get("name", ""), "team_id": self.team_id, "user_id": tok.user_id,
               "is_enterprise_install": False}
        if tok.kind == "bot":
            out["bot_id"] = self.bot_id
        return out

    def _m_apps_connections_open(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        return {"url": self.socket_mode.issue_url()}

    def _m_team_info(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        return {"team": {"id": self.team_id, "name": self.team_name, "domain": self.team_domain,
                         "email_domain": "", "icon": {"image_default": True}}}

    def _m_chat_postMessage(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]), posting=True)
        blocks = self._check_blocks(args)
        text = args.get("text")
        if not text and not blocks and not args.get("attachments"):
            raise SlackError("no_text")
        msg: dict[str, Any] = {"type": "message", "user": tok.user_id, "text": text or "",
                               "ts": self.next_ts(), "team": self.team_id}
        if tok.kind == "bot":
            msg.update({"bot_id": self.bot_id, "app_id": self.app_id})
        if blocks is not None:
            msg["blocks"] = blocks
        if args.get("attachments"):
            msg["attachments"] = args["attachments"]
        if args.get("metadata"):
            msg["metadata"] = args["metadata"]
        thread_ts = args.get("thread_ts") or None
        if thread_ts and args.get("reply_broadcast") in (True, "true", "1"):
            msg["subtype"] = "thread_broadcast"  # shown in the channel too
        self._store_message(channel, msg, thread_ts)
        return {"channel": channel, "ts": msg["ts"], "message": self._message_out(msg)}

    def _m_chat_postEphemeral(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]), posting=True)
        user = str(args["user"])
        if user not in self.channels[channel]["members"]:
            raise SlackError("user_not_in_channel")
        blocks = self._check_blocks(args)
        if not args.get("text") and not blocks and not args.get("attachments"):
            raise SlackError("no_text")
        ts = self.next_ts()
        self.ephemeral.append({"channel": channel, "user": user, "text": args.get("text") or "",
                               "blocks": blocks, "thread_ts": args.get("thread_ts"), "ts": ts,
                               "from": tok.user_id})
        return {"message_ts": ts}

    def _m_chat_update(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        msg = self._find(channel, str(args["ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        if msg.get("user") != tok.user_id:
            raise SlackError("cant_update_message")
        blocks = self._check_blocks(args)
        if not args.get("text") and blocks is None and not args.get("attachments"):
            raise SlackError("no_text")
        if "text" in args:
            msg["text"] = args.get("text") or ""
        if blocks is not None:
            msg["blocks"] = blocks
        if args.get("attachments") is not None:
            msg["attachments"] = args["attachments"]
        msg["edited"] = {"user": tok.user_id, "ts": self.next_ts()}
        return {"channel": channel, "ts": msg["ts"], "text": msg["text"], "message": self._message_out(msg)}

    def _m_chat_delete(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = str(args["channel"])
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        msg = self._find(channel, str(args["ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        own = msg.get("user") == tok.user_id
        is_admin = tok.kind == "user" and self.users.get(tok.user_id, {}).get("is_admin", False)
        if not own and not is_admin:
            raise SlackError("cant_delete_message")
        self.channels[channel]["messages"].remove(msg)
        self.deleted.append({"channel": channel, "by": tok.user_id, "message": msg})
        return {"channel": channel, "ts": msg["ts"]}

    def _m_chat_getPermalink(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = str(args["channel"])
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        msg = self._find(channel, str(args["message_ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        url = f"https://{self.team_domain}.slack.com/archives/{channel}/p{msg['ts'].replace('.', '')}"
        if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
            url += f"?thread_ts={msg['thread_ts']}&cid={channel}"
        return {"channel": channel, "permalink": url}

    def _channel_out(self, ch: dict[str, Any], tok: Token, args: dict[str, Any]) -> dict[str, Any]:
        if ch["is_im"]:
            return {"id": ch["id"], "created": ch["created"], "is_im": True, "is_org_shared": False,
                    "user": ch["user"], "is_user_deleted": False, "priority": 0}
        out = {"id": ch["id"], "name": ch["name"], "is_channel": not ch["is_private"],
               "is_group": ch["is_private"] and not ch["is_mpim"], "is_im": False, "is_mpim": ch["is_mpim"],
               "is_private": ch["is_private"], "is_archived": ch["is_archived"], "is_general": ch["is_general"],
               "created": ch["created"], "creator": ch["creator"], "name_normalized": ch["name"],
               # As Slack reports sharing: is_shared for any other workspace,
               # is_ext_shared for another organisation (Slack Connect).
               "is_shared": ch.get("shared") in ("org", "ext"), "is_org_shared": ch.get("shared") == "org",
               "is_ext_shared": ch.get("shared") == "ext", "is_pending_ext_shared": ch.get("shared") == "pending_ext",
               "shared_team_ids": [self.team_id] + {"org": ["T0SAMEORG"], "ext": ["T0OTHERORG"]}.get(ch.get("shared"), []),
               "context_team_id": self.team_id,
               "is_member": tok.user_id in ch["members"],
               "topic": {"value": "", "creator": "", "last_set": 0},
               "purpose": {"value": "", "creator": "", "last_set": 0}}
        if str(args.get("include_num_members", "")).lower() in ("1", "true"):
            out["num_members"] = len(ch["members"])
        return out

    def _m_conversations_info(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        return {"channel": self._channel_out(self.channels[channel], tok, args)}

    def _m_conversations_members(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        page, nxt = self._page(list(self.channels[channel]["members"]), args)
        return {"members": page, "response_metadata": {"next_cursor": nxt}}

    def _m_conversations_open(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        if args.get("channel"):
            channel = self._channel_for(tok, str(args["channel"]))
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        users = args.get("users")
        if not users:
            raise SlackError("users_list_not_supplied")
        ids = [u.strip() for u in (users if isinstance(users, list) else str(users).split(",")) if u.strip()]
        ids = [u for u in ids if u != tok.user_id]
        if not ids:
            raise SlackError("not_enough_users")
        if len(ids) > 8:
            raise SlackError("too_many_users")
        for u in ids:
            if u not in self.users:
                raise SlackError("user_not_found")
            if self.users[u]["deleted"]:
                raise SlackError("user_disabled")
        existed = frozenset(ids) in self._dm_ids
        cid = self._dm_for(ids)
        out: dict[str, Any] = {"channel": {"id": cid}}
        if existed:
            out.update({"no_op": True, "already_open": True})
        if str(args.get("return_im", "")).lower() in ("1", "true"):
            out["channel"] = self._channel_out(self.channels[cid], tok, args)
        return out

    def _m_conversations_kick(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        ch = self.channels[channel]
        if ch["is_im"] or ch["is_mpim"]:
            raise SlackError("method_not_supported_for_channel_type")
        user = args.get("user")
        if not user or user not in self.users:
            raise SlackError("user_not_found")
        if user == tok.user_id:
            raise SlackError("cant_kick_self")
        if ch["is_general"]:
            raise SlackError("cant_kick_from_general")
        if tok.user_id not in ch["members"]:
            raise SlackError("not_in_channel")
        if user not in ch["members"]:
            raise SlackError("not_in_channel")
        target = self.users[user]
        if target.get("is_admin") or target.get("is_owner"):
            raise SlackError("restricted_action")  # simplification: admins cannot be kicked by the app
        ch["members"].remove(user)
        return {"errors": {}}

    def _m_conversations_join(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        ch = self.channels.get(str(args["channel"]))
        if ch is None:
            raise SlackError("channel_not_found")
        if ch["is_private"]:
            raise SlackError("method_not_supported_for_channel_type")
        if ch["is_archived"]:
            raise SlackError("is_archived")
        out: dict[str, Any] = {}
        if tok.user_id in ch["members"]:
            out["warning"] = "already_in_channel"
        else:
            ch["members"].append(tok.user_id)
        out["channel"] = self._channel_out(ch, tok, args)
        return out

    def _history_window(self, msgs: list[dict[str, Any]], args: dict[str, Any]) -> list[dict[str, Any]]:
        def f(ts: str) -> float:
            return float(ts)
        try:
            oldest = f(str(args["oldest"])) if args.get("oldest") else None
        except ValueError:
            raise SlackError("invalid_ts_oldest")
        try:
            latest = f(str(args["latest"])) if args.get("latest") else None
        except ValueError:
            raise SlackError("invalid_ts_latest")
        inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")
        out = []
        for m in msgs:
            t = f(m["ts"])
            if oldest is not None and (t < oldest or (t == oldest and not inclusive)):
                continue
            if latest is not None and (t > latest or (t == latest and not inclusive)):
                continue
            out.append(m)
        return out

    def _m_conversations_history(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        ch = self.channels[channel]
        if tok.user_id not in ch["members"]:
            raise SlackError("not_in_channel")
        top = [m for m in ch["messages"] if m.get("thread_ts") in (None, m["ts"])]
        msgs = list(reversed(self._history_window(top, args)))  # newest first, like Slack
        page, nxt = self._page(msgs, args)
        return {"messages": copy.deepcopy(page), "has_more": bool(nxt), "pin_count": 0,
                "response_metadata": {"next_cursor": nxt}}

    def _m_conversations_replies(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        ts = str(args["ts"])
        parent = self._find(channel, ts)
        if parent is None:
            raise SlackError("thread_not_found")
        root = parent.get("thread_ts") or ts
        thread = [m for m in self.channels[channel]["messages"] if m["ts"] == root or m.get("thread_ts") == root]
        page, nxt = self._page(self._history_window(thread, args), args, default_limit=1000)
        return {"messages": copy.deepcopy(page), "has_more": bool(nxt),
                "response_metadata": {"next_cursor": nxt}}

    def _m_users_info(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        user = self.users.get(str(args["user"]))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": self._user_out(user, tok)}

    def _m_users_list(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        users = [self._user_out(u, tok) for u in self.users.values()]
        page, nxt = self._page(users, args, default_limit=100)
        return {"members": page, "cache_ts": 1_700_000_000, "response_metadata": {"next_cursor": nxt}}

    def _usergroup_out(self, g: dict[str, Any], include_users: bool) -> dict[str, Any]:
        out = {"id": g["id"], "team_id": self.team_id, "is_usergroup": True, "is_subteam": True,
               "name": g["name"], "description": g["description"], "handle": g["handle"],
               "is_external": False, "date_create": 1_700_000_000, "date_update": 1_700_000_000,
               "date_delete": 0, "auto_type": None, "created_by": self.admin_user_id,
               "updated_by": self.admin_user_id, "deleted_by": None,
               "prefs": {"channels": [], "groups": []}, "user_count": len(g["users"])}
        if include_users:
            out["users"] = list(g["users"])
        return out

    def _m_usergroups_list(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        include = str(args.get("include_users", "")).lower() in ("1", "true")
        return {"usergroups": [self._usergroup_out(g, include) for g in self.usergroups.values()]}

    def _m_usergroups_users_list(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        g = self.usergroups.get(str(args["usergroup"]))
        if g is None:
            raise SlackError("no_such_subteam")
        return {"users": list(g["users"])}

    def _m_usergroups_users_update(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        g = self.usergroups.get(str(args["usergroup"]))
        if g is None:
            raise SlackError("no_such_subteam")
        raw = args.get("users")
        ids = [u.strip() for u in (raw if isinstance(raw, list) else str(raw or "").split(",")) if u.strip()]
        if not ids:
            raise SlackError("no_users_provided")
        if any(u not in self.users for u in ids):
            raise SlackError("invalid_users")
        g["users"] = list(dict.fromkeys(ids))
        return {"usergroup": self._usergroup_out(g, True)}

    # views

    def _check_view(self, view: Any, *, home: bool = False) -> dict[str, Any]:
        if not isinstance(view, dict):
            raise _missing("view")
        for key in ("type", "blocks") if home else ("type", "title", "blocks"):
            if key not in view:
                raise _missing(f"view.{key}" if key != "type" else "type")
        if view["type"] != ("home" if home else "modal"):
            raise SlackError("invalid_arguments",
                             response_metadata={"messages": [f"[ERROR] unsupported type: {view['type']}"]})
        self._check_blocks({"blocks": view["blocks"]}, limit=MAX_VIEW_BLOCKS)
        if home:
            problem = _block_kit_problem(view["blocks"], HOME_BLOCK_TYPES)
            if problem:
                raise SlackError("invalid_blocks", response_metadata={"messages": [f"[ERROR] {problem}"]})
        return view

    def _use_trigger(self, args: dict[str, Any]) -> None:
        tid = args.get("trigger_id") or args.get("interactivity_pointer")
        if not tid:
            raise _missing("trigger_id")
        state = self._triggers.get(str(tid))
        if state is None:
            raise SlackError("invalid_trigger_id")
        if state == "used":
            raise SlackError("exchanged_trigger_id")
        if state == "expired":
            raise SlackError("expired_trigger_id")
        self._triggers[str(tid)] = "used"

    def _store_view(self, view: dict[str, Any], *, view_id: str | None = None,
                    previous: dict[str, Any] | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {
            "id": view_id, "team_id": self.team_id, "type": view["type"], "blocks": view["blocks"],
            "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
            "state": {"values": {}}, "hash": f"{self.next_ts()}.h{next(self._ids)}",
            "title": view.get("title"), "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)), "close": view.get("close"),
            "submit": view.get("submit"), "previous_view_id": previous["id"] if previous else None,
            "root_view_id": previous["root_view_id"] if previous else view_id, "app_id": self.app_id,
            "external_id": view.get("external_id", ""), "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if stored["external_id"]:
            for other in self.views.values():
                if other["external_id"] == stored["external_id"] and other["id"] != view_id:
                    raise SlackError("duplicate_external_id")
        self.views[view_id] = stored
        return stored

    def _m_views_open(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        view = self._check_view(args.get("view"))
        self._use_trigger(args)
        stored = self._store_view(view)
        self._view_events.append(("views.open", stored["id"]))
        return {"view": copy.deepcopy(stored)}

    def _m_views_push(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        view = self._check_view(args.get("view"))
        self._use_trigger(args)
        previous = self.views[self._view_events[-1][1]] if self._view_events else None
        stored = self._store_view(view, previous=previous)
        self._view_events.append(("views.push", stored["id"]))
        return {"view": copy.deepcopy(stored)}

    def _m_views_update(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        view = self._check_view(args.get("view"))
        current = None
        if args.get("view_id"):
            current = self.views.get(str(args["view_id"]))
        elif args.get("external_id"):
            current = next((v for v in self.views.values() if v["external_id"] == args["external_id"]), None)
        else:
            raise _missing("view_id")
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        prev = self.views.get(current["previous_view_id"]) if current["previous_view_id"] else None
        stored = self._store_view(view, view_id=current["id"], previous=prev)
        self._view_events.append(("views.update", stored["id"]))
        return {"view": copy.deepcopy(stored)}

    def _m_views_publish(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        if tok.kind != "bot":
            raise SlackError("not_allowed_token_type")
        view = self._check_view(args.get("view"), home=True)
        user = str(args["user_id"])
        if user not in self.users:
            raise SlackError("missing_profile_id")
        current = self.home_views.get(user)
        if current and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        stored = self._store_view(view, view_id=current["id"] if current else None)
        self.home_views[user] = stored
        self._view_events.append(("views.publish", stored["id"]))
        return {"view": copy.deepcopy(stored)}

    def _m_reactions_add(self, args: dict[str, Any], tok: Token) -> dict[str, Any]:
        channel = self._channel_for(tok, str(args["channel"]))
        msg = self._find(channel, str(args["timestamp"]))
        if msg is None:
            raise SlackError("message_not_found")
        reactions = msg.setdefault("reactions", [])
        for r in reactions:
            if r["name"] == args["name"]:
                if tok.user_id in r["users"]:
                    raise SlackError("already_reacted")
                r["users"].append(tok.user_id)
                r["count"] += 1
                return {}
        reactions.append({"name": args["name"], "users": [tok.user_id], "count": 1})
        return {}


def _recordable(args: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(args)


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeSlack/1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output (and tokens) quiet
            pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            try:
                parsed = urllib.parse.urlsplit(self.path)
                if parsed.path.startswith("/hooks/") and self.command == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    try:
                        data = json.loads(self.rfile.read(length).decode("utf-8")) if length > 0 else {}
                    except (ValueError, UnicodeDecodeError):
                        data = None
                    if not isinstance(data, dict):
                        self._send(400, {"ok": False, "error": "invalid_payload"}, {})
                        return
                    status, body = fake.respond(parsed.path, data)
                    self._send(status, body, {})
                    return
                if not parsed.path.startswith("/api/"):
                    self._send(404, {"ok": False, "error": "not_found"}, {})
                    return
                method = parsed.path[len("/api/"):].strip("/")
                args: dict[str, Any] = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length > 0 else b""
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                parse_error = None
                if raw:
                    if ctype == "application/json":
                        try:
                            data = json.loads(raw.decode("utf-8"))
                            if not isinstance(data, dict):
                                raise ValueError("not an object")
                            args.update(data)
                        except (ValueError, UnicodeDecodeError):
                            parse_error = "invalid_json"
                    else:
                        try:
                            form = urllib.parse.parse_qs(raw.decode("utf-8"), keep_blank_values=True)
                            args.update({k: v[-1] for k, v in form.items()})
                        except UnicodeDecodeError:
                            parse_error = "invalid_form_data"
                status, body, headers = fake.handle(method, args, self.headers.get("Authorization"), parse_error)
                self._send(status, body, headers)
            except Exception as err:  # never let a malformed request take the server down
                try:
                    self._send(500, {"ok": False, "error": "internal_error", "detail": repr(err)}, {})
                except Exception:
                    pass

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    return Handler
