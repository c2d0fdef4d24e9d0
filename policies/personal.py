"""Personal data (privacy) and secrets (confidential), with check rules.

Each detector looks for a shape with a cheap regex, then confirms it with
the rule made for that kind of number: phonenumbers' metadata for phones,
Luhn and issuer ranges for cards, mod-97 for IBANs, the SSA's allocation
rules for US SSNs, HMRC's prefix rules for UK NI numbers. The shape alone
is never enough for numbers, which keeps order ids and timestamps quiet.
"""
from __future__ import annotations

import base64
import ipaddress
import re
from http import HTTPStatus
from typing import Iterable

import phonenumbers

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


# ------------------------------------------------------------------ phones

# A phone-shaped run: optional +, digits with the usual separators, 7-16
# digits in all; optional extension. One digit per repetition keeps it linear.
_PHONE = re.compile(
    r"(?<![\w+\-./\\])(?:\+|00)?\(?\d(?:[ \-.()/]{0,2}\d){6,15}(?: ?(?:x|ext\.?) ?\d{1,5})?(?!\w|-\w|\.\d)", re.I)
_PHONE_CONTEXT = re.compile(
    r"(?:\bphone|\bmobile\b|\bcell\b|\btel\b|\bcall|\bfax|\bdesk|\boffice|whats ?app|text me|\bsms|\bcontact|reach me|ring me|"
    r"\bmob\b|\bph\b|\bdial|\btext(?:ing)? (?:me|us))",
    re.I)
_TWO_GROUPS = re.compile(r"^\d{2,5} {1,3}\d{2,6}$")
_CAPWORD_AFTER = re.compile(r" [A-ZÀ-ÖØ-Þ][^\W\d_]")
_PT_POSTCODE = re.compile(r"^\d{4}-\d{3}$")
_ID_LABEL_BEFORE = re.compile(r"\b(?:ports?|expose|pid|id|uid|udid|line|build|version|code|error|status|issue|pr|ticket|order|"
                               r"invoice|ref|size|ms|bytes)\s{0,2}[:=#]?\s{0,2}$", re.I)
_IPV4_SHAPE = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")
# A label right before the number: the surest sign, even inside a contact card.
_PHONE_LABEL = re.compile(
    r"(?:\b(?:phone|mobile|cell|tel|telephone|fax|desk|office|whats ?app|sms|mob|ph)\b\.?(?: ?(?:no|number|#))?\.?"
    r"\s{0,3}[:\-]?\s{0,3}|\b(?:call|text|ring|reach) (?:me|us)(?: on| at)?\s{1,3})$", re.I)
# A number glued to a colon is a port or a time, not a phone: "localhost:3456",
# "30000-30009:30000-30009" (a port range mapped to another), "9:47:08".
_COLON_BEFORE = re.compile(r"[\w\]]:$")
_COLON_AFTER = re.compile(r":\d")
# A listing pasted from a terminal (`ls -al`, `docker ps`, curl's progress
# meter) lines numbers up in columns: a run with a wide gap, or any number
# in a text holding a file-mode column ("drwxr-xr-x"), is a column.
_COLUMN_GAP = re.compile(r"\d {2,}\d")
# The headers of the listings people paste most (df, free, top, docker ps and
# stats, ps): every number under them is a figure.
_LISTING_HEADER = re.compile(r"\b1K-blocks\b|\bMounted on\b|\bUse%|\b(?:KiB|MiB) (?:Mem|Swap)\b|\bCONTAINER ID\b|"
                             r"\btotal +used +free\b|\bMEM USAGE\b|\bPID +USER\b|\bUID +PID\b")
