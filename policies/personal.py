"""Personal data (privacy), with check rules: cards, IBANs, national IDs,
emails and IP addresses, and what the other detectors share (the finding
they make, what code looks like). Phones are in policies.phones, street
addresses in policies.addresses, passwords and secrets (confidential) in
policies.credentials.

Each detector looks for a shape with a cheap regex, then confirms it with
the rule made for that kind of number: Luhn and issuer ranges for cards,
mod-97 for IBANs, the SSA's allocation rules for US SSNs, HMRC's prefix
rules for UK NI numbers. The shape alone is never enough for numbers, which
keeps order ids and timestamps quiet.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Iterable

from .links import DOCUMENTATION_DOMAINS, IPV4, real_suffix
from .model import Finding

# ----------------------------------------------------------------- helpers


def _f(category: str, rule: str, score: float, severity: str, s: int, e: int, why: str, **extra) -> Finding:
    return Finding(category, rule, score, severity, s, e, why, sensitive=True, extra=extra)


def _near(text: str, s: int, e: int, pattern: re.Pattern, before: int = 40, after: int = 10) -> bool:
    return pattern.search(text, max(0, s - before), min(len(text), e + after)) is not None


# ------------------------------------------------------- what code looks like
#
# Slack marks code with backticks, and the caller blanks those spans before
# these detectors run. Much code is pasted without them (logs, a line of
# Java, a JSON body): there a number is a version, a port, a coordinate or
# an id, not a phone. Two signs, both cheap: the value is a literal in a call
# or an assignment (`Id("936512346")`, `port=5432`), or the text around it is
# dense with code punctuation, which prose, even a contact card, never is.
_CODE_CHARS = frozenset('{}();=[]"\\')
CODE_DENSITY = 0.08  # presidio's synthetic PII sentences peak at 0.052
_QUOTED_BEFORE = re.compile(r"""[(\[=:,]\s?["']$""")
_BARE_BEFORE = re.compile(r"[(=]$")


def code_like(text: str, s: int, e: int, window: int = 60) -> bool:
    """Whether text[s:e] sits inside pasted code rather than prose."""
    after = text[e:e + 1]
    if after in ("\"", "'") and _QUOTED_BEFORE.search(text, max(0, s - 3), s) and text[s - 1] == after:
        return True  # Id("936512346"), "udid": "...", ['...']
    if after in (")", ";", ",") and _BARE_BEFORE.search(text, max(0, s - 1), s):
        return True  # Location(77.59974003, ...), port=5432;
    lo, hi = max(0, s - window), min(len(text), e + window)
    n = 0
    for i in range(lo, hi):
        if text[i] in _CODE_CHARS:
            n += 1
    return n >= CODE_DENSITY * (hi - lo)


# A version ("appium 1.4.16.1", "v2.3.1.4", "Version 10.0.1.2") looks like an
# IP address or a dotted phone number; so does a release of any tool.
_VERSION_BEFORE = re.compile(
    r"(?:\bversion|\bver\.?|\bv|\brelease[sd]?|\bbuild|\bsdk|\bapi|\bupgrade[sd]?(?: to)?|\bupdate[sd]?(?: to)?|"
    r"\binstall(?:ed)?|\blatest|\bfrom|\bto|@|-|/)\s{0,2}[:=]?\s{0,2}$", re.I)


def version_like(text: str, s: int) -> bool:
    return _VERSION_BEFORE.search(text, max(0, s - 16), s) is not None


# A label that makes the number after it an id, not a phone or a house
# number: "port 4723", "pid 1894", "PR 2311 Main Street refactor".
_ID_LABEL_BEFORE = re.compile(r"\b(?:ports?|expose|pid|id|uid|udid|line|build|version|code|error|status|issue|pr|ticket|order|"
                               r"invoice|ref|size|ms|bytes)\s{0,2}[:=#]?\s{0,2}$", re.I)


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
_CARD = re.compile(r"(?<![\w.\-])\d(?:[ \-]?\d){11,18}(?![\w\-])")  # not inside a UUID or a hash


_CARD_CONTEXT = re.compile(r"\b(?:card|cc|credit|debit|visa|master ?card|amex|american express|discover|"
                           r"maestro|jcb|diners|unionpay|payment|pay|charge|cvv|expir)", re.I)
_STRONG_ISSUERS = frozenset(("Visa", "Mastercard", "American Express", "Discover"))


def find_cards(text: str) -> Iterable[Finding]:
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(set(digits)) < 2 or not luhn_ok(digits):
            continue
        issuer = card_issuer(digits)
        if not _near(text, m.start(), m.end(), _CARD_CONTEXT, 50, 20):
            # One random number in ten passes the Luhn check: a run of
            # digits with no word about cards must at least be written like
            # a card, in prose, from a major network.
            if issuer not in _STRONG_ISSUERS or code_like(text, m.start(), m.end()):
                continue
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


# ------------------------------------------------------------------ emails

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,5}\.[A-Za-z]{2,24}(?![\w\-])")
# Shared, role addresses are meant to be posted; a person's address is not.
ROLE_LOCALPARTS = frozenset(
    "admin abuse billing contact enquiries feedback hello help helpdesk hr info inquiries jobs legal mail "
    "marketing media newsletter no-reply noreply office orders partners postmaster press privacy sales "
    "security service support team webmaster careers accounts ops dev developers community".split())
# Documentation domains and reserved names (RFC 2606, RFC 6761) and
# placeholders people write in examples belong to nobody.
EXAMPLE_DOMAINS = DOCUMENTATION_DOMAINS + ("example.edu", "domain.com", "email.com",
                   "yourdomain.com", "yourcompany.com", "company.com", "mydomain.com", "test.com")
# ".test" stays: test suites and demos use it for someone's address.
_RESERVED_TLDS = ("example", "invalid", "localhost", "local", "internal", "lan")
PLACEHOLDER_LOCALPARTS = frozenset(
    "test tester testing user username user1 user2 foo bar baz foobar someone somebody name yourname your.name "
    "firstname.lastname first.last you example sample email youremail your_email your.email myemail my.email "
    "xxx abc demo dummy fake git".split())


def find_emails(text: str, allowed_domains: frozenset[str] = frozenset()) -> Iterable[Finding]:
    for m in _EMAIL.finditer(text):
        local, _, domain = m.group().rpartition("@")
        d = domain.lower()
        if d in allowed_domains or any(d.endswith("." + a) for a in allowed_domains):
            continue
        low = local.lower()
        if low in ROLE_LOCALPARTS or low in PLACEHOLDER_LOCALPARTS:
            continue
        if d in EXAMPLE_DOMAINS or d.endswith(EXAMPLE_DOMAINS) or d.rsplit(".", 1)[-1] in _RESERVED_TLDS:
            continue
        if text[m.end():m.end() + 1] == ":":
            continue  # user@host:path is an scp/git remote, not a mailbox
        if not known_suffix(d) and not d.endswith(".test"):
            continue  # "congrats@Divya-tfw.Guys": a mention glued to words
        if code_like(text, m.start(), m.end()):
            continue  # a fixture in pasted code: sendKeys("qa@gmail.com")
        yield _f("privacy", "privacy.email", 0.9, "medium", m.start(), m.end(),
                 "Looks like a personal email address", kind="email")


def known_suffix(domain: str) -> bool:
    """Whether `domain` ends in a real public suffix (from the bundled
    Public Suffix List snapshot, loaded once in policies.links)."""
    return real_suffix(domain.lower())


# --------------------------------------------------------------------- IPs

_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::?[0-9A-Fa-f]{1,4}){1,6}(?![\w:])")
_IP_CONTEXT = re.compile(r"(?:\bip\b|_ip\b|\bips\b|ip address|\baddress|\bhost|\bserver|\bping|\bconnect|"
                         r"\bproxy|\bdns|\bgateway|\bvpn|\bssh\b|\bfirewall|\bblock|\bban|\blogged|\bfrom ip|"
                         r"\bremote|\bclient|\bsubnet)", re.I)
