"""The one place that calls Slack's Web API.

Two ways to call:
- `call(...)`: now, for what must happen inside Slack's 3 seconds (opening a
  modal, an ephemeral reply). slack-sdk's retry handlers absorb a 429 (after
  Retry-After), a 5xx and a dropped connection.
- `enqueue(...)`: for side effects that must happen exactly once (posting a
  case card, removing a message, a warning DM). The intent is written to the
  outbox first; `drain()` (a worker thread, at start-up and on a schedule)
  makes the call and records the outcome. A call whose outcome was never
  recorded (the process died mid-call) is reconciled before it is retried;
  what follows an outcome (recording the card's ts...) is owed from the moment
  the outcome is recorded, and runs at the next start if the process died
  first.

Tokens: 'bot' is SLACK_BOT_TOKEN; 'admin' is SLACK_ADMIN_TOKEN and is only
allowed for the methods listed with it in METHODS (least privilege; a test
checks the manifest scopes against this table).
"""
from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.faults import crash_point
from bot.slack.effects import USUAL_CHECK, Effect, EffectHandler
from storage import Store
from storage import outbox as outbox_db

log = logging.getLogger("modbot.gateway")

# method -> token kinds allowed to call it
METHODS: dict[str, tuple[str, ...]] = {
    "auth.test": ("bot", "admin"),
    "chat.postMessage": ("bot",),
    "chat.postEphemeral": ("bot",),
    "chat.update": ("bot",),
    "chat.delete": ("bot", "admin"),
    "chat.getPermalink": ("bot",),
    "conversations.members": ("bot",),
    "conversations.open": ("bot",),
    "conversations.info": ("bot",),
    "conversations.history": ("bot",),
    "conversations.replies": ("bot",),
    "conversations.kick": ("bot",),
    "users.info": ("bot",),
    "users.list": ("bot",),
    "usergroups.list": ("bot",),
    "usergroups.users.list": ("bot",),
    "usergroups.users.update": ("bot",),
    "views.open": ("bot",),
    "views.push": ("bot",),
    "views.update": ("bot",),
    "views.publish": ("bot",),
}

# Arguments Slack requires of each method (from Slack's method reference;
# tests/unit/test_gateway_required.py checks this against it). A call without
# one is refused here, before it reaches Slack.
REQUIRED: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("channel",),
    "chat.postEphemeral": ("channel", "user"),
    "chat.update": ("channel", "ts"),
    "chat.delete": ("channel", "ts"),
    "chat.getPermalink": ("channel", "message_ts"),
    "conversations.members": ("channel",),
    "conversations.info": ("channel",),
    "conversations.history": ("channel",),
    "conversations.replies": ("channel", "ts"),
    "conversations.kick": ("channel",),
    "users.info": ("user",),
    "usergroups.users.list": ("usergroup",),
    "usergroups.users.update": ("usergroup", "users"),
    "views.open": ("view",),  # and a trigger_id or interactivity_pointer
    "views.push": ("view",),
    "views.update": ("view",),
    "views.publish": ("user_id", "view"),
}

# Errors that mean "already done" when an outbox call is repeated.
ALREADY_DONE = {
    "chat.delete": {"message_not_found"},
    "conversations.kick": {"not_in_channel"},
}
# Errors worth trying again later; anything else is final.
TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "http_error"}

# Seconds between outbox attempts; the last repeats. Twelve attempts span
# about two hours; then the call is marked failed and the case card offers
# Retry (nothing is dropped: the row stays in the outbox).
RETRY_DELAYS = (5, 15, 60, 300, 900)
MAX_OUTBOX_ATTEMPTS = 12
OUTBOX_EVENT = "modbot_outbox"


def is_transient(error: str | None) -> bool:
    """Would trying again later plausibly work (rate limit, outage, timeout)?"""
    if not error:
        return False
    return (error in TRANSIENT or error.startswith(("http_5", "connection_error")) or error == "http_429")


# Slack posts about one message per second per channel (short bursts
# allowed). After a 429 for a channel the gateway keeps its own posts to that
# channel this far apart for PACE_FOR seconds, so the queue, most urgent
# first, goes out at Slack's rate rather than being refused.
POST_INTERVAL = 1.0
PACE_FOR = 120.0