_FILE_MODE = re.compile(r"(?<![\w-])[-dlcbps][r-][w-][xsS-][r-][w-][xsS-][r-][w-][xtT-](?![\w-])")
_DECIMAL = re.compile(r"^\d+\.\d+$")  # 77.59974003: a coordinate or a measurement
# A column of figures (`df`, `free`, `docker stats` pasted in one line): the
# run has a number right before it, another after it, or a percent sign.
_FIGURE_BEFORE = re.compile(r"\d[ \t]{1,3}$")
_FIGURE_AFTER = re.compile(r"[ \t]{0,3}%|[ \t]{1,3}\d+(?:[.,]\d+)?(?:%|[KMGT]i?B?)?(?![\w.,/:-])")
# A list or range of ports ("8080/8443/9000", "5432 6379 27017",
# "30000-30009"): every group four or five digits, none starting with 0,
# which no national phone format writes. Three such groups, or two with a
# word about services, ports or networks close by.
_PORTISH_GROUP = re.compile(r"[1-9]\d{3,4}")
_GROUP_SPLIT = re.compile(r"[ \-./()]+")
_PORT_TALK = re.compile(
    r"\b(?:ports?|range|listen\w*|expos\w*|open\w*|forward\w*|firewall|tcp|udp|https?|containers?|services?|"
    r"docker|compose|kube\w*|k8s|host|localhost|server|bind\w*|map\w*|publish\w*|proxy|nginx|apache|"
    r"databases?|postgres\w*|redis|mongo\w*|mysql|elastic\w*|kafka|socket|endpoint)\b", re.I)
_DATEISH = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
# "2009-2013", "copyright 2015 - 2020": a span of years, earlier year first.
_YEAR_SPAN = re.compile(r"((?:19|20)\d\d) ?[-/] ?((?:19|20)\d\d)")
# "03 08 2019": a date written with spaces (day and month either way round).
_SPACED_DATE = re.compile(r"(\d{1,2}) (\d{1,2}) (?:19|20)\d\d")


def _years_or_date(cand: str) -> bool:
    years = _YEAR_SPAN.fullmatch(cand)
    if years:
        return years[1] < years[2]
    date = _SPACED_DATE.fullmatch(cand)
    if date:
        a, b = int(date[1]), int(date[2])
        return 1 <= min(a, b) <= 12 and max(a, b) <= 31
    return False


# Premium-rate lines (which SMS spam pushes) belong to a business, never to
# a person. (Toll-free is left alone: in some regions its prefixes are
# ordinary numbers elsewhere, and the first valid region is a guess.)
_BUSINESS_TYPES = frozenset((phonenumbers.PhoneNumberType.PREMIUM_RATE,))


def _parses(cand: str, regions: tuple[str, ...]):
    """`cand` read as a number of each region in turn (once, with a country code)."""
    for r in regions:
        try:
            yield phonenumbers.parse(cand, r)
        except phonenumbers.NumberParseException:
            continue
        if cand.startswith("+"):
            break  # the region does not matter with a country code


def business_number(cand: str, regions: tuple[str, ...]) -> bool:
    """Whether `cand` is a premium-rate line wherever it is valid (a number
    that is a person's mobile in another region counts as a person's)."""
    business = False
    for num in _parses(cand, regions):
        if phonenumbers.is_valid_number(num):
            if phonenumbers.number_type(num) not in _BUSINESS_TYPES:
                return False
            business = True
    return business


def _phone_valid(cand: str, regions: tuple[str, ...]) -> tuple[bool, bool]:
    """(valid somewhere, possible somewhere)"""
    possible = False
    for num in _parses(cand, regions):
        if phonenumbers.is_valid_number(num):
            return True, True
        if not possible and phonenumbers.is_possible_number(num):
            possible = True
    return False, possible


def _port_list(cand: str, text: str, s: int, e: int) -> bool:
    groups = [g for g in _GROUP_SPLIT.split(cand) if g]
    if len(groups) >= 3 and sum(len(g) == 1 for g in groups) >= 3:
        return True  # "1 2 3 4 5 6 7": a count, not a number
    if len(groups) < 2 or not all(_PORTISH_GROUP.fullmatch(g) for g in groups):
        return False
    return len(groups) >= 3 or "/" in cand or _near(text, s, e, _PORT_TALK, 40, 30)


