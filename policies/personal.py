"""Personal data (privacy) and secrets (confidential), with check rules.

Each detector looks for a shape with a cheap regex, then confirms it with
the rule made for that kind of number: phonenumbers' metadata for phones,
Luhn and issuer ranges for cards, mod-97 for IBANs, the SSA's allocation
rules for US SSNs, HMRC's prefix rules for UK NI numbers. The shape alone
is never enough for numbers, which keeps order ids and timestamps quiet.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Iterable

import phonenumbers

from .model import Finding

# ----------------------------------------------------------------- helpers


def _f(category: str, rule: str, score: float, severity: str, s: int, e: int, why: str, **extra) -> Finding:
    return Finding(category, rule, score, severity, s, e, why, sensitive=True, extra=extra)


def _near(text: str, s: int, e: int, pattern: re.Pattern, before: int = 40, after: int = 10) -> bool:
    return pattern.search(text, max(0, s - before), min(len(text), e + after)) is not None


# ------------------------------------------------------------------- cards


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# (name, prefixes as (low, high) on the leading digits, allowed lengths)
_ISSUERS: tuple[tuple[str, tuple[tuple[str, str], ...], tuple[int, ...]], ...] = (
    ("American Express", (("34", "34"), ("37", "37")), (15,)),
    ("Visa", (("4", "4"),), (13, 16, 19)),
    ("Mastercard", (("51", "55"), ("2221", "2720")), (16,)),
    ("Discover", (("6011", "6011"), ("644", "649"), ("65", "65")), (16, 17, 18, 19)),
    ("JCB", (("3528", "3589"),), (16, 17, 18, 19)),
    ("JCB", (("1800", "1800"), ("2131", "2131")), (15,)),
    ("Diners Club", (("300", "305"), ("36", "36"), ("38", "39"), ("3095", "3095")), (14, 15, 16, 17, 18, 19)),
    ("UnionPay", (("62", "62"),), (16, 17, 18, 19)),
    ("Maestro", (("50", "50"), ("56", "69")), (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Mir", (("2200", "2204"),), (16, 17, 18, 19)),
)


def card_issuer(digits: str) -> str | None:
    n = len(digits)
    for name, ranges, lengths in _ISSUERS:
        if n not in lengths:
            continue
        for lo, hi in ranges:
            head = digits[: len(lo)]
            if lo <= head <= hi:
                return name
    return None


# 12-19 digits, optionally in groups split by single spaces or dashes.
_CARD = re.compile(r"(?<![\d.\-])\d(?:[ \-]?\d){11,18}(?![\d\-])")


def find_cards(text: str) -> Iterable[Finding]:
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(set(digits)) < 2 or not luhn_ok(digits):
            continue
        issuer = card_issuer(digits)
        if issuer:
            yield _f("privacy", "privacy.card_number", 0.97, "high", m.start(), m.end(),
                     f"Looks like a payment card number ({issuer}, passes the Luhn check)", kind="card")
        elif len(digits) in (15, 16) and digits[0] in "3456":
            # Right length and a card-network first digit, but outside the
            # published issuer ranges: still most likely a card.
            yield _f("privacy", "privacy.card_number", 0.75, "high", m.start(), m.end(),
                     "Looks like a payment card number (passes the Luhn check; issuer range not recognised)",
                     kind="card")


# ------------------------------------------------------------------- IBANs

_IBAN_LEN = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}
# Two letters, two check digits, then 11-30 letters/digits: written solid
# or in groups of four split by single spaces.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?|[A-Za-z0-9]{11,30})(?![A-Za-z0-9])")


def iban_ok(raw: str) -> bool:
    s = raw.replace(" ", "").upper()
    if _IBAN_LEN.get(s[:2]) != len(s):
        return False
    moved = s[4:] + s[:4]
    num = "".join(str(int(ch, 36)) for ch in moved)
    return int(num) % 97 == 1


def find_ibans(text: str) -> Iterable[Finding]:
    for m in _IBAN.finditer(text):
        if iban_ok(m.group()):
            yield _f("privacy", "privacy.iban", 0.97, "high", m.start(), m.end(),
                     f"Looks like a bank account number (IBAN, {m.group()[:2].upper()}, passes the mod-97 check)", kind="iban")


# ------------------------------------------------------------ national IDs

_SSN = re.compile(r"(?<![\d\-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d\-])")
_SSN_CONTEXT = re.compile(r"\b(?:ssn|social security|soc\.? ?sec|tax ?id|itin)", re.I)


def ssn_ok(area: str, group: str, serial: str) -> bool:
    # SSA rules: no 000, 666 or 9xx area; no 00 group; no 0000 serial.
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def find_ssns(text: str) -> Iterable[Finding]:
    for m in _SSN.finditer(text):
        area, sep, group, serial = m.groups()
        if not ssn_ok(area, group, serial):
            continue
        context = _near(text, m.start(), m.end(), _SSN_CONTEXT, 60, 5)
        if sep == "" and not context:
            continue  # nine bare digits are mostly not SSNs
        score = 0.95 if context else 0.85
        yield _f("privacy", "privacy.us_ssn", score, "high", m.start(), m.end(),
                 "Looks like a US Social Security number (valid area, group and serial)", kind="ssn")


# UK National Insurance number: two letters, six digits, a suffix A-D.
_NINO = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-Da-d])(?![A-Za-z0-9])")
_NINO_BAD_PREFIX = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def nino_ok(prefix: str) -> bool:
    p = prefix.upper()
    if p in _NINO_BAD_PREFIX:
        return False
    if p[0] in "DFIQUV" or p[1] in "DFIQUVO":
        return False
    return True


def find_ninos(text: str) -> Iterable[Finding]:
    for m in _NINO.finditer(text):
        if nino_ok(m.group(1)):
            yield _f("privacy", "privacy.uk_nino", 0.9, "high", m.start(), m.end(),
                     "Looks like a UK National Insurance number (valid prefix and suffix)", kind="nino")


# ------------------------------------------------------------------ phones

# A phone-shaped run: optional +, digits with the usual separators, 7-16
# digits in all; optional extension. One digit per repetition keeps it linear.
_PHONE = re.compile(
    r"(?<![\w+\-.])(?:\+|00)?\(?\d(?:[ \-.()/]{0,2}\d){6,15}(?: ?(?:x|ext\.?) ?\d{1,5})?(?![\w\-]|\.\d)", re.I)
_PHONE_CONTEXT = re.compile(
    r"(?:phone|mobile|cell|\btel\b|call|fax|desk|office|whats ?app|text me|sms|contact|reach me|ring me|\bmob\b|\bph\b)",
    re.I)
_TWO_GROUPS = re.compile(r"^\d{2,5} \d{2,6}$")
_DATEISH = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")


def _phone_valid(cand: str, regions: tuple[str, ...]) -> tuple[bool, bool]:
    """(valid somewhere, possible somewhere)"""
    possible = False
    for r in regions:
        try:
            num = phonenumbers.parse(cand, r)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return True, True
        if not possible and phonenumbers.is_possible_number(num):
            possible = True
        if cand.startswith("+"):
            break  # the region does not matter with a country code
    return False, possible


# Validating a candidate costs a parse per region; a message with thousands
# of number runs is not a contact card, so stop after this many.
MAX_PHONE_CANDIDATES = 200


def find_phones(text: str, regions: tuple[str, ...]) -> Iterable[Finding]:
    for i, m in enumerate(_PHONE.finditer(text)):
        if i >= MAX_PHONE_CANDIDATES:
            return
        cand = m.group()
        digits = sum(ch.isdigit() for ch in cand)
        if digits < 7:
            continue
        if _DATEISH.match(cand.strip()):
            continue
        separated = not cand.isdigit()
        intl = cand.startswith(("+", "00"))
        context = _near(text, m.start(), m.end(), _PHONE_CONTEXT, 30, 5)
        if not (separated or intl or context):
            continue  # a bare number with nothing phone-like around it
        if not context and _TWO_GROUPS.match(cand):
            continue  # "704 1436 Redbud Dr": house numbers, postcodes
        valid, possible = _phone_valid(cand, regions)
        if valid:
            score = 0.95 if (context or intl or separated) else 0.8
        elif possible and (context or intl):
            score = 0.75
        else:
            continue
        yield _f("privacy", "privacy.phone_number", score, "medium", m.start(), m.end(),
                 "Looks like a phone number" + (" (valid number format)" if valid else " (next to a phone label)"),
                 kind="phone")


# ------------------------------------------------------------------ emails

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,5}\.[A-Za-z]{2,24}(?![\w\-])")
# Shared, role addresses are meant to be posted; a person's address is not.
ROLE_LOCALPARTS = frozenset(
    "admin abuse billing contact enquiries feedback hello help helpdesk hr info inquiries jobs legal mail "
    "marketing media newsletter no-reply noreply office orders partners postmaster press privacy sales "
    "security service support team webmaster careers accounts ops dev developers community".split())
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")


def find_emails(text: str, allowed_domains: frozenset[str] = frozenset()) -> Iterable[Finding]:
    for m in _EMAIL.finditer(text):
        local, _, domain = m.group().rpartition("@")
        d = domain.lower()
        if d in allowed_domains or any(d.endswith("." + a) for a in allowed_domains):
            continue
        if local.lower() in ROLE_LOCALPARTS:
            continue
        score = 0.6 if d in EXAMPLE_DOMAINS else 0.9
        yield _f("privacy", "privacy.email", score, "medium", m.start(), m.end(),
                 "Looks like a personal email address", kind="email")


# --------------------------------------------------------------------- IPs

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::?[0-9A-Fa-f]{1,4}){1,6}(?![\w:])")
_VERSIONISH = re.compile(r"(?:version|v\.?|release|build)\s*$", re.I)


def find_ips(text: str) -> Iterable[Finding]:
    for rx in (_IPV4, _IPV6):
        for m in rx.finditer(text):
            try:
                ip = ipaddress.ip_address(m.group())
            except ValueError:
                continue
            if ip.is_loopback or ip.is_unspecified or ip.is_multicast:
                continue
            if _VERSIONISH.search(text, max(0, m.start() - 12), m.start()):
                continue
            score = 0.6 if ip.is_private else 0.9
            yield _f("privacy", "privacy.ip_address", score, "low", m.start(), m.end(),
                     "Looks like an IP address" + (" (private network)" if ip.is_private else ""), kind="ip")


# --------------------------------------------------------------- addresses

_STREET_TYPES = (
    "street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|terrace|"
    "crescent|close|square|sq|highway|hwy|parkway|pkwy|circle|cir|trail|row|gardens|strasse|straße|"
    "str|weg|gasse|platz|allee|katu|gatan|vej|rue|via|calle|rua|avenida|laan|straat|plein")
_ADDRESS = re.compile(
    r"(?<!\w)\d{1,5}[A-Za-z]?,? (?:[A-Z][\w'\-]{1,20} ){0,3}(?:" + _STREET_TYPES + r")\.?(?!\w)"
    r"|(?<!\w)(?:[A-Z][\w'\-]{1,20} ){0,2}[A-Z]?[\w'\-]{0,20}(?:" + _STREET_TYPES + r")\.? \d{1,5}[A-Za-z]?(?!\w)"
    r"|(?<!\w)(?:rue|via|calle|rua|avenida|avenue) (?:[\w'\-]{1,20} ){0,3}\d{0,5}"
    r"|(?<!\w)(?:PSC|Unit|USNS|USS|USNV) \d{2,5},? Box \d{2,5}",
    re.I)
_UNIT = re.compile(r",? (?:apt|apartment|suite|ste|unit|flat)\.? ?#?\w{1,6}", re.I)
_ADDRESS_TAIL = re.compile(r"[,\s]{1,4}(?:[A-Z][\w'\-]{1,25}[ ,]{0,3}){0,3}(?:[A-Z]{2} )?\d{4,5}(?:-\d{4})?")


_STREET_WORDS = frozenset(_STREET_TYPES.split("|"))
_STREET_SUFFIX = re.compile(r"(?:strasse|straße|str|weg|gasse|platz|allee|katu|gatan|vej|straat|laan|plein|veien|"
                            r"vägen|gade)\b", re.I)
_DIGIT = re.compile(r"\d")


def find_addresses(text: str, vocab: frozenset[str] | None = None) -> Iterable[Finding]:
    """`vocab`: the message's normalised words, to skip texts with no street word."""
    if _DIGIT.search(text) is None:
        return
    if (vocab is not None and _STREET_WORDS.isdisjoint(vocab) and "box" not in vocab
            and _STREET_SUFFIX.search(text) is None):
        return
    for m in _ADDRESS.finditer(text):
        s, e = m.start(), m.end()
        if e - s < 6:
            continue
        u = _UNIT.match(text, e)
        if u:
            e = u.end()
        t = _ADDRESS_TAIL.match(text, e, min(len(text), e + 80))
        if t:
            e = t.end()
        yield _f("privacy", "privacy.street_address", 0.7, "medium", s, e,
                 "Looks like a street address", kind="address")


