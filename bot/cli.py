"""`modbot`: run the bot (Socket Mode or HTTP), check text, audit an export,
run the demo, manage the database.

.env is read here and only here. A bad setting prints one line and exits 2.
"""
from __future__ import annotations

import argparse
import atexit
import importlib
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import sys
import threading
from typing import TYPE_CHECKING

from bot.config import SettingError, load_settings

if TYPE_CHECKING:
    from bot.runtime import Modbot

log = logging.getLogger("modbot")

# name -> (module, help). Each module has add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("bot.cli", "connect to Slack with Socket Mode (SLACK_APP_TOKEN)"),
    "serve": ("bot.cli", "serve Slack's HTTP requests at POST /slack/events"),
    "check": ("bot.commands.check", "check text against the policies and explain each finding"),
    "audit": ("bot.commands.audit", "audit a Slack workspace export offline and write a report"),
    "demo": ("bot.commands.demo", "audit the bundled sample export (no Slack, no tokens)"),
    "worker": ("bot.cli", "process stored events, the outbox and scheduled jobs (no HTTP); `serve` starts one"),
    "db": ("bot.cli", "database maintenance: migrate, backup PATH"),
    "rules": ("bot.commands.rules", "per rule: precision from moderators' decisions, shadow findings, suggestions"),
    "manifest": ("bot.commands.manifest", "print the Slack app manifest to paste: --socket (default) or --http URL"),
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modbot", description="Community moderation for Slack.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if module_name == "bot.cli":
            _LOCAL_ARGS[name](p)
            continue
        try:
            importlib.import_module(module_name).add_arguments(p)
        except ImportError as exc:  # a broken optional part must not take the CLI down
            p.set_defaults(unavailable=f"{name} is unavailable: {exc}")
    return parser


def _args_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")


def _args_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    p.add_argument("--port", type=int, default=3000, help="port (default 3000; 0 picks a free one)")
    p.add_argument("--threads", type=int, default=8, help="request threads (default 8)")
    p.add_argument(
        "--worker",
        choices=("process", "thread", "none"),
        default="process",
        help="where stored events are processed: a child `modbot worker` process (default: keeps "
        "acknowledgements fast under load), threads in this process, or none (run `modbot worker` yourself)",
    )
    p.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs")