# Validating a candidate costs a parse per region; a message with thousands
# of number runs is not a contact card, so stop after this many.
MAX_PHONE_CANDIDATES = 200


def find_phones(text: str, regions: tuple[str, ...]) -> Iterable[Finding]:
    listing: bool | None = None  # looked for once, when a candidate needs it
    for i, m in enumerate(_PHONE.finditer(text)):
        if i >= MAX_PHONE_CANDIDATES:
            return
        cand = m.group()
        digits = sum(ch.isdigit() for ch in cand)
        if digits < 7:
            continue
        if {ch for ch in cand if ch.isdigit()} == {"0"}:
            continue  # "0000000 0000000": padding in a dump, never a line anyone answers
        if _DATEISH.match(cand.strip()) or _DECIMAL.match(cand):
            continue
        separated = not cand.isdigit()
        intl = cand.startswith(("+", "00"))
        if cand.count(".") == 3 and _IPV4_SHAPE.match(cand):
            continue  # an IP address (the IP detector decides about it)
        if (cand.startswith("(") and ")" not in cand) or (")" in cand and "(" not in cand):
            continue  # "(36721764)": a number in brackets, not an area code
        if _ID_LABEL_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "port 4723", "pid 1894", "build 1741308922"
        label = _PHONE_LABEL.search(text, max(0, m.start() - 24), m.start()) is not None
        if not label and (_COLON_BEFORE.search(text, max(0, m.start() - 2), m.start())
                          or _COLON_AFTER.match(text, m.end()) or _COLUMN_GAP.search(cand)):
            continue  # a port, a time of day, or a column of a terminal listing
        if not label and (_FIGURE_BEFORE.search(text, max(0, m.start() - 4), m.start())
                          or _FIGURE_AFTER.match(text, m.end())):
            continue  # one figure of a column: sizes, counts, percentages
        if not label and not intl and _port_list(cand, text, m.start(), m.end()):
            continue  # "8080/8443/9000", "forward 3000-3010": ports, not a phone
        if not label and listing is None:
            listing = _FILE_MODE.search(text) is not None or _LISTING_HEADER.search(text) is not None
        if not label and listing:
            continue  # sizes, inodes and dates of a pasted `ls -l`
        context = label or _near(text, m.start(), m.end(), _PHONE_CONTEXT, 30, 10)
        if not context and _years_or_date(cand.strip()):
            continue  # "2009-2013", "03 08 2019": years and dates, not a line anyone answers
        if not label and (_TWO_GROUPS.match(cand) and _CAPWORD_AFTER.match(text, m.end()) or _PT_POSTCODE.match(cand)):
            continue  # "17031 2202 Rissik St": house numbers; "3610-114": a postcode
        if "." in cand and not context:
            continue  # dotted runs unlabelled are versions: chromedriver=2.28.455520, 53.0.2785.0
        if not label and code_like(text, m.start(), m.end()):
            continue  # a literal in pasted code: AccessibilityId("936512346")
        if not (separated or intl or context):
            continue  # a bare number with nothing phone-like around it
        if not context and _TWO_GROUPS.match(cand):
            continue  # "704 1436 Redbud Dr": house numbers, postcodes
        valid, possible = _phone_valid(cand, regions)
        if valid and business_number(cand, regions):
            continue  # a premium-rate or toll-free line: a business's, not a person's
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


