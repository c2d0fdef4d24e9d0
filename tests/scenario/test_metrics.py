"""/metrics for operators: scraped before and after real traffic, the
counters move; `modbot serve`'s worker process counts are in the server's
/metrics; /healthz answers on the same local port."""
from __future__ import annotations

import json
import os
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from bot import ids
from bot.metrics import start_metrics_server
from bot.scheduler import run_catch_up
from tests.fakeslack.payloads import SlackClientSim, message_event
from tests.harness import GENERAL, MOD_CHANNEL, SIGNING_SECRET
from tests.procs import start_serve
from tests.scenario.moderation_steps import RUDE, click, routed


def scrape(port: int) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} from /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        assert resp.status == 200
        text = resp.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_and_backlogs_move_with_traffic(make_bench):
    bench = make_bench()
    server = start_metrics_server(bench.rt, host="127.0.0.1", port=0)
    try:
        port = server.effective_port
        before = scrape(port)
        _, case = routed(bench, RUDE)
        after = scrape(port)
        assert value(after, "modbot_events_received_total", outcome="new") \
            == value(before, "modbot_events_received_total", outcome="new") + 1
        assert value(after, "modbot_events_processed_total", outcome="done") \
            >= value(before, "modbot_events_processed_total", outcome="done") + 1
        assert value(after, "modbot_slack_calls_total", method="chat.postMessage", outcome="ok") \
            > value(before, "modbot_slack_calls_total", method="chat.postMessage", outcome="ok")
        assert value(after, "modbot_slack_call_seconds_count", method="chat.postMessage") \
            > value(before, "modbot_slack_call_seconds_count", method="chat.postMessage")
        # Read from the database at scrape time: the same whichever process wrote it.
        assert value(after, "modbot_cases", category="harassment", status="open") == 1
        assert value(after, "modbot_inbox_events", status="done") >= 1
        assert value(after, "modbot_outbox_calls", status="done") >= 1
        # A decision, and a Slack error with its code.
        click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
        bench.settle()
        bench.fake.fail("views.publish", status=500, times=10)
        assert bench.rt.services.home.publish("UMOD1") is False
        after_click = scrape(port)
        assert value(after_click, "modbot_slack_calls_total", method="views.publish", outcome="error") == 1
        assert value(after_click, "modbot_slack_errors_total", method="views.publish", error="fatal_error") == 1
        assert value(after_click, "modbot_decisions", action="dismiss") == 1
        assert value(after_click, "modbot_cases", category="harassment", status="dismissed") == 1
        # Job runs, counted by job and outcome.
        run_catch_up(bench.rt)
        jobs = scrape(port)
        assert value(jobs, "modbot_job_runs_total", job="revive_cards", outcome="ok") \
            == value(after_click, "modbot_job_runs_total", job="revive_cards", outcome="ok") + 1
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
            assert json.loads(resp.read()) == {"status": "ok", "database": True}
    finally:
        server.close()


def test_serve_shows_its_worker_processs_counts(fake_slack, tmp_path):
    """`modbot serve` handles events in a child process: the count of events
    processed (which only the worker makes) shows in the server's /metrics."""
    serve = start_serve(fake_slack, tmp_path / "metrics.db")
    try:
        assert serve.metrics_port is not None
        before = scrape(serve.metrics_port)
        ts = fake_slack.add_message(GENERAL, "UCAROL", RUDE)
        client = SlackClientSim(serve.base_url, SIGNING_SECRET)
        assert client.post_event(message_event(GENERAL, "UCAROL", RUDE, ts=ts)).status == 200
        assert fake_slack.wait_for(lambda: any("Case #" in str(m.get("text")) for m in fake_slack.messages(MOD_CHANNEL)),
                                   timeout=30), serve.log()
        deadline = time.monotonic() + 20
        while True:
            after = scrape(serve.metrics_port)
            # The worker counts a call once Slack's answer is read, just after the fake shows it.
            counted = (value(after, "modbot_events_processed_total", outcome="done") >= 1
                       and value(after, "modbot_slack_calls_total", method="chat.postMessage", outcome="ok") >= 1)
            if counted or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert value(before, "modbot_events_processed_total", outcome="done") == 0
        assert value(after, "modbot_events_processed_total", outcome="done") >= 1  # counted in the worker
        assert value(after, "modbot_events_received_total", outcome="new") == 1  # counted in the server
        assert value(after, "modbot_slack_calls_total", method="chat.postMessage", outcome="ok") >= 1
        assert value(after, "modbot_cases", category="harassment", status="open") == 1
        # The public port does not serve them.
        try:
            urllib.request.urlopen(f"{serve.base_url}/metrics", timeout=10)
            raise AssertionError("/metrics answered on the public port")
        except urllib.error.HTTPError as exc:
            assert exc.code in (404, 405)
    finally:
        serve.stop()


def test_serve_clears_the_metrics_folders_of_serves_that_died(fake_slack, tmp_path):
    """Each serve counts into a fresh folder in the temporary folder, holds
    a lock in it while it runs, and removes it when it stops. One that was
    killed could not, so the next serve removes the folders of serves whose
    lock is free, and nothing else."""
    import fcntl

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    orphan = tmp / "modbot-metrics-dead0001"  # a serve's, its lock free: the serve is gone
    orphan.mkdir()
    (orphan / "serve.lock").write_text("")
    (orphan / "counter_1.db").write_bytes(b"\0" * 16)
    running = tmp / "modbot-metrics-live0001"  # a serve's, its lock held (here, by this test)
    running.mkdir()
    held = os.open(running / "serve.lock", os.O_WRONLY | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)
    kept = [running,
            tmp / "modbot-metrics-nolock01",  # no lock file: not a serve's (or one just starting)
            tmp / "modbot-metrics-9100",  # not a name serve gives: an operator's own folder, say
            tmp / "elsewhere"]
    for folder in kept[1:]:
        folder.mkdir()
        (folder / "serve.lock").write_text("")
    (tmp / "modbot-metrics-nolock01" / "serve.lock").unlink()
    link = tmp / "modbot-metrics-link0001"  # a link, even to an orphan-looking folder
    target = tmp_path / "target"
    target.mkdir()
    (target / "serve.lock").write_text("")
    link.symlink_to(target)
    env = {"TMPDIR": str(tmp)}

    def serve_folders():
        return {p for p in tmp.iterdir() if p.name.startswith("modbot-metrics-")} - set(kept) - {link}

    try:
        first = start_serve(fake_slack, tmp_path / "m.db", env_extra=env)
        try:
            assert not orphan.exists()
            (first_folder,) = serve_folders()
            assert (first_folder / "serve.lock").exists()
        finally:
            first.kill()  # no clean-up of its own
        assert serve_folders() == {first_folder}
        second = start_serve(fake_slack, tmp_path / "m.db", env_extra=env)
        try:
            (second_folder,) = serve_folders()  # the first's is gone
            assert second_folder != first_folder
        finally:
            second.stop()  # at once: its SIGTERM handler is in place before it says it is up
        assert second.proc.returncode == 0, second.log()
        assert serve_folders() == set()  # stopped: it removed its own
        assert all(folder.is_dir() for folder in kept)
        assert link.is_symlink() and (target / "serve.lock").exists()
    finally:
        os.close(held)
