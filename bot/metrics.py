"""Prometheus metrics for operators, served with /healthz on a local port
(MODBOT_METRICS_HOST, MODBOT_METRICS_PORT), never on the public port that
answers Slack.

Two sources, so `modbot serve`'s two processes (the HTTP server and its
`modbot worker` child) are seen as one:
- counters and histograms (events received and processed, Slack calls,
  job runs) are counted where they happen; `serve` runs
  prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, a fresh
  folder per start unless the operator set one), so the server's /metrics
  adds up the worker's counts with its own;
- backlogs and totals (the inbox and the outbox by status, cases by
  category and status, decisions by action) are read from the database at
  scrape time: there is one database, whichever process wrote it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("modbot.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

EVENTS_RECEIVED = Counter("modbot_events_received", "Events Slack delivered (new: stored in the inbox; "
                          "redelivered: already stored, acknowledged again)", ["outcome"])
EVENTS_PROCESSED = Counter("modbot_events_processed", "Stored events handled by the worker "
                           "(done, skipped: no listener wanted it, failed)", ["outcome"])
SLACK_CALLS = Counter("modbot_slack_calls", "Slack Web API calls by method and outcome (ok, error)",
                      ["method", "outcome"])
SLACK_ERRORS = Counter("modbot_slack_errors", "Slack Web API errors by method and Slack's error code",
                       ["method", "error"])
SLACK_SECONDS = Histogram("modbot_slack_call_seconds", "Time a Slack Web API call took", ["method"],
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
JOB_RUNS = Counter("modbot_job_runs", "Scheduled job runs by job and outcome (ok, error)", ["job", "outcome"])


def _error_code(error: str) -> str:
    """A bounded label: Slack's code, without the detail some errors carry."""
    return error.split(":", 1)[0].strip()[:60] or "unknown"


@contextmanager
def slack_call(method: str):
    """Times one Web API call; the caller raises GatewayError on failure
    (its `error` attribute is the label)."""
    start = time.perf_counter()
    try:
        yield
    except Exception as exc:
        SLACK_CALLS.labels(method, "error").inc()
        SLACK_ERRORS.labels(method, _error_code(str(getattr(exc, "error", type(exc).__name__)))).inc()
        raise
    else:
        SLACK_CALLS.labels(method, "ok").inc()
    finally:
        SLACK_SECONDS.labels(method).observe(time.perf_counter() - start)


def counted_job(name: str, fn):
    def run():
        try:
            result = fn()
        except Exception:
            JOB_RUNS.labels(name, "error").inc()
            raise
        JOB_RUNS.labels(name, "ok").inc()
        return result

    return run


class DatabaseCollector:
    """Backlogs and totals, read from the database when scraped."""

    def __init__(self, store):
        self.store = store

    def collect(self):
        from storage import events as events_db
        from storage import outbox as outbox_db
        from storage import rule_quality as rq_db

        db = self.store.db
        inbox = GaugeMetricFamily("modbot_inbox_events", "Stored events by status (pending: the backlog)",
                                  labels=["status"])
        for status, n in sorted(events_db.count_by_status(db).items()):
            inbox.add_metric([status], n)
        yield inbox
        outbox = GaugeMetricFamily("modbot_outbox_calls", "Queued Slack calls by status (pending and inflight: "
                                   "the backlog; failed: given up, a Retry button away)", labels=["status"])
        for status, n in sorted(outbox_db.count_by_status(db).items()):
            outbox.add_metric([status], n)
        yield outbox
        cases = GaugeMetricFamily("modbot_cases", "Cases by main category and status", labels=["category", "status"])
        for category, status, n in rq_db.case_counts(db):
            cases.add_metric([category, status], n)
        yield cases
        decisions = GaugeMetricFamily("modbot_decisions", "Decided cases by the decision (warn, suspend, close, "
                                      "dismiss)", labels=["action"])
        for action, n in rq_db.decision_counts(db):
            decisions.add_metric([action], n)
        yield decisions


class _ThisProcess:
    """The counters of this process (when not in multiprocess mode)."""

    def collect(self):
        yield from REGISTRY.collect()


def registry(store) -> CollectorRegistry:
    reg = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(reg)
    else:
        reg.register(_ThisProcess())
    reg.register(DatabaseCollector(store))
    return reg


def make_metrics_app(rt):
    from bot.server import answer_health

    reg = registry(rt.store)

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Length", "0")])
            return [b""]
        if path == "/metrics":
            body = generate_latest(reg)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
            return [body]
        if path == "/healthz":
            return answer_health(rt, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "10")])
        return [b"not found\n"]

    return application


def start_metrics_server(rt, *, host: str, port: int):
    """The local /metrics and /healthz server in a daemon thread; returns it
    (`.effective_port`, `.close()`)."""
    from waitress.server import create_server

    server = create_server(make_metrics_app(rt), host=host, port=port, threads=2, ident="modbot-metrics",
                           asyncore_use_poll=True, asyncore_loop_timeout=0.1)

    def serve() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            pass  # closed

    threading.Thread(target=serve, name="modbot-metrics", daemon=True).start()
    log.info("metrics and health on http://%s:%s/metrics", host, server.effective_port)
    return server


def start_from_settings(rt):
    port = rt.settings.modbot_metrics_port
    if port == "off":
        return None
    return start_metrics_server(rt, host=rt.settings.modbot_metrics_host, port=int(port))
