"""Street addresses (privacy), found from their parts, never from one word:
a house number, a name and a street type; a continental street word and
its number; a name and number before a unit or a postcode line; a number
after a cue such as "lives at"; a post-office box. Cheap tests (a digit, a
cue word, a capitalised word next to a number) let most messages skip the
patterns; a candidate in code, after an id label or in an HTTP status line
is dropped.
"""
from __future__ import annotations

import re
from http import HTTPStatus
from typing import Iterable

from .model import Finding
from .personal import _ID_LABEL_BEFORE, _f, code_like

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
