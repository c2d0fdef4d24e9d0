"""Logging that never writes a token or a member's personal data.

The filter rewrites each record's final message: Slack tokens and signing
secrets are replaced, and personal data (cards, phones, emails, IBANs, ...)
is masked by the same detectors the policies use.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time

TOKEN_RE = re.compile(r"\b(?:xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]{6,}")


# A log line is for a person: longer ones are cut (masking costs time in
# proportion to the text, and a stranger's request must not buy us work).
MAX_MESSAGE_CHARS = 4000
MAX_TRACEBACK_CHARS = 16_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_KEEP_NEWLINES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


# Masked past the cut by this much, so an item of personal data that runs
# across the cut is seen whole by the detectors.
_MARGIN = 512


def clean_line(text: str, secrets: tuple[str, ...] = (), *, limit: int = MAX_MESSAGE_CHARS,
               keep_newlines: bool = False) -> str:
    """`text` for a log: known secrets replaced (over the whole text, so no
    half of one is left), control characters escaped (text from outside
    cannot forge a log line or drive the terminal), tokens and personal data
    masked, and cut at about `limit` characters, never through a masked
    item. Masking, the costly part, never sees more than a line's worth."""
    text = _drop_secrets(text, secrets)
    window = (_KEEP_NEWLINES if keep_newlines else _CONTROL).sub(_escape, text[:limit + _MARGIN])
    cleaned = redact(window, cut=limit)
    if len(text) > limit:
        cleaned += f"... [{len(text):,} characters in all]"
    return cleaned


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s and len(s) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        cleaned = clean_line(message, self.secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = clean_line(record.exc_text, self.secrets, limit=MAX_TRACEBACK_CHARS, keep_newlines=True)
        record.msg, record.args = cleaned, ()
        return True


def _drop_secrets(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "[secret]")
    return text


def redact(text: str, secrets: tuple[str, ...] = (), *, cut: int | None = None) -> str:
    text = _drop_secrets(text, secrets)
    text = TOKEN_RE.sub(lambda m: m.group(0).split("-", 1)[0] + "-[redacted]", text)
    try:
        from policies import mask_personal_data
    except ImportError:
        return text if cut is None else text[:cut]
    return mask_personal_data(text, cut=cut)


class JsonFormatter(logging.Formatter):
    """One JSON object a line (MODBOT_LOG_FORMAT=json), for log collectors.
    It formats what RedactingFilter left: the same masking and cutting."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


def setup_logging(level: str = "INFO", *, secrets: tuple[str, ...] = (), stream=None,
                  fmt: str = "text") -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_modbot", False):
            root.removeHandler(old)
    handler._modbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # slack_sdk logs request bodies at DEBUG; keep it at INFO unless asked.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLevelName(level)))
    return handler