# --------------------------------------------------------------- passwords

_PASSWORD = re.compile(
    r"(?<!\w)(password|passwd|pwd|passcode|pass|pin)\s{0,3}(is|=|:|->)\s{0,3}[\"'`]?(\S{4,64})", re.I)
_PASSWORD_STOP = frozenset("the a an my your not reset wrong incorrect required expired changed same correct "
                           "valid invalid enabled disabled working protected".split())
_PASSWORD_WORDS = ("pass", "pwd", "pin")


def find_passwords(text: str) -> Iterable[Finding]:
    low = text.lower()
    if not any(w in low for w in _PASSWORD_WORDS):
        return
    for m in _PASSWORD.finditer(text):
        key, sep, value = m.group(1).lower(), m.group(2), m.group(3).rstrip(".,;\"'`")
        if value.lower() in _PASSWORD_STOP or len(value) < 4:
            continue
        if (sep == "is" or key in ("pass", "pin")) and value.isalpha():
            continue  # "the pass is valid", "pin is missing": words, not secrets
        s = m.start(3)
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


def find_secrets(text: str) -> Iterable[Finding]:
    if _ANY_PROBE.search(text) is None:
        return
    for rule, name, rx, probe in _SECRETS:
        if not any(p in text for p in probe):
            continue
        for m in rx.finditer(text):
            yield _f("confidential", f"confidential.{rule}", 0.98, "critical", m.start(), m.end(),
                     f"Looks like a {name}: secrets must never be posted", kind="secret", secret=rule)


