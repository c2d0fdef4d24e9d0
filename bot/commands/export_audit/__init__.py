"""Offline audit of a Slack export (`modbot audit`, `modbot demo`).

    export.py    streaming reader of a .zip or unpacked export
    sources.py   its bounded byte reads from a zip or a folder (links, devices refused)
    runner.py    one work unit's messages, checked with policies.evaluate_many
    units.py     day-ordered work units: planned, run in order across processes
    report.py    report.html, findings.csv, findings.jsonl, terminal summary
    service.py   run_audit: the pieces together, plus --import-activity
(The seeded generator behind bot/data/sample-export.zip is
bot/commands/sample_export/.)
"""
from .export import DayFileError, ExportError, Problem, SlackExport
from .runner import AuditSettings, looks_like_question
from .service import AuditOutcome, run_audit
from .settings import SettingsError, load_settings

__all__ = ["AuditOutcome", "AuditSettings", "DayFileError", "ExportError", "Problem", "SettingsError",
           "SlackExport", "load_settings", "looks_like_question", "run_audit"]
