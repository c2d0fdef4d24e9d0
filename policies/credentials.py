"""Passwords and secrets shared in the open. A secret is a token or key in
its issuer's published format (Slack, AWS, GitHub, Stripe, Google, OpenAI,
Twilio, JSON Web Tokens, private keys), each pattern run only when a piece
of it occurs ("xox", "AKIA", "-----BEGIN"); documentation's stand-ins
("AKIAIOSFODNN7EXAMPLE", jwt.io's sample) are marked and masked, but are no
case. A password is the value after "password:", "pwd=", "pin is" and the
like, unless it reads as a word, a path, a prompt's output or code.
Secrets are the confidential category; a password is reported as
privacy.password.
"""
from __future__ import annotations

import base64
import re
from typing import Iterable

from .model import Finding
from .personal import _f, code_like

# --------------------------------------------------------------- passwords

_PASSWORD = re.compile(
    r"(?<!\w)(password|passwd|pwd|passcode|pass|pin)\s{0,3}(is|=|:|->)\s{0,3}[\"'`]?(\S{4,64})", re.I)
_PASSWORD_STOP = frozenset("the a an my your not reset wrong incorrect required expired changed same correct "
                           "valid invalid enabled disabled working protected yes no".split())
# "$PWD:/app", "-v ${PWD}:/src": the shell's working directory, not a secret.
_PROMPT_BEFORE = re.compile(r"[$%{]$")
# "Enter password:\nERROR 2003 (HY000)": a prompt, then the next line of output.
_SHOUTED = re.compile(r"^[A-Z][A-Z_]{3,}\b")
_PASSWORD_WORDS = ("pass", "pwd", "pin")
_MYSQL_ANSWER = re.compile(r"(?:yes|no)\)", re.I)
_CODE_WORDS = frozenset("echo null none nil undefined true false self this input getpassword os.environ env "
                        "process.env config settings request args".split())


def find_passwords(text: str) -> Iterable[Finding]:
    low = text.lower()
    if not any(w in low for w in _PASSWORD_WORDS):
        return
    for m in _PASSWORD.finditer(text):
        key, sep, value = m.group(1).lower(), m.group(2), m.group(3).rstrip(".,;\"'`)")
        if value.lower() in _PASSWORD_STOP or len(value) < 4:
            continue
        if _MYSQL_ANSWER.match(value):
            continue  # "(using password: YES)error": MySQL's message run into the next line
        if _PROMPT_BEFORE.search(text, max(0, m.start() - 2), m.start()) or value.startswith("/") \
                or (sep == ":" and _SHOUTED.match(value)):
            continue  # $PWD:/path, or the output after a prompt
        if (sep in ("is", "->") or key in ("pass", "pin")) and value.isalpha():
            continue  # "the pass is valid", "pin is missing": words, not secrets
        s = m.start(3)
        if "(" in value or value.lower() in _CODE_WORDS or code_like(text, s, s + len(value)):
            continue  # password= driver.findElement(...), echo "password=": code, not a secret
        yield _f("privacy", "privacy.password", 0.9, "high", s, s + len(value),
                 "Looks like a password shared in the open", kind="password")


# ----------------------------------------------------------------- secrets