class GatewayError(Exception):
    def __init__(self, method: str, error: str, *, transient: bool = False, retry_after: float | None = None):
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.transient = transient
        self.retry_after = retry_after  # seconds Slack asked us to wait (a 429's Retry-After)


def _retry_after(response) -> float | None:
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


@dataclass
class _Pace:
    next_free: float  # when the next post to the channel may go
    until: float  # pacing ends (no 429 since)


@dataclass(frozen=True)
class Outcome:
    item: outbox_db.OutboxItem
    ok: bool
    result: dict | None
    error: str | None
    final: bool


def make_client(token: str | None, base_url: str, *, timeout: int = 10, retries: int = 2) -> WebClient:
    handlers = [
        RateLimitErrorRetryHandler(max_retry_count=retries),
        ServerErrorRetryHandler(max_retry_count=retries),
        ConnectionErrorRetryHandler(max_retry_count=retries),
    ]
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)


class SlackGateway:
    def __init__(
        self,
        *,
        bot_client: WebClient,
        admin_client: WebClient | None,
        store: Store,
        clock: Clock | None = None,
        pace_clock: Callable[[], float] | None = None,
    ):
        self.bot_client = bot_client
        self.admin_client = admin_client
        self.store = store
        self.clock = clock or SystemClock()
        self._effects: EffectHandler | None = None
        self.wake = threading.Event()
        self._drain_lock = threading.Lock()
        self._paced: dict[str, _Pace] = {}  # channel -> its posting pace, after a 429 (drainer only)
        # Rate limits are in real seconds, whatever the clock the records use.
        self._pace_now: Callable[[], float] = pace_clock or time.monotonic
        # The outbox's posts are not retried in place on a 429 (slack-sdk would
        # sleep, holding back a more urgent post to another channel): the
        # drainer waits per channel and sends the most urgent first.
        self._outbox_bot_client = WebClient(
            token=bot_client.token, base_url=bot_client.base_url, timeout=bot_client.timeout,
            retry_handlers=[h for h in bot_client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)])

    @property
    def has_admin(self) -> bool:
        return self.admin_client is not None

    @property
    def draining(self) -> bool:
        """True while a drain pass runs (its result handlers may still queue
        follow-up calls)."""
        return self._drain_lock.locked()

    # -- direct calls -------------------------------------------------------
    def call(self, method: str, *, token: str = "bot", **args: Any) -> dict:
        return self._call(method, token=token, client=self.bot_client if token == "bot" else self.admin_client, **args)

    def _call(self, method: str, *, token: str, client: WebClient | None, **args: Any) -> dict:
        allowed = METHODS.get(method)
        if allowed is None or token not in allowed:
            raise GatewayError(method, f"not_allowed_for_{token}_token")
        if client is None:
            raise GatewayError(method, "no_admin_token")
        args = {k: v for k, v in args.items() if v is not None}
        missing = [name for name in REQUIRED.get(method, ()) if args.get(name) in (None, "")]
        if missing:
            # A bug or a hostile payload upstream: never ask Slack with an argument we do not have.
            log.warning("refused to call %s without %s", method, ", ".join(missing))
            raise GatewayError(method, f"missing_argument:{missing[0]}")
        with metrics.slack_call(method):
            try:
                if method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "views.open", "views.push",
                              "views.update", "views.publish"):
                    response = client.api_call(method, json=args)
                else:
                    response = client.api_call(method, params=args)
            except SlackApiError as exc:
                error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
                status = exc.response.status_code
                raise GatewayError(method, error, transient=is_transient(error) or status == 429 or status >= 500,
                                   retry_after=_retry_after(exc.response) if status == 429 else None) from None
            except (SlackClientError, OSError) as exc:
                raise GatewayError(method, f"connection_error: {type(exc).__name__}", transient=True) from None
        return dict(response.data) if isinstance(response.data, dict) else {}

    def respond(self, response_url: str | None, text: str) -> bool:
        """An ephemeral answer to whoever clicked, through the interaction's
        response_url (works for anyone, in any channel, unlike
        chat.postEphemeral). Only Slack's hooks address is used; when the API
        base is pointed elsewhere (a proxy, the test fake), its /hooks/ path
        stands in for it. Returns whether Slack took it."""
        url = _hook_url(response_url, str(self.bot_client.base_url))
        if url is None:
            return False
        try:
            response = WebhookClient(url, timeout=self.bot_client.timeout).send(
                text=text, response_type="ephemeral", replace_original=False)
        except (SlackClientError, OSError) as exc:
            log.info("response_url failed (%s)", type(exc).__name__)
            return False
        return response.status_code == 200

    # -- the outbox ---------------------------------------------------------
    def report_to(self, handler: EffectHandler) -> None:
        """Where finished effects are reported (one handler for all)."""
        self._effects = handler

    def perform(self, effect: Effect, *, not_before: float | None = None,
                again: bool = False) -> tuple[outbox_db.OutboxItem, bool]:
        """Queue an effect to be carried out exactly once (keyed by what it is),
        not before `not_before` if given. `again`: the caller checked that it
        is wanted anew, so a cancelled one is queued again (outbox.enqueue)."""
        call = effect.call()
        return self.enqueue(key=effect.key, method=call.method, args=call.args, token=call.token,
                            case_id=effect.case_id, purpose=effect.kind.value, label=effect.label, topic=effect.topic,
                            priority=effect.priority, not_before=not_before, again=again)

    def enqueue(
        self,
        *,
        key: str,
        method: str,
        args: dict,
        token: str = "bot",
        case_id: int | None = None,
        purpose: str | None = None,
        label: str | None = None,
        topic: str | None = None,
        priority: int = 0,
        not_before: float | None = None,
        again: bool = False,
    ) -> tuple[outbox_db.OutboxItem, bool]:
        if method not in METHODS or token not in METHODS[method]:
            raise GatewayError(method, f"not_allowed_for_{token}_token")
        missing = [name for name in REQUIRED.get(method, ()) if args.get(name) in (None, "")]
        if missing:
            raise GatewayError(method, f"missing_argument:{missing[0]}")
        if method == "chat.postMessage" and "metadata" not in args:
            # Tags the message with its outbox key, so that after a crash
            # mid-call the drainer can see whether it was posted.
            args = {**args, "metadata": {"event_type": OUTBOX_EVENT, "event_payload": {"key": key}}}
        item, created = outbox_db.enqueue(
            self.store.db,
            key=key,
            method=method,
            args=args,
            now=self.clock.now(),
            token_kind=token,
            case_id=case_id,
            purpose=purpose,
            label=label,
            topic=topic,
            priority=priority,
            not_before=not_before,
            again=again,
        )
        if created:
            self.wake.set()
        return item, created

    def drain(self, *, limit: int = 50, stale_after: float = 60.0) -> int:
        """Carry out due outbox calls; returns how many finished."""
        with self._drain_lock:
            db = self.store.db
            now = self.clock.now()
            finished = 0
            for item in outbox_db.stale_inflight(db, claimed_before=now - stale_after, now=now):
                self._recover(item)
            for item in outbox_db.due(db, now=now, limit=limit, skip_channels=self.held_channels()):
                channel = _posts_to(item)
                if channel is not None and self._wait_for_slot(channel):
                    continue
                if not outbox_db.claim(db, item.id, now=self.clock.now()):
                    continue
                if self._perform(item):
                    finished += 1
            return finished

    def held_channels(self) -> list[str]:
        """Channels whose queued posts wait for Slack's per-channel rate now."""
        now = self._pace_now()
        return [c for c, p in list(self._paced.items()) if p.next_free > now and p.until > now]

    def _wait_for_slot(self, channel: str) -> bool:
        """Must a post to `channel` wait (it is paced after a 429)? If not, it takes the slot."""
        now = self._pace_now()
        pace = self._paced.get(channel)
        if pace is None or pace.until <= now:
            self._paced.pop(channel, None)
            return False
        if pace.next_free > now:
            return True
        pace.next_free = now + POST_INTERVAL
        return False

    def _rate_limited(self, item: outbox_db.OutboxItem, channel: str, retry_after: float | None) -> None:
        """Slack refused a post for the channel's rate: not a failure. The
        post goes back in the queue, and the channel is paced from now on."""
        now = self._pace_now()
        wait = max(retry_after if retry_after is not None else POST_INTERVAL, 0.0)
        self._paced[channel] = _Pace(next_free=now + wait, until=now + wait + PACE_FOR)
        outbox_db.unclaim(self.store.db, item.id, at=self.clock.now())
        log.info("outbox: posts to %s paced after a 429 (next in %.0fs)", channel, wait)

    def recover_interrupted(self) -> int:
        """At start-up every call still marked in flight belonged to a
        process that died mid-call (one process per database): reconcile them
        all now rather than after `stale_after`. Before that, what follows
        a call that finished but whose follow-up never ran (the process died
        between the two) runs now."""
        with self._drain_lock:
            self._run_owed_follow_ups()
            items = outbox_db.stale_inflight(self.store.db, claimed_before=float("inf"))
            for item in items:
                self._recover(item)
            return len(items)

    def _run_owed_follow_ups(self) -> None:
        """Each call marked done or failed whose result handler did not run,
        handed to it now, as the drainer would have: the outcome is what the
        row recorded. The handlers are written to run twice: keyed effects,
        conditional updates, and the outcome audited once per outbox row
        (CaseService.audit_outcome), so one that had run before the crash
        adds nothing."""
        for item in outbox_db.owed_follow_ups(self.store.db):
            ok = item.status == "done"
            log.info("outbox %s: running its follow-up, left undone when modbot stopped", item.key)
            self._finished(Outcome(item, ok, item.result if ok else None, None if ok else item.error, True))

    def _recover(self, item: outbox_db.OutboxItem) -> None:
        db = self.store.db
        found = None
        try:
            found = self._effects.reconcile(item) if self._effects is not None else USUAL_CHECK
            if found is USUAL_CHECK:
                found = self._find_posted(item) if item.method == "chat.postMessage" else None
        except GatewayError as exc:
            if exc.transient:
                # Back off as a failed call would, rather than ask Slack
                # again on every drain pass during an outage.
                delay = RETRY_DELAYS[min(item.attempts, len(RETRY_DELAYS) - 1)]
                outbox_db.check_later(db, item.id, at=self.clock.now() + delay, error=exc.error)
                log.warning("outbox %s: could not reconcile (%s); will check again in %ss", item.key, exc.error, delay)
                return
            # Slack cannot tell us: fail visibly rather than risk doing it twice.
            outbox_db.fail(db, item.id, now=self.clock.now(), error=f"interrupted; not verifiable: {exc.error}")
            self._finished(Outcome(item, False, None, "interrupted", True))
            return
        if found:
            outbox_db.complete(db, item.id, now=self.clock.now(), result=found)
            self._finished(Outcome(item, True, found, None, True))
        else:
            # Not made yet: make it now. (A row re-queued by Retry was not
            # interrupted; it just needed checking first.)
            requeued = item.claimed_at == outbox_db.VERIFY_FIRST
            outbox_db.retry_later(db, item.id, at=self.clock.now(), error=None if requeued else "interrupted")

    def _find_posted(self, item: outbox_db.OutboxItem) -> dict | None:
        """Was this chat.postMessage made before the crash? Look for our key."""
        channel = str(item.args.get("channel", ""))
        if channel[:1] in ("U", "W"):
            opened = self.call("conversations.open", users=channel)
            channel = opened["channel"]["id"]
        # The newest 200 messages: the call was made moments before the crash.
        # (No `oldest`: Slack's clock and ours need not agree.)
        thread_ts = item.args.get("thread_ts")
        if thread_ts:
            page = self.call("conversations.replies", channel=channel, ts=thread_ts, limit=200, include_all_metadata=True)
        else:
            page = self.call("conversations.history", channel=channel, limit=200, include_all_metadata=True)
        for message in page.get("messages", []):
            meta = message.get("metadata") or {}
            if meta.get("event_type") == OUTBOX_EVENT and (meta.get("event_payload") or {}).get("key") == item.key:
                return {"ok": True, "ts": message.get("ts"), "channel": channel, "recovered": True}
        return None

    def _perform(self, item: outbox_db.OutboxItem) -> bool:
        db = self.store.db
        crash_point(f"outbox_before_call:{item.purpose}")
        if self._withdrawn(item):
            return False
        args = item.args
        if self._effects is not None:
            try:
                fresh = self._effects.refresh(item)
            except Exception:
                fresh = None
                log.exception("outbox %s: could not refresh arguments; sending as queued", item.key)
            if fresh is not None and fresh != args:
                args = fresh
                outbox_db.set_args(db, item.id, args)
        client = self._outbox_bot_client if item.token_kind == "bot" else self.admin_client
        try:
            result = self._call(item.method, token=item.token_kind, client=client, **args)
            crash_point(f"outbox_after_call:{item.purpose}")
        except GatewayError as exc:
            channel = _posts_to(item)
            if exc.retry_after is not None and channel is not None:
                self._rate_limited(item, channel, exc.retry_after)
                return False
            if exc.error in ALREADY_DONE.get(item.method, ()):
                result = {"ok": True, "already": exc.error}
            elif exc.transient and item.attempts + 1 < MAX_OUTBOX_ATTEMPTS:
                # item.attempts counts the tries before this one
                delay = RETRY_DELAYS[min(item.attempts, len(RETRY_DELAYS) - 1)]
                outbox_db.retry_later(db, item.id, at=self.clock.now() + delay, error=exc.error)
                self._notify(Outcome(item, False, None, exc.error, False))
                log.warning("outbox %s: %s failed (%s); retry in %ss", item.key, item.method, exc.error, delay)
                return False
            else:
                outbox_db.fail(db, item.id, now=self.clock.now(), error=exc.error)
                log.warning("outbox %s: %s failed for good (%s)", item.key, item.method, exc.error)
                self._finished(Outcome(item, False, None, exc.error, True))
                return True
        outbox_db.complete(db, item.id, now=self.clock.now(), result=_small(result))
        crash_point(f"outbox_after_done:{item.purpose}")
        self._finished(Outcome(item, True, result, None, True))
        return True

    def _withdrawn(self, item: outbox_db.OutboxItem) -> bool:
        """Is the claimed call no longer wanted (its handler cancelled it)?
        If the handler cannot say, the call waits for a later try rather
        than be made against the records."""
        if self._effects is None:
            return False
        try:
            withdrawn = self._effects.withdrawn(item)
        except Exception:
            log.exception("outbox %s: could not check it is still wanted; will try again", item.key)
            outbox_db.retry_later(self.store.db, item.id, at=self.clock.now() + RETRY_DELAYS[0], error="check failed")
            return True
        if withdrawn:
            log.info("outbox %s: cancelled before it was made (no longer wanted)", item.key)
        return withdrawn

    def _finished(self, outcome: Outcome) -> None:
        """A call done or failed for good: its result handler runs, then the
        row says it ran. (complete() and fail() marked it owed in the same
        UPDATE as the outcome, so a crash in between leaves it owed, and the
        next start runs it: _run_owed_follow_ups.)"""
        if self._notify(outcome):
            outbox_db.followed_up(self.store.db, outcome.item.id)

    def _notify(self, outcome: Outcome) -> bool:
        """Hand the outcome to the result handler; False if it raised. (A
        first, transient failure is only notified: the call stays queued and
        its final outcome is the one whose follow-up is kept.)"""
        if self._effects is None:
            return True
        try:
            self._effects.finished(outcome)
            return True
        except Exception:  # a broken follow-up must not stop the drainer; owed, it runs again at the next start
            log.exception("outbox %s: result handler failed", outcome.item.key)
            return False


