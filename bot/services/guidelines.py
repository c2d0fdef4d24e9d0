"""The community guidelines as sections: the default text in
bot/data/guidelines.md, or the Markdown file an operator names in modbot.toml
([guidelines] file, relative to the config file's folder).

The file format is plain Markdown. Each `## ` heading starts a section; an
explicit id may follow the title as `{#privacy}`, otherwise the id is derived
from the title (a policy category when a title word or synonym names one,
else a slug). Text before the first `## ` heading is the "intro" section.
`{minimum}`, `{grace_days}` and `{community}` in the text are replaced with
the configured values, so the expert programme's numbers stay true.

Other services use `section_for(category)` to name the rule a warning or a
removal is about; a category the operator's file leaves out falls back to
the default file's section, so a message never points at nothing.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.config import AppConfig, SettingError
from policies.model import CATEGORIES

log = logging.getLogger("modbot.guidelines")

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "guidelines.md"

# Sections that are not a policy category but every guideline text has.
EXTRA_SECTIONS: tuple[str, ...] = ("flagging", "moderation", "experts")

# Words people type for a topic -> the section id (or ids) they mean.
SYNONYMS: dict[str, str | tuple[str, ...]] = {
    # threat
    "threats": "threat", "threatening": "threat", "violence": ("threat", "violent_content"), "terrorism": "threat",
    # hate
    "discrimination": "hate", "racism": "hate", "sexism": "hate", "slurs": "hate", "slur": "hate",
    "hatespeech": "hate", "homophobia": "hate", "bigotry": "hate",
    # harassment
    "bullying": "harassment", "trolling": "harassment", "troll": "harassment", "insults": "harassment",
    "abuse": "harassment", "stalking": "harassment", "pings": "harassment",
    # vulgar
    "swearing": "vulgar", "profanity": "vulgar", "cursing": "vulgar", "language": "vulgar",
    "obscene": "vulgar", "rude": "vulgar", "tone": "vulgar", "nsfw": "vulgar",
    # violent_content
    "violent": "violent_content", "gore": "violent_content", "graphic": "violent_content",
    # privacy
    "pii": "privacy", "personal": "privacy", "doxxing": "privacy", "doxing": "privacy",
    "email": "privacy", "phone": "privacy", "address": "privacy", "passwords": "privacy",
    "password": "privacy", "gdpr": "privacy", "data": "privacy",
    # confidential
    "confidentiality": "confidential", "secret": "confidential", "secrets": "confidential",
    "nda": "confidential", "internal": "confidential", "customer": "confidential", "customers": "confidential",
    "employee": "confidential", "employees": "confidential",
    # impersonation
    "identity": "impersonation", "impersonate": "impersonation", "fake": "impersonation",
    "account": "impersonation", "accounts": "impersonation", "profile": "impersonation",
    # malware
    "virus": "malware", "phishing": "malware", "exploit": "malware", "exploits": "malware",
    "security": "malware", "hacking": "malware",
    # spam
    "flood": "spam", "flooding": "spam", "crossposting": "spam", "duplicate": "spam",
    # selling
    "ads": "selling", "ad": "selling", "advertising": "selling", "adverts": "selling",
    "promotion": "selling", "marketing": "selling", "sales": "selling", "sell": "selling",
    "recruiting": "selling", "jobs": "selling", "self-promotion": "selling", "promo": "selling",
    # off_topic
    "offtopic": "off_topic", "off-topic": "off_topic", "topic": "off_topic", "channels": "off_topic",
    # flagging
    "flag": "flagging", "flags": "flagging", "report": "flagging", "reporting": "flagging",
    # moderation
    "moderators": "moderation", "moderator": "moderation", "mods": "moderation", "warn": "moderation",
    "warning": "moderation", "warnings": "moderation", "suspension": "moderation", "suspend": "moderation",
    "ban": "moderation", "appeal": "moderation", "appeals": "moderation", "removal": "moderation",
    # experts
    "expert": "experts", "programme": "experts", "program": "experts", "minimum": "experts",
    "grace": "experts", "spotlight": "experts", "answers": "experts",
}

# Words too common to match a title on.
_STOP = {"and", "the", "for", "with", "what", "how", "our", "your", "are", "not", "who", "off"}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z0-9_\-]+)\}\s*$")
_WORD = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


class GuidelinesError(SettingError):
    """The configured guidelines file cannot be used; str() is one line."""


@dataclass(frozen=True, slots=True)
class GuidelineSection:
    id: str
    title: str
    text: str  # Markdown, placeholders filled in

    @property
    def category(self) -> str:
        """The policy category this section explains, or "" for the others."""
        return self.id if self.id in CATEGORIES else ""


def _slug(title: str) -> str:
    return "_".join(_WORD.findall(title.lower())).replace("-", "_") or "section"


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _derive_id(title: str) -> str:
    slug = _slug(title)
    if slug in CATEGORIES or slug in EXTRA_SECTIONS:
        return slug
    for word in _words(title):
        if word in CATEGORIES or word in EXTRA_SECTIONS:
            return word
        meant = SYNONYMS.get(word)
        if meant:
            return meant if isinstance(meant, str) else meant[0]
    return slug


def parse_guidelines(markdown: str, *, source: str = "guidelines") -> list[GuidelineSection]:
    """Sections of a guidelines Markdown text, in file order.

    Headings inside fenced code blocks are text. Level-3 and deeper headings
    stay inside their section. Duplicate ids get a numeric suffix so that
    every section stays reachable.
    """
    sections: list[GuidelineSection] = []
    seen: set[str] = set()
    current: tuple[str, str] | None = None
    body: list[str] = []
    fenced = False

    def close() -> None:
        text = "\n".join(body).strip()
        if current is None:
            if text:
                sections.append(GuidelineSection("intro", "About these guidelines", text))
                seen.add("intro")
            return
        sid, title = current
        base, n = sid, 2
        while sid in seen:
            sid = f"{base}_{n}"
            n += 1
        seen.add(sid)
        sections.append(GuidelineSection(sid, title, text))

    for line in markdown.replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match and len(match.group(1)) == 1 and current is None and not body:
            continue  # the document title
        if match and len(match.group(1)) == 2:
            close()
            raw_title = match.group(2)
            explicit = _EXPLICIT_ID.search(raw_title)
            title = _EXPLICIT_ID.sub("", raw_title).strip() or "Untitled"
            sid = explicit.group(1).lower().replace("-", "_") if explicit else _derive_id(title)
            current = (sid, title)
            body = []
            continue
        if match and len(match.group(1)) >= 3:
            body.append(f"**{_EXPLICIT_ID.sub('', match.group(2)).strip()}**")
            continue
        body.append(line)
    close()
    if not any(s.id != "intro" for s in sections):
        raise GuidelinesError(f"{source}: no '## ' section headings found")
    return sections


def _fill(section: GuidelineSection, config: AppConfig) -> GuidelineSection:
    values = {
        "{minimum}": str(config.experts.minimum),
        "{grace_days}": str(config.experts.grace_days),
        "{community}": config.community.name,
    }
    text, title = section.text, section.title
    for key, value in values.items():
        text = text.replace(key, value)
        title = title.replace(key, value)
    return GuidelineSection(section.id, title, text)


def guidelines_path(config: AppConfig) -> Path:
    configured = (config.guidelines.file or "").strip()
    if not configured:
        return DEFAULT_FILE
    path = Path(configured).expanduser()
    if not path.is_absolute():
        path = Path(config.base_dir or ".") / path
    return path


_cache: dict[str, tuple[float, list[GuidelineSection]]] = {}
_cache_lock = threading.Lock()


def _read(path: Path, *, setting: str) -> list[GuidelineSection]:
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise GuidelinesError(f"{setting}: cannot read {path}: {exc.strerror}") from None
    key = str(path)
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] == mtime:
            return hit[1]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GuidelinesError(f"{setting}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    sections = parse_guidelines(text, source=str(path))
    with _cache_lock:
        _cache[key] = (mtime, sections)
    return sections


def default_guidelines(config: AppConfig | None = None) -> list[GuidelineSection]:
    config = config or AppConfig()
    return [_fill(s, config) for s in _read(DEFAULT_FILE, setting="default guidelines")]


def load_guidelines(config: AppConfig) -> list[GuidelineSection]:
    """The guidelines in force: the operator's file, else the default.

    Raises GuidelinesError (one line naming the setting) when a configured
    file is missing, unreadable or has no sections; `check_guidelines` calls
    this at start-up so that such a mistake stops the bot before it serves.
    """
    path = guidelines_path(config)
    setting = f"{config.source}: guidelines.file" if config.guidelines.file else "default guidelines"
    return [_fill(s, config) for s in _read(path, setting=setting)]


def check_guidelines(config: AppConfig) -> list[GuidelineSection]:
    """Start-up check: the same as load_guidelines, logging what was loaded."""
    sections = load_guidelines(config)
    missing = [c for c in CATEGORIES if c not in {s.id for s in sections}]
    if missing and config.guidelines.file:
        log.warning(
            "guidelines file %s has no section for %s; the default text is used for those",
            guidelines_path(config),
            ", ".join(missing),
        )
    return sections


def safe_guidelines(config: AppConfig) -> list[GuidelineSection]:
    """For answering members: a file that broke after start-up falls back to
    the default text (logged), never to an error message."""
    try:
        return load_guidelines(config)
    except GuidelinesError as exc:
        log.error("%s; using the default guidelines", exc)
        return default_guidelines(config)


def sections_by_id(config: AppConfig) -> dict[str, GuidelineSection]:
    """Every section by id: the guidelines in force, and the default text's
    sections for the ids an operator's file leaves out. One read of each
    file, for callers that look up many ids (a case card's labels)."""
    found = {s.id: s for s in safe_guidelines(config)}
    if config.guidelines.file:
        for section in default_guidelines(config):
            found.setdefault(section.id, section)
    return found


def section_for(category: str, config: AppConfig) -> GuidelineSection:
    """The section explaining `category` (a policy category or one of
    EXTRA_SECTIONS). Raises KeyError for an id no guideline text has."""
    section = sections_by_id(config).get((category or "").strip().lower())
    if section is None:
        raise KeyError(f"no guideline section for {category!r}")
    return section


def normalise_topic(topic: str) -> str:
    return " ".join((topic or "").strip().lower().lstrip("#").split())


def find(topic: str, config: AppConfig) -> list[GuidelineSection]:
    """Sections matching a topic someone typed, in guideline order.

    Tried in turn, the first that finds anything wins: the section id
    (`privacy`, `off-topic`), a synonym (`pii` -> privacy, `ads` -> selling),
    words of the titles; and last, the topic as a whole word in the text
    (`/guidelines passwords`). An empty topic gives every section.
    """
    sections = safe_guidelines(config)
    wanted = normalise_topic(topic)
    if not wanted:
        return sections
    as_id = wanted.replace("-", "_").replace(" ", "_")
    by_id = [s for s in sections if s.id == as_id]
    if by_id:
        return by_id
    words = [w for w in _words(wanted) if w not in _STOP]
    known_ids = {s.id for s in sections}
    ids: set[str] = set()
    for word in {*words, as_id}:
        meant = SYNONYMS.get(word, ())
        ids.update((meant,) if isinstance(meant, str) else meant)
    ids |= {w.replace("-", "_") for w in words if w.replace("-", "_") in known_ids}
    by_synonym = [s for s in sections if s.id in ids]
    if by_synonym:
        return by_synonym
    by_title = []
    for s in sections:
        title_words = set(_words(s.title))
        if any(w in title_words or (len(w) >= 4 and any(t.startswith(w) for t in title_words)) for w in words):
            by_title.append(s)
    if by_title:
        return by_title
    if len(wanted) >= 3:
        pattern = re.compile(r"\b" + re.escape(wanted) + r"\b", re.IGNORECASE)
        return [s for s in sections if pattern.search(s.text)]
    return []


def topics(config: AppConfig) -> list[tuple[str, str]]:
    """(id, title) of every section, for the usage answer."""
    return [(s.id, s.title) for s in safe_guidelines(config)]