def _args_worker(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")
    p.add_argument("--parent-pid", type=int, default=0, help=argparse.SUPPRESS)


def _args_db(p: argparse.ArgumentParser) -> None:
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dbsub.add_parser("migrate", help="apply pending migrations and exit")
    b = dbsub.add_parser("backup", help="write a consistent copy of the database while the bot runs")
    b.add_argument("path", help="where to write the copy")


_LOCAL_ARGS = {"run": _args_run, "serve": _args_serve, "worker": _args_worker, "db": _args_db}


def _start(require: tuple[str, ...], *, workers: bool = True) -> Modbot:
    from bot.app import create_app, start_workers
    from bot.logs import setup_logging
    from bot.services.mod_channel import check_mod_channel

    settings = load_settings(require=require)
    setup_logging(
        settings.modbot_log_level,
        fmt=settings.modbot_log_format,
        secrets=tuple(
            s for s in (settings.slack_bot_token, settings.slack_admin_token, settings.slack_app_token, settings.slack_signing_secret) if s
        ),
    )
    rt = create_app(settings)
    # Before anything is served: its members get moderator rights.
    check_mod_channel(rt)
    if workers:
        start_workers(rt)
    return rt


def _start_jobs(rt: Modbot):
    """Catch up on runs missed while stopped, then keep to the schedule."""
    from bot.scheduler import run_catch_up, start_scheduler

    run_catch_up(rt)
    return start_scheduler(rt)


def _stop(rt: Modbot, jobs) -> None:
    """Stop the scheduler (if started) and the workers."""
    from bot.app import stop_workers

    if jobs is not None:
        jobs.shutdown(wait=False)
    stop_workers(rt)


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set `stop` (only the main thread may install these)."""

    def handler(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _wait_for_signal(stop: threading.Event) -> None:
    _stop_on_signals(stop)
    while not stop.wait(1.0):
        pass


def cmd_run(args) -> int:
    rt = _start(("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MODBOT_MOD_CHANNEL"))
    stop = threading.Event()
    _stop_on_signals(stop)
    return run_socket_mode(rt, stop, scheduler=not args.no_scheduler)


def run_socket_mode(rt: Modbot, stop: threading.Event, *, scheduler: bool = True) -> int:
    """`modbot run` once the app is built and its workers started: connect
    with Socket Mode (SLACK_APP_TOKEN), serve until `stop` is set, then
    disconnect and stop the scheduler and the workers. Tests call it in a
    thread with their own `stop`; signals stay with the caller."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.metrics import start_from_settings

    jobs = None
    handler = None
    metrics_server = None
    try:
        # Socket Mode has no HTTP server: /healthz and /metrics get their own, local.
        metrics_server = start_from_settings(rt)
        if scheduler:
            jobs = _start_jobs(rt)
        handler = SocketModeHandler(rt.app, rt.settings.slack_app_token)
        handler.connect()
        log.info("modbot connected with Socket Mode")
        while not stop.wait(1.0):
            pass
    finally:
        # Also after a failed start, so no thread outlives the command.
        if handler is not None:
            handler.close()
        if metrics_server is not None:
            metrics_server.close()
        _stop(rt, jobs)
    return 0


def _spawn_worker(no_scheduler: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "bot.cli", "worker", "--parent-pid", str(os.getpid())]
    if no_scheduler:
        cmd.append("--no-scheduler")
    return subprocess.Popen(cmd, env=os.environ.copy())


# `serve`'s own metrics folder: tempfile.mkdtemp's name for it (eight
# random letters, digits or "_" after the prefix), and the lock file inside
# that it holds for as long as it runs.
METRICS_FOLDER = re.compile(r"modbot-metrics-[a-z0-9_]{8}")
METRICS_LOCK = "serve.lock"
_held: list[int] = []  # the lock's descriptor, open until the process ends


def _metrics_across_processes() -> None:
    """`serve` and its worker count into one folder, which the server's
    /metrics adds up (prometheus_client's multiprocess mode). Set before
    prometheus_client is imported: it picks where counts go at import."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        remove_orphaned_metrics_folders()
        folder = tempfile.mkdtemp(prefix="modbot-metrics-")
        _hold_lock(folder)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        # Ours alone (an operator's own folder is theirs to empty): gone
        # when serve exits, so restarts do not pile folders up in /tmp.
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


def _hold_lock(folder: str) -> None:
    """Lock a file and only then give it the name another serve looks for,
    so that no serve ever finds this one's folder with its lock free. The
    system lets go of the lock when the process ends, however it ends."""
    import fcntl

    fd = os.open(os.path.join(folder, ".lock-taking"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.rename(os.path.join(folder, ".lock-taking"), os.path.join(folder, METRICS_LOCK))
    _held.append(fd)


def remove_orphaned_metrics_folders(parent: str | None = None) -> None:
    """The metrics folders of `serve` processes that have ended: one that
    crashed or was killed outright could not remove its own. A folder goes
    only when its name is one serve gives (METRICS_FOLDER), it is a folder
    of this user's (not a link), and its lock file is there and free; a
    running serve holds that lock, whatever process namespace it runs in."""
    import fcntl

    parent = parent or tempfile.gettempdir()
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        if not METRICS_FOLDER.fullmatch(name):
            continue
        path = os.path.join(parent, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue  # a link or a file under that name, or another user's
            fd = os.open(os.path.join(path, METRICS_LOCK), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # no lock file: not a serve's folder, or one that is just starting
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # held: that serve is running
        try:
            shutil.rmtree(path, ignore_errors=True)  # the lock held meanwhile
        finally:
            os.close(fd)


def cmd_serve(args) -> int:
    if args.worker == "process":
        _metrics_across_processes()
    from bot.metrics import start_from_settings
    from bot.server import make_server

    in_process = args.worker == "thread"
    rt = _start(("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "MODBOT_MOD_CHANNEL"), workers=in_process)
    jobs = _start_jobs(rt) if in_process and not args.no_scheduler else None
    child = None
    server = make_server(rt, host=args.host, port=args.port, threads=args.threads)
    metrics_server = start_from_settings(rt)
    status = {"code": 0}
    if args.worker == "process":
        child = _spawn_worker(args.no_scheduler)

        def watch() -> None:
            # Without its worker nothing is processed: stop, so the process
            # supervisor restarts both (stored events are not lost).
            code = child.wait()
            if not rt.stopping.is_set():
                log.error("the worker process exited with status %s; stopping", code)
                status["code"] = 1
                server.close()

        threading.Thread(target=watch, name="modbot-watch-worker", daemon=True).start()
    def shutdown(signum, frame):
        rt.stopping.set()
        server.close()

    # Before the lines below say serve is up: a SIGTERM right after them
    # must stop it cleanly (worker stopped, metrics folder removed), not
    # kill it.
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    # The bound port on one line, so scripts that pass --port 0 can read it.
    print(f"modbot serving on http://{args.host}:{server.effective_port}/slack/events", flush=True)
    if metrics_server is not None:
        print(f"modbot metrics on http://{rt.settings.modbot_metrics_host}:{metrics_server.effective_port}/metrics",
              flush=True)
    try:
        server.run()
    except (OSError, ValueError):
        pass  # closed by the signal handler
    rt.stopping.set()
    if metrics_server is not None:
        metrics_server.close()
    if child is not None and child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    _stop(rt, jobs)
    return status["code"]


def _die_with_parent(parent_pid: int) -> None:
    """The worker must not outlive `serve` (a second one would start beside
    the next serve's): ask Linux to kill it when the parent dies, and watch."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            threading.Event().wait(1.0)

    threading.Thread(target=watch, name="modbot-watch-parent", daemon=True).start()


def cmd_worker(args) -> int:
    if args.parent_pid:
        _die_with_parent(args.parent_pid)
    rt = _start(("SLACK_BOT_TOKEN", "MODBOT_MOD_CHANNEL"))
    jobs = None if args.no_scheduler else _start_jobs(rt)
    log.info("modbot worker started")
    _wait_for_signal(threading.Event())
    _stop(rt, jobs)
    return 0


def cmd_db(args) -> int:
    from storage import Store, backup

    settings = load_settings()
    store = Store(settings.modbot_db)
    if args.db_command == "backup":
        backup(store.db, args.path)
        print(f"backed up {settings.modbot_db} to {args.path}")
    else:
        print(f"{settings.modbot_db}: migrations applied")
    return 0


_LOCAL_RUN = {"run": cmd_run, "serve": cmd_serve, "worker": cmd_worker, "db": cmd_db}


def main(argv: list[str] | None = None) -> int:
    from dotenv import load_dotenv

    # Whatever modbot creates (the database and its WAL, backups, audit
    # reports) holds members' words: readable by this user only.
    os.umask(0o077)
    # The environment wins over .env, so a deployment's variables are final.
    load_dotenv(override=False)
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        if getattr(args, "unavailable", None):
            print(f"modbot: {args.unavailable}", file=sys.stderr)
            return 2
        module_name = COMMANDS[args.command][0]
        if module_name == "bot.cli":
            return _LOCAL_RUN[args.command](args)
        return int(importlib.import_module(module_name).run(args) or 0)
    except SettingError as exc:
        print(f"modbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
