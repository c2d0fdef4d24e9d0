"""Logging that never writes a token or a member's personal data.

The filter rewrites each record's final message: Slack tokens and signing
secrets are replaced, and personal data (cards, phones, emails, IBANs, ...)
is masked by the same detectors the policies use.
"""
from __future__ import annotations

import logging
import re
import sys

TOKEN_RE = re.compile(r"\b(?:xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]{6,}")


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s and len(s) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        cleaned = redact(message, self.secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        record.msg, record.args = cleaned, ()
        return True


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, "[secret]")
    text = TOKEN_RE.sub(lambda m: m.group(0).split("-", 1)[0] + "-[redacted]", text)
    try:
        from policies import mask_personal_data
    except ImportError:
        return text
    return mask_personal_data(text)


def setup_logging(level: str = "INFO", *, secrets: tuple[str, ...] = (), stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
