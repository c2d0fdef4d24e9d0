"""What counts as a question: a top-level message in a help channel that
asks something. Pure: text in, yes or no out."""
from __future__ import annotations

import re

_QUESTION_STARTS = {
    "how", "what", "why", "where", "when", "who", "whom", "whose", "which",
    "can", "could", "does", "do", "did", "is", "are", "was", "were", "will", "would",
    "should", "shall", "may", "might", "has", "have", "any", "anyone", "anybody",
    "someone", "somebody", "help", "question",
}
_QUESTION_PHRASES = (
    "i need help", "need help", "i'm trying to", "im trying to", "i am trying to", "trying to figure",
    "i'm looking for", "looking for", "i wonder", "wondering", "not sure how", "i can't", "i cannot",
    "is there a way", "has anyone", "does anyone", "struggling", "stuck on", "i'm stuck", "please advise",
)
_MARKUP = re.compile(r"<[^>]*>|```.*?```|`[^`]*`", re.DOTALL)
_LEAD = re.compile(r"^[\s:>*_~\-•]*(?:(?:hi|hello|hey|hiya|morning|folks|all|everyone|team|there)[\s,!.:-]*)*", re.IGNORECASE)


def looks_like_question(text: str) -> bool:
    """True for a message that asks something: a question mark outside links
    and code, or an opening like "how", "anyone", "I'm trying to"."""
    plain = _MARKUP.sub(" ", text or "").strip()
    if not plain:
        return False
    if "?" in plain:
        return True
    opening = _LEAD.sub("", plain.lower()).strip()
    first = re.split(r"[^a-z']+", opening, maxsplit=1)[0] if opening else ""
    if first in _QUESTION_STARTS:
        return True
    return any(opening.startswith(p) or f" {p}" in f" {opening}"[:80] for p in _QUESTION_PHRASES)
