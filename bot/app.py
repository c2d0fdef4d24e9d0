"""Building the app: settings in, a wired Bolt App and its workers out.

Events take this path: Bolt verifies the signature; the inbox middleware
(before authorisation, so it needs no Slack call) writes the event to the
database and acknowledges it; a worker thread replays each stored event
through the same Bolt App, where handlers/ listeners parse it and call a
service. A redelivered event (same event_id, X-Slack-Retry-Num) is
acknowledged and counted, never processed again. Interactive requests
(shortcuts, buttons, modals, commands) go straight to their listeners, which
must answer within Slack's 3 seconds.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from typing import Callable

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.faults import crash_point
from bot.runtime import Modbot, Services
from bot.slack import shape
from bot.slack.gateway import SlackGateway, make_client
from storage import Store
from storage import events as events_db

log = logging.getLogger("modbot.app")

REPLAY = "modbot_replay"
MAX_EVENT_ATTEMPTS = 5


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name.lower())
    return values[0] if values else None


def _event_id(body: dict) -> str:
    event_id = body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return event_id
    # Not something Slack sends without an id, but never drop it.
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:24]
    return f"nohash-{digest}"


def make_inbox_middleware(rt: Modbot) -> Callable:
    def inbox(req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        body = req.body
        # Here rather than in bot/server.py, so that HTTP and Socket Mode
        # requests are both checked (over HTTP, Bolt has checked the signature).
        bad = shape.problem(body)
        if bad:
            log.warning("refused a malformed Slack payload: %s", bad)
            return BoltResponse(status=400, body=f"malformed Slack payload: {bad}\n")
        if body.get("type") != "event_callback" or req.context.get(REPLAY):
            return next()
        event = body["event"]
        retry = _header(req, "x-slack-retry-num")
        created = events_db.record_event(
            rt.store.db,
            event_id=_event_id(body),
            event_type=event["type"],
            body=json.dumps(body, separators=(",", ":")),
            now=rt.clock.now(),
            retry_num=int(retry) if retry and retry.isdigit() else None,
            retry_reason=_header(req, "x-slack-retry-reason"),
        )
        crash_point("event_stored")
        if event["type"] in ("member_joined_channel", "member_left_channel"):
            # Clicks are authorised in this process, events handled in the
            # worker's: both copies of the moderator list must hear of it.
            rt.services.people.on_membership_change(
                user=str(event.get("user") or ""), channel=str(event.get("channel") or ""),
                joined=event["type"] == "member_joined_channel")
        metrics.EVENTS_RECEIVED.labels("new" if created else "redelivered").inc()
        if created:
            rt.event_wake.set()
        # The ack: the event is on disk, so Slack may forget it.
        return BoltResponse(status=200, body="")

    return inbox


def make_runtime_middleware(rt: Modbot) -> Callable:
    def attach(context, next):
        context["modbot"] = rt
        return next()

    return attach


def process_pending_events(rt: Modbot, *, limit: int = 100) -> int:
    """Replay stored events through the app; returns how many were handled."""
    handled = 0
    db = rt.store.db
    for item in events_db.pending_events(db, limit=limit, max_attempts=MAX_EVENT_ATTEMPTS):
        events_db.mark_attempt(db, item.event_id)
        try:
            request = BoltRequest(body=item.body, mode="socket_mode", context={REPLAY: True})
            response = rt.app.dispatch(request)
        except Exception as exc:  # a bug in one event must not stop the rest
            log.exception("event %s failed", item.event_id)
            metrics.EVENTS_PROCESSED.labels("failed").inc()
            events_db.mark_failed(
                db, item.event_id, now=rt.clock.now(), error=repr(exc), final=item.attempts + 1 >= MAX_EVENT_ATTEMPTS
            )
            continue
        if response.status >= 500:
            metrics.EVENTS_PROCESSED.labels("failed").inc()
            events_db.mark_failed(
                db,
                item.event_id,
                now=rt.clock.now(),
                error=f"status {response.status}: {str(response.body)[:200]}",
                final=item.attempts + 1 >= MAX_EVENT_ATTEMPTS,
            )
            continue
        crash_point("event_handled")
        # 404 means no listener wanted it (e.g. a bot's message): done all the same.
        outcome = "done" if response.status < 400 else "skipped"
        metrics.EVENTS_PROCESSED.labels(outcome).inc()
        events_db.mark_done(db, item.event_id, now=rt.clock.now(), status=outcome)
        handled += 1
    return handled


def _no_warnings(record: logging.LogRecord) -> bool:
    return record.levelno != logging.WARNING


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    client_timeout: int = 10,
    client_retries: int = 2,
    pace_clock: Callable[[], float] | None = None,
) -> Modbot:
    """Wire everything; start nothing. Call start_workers() to process.
    `pace_clock` times Slack's rate limits (real seconds unless a test gives its own)."""
    import handlers  # late: handlers import services, which import this module's neighbours

    clock = clock or SystemClock()
    store = store or Store(settings.modbot_db)
    bot_client = make_client(settings.slack_bot_token, settings.slack_api_url, timeout=client_timeout, retries=client_retries)
    admin_client = (
        make_client(settings.slack_admin_token, settings.slack_api_url, timeout=client_timeout, retries=client_retries)
        if settings.slack_admin_token
        else None
    )
    gateway = SlackGateway(bot_client=bot_client, admin_client=admin_client, store=store, clock=clock,
                           pace_clock=pace_clock)
    rt_holder: dict = {}

    # The token comes with `client`. Bolt also reads SLACK_BOT_TOKEN from the
    # environment and would warn on every start that it uses the client's:
    # a line that only misleads, so its warnings are dropped meanwhile.
    bolt_log = logging.getLogger("slack_bolt.App")
    bolt_log.addFilter(_no_warnings)
    bolt = App(
        signing_secret=settings.slack_signing_secret or "unused-in-socket-mode",
        client=bot_client,
        # Listeners finish before the response: events are acked by the
        # inbox middleware, and interactive listeners are quick.
        process_before_response=True,
        # auth.test happens on first use, not at construction, so the app can
        # start while Slack is unreachable.
        token_verification_enabled=False,
        before_authorize=lambda req, resp, next: rt_holder["inbox"](req, resp, next),
        raise_error_for_unhandled_request=False,
    )
    bolt_log.removeFilter(_no_warnings)
    rt = Modbot(settings=settings, store=store, clock=clock, gateway=gateway, app=bolt, services=Services())
    rt_holder["inbox"] = make_inbox_middleware(rt)
    bolt.use(make_runtime_middleware(rt))

    from bot.services import build_services

    build_services(rt)
    handlers.register_all(bolt)
    return rt