# --------------------------------------------------------------- addresses
#
# A street address is found from its parts, never from one word: "via",
# "st", "dr" and "court" are ordinary words, and "appium 1.6.3" has a name
# and a number. A candidate needs one of
#   * a house number, a capitalised name and a street type: "3968 Bay Street"
#     (the types are the USPS suffixes and their abbreviations);
#   * a street word of a continental style with its number: "Søndergade 52",
#     "Via dei Fiorentini 17", "ul. Słowicza 10";
#   * a name and number followed by a unit or a postcode line:
#     "Allika 46  Suite 501", "Edeby 55, TYSTBERGA";
#   * an address cue before it: "lives at", "my address is", "ship it to";
#   * a post-office box: "P.O. Box 242", "Unit 7349 Box 6067", "PSC 1234, Box 5678".
# It is then extended over a unit ("Apt. 066") and a city/postcode tail.

_USPS = (
    "alley|aly|avenue|ave|av|boulevard|blvd|bridge|brg|brook|bypass|byp|canyon|causeway|center|ctr|circle|cir|"
    "cliff|common|corner|course|court|ct|cove|creek|crescent|cres|crest|crossing|xing|crossroad|curve|dale|drive|dr|"
    "estate|expressway|expy|extension|falls|ferry|field|fields|ford|forest|fork|fort|freeway|fwy|garden|gardens|"
    "gateway|glen|green|grove|harbor|haven|heights|hts|highway|hwy|hill|hills|hollow|inlet|island|junction|jct|"
    "knoll|lake|landing|lane|ln|lodge|loop|mall|manor|meadow|meadows|mews|mill|mission|motorway|mount|mountain|"
    "neck|orchard|oval|overpass|park|parkway|pkwy|pass|path|pike|pine|pines|place|pl|plain|plaza|plz|point|pt|"
    "port|prairie|ranch|rapids|ridge|river|road|rd|route|rte|row|run|shoal|shore|shores|skyway|spring|springs|"
    "square|sq|station|stravenue|stream|street|st|str|summit|terrace|ter|trace|track|trail|trl|tunnel|turnpike|"
    "underpass|union|valley|viaduct|view|village|vista|walk|wall|way|well|wells|close|gate|grange|wharf|yard|"
    "quay|embankment|parade|broadway")
# Continental street words, written as a suffix of the name ("Søndergade").
_SUFFIXES = (
    "strasse|straße|str|weg|gasse|platz|allee|damm|ufer|gade|vej|vænget|stræde|torv|gatan|gata|vägen|väg|"
    "veien|vegen|veg|gata|katu|kuja|tie|polku|kaari|straat|laan|plein|gracht|kade|utca|út|tér|ulica|iela|"
    "gatve|stra[sß]e|straeti|stræti|gränd|bakken")
# ... or as a word of its own after the name ("Király u. 15.").
_SEPARATE = "u|utca|út|útja|tér|körút|krt|rkp|terrasse|vei|veien|gate|gata|gatan|katu|tie|vej|gade|straat|weg|platz|allee"
# ... or as a word in front of it ("Via dei Fiorentini 17").
_PREFIXES = (
    "Via|Viale|Vicolo|Piazza|Corso|Largo|Rue|Avenue|Boulevard|Chemin|Impasse|Allée|Place|Quai|Calle|Carrer|Avenida|"
    "Av\\.|Avda\\.?|Paseo|Plaza|Camino|Rua|Travessa|Praça|Largo|Ul\\.|ul\\.|Ulica|Aleja|Al\\.|Plac|Odos|Leoforos|"
    "Rruga|Bulevardi|Sokak|Caddesi|Straße|Strada|Str\\.|Strasse")
