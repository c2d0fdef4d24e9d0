"""`run_audit`: export in, report files out (and, if asked, the activity
tables filled from the export's questions and answers)."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import timezone
from pathlib import Path
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

from bot.services.experts.months import month_of
from bot.services.suggestions.index import first_line
from storage import activity as activity_db
from storage import suggestions as suggestions_db
from storage import transaction

from .export import SlackExport
from .progress import Progress
from .report import ReportWriter, Summary
from .runner import AuditSettings
from .units import default_jobs, plan_units, run_units


@dataclass
class ActivityCounts:
    questions: int = 0
    answers: int = 0


class ActivityImporter:
    """Questions and answers into storage's activity tables.

    A question is a top-level message in a help channel that asks something;
    an answer is a reply in its thread by someone other than the asker, one
    per question per member (their first reply). Units arrive in time order,
    so a question is always seen before its replies.
    """

    def __init__(self, db, *, tz: str | None = None, public_channels: frozenset[str] = frozenset()):
        self.db = db
        # Questions asked in these are indexed for suggestions of earlier
        # threads (bot/services/suggestions); private ones never are.
        self.public_channels = public_channels
        self.tz = ZoneInfo(tz) if tz else timezone.utc
        self.askers: dict[tuple[str, str], str] = {}
        self.answered: set[tuple[str, str, str]] = set()
        self.counts = ActivityCounts()

    def add(self, items: list[tuple]) -> None:
        if not items:
            return
        with transaction(self.db):
            for item in items:
                if item[0] == "q":
                    _, channel, ts, user, text = item
                    self.askers[(channel, ts)] = user
                    month = month_of(float(ts), self.tz)
                    if activity_db.record_question(self.db, channel=channel, ts=ts, user=user, month=month):
                        self.counts.questions += 1
                    if channel in self.public_channels:
                        suggestions_db.record_question(self.db, channel=channel, ts=ts, user=user, text=text,
                                                       first_line=first_line(text), posted_at=float(ts))
                else:
                    _, channel, ts, thread_ts, user = item
                    asker = self.askers.get((channel, thread_ts))
                    key = (channel, thread_ts, user)
                    if asker is None or asker == user or key in self.answered:
                        continue
                    self.answered.add(key)
                    if activity_db.record_reply(self.db, channel=channel, ts=ts, thread_ts=thread_ts, user=user,
                                                   month=month_of(float(ts), self.tz)):
                        self.counts.answers += 1


@dataclass
class AuditOutcome:
    summary: Summary
    activity: ActivityCounts | None = None


def run_audit(
    export_path: str | Path,
    *,
    out_dir: str | Path = "modbot-report",
    settings: AuditSettings | None = None,
    jobs: int | None = None,
    workspace_url: str | None = None,
    db=None,
    tz: str | None = None,
    progress_stream: TextIO | None = None,
    progress: bool | None = None,
    clock: Callable[[], float] = time.monotonic,
    unit_bytes: int | None = None,
) -> AuditOutcome:
    """Audit one export. Raises export.ExportError if it is not an export.

    `db` (a storage.open_db handle) turns on the activity import.
    `unit_bytes` overrides the work-unit size (tests use it to force one
    unit per day).
    """
    settings = settings or AuditSettings()
    if db is not None and not settings.import_activity:
        settings = replace(settings, import_activity=True)
    jobs = max(1, jobs or default_jobs())
    started = clock()
    with SlackExport(export_path, limits=settings.limits) as export:
        writer = ReportWriter(out_dir, export_name=Path(export_path).name, workspace_url=workspace_url)
        writer.add_problems(list(export.problems))
        units = plan_units(export, jobs=jobs, target_bytes=unit_bytes)
        names = {c.id: c.name for c in export.conversations.values()}
        bar = Progress(len(export.day_files), stream=progress_stream, enabled=progress, clock=clock)
        public = frozenset(c.id for c in export.conversations.values() if c.kind == "public")
        importer = ActivityImporter(db, tz=tz, public_channels=public) if db is not None else None
        done_files = 0
        try:
            for unit, res in zip(units, run_units(export, settings, units, jobs=jobs)):
                writer.add(res, names)
                if importer is not None:
                    importer.add(res.activity)
                done_files += len(unit.files)
                bar.update(done_files, writer.summary.messages)
        finally:
            bar.close()
        summary = writer.finish(elapsed_s=clock() - started, jobs=jobs)
    return AuditOutcome(summary, importer.counts if importer else None)


__all__ = ["ActivityCounts", "ActivityImporter", "AuditOutcome", "run_audit"]