# (rule, name, pattern, probe): the pattern runs only when a probe substring occurs.
_SECRETS: tuple[tuple[str, str, re.Pattern, tuple[str, ...]], ...] = (
    ("slack_token", "Slack token", re.compile(r"\bxox[abposr]-[0-9A-Za-z\-]{10,250}"), ("xox",)),
    ("slack_app_token", "Slack app-level token", re.compile(r"\bxapp-\d-[0-9A-Za-z\-]{10,250}"), ("xapp-",)),
    ("slack_webhook", "Slack incoming-webhook URL", re.compile(r"hooks\.slack\.com/services/T[0-9A-Z]{6,12}/B[0-9A-Z]{6,12}/[0-9A-Za-z]{16,40}"), ("hooks.slack.com",)),
    ("aws_access_key", "AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"), ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA")),
    ("aws_secret_key", "AWS secret access key", re.compile(r"(?i:aws_?secret_?(?:access_?)?key)[\"']?\s{0,3}[:=]\s{0,3}[\"']?[0-9A-Za-z/+]{40}\b"), ("aws", "AWS", "Aws")),
    ("github_token", "GitHub token", re.compile(r"\b(?:gh[pousr]_[0-9A-Za-z]{36,255}|github_pat_[0-9A-Za-z_]{40,255})"), ("gh", "github_pat_")),
    ("stripe_key", "Stripe secret key", re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,255}"), ("_live_",)),
    ("google_api_key", "Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), ("AIza",)),
    ("private_key", "private key", re.compile(r"-----BEGIN (?:[A-Z]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----"), ("-----BEGIN",)),
    ("jwt", "JSON Web Token", re.compile(r"\beyJ[0-9A-Za-z_\-]{8,2000}\.eyJ[0-9A-Za-z_\-]{8,4000}\.[0-9A-Za-z_\-]{8,2000}"), ("eyJ",)),
    ("openai_key", "OpenAI API key", re.compile(r"\bsk-(?:proj-)?[0-9A-Za-z_\-]{32,200}"), ("sk-",)),
    ("twilio_key", "Twilio API key", re.compile(r"\bSK[0-9a-f]{32}\b"), ("SK",)),
)


_ANY_PROBE = re.compile("|".join(re.escape(p) for _, _, _, probes in _SECRETS for p in probes))


# Documentation's stand-ins for a secret: AWS's "AKIAIOSFODNN7EXAMPLE",
# "xoxb-your-token", "ghp_xxxxxxxxxxxx...". A stand-in word counts only
# where a person put it: at the value's end or against a "-", "_" or "/"
# ("xoxb-your-token"), not inside random letters ("...9YOURmzt8..." turns up
# in about one real token in ten thousand); likewise a character eight times
# over, or 1234567890. A stand-in is still masked in logs and excerpts, but
# is no case.
_STAND_WORD = r"(?:example|sample|dummy|placeholder|your|redacted|fake|changeme)"
_STAND_IN = re.compile(rf"(?i:(?<=[-_/]){_STAND_WORD}|{_STAND_WORD}(?:key|token|here)?(?=[-_/]|$))|(.)\1{{7}}|1234567890")


def _stand_in(rule: str, value: str) -> bool:
    if _STAND_IN.search(value):
        return True
    if rule == "jwt":
        return _sample_jwt(value.split(".")[1])
    return False


# The only claims read ("aud": "00000003-0000-0000-c000-000000000000", a
# real token's, is Microsoft Graph's): jwt.io's subject, or an issuer on a
# documentation domain (RFC 2606).
_SAMPLE_CLAIMS = re.compile(
    r'"sub"\s*:\s*"1234567890"|"iss"\s*:\s*"https?://(?:[\w-]+\.)*example\.(?:com|org|net)[/:"]', re.I)


def _sample_jwt(payload: str) -> bool:
    """jwt.io's sample, or a token issued by https://example.com/."""
    try:
        claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")
    except ValueError:  # binascii.Error: a length no base64 has
        return False
    return _SAMPLE_CLAIMS.search(claims) is not None


def find_secrets(text: str) -> Iterable[Finding]:
    if _ANY_PROBE.search(text) is None:
        return
    for rule, name, rx, probe in _SECRETS:
        if not any(p in text for p in probe):
            continue
        for m in rx.finditer(text):
            mark = {"stand_in": True} if _stand_in(rule, m.group()) else {}
            yield _f("confidential", f"confidential.{rule}", 0.98, "critical", m.start(), m.end(),
                     f"Looks like a {name}: secrets must never be posted", kind="secret", secret=rule, **mark)