def _posts_to(item: outbox_db.OutboxItem) -> str | None:
    """The channel (or DM's member) a queued chat.postMessage posts to: what Slack's per-channel rate counts."""
    if item.method != "chat.postMessage":
        return None
    channel = item.args.get("channel")
    return channel if isinstance(channel, str) and channel else None


SLACK_HOOKS = "https://hooks.slack.com/"


def _hook_url(response_url: str | None, api_base: str) -> str | None:
    """The URL to answer an interaction at, or None when `response_url` is
    not one of Slack's (a signed payload is trusted, but only so far)."""
    if not isinstance(response_url, str) or not response_url.startswith(SLACK_HOOKS):
        return None
    api = urllib.parse.urlsplit(api_base)
    if api.netloc == "slack.com":
        return response_url
    return f"{api.scheme}://{api.netloc}/hooks/" + response_url[len(SLACK_HOOKS):]


def _small(result: dict) -> dict:
    """What is worth keeping of a response (ids, not whole messages)."""
    keep = {}
    for key in ("ok", "ts", "channel", "already", "permalink"):
        if key in result:
            keep[key] = result[key]
    if isinstance(result.get("view"), dict):
        keep["view_id"] = result["view"].get("id")
    if isinstance(result.get("channel"), dict):
        keep["channel"] = result["channel"].get("id")
    return keep