def _loop(rt: Modbot, wake: threading.Event, work: Callable[[], int], *, every: float, name: str) -> None:
    while not rt.stopping.is_set():
        try:
            while work() and not rt.stopping.is_set():
                pass
        except Exception:
            log.exception("%s worker: unexpected error; continuing", name)
        wake.wait(timeout=every)
        wake.clear()


def start_workers(rt: Modbot, *, poll_seconds: float = 0.1) -> None:
    """Start the event and outbox workers (daemon threads)."""
    try:
        rt.gateway.recover_interrupted()
    except Exception:  # Slack unreachable: the drainer retries these later
        log.exception("could not reconcile interrupted Slack calls at start-up")
    event_worker = threading.Thread(
        target=_loop,
        args=(rt, rt.event_wake, lambda: process_pending_events(rt)),
        kwargs={"every": poll_seconds, "name": "event"},
        name="modbot-events",
        daemon=True,
    )
    outbox_worker = threading.Thread(
        target=_loop,
        args=(rt, rt.gateway.wake, rt.gateway.drain),
        kwargs={"every": poll_seconds, "name": "outbox"},
        name="modbot-outbox",
        daemon=True,
    )
    for t in (event_worker, outbox_worker):
        t.start()
        rt.workers.append(t)


def stop_workers(rt: Modbot, *, timeout: float = 5.0) -> None:
    rt.stopping.set()
    rt.event_wake.set()
    rt.gateway.wake.set()
    for t in rt.workers:
        t.join(timeout=timeout)
    rt.workers.clear()