_NAME = r"[^\W\d_][\w'’.\-]{0,24}"
_CAPNAME = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.\-]{0,24}"
_PARTICLE = r"(?:de|del|della|dei|di|da|do|dos|das|la|le|les|du|des|van|von|der|den|ter|y|e|of|the)"
_HOUSE = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_CAPWORDS = rf"(?:{_CAPNAME}|{_PARTICLE})(?: (?:{_CAPNAME}|{_PARTICLE})){{0,3}}"
_ADDRESS_FORMS = re.compile(
    # 3968 Bay Street / 12 N. Timms Drive / 600 W 5th St.
    rf"(?<![\w.,-]){_HOUSE},? (?:(?:[NSEW]|North|South|East|West)\.? )?(?:\d{{1,3}}(?:st|nd|rd|th) |{_CAPWORDS} )"
    rf"(?i:{_USPS})\.?(?![\w'’-])"
    # Søndergade 52 / Hafnarstraeti 5 / Kálmán Imre u. 12.
    rf"|(?<![\w-])(?:{_HOUSE},? )?(?:{_CAPNAME} ){{0,2}}[^\W\d_][\w'’.\-]{{2,24}}(?i:{_SUFFIXES})\.? {_HOUSE}(?![\w'’-]|\.\d)"
    # Király u. 15. / Stensås terrasse 38 / Nieuwe Baan 473 St.
    rf"|(?<![\w-])(?:{_HOUSE},? )?(?:{_CAPNAME} ){{1,2}}(?i:{_SEPARATE})\.? {_HOUSE}\.?(?![\w'’-]|\.\d)"
    rf"|(?<![\w-]){_CAPWORDS} {_HOUSE} (?:St|Street|Ave|Avenue|Rd|Road)\.?(?![\w'’-])"
    # Via dei Fiorentini 17 / 20 Rue Hsine Eloued / ul. Słowicza 10
    rf"|(?<![\w-])(?:{_HOUSE},? )?(?:{_PREFIXES}) (?:(?:{_NAME}) ){{0,4}}?(?:{_HOUSE}(?![\w'’-]|\.\d)|(?={_CAPNAME}))(?:{_CAPNAME})?"
    # P.O. Box 242 / Unit 7349 Box 6067 / PSC 1234, Box 5678
    r"|(?<!\w)(?i:P\.? ?O\.? Box|Post Office Box|Postfach|(?:PSC|Unit|CMR) \d{2,5},? Box) \d{1,6}(?!\w)"
    # USNS Møller / FPO AA 85844: ships and military post
    r"|(?<!\w)(?i:(?:USNS|USNV|USS|USCGC) [^\W\d_][\w'’\-]{1,25}\s{1,3}[AFD]PO (?:AA|AE|AP) \d{5})(?!\w)")
# Name and number followed by a unit or a postcode line: needs that to follow.
_NAME_NUMBER = re.compile(rf"(?<![\w.,-])(?:{_HOUSE},? )?(?:{_CAPNAME} ){{0,2}}{_CAPNAME} {_HOUSE}(?![\w'’-]|\.\d)")
_UNIT = re.compile(r"[,\s]{0,4}(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building)\.? ?#?\d{1,5}[A-Za-z]?",
                   re.I)
_CUE = re.compile(
    r"(?:\baddress(?:es)?(?: is| was|:)?|\blives? (?:at|on|in)|\bliving at|\blocated at|\bmoved to|\bsent to|"
    r"\bsend (?:it|this|them|the \w+|a new one|\w+)? ?to|\bship(?:ped)? (?:it |this |them )?to|\bdeliver(?:ed|y)? (?:it |this )?to|"
    r"\bmail(?:ed)? (?:it |this )?to|\bdrops? (?:you|me) off at|\b(?:meet|see) (?:you|me|us) at|\bpick (?:you|me|us) up at|"
    r"\barrived at|\btaxi to|\bcome (?:over )?to|\bcorner of|\bvisit us at|\bfind us at|\breturn (?:it )?to|"
    r"\b(?:office|offices|restaurant|shop|store|house|flat|apartment|hotel|venue|party|school|clinic|station)"
    r" (?:is|are) (?:at|on)|\bbilling address|\bshipping address|\bhome address|\bmailing address)[:\s]{1,6}", re.I)