_HOST_BEFORE = re.compile(r"[a-z0-9\-]\.[a-z]{2,24} ?[(,]$", re.I)  # "github.com (192.30.255.112)": a server
# A port after it ("...:443", "... port 3128", also run into the next word
# by an export: ":443npm") or a host name after it (a hosts-file line,
# "91.189.91.26 archive.ubuntu.com"): a server's endpoint, not a person's.
_PORT_AFTER = re.compile(r":\d{2,5}(?!\d)| port \d{2,5}(?!\d)|\s{1,3}[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b(?![.:\d])",
                         re.I)
_CIDR_AFTER = re.compile(r"/\d{1,2}(?!\d)")
# A network's own machines named just before the address: "gateway:
# 173.25.5.1", "two DNS servers (Google, and 4.4.2.2)", "--dns 9.9.9.9".
_NETWORK_ROLE_BEFORE = re.compile(r"\b(?:dns|name ?servers?|resolvers?|gateways?)\b[^.\n]{0,30}$", re.I)
_IP_LABEL = re.compile(r"\b(?:my )?ip(?: address)?(?: is)?\s{0,2}[:=]?\s{0,2}['\"]?$", re.I)
# Public resolvers and the placeholder everyone types identify nobody.
WELL_KNOWN_IPS = frozenset(("1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112",
                            "208.67.222.222", "208.67.220.220", "1.2.3.4", "4.4.4.4"))


def find_ips(text: str) -> Iterable[Finding]:
    for rx in (IPV4, _IPV6):
        for m in rx.finditer(text):
            try:
                ip = ipaddress.ip_address(m.group())
            except ValueError:
                continue
            # Private, loopback, link-local, documentation (RFC 5737, RFC
            # 3849) and other reserved ranges identify nobody.
            if not ip.is_global or ip.is_multicast:
                continue
            s, e = m.start(), m.end()
            if m.group() in WELL_KNOWN_IPS or _HOST_BEFORE.search(text, max(0, s - 30), s):
                continue
            if _NETWORK_ROLE_BEFORE.search(text, max(0, s - 40), s) and not _IP_LABEL.search(text, max(0, s - 12), s):
                continue  # a resolver or a gateway: the network's machine, not a person's
            if ip.version == 4 and (m.group().endswith(".0") or _CIDR_AFTER.match(text, e)):
                continue  # 172.16.0.0/24, Chrome/30.0.0.0: a network or a version, not a machine
            if ip.version == 4 and _PORT_AFTER.match(text, e) and not _IP_LABEL.search(text, max(0, s - 12), s):
                continue  # 216.58.214.176:443 in an error, a hosts-file line: a server
            context = _near(text, s, e, _IP_CONTEXT, 40, 15)
            if not context:
                if version_like(text, s):
                    continue
                if ip.version == 4 and max(ip.packed) < 32:
                    continue  # 1.4.16.1, 10.15.7.2: a version far more often than an address
                if code_like(text, s, e):
                    continue
            yield _f("privacy", "privacy.ip_address", 0.9, "low", s, e, "Looks like an IP address", kind="ip")


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
