"""Phone numbers (privacy). A phone-shaped run of digits is confirmed with
phonenumbers' metadata for the configured regions (phone_regions), after
the numbers that only look like phones are set aside: ports, times of day,
versions, dates and spans of years, figures and columns of a pasted
terminal listing, house numbers, postcodes and literals in code. A label
before the number ("phone:", "call me on") outweighs most of those signs.
A premium-rate line is a business's, not a person's, and is left alone.
"""
from __future__ import annotations

import re
from typing import Iterable

import phonenumbers

from .model import Finding
from .personal import _ID_LABEL_BEFORE, _f, _near, code_like

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