def mask_value(kind: str, value: str) -> str:
    """Mask a sensitive value, keeping a hint of what it was."""
    dot = "\u2022"
    if kind == "card":
        digits = re.sub(r"\D", "", value)
        return f"{dot * 4} {dot * 4} {dot * 4} {digits[-4:]}"
    if kind == "email":
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}{dot * 3}@{domain}"
    if kind == "secret":
        for head in ("xoxb-", "xoxp-", "xoxa-", "xoxs-", "xoxo-", "xoxr-", "xapp-", "ghp_", "gho_", "ghu_",
                     "ghs_", "ghr_", "github_pat_", "sk_live_", "rk_live_", "AIza", "AKIA", "ASIA",
                     "eyJ", "sk-", "-----BEGIN", "SK", "hooks.slack.com"):
            if value.startswith(head):
                return head + dot * 3
        return dot * 3
    if kind == "phone":
        digits = [c for c in value if c.isdigit()]
        return (f"+{dot * 3}" if value.startswith("+") else dot * 3) + "".join(digits[-2:])
    if kind == "iban":
        return value[:2].upper() + dot * 3 + value.replace(" ", "")[-4:]
    if kind == "ip":
        return value.split(".")[0] + "." + dot * 3 if "." in value else dot * 3
    if kind in ("ssn", "nino"):
        return dot * 3 + "-" + value[-4:] if kind == "ssn" else dot * 3 + value[-1:]
    return dot * 3