# After a cue, a run starting or ending with a number (lower case allowed).
# After a cue, still an address's shape: a name between two numbers (lower
# case allowed: "74678 midtvollen 130"), or a capitalised name after or
# before a number ("172 Maneeži", "Joaquin Suarez 2906").
_CAPRUN = rf"{_CAPNAME}(?: (?:{_CAPNAME}|{_PARTICLE})){{0,3}}"
_CUED = re.compile(
    rf"{_HOUSE},? (?:{_NAME} ){{0,3}}{_NAME} {_HOUSE}(?![\w'’-]|\.\d)"
    rf"|{_HOUSE},? {_CAPRUN}"
    rf"|{_CAPRUN} {_HOUSE}(?![\w'’-]|\.\d)")
_NEXT_WORD = re.compile(r" ([^\W\d_]+)")
_QUANTITIES = frozenset("am pm oclock min mins minute minutes hour hours hrs h day days week weeks month months "
                        "year years people persons times places accounts customers blocks streets miles km".split())
# Words that are never the name of a street on their own.
_NOT_STREET = frozenset(
    "the a an and or of to at in on from by for with me you us him her them it my your our their this that these "
    "those no number room table booth gate level shelf floor page step platform seat stand desk hall unit track "
    "am pm o'clock oclock min mins minute minutes hour hours hrs day days week weeks month months year years "
    "people persons times places accounts customers blocks streets miles km past till until now then later "
    "tonight today tomorrow morning evening night lunch dinner max min ago away".split())
_ZIP_LINE = re.compile(
    r"[,\s>]{1,6}(?:[^\W\d_][\w'’.\-]{0,25}[ ,\n>()]{0,4}){0,5}(?:[A-Z]{2},? )?(?:\d{4,5}(?:-\d{3,4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|"
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})(?!\w)")
_STOPNAMES = frozenset(
    "I The A An In On At To For And Or But If It Is My Your Our This That We You He She They Version Appium Android "
    "iOS Windows Java Python Node Chrome Firefox Xcode Selenium Docker Ubuntu Debian Mac Macos Linux Api Sdk Step "
    "Page Line Chapter Section Issue Bug Build Release Port Level Python3 Room Table Figure Item Test Tests Day Week "
    "Month Year Hours Minutes Seconds Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday January February March April June July August September October November "
    "December Top Option Player Team Group Round Game Episode Season Part Vol Volume".split())


def _address_end(text: str, e: int) -> int:
    u = _UNIT.match(text, e, min(len(text), e + 30))
    if u:
        e = u.end()
    t = _ZIP_LINE.match(text, e, min(len(text), e + 90))
    if t:
        e = t.end()
    return e


def _followed_by_address_part(text: str, e: int) -> bool:
    if _UNIT.match(text, e, min(len(text), e + 30)):
        return True
    t = _ZIP_LINE.match(text, e, min(len(text), e + 90))
    if t is None or _YEAR_END.search(t.group()):
        return False  # "December 2, 2019"
    return "," in t.group()[:4] or "\n" in t.group()[:4] or "  " in t.group()[:4]


# A message with more addresses than this is a list, not a contact card: the
# first ones are enough to route it (and the rest would cost time).
MAX_ADDRESSES = 50


