"""`modbot serve` as a real child process, for crash and load tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.fakeslack.server import FakeSlack
from tests.harness import MOD_CHANNEL, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ServeProcess:
    proc: subprocess.Popen
    port: int
    log_path: Path
    metrics_port: int | None = None  # the local /metrics and /healthz server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def modbot_env(fake: FakeSlack, db_path: Path, **settings: str) -> dict[str, str]:
    """The environment a `modbot` child process reads its settings from: the
    fake's bot token and URL, the database and the moderator channel, plus
    `settings`; none of the caller's own SLACK_ or MODBOT_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MODBOT_", "PROMETHEUS_"))}
    env.update(
        MODBOT_METRICS_PORT="0",  # a free port: tests run side by side
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_API_URL=fake.api_url,
        MODBOT_DB=str(db_path),
        MODBOT_MOD_CHANNEL=MOD_CHANNEL,
        PYTHONPATH=str(ROOT),
        **settings,
    )
    return env


def start_serve(
    fake: FakeSlack,
    db_path: Path,
    *,
    crash_at: str | None = None,
    admin: bool = True,
    config: Path | None = None,
    extra_args: tuple[str, ...] = (),
    log_level: str = "INFO",
    scheduler: bool = False,
    env_extra: dict[str, str] | None = None,
) -> ServeProcess:
    """`scheduler`: run the scheduled jobs (their catch-up run at start-up
    first), off by default so that tests see only what they send.
    `env_extra`: more environment variables (TMPDIR, say)."""
    env = modbot_env(fake, db_path, **{"SLACK_SIGNING_SECRET": SIGNING_SECRET, "MODBOT_LOG_LEVEL": log_level,
                                       **(env_extra or {})})
    if admin:
        env["SLACK_ADMIN_TOKEN"] = fake.admin_token
    if config:
        env["MODBOT_CONFIG"] = str(config)
    if crash_at:
        env["MODBOTTEST_CRASH_AT"] = crash_at
    log_path = db_path.with_suffix(f".{os.getpid()}.{len(list(db_path.parent.glob('*.log')))}.log")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0",
         *(() if scheduler else ("--no-scheduler",)), *extra_args],
        env=env,
        cwd=db_path.parent,
        stdout=subprocess.PIPE,
        stderr=open(log_path, "w"),
        text=True,
    )
    line = proc.stdout.readline()
    if "serving on" not in line:
        proc.kill()
        raise RuntimeError(f"modbot serve did not start: {line!r}\n{log_path.read_text()}")
    port = int(line.rsplit(":", 1)[1].split("/")[0])
    metrics_port = None
    if env.get("MODBOT_METRICS_PORT") != "off":
        line = proc.stdout.readline()
        if "metrics on" not in line:
            proc.kill()
            raise RuntimeError(f"modbot serve did not start its metrics server: {line!r}\n{log_path.read_text()}")
        metrics_port = int(line.rsplit(":", 1)[1].split("/")[0])
    return ServeProcess(proc, port, log_path, metrics_port)