def find_addresses(text: str, vocab: frozenset[str] | None = None) -> Iterable[Finding]:
    """`vocab` is accepted for the caller's convenience; the digit test is the gate."""
    if _DIGIT.search(text) is None:
        return
    cued = (_CUE_PROBE.search(text) is not None) if vocab is None else not _CUE_WORDS.isdisjoint(vocab)
    if not cued and _ANCHOR.search(text) is None:
        return
    spans: list[tuple[int, int, float]] = []
    if vocab is None or not _FORM_WORDS.isdisjoint(vocab) or _SUFFIX_PROBE.search(text):
        for m in _ADDRESS_FORMS.finditer(text):
            spans.append((m.start(), m.end(), 0.8))
    for m in _NAME_NUMBER.finditer(text) if _UNIT_OR_CODE.search(text) else ():
        words = m.group().split()
        if any(w in _STOPNAMES for w in words):
            continue
        if _followed_by_address_part(text, m.end()):
            spans.append((m.start(), m.end(), 0.75))
    if cued:
        for c in _CUE.finditer(text):
            m = _CUED.match(text, c.end())
            if m is None or not any(ch.isdigit() for ch in m.group()):
                continue
            names = [w for w in m.group().split() if not any(ch.isdigit() for ch in w)]
            if not any(len(w) >= 3 and w.lower().strip(".,") not in _NOT_STREET and w not in _STOPNAMES
                       for w in names):
                continue  # "meet you at 5 pm", "room 204", "2 people max"
            if any(w.lower() in _NOT_STREET or w in _STOPNAMES for w in names[:1]):
                continue
            after = _NEXT_WORD.match(text, m.end())
            if after and after.group(1).lower() in _QUANTITIES:
                continue  # "Costa 2 mins from here", "Main 2 blocks down"
            spans.append((m.start(), m.end(), 0.75))
    if not spans:
        return
    spans.sort()
    merged: list[list] = []
    for s, e, sc in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2] = max(merged[-1][2], sc)
        else:
            merged.append([s, e, sc])
    kept = 0
    for s, e, sc in merged:
        if kept >= MAX_ADDRESSES:
            return
        if code_like(text, s, e) or _ID_LABEL_BEFORE.search(text, max(0, s - 12), s):
            continue  # in code; "PR 2311 Main Street refactor", "version 3 Beta Place"
        if _HTTP_STATUS.match(text, s):
            continue  # "400 Bad Request The plain HTTP request...": a server's answer
        kept += 1
        yield _f("privacy", "privacy.street_address", sc, "medium", s, _address_end(text, e),
                 "Looks like a street address", kind="address")


# An HTTP status line ("404 Not Found", "502 Bad Gateway"), from the
# standard library's table of status codes and their reason phrases.
_HTTP_STATUS = re.compile("|".join(rf"{int(st)} {re.escape(st.phrase)}\b" for st in HTTPStatus), re.I)

# The forms need one of these words (the vocabulary is normalised: lower
# case, split at dots), or a continental suffix on a name.
_FORM_WORDS = frozenset(_USPS.split("|")) | frozenset(_SEPARATE.split("|")) | frozenset(
    "via viale vicolo piazza corso largo rue avenue boulevard chemin impasse allée place quai calle carrer avenida "
    "av avda paseo plaza camino rua travessa praça ul ulica aleja al plac odos leoforos rruga bulevardi sokak "
    "caddesi straße strada str strasse box postfach usns usnv uss uscgc".split())
_SUFFIX_PROBE = re.compile(rf"[^\W\d_]{{3}}(?:{_SUFFIXES})\.? \d", re.I)
# A name and number counts only before a unit or a postcode line.
_UNIT_OR_CODE = re.compile(r"(?i:apt|apartment|suite|ste|unit|flat|floor|room|bldg)\b|\d{4}")
# Every form but the cued one has a capitalised word next to a number.
_ANCHOR = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][^\W\d_]{0,30}\.? \d|\d[A-Za-z]?,? [A-ZÀ-ÖØ-ÞĀ-Ž]")
_YEAR_END = re.compile(r"(?<!\d)(?:19|20)\d\d$")
_CUE_WORDS = frozenset(
    "address addresses live lives living located moved send sent ship shipped deliver delivered delivery mail "
    "mailed drop drops meet see pick arrived taxi come corner visit find return office offices restaurant shop "
    "store house flat apartment hotel venue party school clinic station".split())
_CUE_PROBE = re.compile(r"address|live|living|locat|moved|sen[dt]|ship|deliver|mail|drop|meet|see |pick|arrived|"
                        r"taxi|come|corner|visit|find us|return| is at| is on| are at| are on", re.I)
_DIGIT = re.compile(r"\d")


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
