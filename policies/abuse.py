"""Abusive language: threat, hate, harassment and vulgar, told apart.

Two parts work together:

* a small linear classifier (TF-IDF over normalised words and word pairs,
  logistic regression) that says how abusive a message reads overall. It ships
  as policies/data/abuse_model.json.gz; bench/train_abuse.py trains it from the
  shared labelled data plus generated ordinary messages (see that script for
  which parts are held out);
* target-aware rules over the normalised tokens: who is addressed (second
  person, a mention, an identity group) and with what (violent verbs, slurs,
  insults, obscenities). The rules choose the category; the classifier adds
  recall for wording the lists do not know, and lowers confidence when a
  listed word is used in a harmless sentence.

Word lists are matched on whole normalised tokens, never substrings, which is
what keeps "Scunthorpe", "assessment", "cocktail" and "Sussex" clean.
"""
from __future__ import annotations

import gzip
import json
import math
import re
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path

from .model import Finding
from .slacktext import Normalised, _squeeze

MODEL_PATH = Path(__file__).with_name("data") / "abuse_model.json.gz"


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Obscene and sexually explicit words (vulgar on their own). Strength 1..3.
OBSCENE = {
    **dict.fromkeys(_words("fuck fucking fucked fucker fuckers fucks fuckin fuk fuq fck fcking fkn fking fk "
                           "motherfucker motherfuckers mofo cunt cunts twat twats wank wanker wankers "
                           "cocksucker cocksuckers jizz cum cumshot blowjob handjob dildo porn porno pussy pussies "
                           "tits titties boobs whore whores slut sluts skank milf gangbang"), 3),
    **dict.fromkeys(_words("shit shits shitty shitting bullshit shite asshole assholes arsehole arseholes "
                           "dick dicks dickhead dickheads cock cocks prick pricks bitch bitches bitchy bastard bastards "
                           "douche douchebag dumbass jackass dipshit horseshit stfu gtfo wtf piss pissed "
                           "bollocks hoe hoes ass arse"), 2),
    **dict.fromkeys(_words("crap crappy damn dammit goddamn hell sucks suck screw freaking frigging bloody "
                           "butt"), 1),
}
# Insults aimed at a person (harassment when someone is addressed).
INSULTS = _words(
    "idiot idiots idiotic moron morons moronic stupid dumb loser losers imbecile imbeciles pathetic worthless "
    "useless clown clowns jerk jerks scum scumbag trash garbage creep creepy freak fool fools foolish "
    "ignorant clueless braindead brainless incompetent retarded cretin dimwit halfwit nitwit numpty "
    "ugly fat disgusting vile pig pigs coward cowards liar liars fraud hypocrite lowlife "
    "dumbass jackass asshole dickhead bitch bastard prick twat wanker douchebag cunt whore slut "
    "snowflake troll parasite")
# Slurs: attacks on people for who they are (hate on their own).
SLURS = _words(
    "nigger niggers nigga niggas nigguh faggot faggots fag fags dyke dykes tranny trannies retard retards "
    "spic spics chink chinks kike kikes wetback wetbacks raghead ragheads towelhead towelheads gook gooks "
    "coon coons beaner beaners paki pakis sandnigger cripple cripples mongoloid shemale zipperhead "
    "gypsies jap japs")
# Identity groups (protected characteristics).
GROUPS = _words(
    "muslim muslims islam jew jews jewish christian christians catholics hindu hindus sikh sikhs atheists "
    "black blacks white whites asian asians arab arabs african africans mexican mexicans latino latinos "
    "hispanic hispanics chinese indian indians immigrant immigrants refugee refugees migrants foreigners "
    "gay gays lesbian lesbians homosexual homosexuals bisexual trans transgender queer women woman girls "
    "females feminists disabled autistic blind deaf jewish roma gypsy")
# What is said about a group that turns a mention into an attack.
DEHUMANISING = _words(
    "animals animal vermin parasites parasite subhuman subhumans inferior savages savage filth filthy "
    "disease plague rats cockroaches apes monkeys pigs dogs scum trash evil terrorists criminals "
    "deport deported exterminate exterminated eradicate genocide ban banned disgusting degenerates "
    "degenerate invaders invasion breed inbred")
VIOLENT = _words(
    "kill killing killed murder murdered shoot shot stab stabbed beat punch strangle choke hang hanged "
    "lynch lynched burn bomb behead slaughter slit rape raped hurt smash strangled execute executed "
    "torture bury gut destroy")
SECOND_PERSON = _words("you your youre you're yourself yourselves ya u ur urself yall y'all thou")

_THREAT = re.compile(
    r"\b(?:i|we|ill|im|i'll|i'm|well|imma|ima|gonna)\b(?: \w+){0,3} "
    r"(?:kill|murder|shoot|stab|beat|strangle|choke|hang|lynch|burn|bomb|behead|slaughter|rape|hurt|"
    r"smash|torture|bury|gut|end|destroy|find|hunt|break) (?:you|your|ur|u|yourself|him|her|them|ya|y'all|yall)\b"
    r"|\b(?:kys|kill yourself|kill urself|kill ya self|go die|hope (?:you|u) die|you should die(?! laughing)|you deserve to die|"
    r"you will die|you're dead|youre dead|you are dead|drink bleach|i know where you live|watch your back|"
    r"you'll regret|hang yourself|shoot yourself|slit your)\b"
    r"|\b(?:should|must|need to|let's|lets|gonna|will|we) (?:be )?(?:kill|shoot|hang|burn|bomb|lynch|exterminate|"
    r"gas|slaughter|behead)(?:ed)? (?:all|every|those|these|them)\b"
    r"|\b(?:someone|somebody|they|we|you) (?:should|needs? to|ought to|must) (?:kill|shoot|stab|hang|murder|beat|"
    r"hurt|lynch) (?:him|her|them|you|(?:that|this) (?:guy|man|woman|girl|kid|person|idiot|bitch|bastard))\b"
    r"|\bhope (?:you|u|ur|your \w+) (?:die|dies|gets? killed|get shot|gets? cancer|burns?)\b"
    r"|^(?:kill|shoot|hang|gas|exterminate|burn|lynch) (?:all|every) (?:the |of the )?\w+")
_HATE_PHRASE = re.compile(
    r"\b(?:go back to (?:your|ur) (?:country|own country)|(?:all|those|these|the|you) \w+ (?:are|r) "
    r"(?:animals|vermin|parasites|subhuman|inferior|savages|filth|rats|cockroaches|terrorists|criminals)|"
    r"(?:hate|despise) (?:all )?(?:muslims|jews|blacks|whites|gays|immigrants|women|mexicans|asians|arabs|"
    r"christians|trans|refugees))\b")
_THREAT_GATE = VIOLENT | _words(
    "kys die dies dead bleach live back regret end find hunt break gas exterminate urself killed cancer burns")
_BULLY = re.compile(
    r"\b(?:nobody|no one|noone|everyone|everybody) (?:likes|wants|cares about|hates) (?:you|u)\b"
    r"|(?:^|\bjust |\byou should |\bplease )(?:leave|get out of|gtfo of) (?:this|our|the) "
    r"(?:community|channel|group|server|workspace)\b(?! if)"
    r"|\b(?:go to hell|get lost|go away loser|you don't belong here|you do not belong here|nobody asked you)\b")
_BULLY_GATE = _words("nobody no noone everyone everybody leave get gtfo go belong asked")
_HATE_GATE = DEHUMANISING | _words("country hate despise")
_YOU_ARE = re.compile(r"\b(?:you|u|ur|youre|you're|you are|shut up|stfu|screw you|fuck you|fuck off)\b")


class Classifier:
    """TF-IDF + logistic regression scored without sklearn at run time.

    Weights live in numpy arrays behind a str -> int index (no per-term
    Python objects), which keeps the garbage collector's work small.
    """

    def __init__(self, index: dict[str, int], idf, coef, intercept: float):
        import numpy as np

        self.index = index
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = intercept

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Classifier | None":
        if not path.exists():
            return None
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        terms = data["terms"]
        index = {t: i for i, t in enumerate(terms)}
        idf = [v[0] for v in terms.values()]
        coef = [v[1] for v in terms.values()]
        return cls(index, idf, coef, float(data["intercept"]))

    def score_many(self, batch: list[list[str]]) -> list[float]:
        """Probabilities for a batch of feature lists (one vectorised pass)."""
        return joint_scorer([self]).score_many(batch)[0]

    def score(self, feats: list[str]) -> float:
        return self.score_many([feats])[0]


class JointScorer:
    """Several Classifiers over one shared vocabulary: one dictionary lookup
    per feature for all models, then one vectorised pass per model."""

    def __init__(self, models: list[Classifier | None]):
        import numpy as np

        self.models = models
        vocab: dict[str, int] = {}
        for m in models:
            if m is not None:
                for t in m.index:
                    vocab.setdefault(t, len(vocab))
        self.index = vocab
        self.arrays = []
        for m in models:
            if m is None:
                self.arrays.append(None)
                continue
            where = np.fromiter((vocab[t] for t in m.index), dtype=np.int64, count=len(m.index))
            idf = np.zeros(len(vocab))
            coef = np.zeros(len(vocab))
            present = np.zeros(len(vocab), dtype=bool)
            idf[where], coef[where], present[where] = m.idf, m.coef, True
            self.arrays.append((idf, coef, present, m.intercept))

    def score_many(self, batch: list[list[str]]) -> list[list[float] | list[None]]:
        import numpy as np

        n = len(batch)
        # One lookup per feature over the flattened batch (-1: not in the
        # vocabulary), and each feature's row from the batch's lengths.
        flat = list(chain.from_iterable(batch))
        found_all = np.fromiter(map(self.index.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        rows_all = np.repeat(np.arange(n, dtype=np.int64), [len(feats) for feats in batch])
        known = found_all >= 0
        cols = found_all[known]
        rows = rows_all[known]
        has_rows = cols.size > 0
        width = max(1, len(self.index))
        if has_rows:
            key = rows * width + cols
            uniq, counts = np.unique(key, return_counts=True)
            ur, uc = uniq // width, uniq % width
            tf = 1.0 + np.log(counts)
        out: list = []
        for arr in self.arrays:
            if arr is None:
                out.append([None] * n)
                continue
            idf, coef, present, intercept = arr
            if not has_rows:
                out.append([1.0 / (1.0 + math.exp(-intercept))] * n)
                continue
            keep = present[uc]
            r_, c_ = ur[keep], uc[keep]
            w = tf[keep] * idf[c_]
            dot = np.bincount(r_, weights=w * coef[c_], minlength=n)
            norm = np.sqrt(np.bincount(r_, weights=w * w, minlength=n))
            z = intercept + np.divide(dot, norm, out=np.zeros(n), where=norm > 0)
            out.append((1.0 / (1.0 + np.exp(-z))).tolist())
        return out


# Keyed by the models' ids; each scorer holds its models, so an id cannot be
# reused while its entry lives. Several entries, not one: evaluate_many's
# pair and _core_score's single model alternate, and with one slot each call
# rebuilt the other's shared vocabulary (a third of the engine's time).
_joint: dict[tuple[int, ...], JointScorer] = {}
_JOINT_MAX = 8


def joint_scorer(models: list[Classifier | None]) -> JointScorer:
    key = tuple(id(m) for m in models)
    js = _joint.get(key)
    if js is None:
        if len(_joint) >= _JOINT_MAX:
            _joint.clear()
        js = _joint[key] = JointScorer(models)
    return js


def features(norm: Normalised, n_links: int = 0, skip: frozenset[str] = frozenset()) -> list[str]:
    """Words (repeats squeezed), adjacent word pairs, prefixes, one marker per link.

    `skip`: words the community allows; they do not count at all."""
    toks = [sq or w for w, sq in zip(norm.norms, norm.squeezed)] if norm.squeezed else norm.norms
    if skip:
        toks = [w for w in toks if w not in skip]
    # Five-letter prefixes of longer words generalise over endings the
    # training data lacked ("stupidest", "idiotically").
    return (toks + [a + " " + b for a, b in zip(toks, toks[1:])] + ["~" + w[:5] for w in toks if len(w) > 5]
            + ["__link__"] * n_links)


# Probability cut-offs for the classifier, chosen on OLID part A with the
# model trained on part B (so not on the part the shipped model is judged
# on), against a list of hard ordinary messages ("that demo was sick!"):
# the model alone flags at MODEL_SURE; when someone is addressed, at
# MODEL_ADDRESSED; violent words aimed at someone, at MODEL_WITH_CUE.
MODEL_SURE = 0.7
MODEL_ADDRESSED = 0.65
MODEL_WITH_CUE = 0.5

_override: list[Classifier | None] = []


@lru_cache(maxsize=1)
def _shipped() -> Classifier | None:
    return Classifier.load()


def classifier() -> Classifier | None:
    return _override[0] if _override else _shipped()


def use_classifier(clf: Classifier | None) -> None:
    """Swap the model (benches compare a model trained on another split)."""
    _override[:] = [clf] if clf is not None else []


def _build_lexicon() -> tuple[dict[str, tuple[int, str, bool]], dict[str, tuple[int, str, bool]]]:
    """word -> (obscene strength, slur/insult/'', identity group); and the same
    keyed by squeezed form, consulted only for tokens that had letter runs."""
    exact: dict[str, tuple[int, str, bool]] = {}
    squeezed: dict[str, tuple[int, str, bool]] = {}
    for w in OBSCENE.keys() | SLURS | INSULTS | GROUPS:
        entry = (OBSCENE.get(w, 0), "slur" if w in SLURS else "insult" if w in INSULTS else "", w in GROUPS)
        exact[w] = entry
        # every run squeezed to one letter: "asshole" -> "ashole" matches "assssshole"
        squeezed.setdefault(_squeeze(w + w[-1] * 2), entry)
    return exact, squeezed


_LEXICON, _LEXICON_SQ = _build_lexicon()


# Words that carry no hostility of their own. The model, trained on tweets,
# gives some of them weight ("are you", "is out", numbers); a finding that
# rests on the model alone must survive their removal.
_NEUTRAL = _words(
    "a an the to is are was were be been being am of in on at for and or but it its this that these those "
    "should would could will can about out up down over with as by from so if then than there here what which "
    "who whom how when where why do does did done have has had not no yes just get got going go"
) | SECOND_PERSON


CORE_MIN = 0.5  # the model's score without the neutral words, for model-only findings


def _core_score(norm: Normalised) -> float:
    clf = classifier()
    if clf is None:
        return 0.0
    kept = []
    for feat in features(norm):
        words = feat.lstrip("~").split()
        if all(w in _NEUTRAL or w.isdigit() for w in words):
            continue
        kept.append(feat)
    return clf.score(kept) if kept else 0.0


def detect(norm: Normalised, *, p_abusive: float | None, mentions_user: bool,
           allowed_words: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings for threat/hate/harassment/vulgar from one normalised text."""
    out: list[Finding] = []
    norms = norm.norms
    if not norms:
        return out
    squeezed = norm.squeezed
    text = norm.text
    p = p_abusive if p_abusive is not None else 0.5
    words = norm.vocab
    addressed = mentions_user or not SECOND_PERSON.isdisjoint(words) or (
        ("shut" in words or "stfu" in words) and _YOU_ARE.search(text) is not None)

    obscene: list[tuple[object, int]] = []
    insults: list[object] = []
    slurs: list[object] = []
    groups: list[object] = []
    lexicon = _LEXICON
    for i, w in enumerate(norms):
        entry = lexicon.get(w)
        if entry is None and squeezed and squeezed[i]:
            entry = _LEXICON_SQ.get(squeezed[i])
        if entry is None or w in allowed_words:
            continue
        t = norm.token(i)
        strength, kind, is_group = entry
        if strength:
            obscene.append((t, strength))
        if kind == "slur":
            slurs.append(t)
        elif kind == "insult":
            insults.append(t)
        if is_group:
            groups.append(t)

    cues = bool(insults or obscene or slurs or groups) or addressed
    # The classifier alone decides only when it is sure; in between it needs
    # a cue (someone addressed, a listed word, a group) to speak.
    model_says = p >= MODEL_SURE or (p >= MODEL_WITH_CUE and cues)

    # Threats and incitement.
    m = _THREAT.search(text) if not _THREAT_GATE.isdisjoint(words) else None
    if m:
        s, e = norm.span(*m.span())
        out.append(Finding("threat", "threat.violence", round(max(0.9, p), 3), "critical", s, e,
                           "Threatens or calls for violence against a person or group"))
    elif not VIOLENT.isdisjoint(words) and addressed and model_says:
        t = norm.token(next(i for i, w in enumerate(norms) if w in VIOLENT))
        out.append(Finding("threat", "threat.violent_words", round(p, 3), "high", t.start, t.end,
                           "Violent words aimed at someone"))

    # Hate: slurs, or a group named next to dehumanising words.
    if slurs:
        t = slurs[0]
        out.append(Finding("hate", "hate.slur", round(max(0.85, p), 3), "high", t.start, t.end,
                           "Uses a slur against people for who they are"))
    else:
        hm = _HATE_PHRASE.search(text) if not _HATE_GATE.isdisjoint(words) else None
        if hm:
            s, e = norm.span(*hm.span())
            out.append(Finding("hate", "hate.group_attack", round(max(0.85, p), 3), "high", s, e,
                               "Attacks people for who they are"))
        elif groups and (not DEHUMANISING.isdisjoint(words) or p >= MODEL_SURE):
            t = groups[0]
            score = max(0.75, p) if not DEHUMANISING.isdisjoint(words) else p
            out.append(Finding("hate", "hate.group_attack", round(score, 3), "high", t.start, t.end,
                               "Speaks of an identity group in hostile or dehumanising terms"))
    bully = _BULLY.search(text) if not _BULLY_GATE.isdisjoint(words) else None
    if any(f.category == "threat" for f in out):
        pass
    elif bully:
        s, e = norm.span(*bully.span())
        out.append(Finding("harassment", "harassment.bullying", round(max(0.75, p), 3), "medium", s, e,
                           "Tells someone they are unwanted or pushes them out"))
    elif addressed and (insults or any(k >= 2 for _, k in obscene)):
        strong = [t for t, k in obscene if k >= 2]
        t = insults[0] if insults else strong[0]
        out.append(Finding("harassment", "harassment.insult", round(0.55 + 0.4 * p, 3), "medium", t.start, t.end,
                           "Insults or demeans the person addressed"))
    elif addressed and p >= MODEL_ADDRESSED and not out and _core_score(norm) >= CORE_MIN:
        out.append(Finding("harassment", "harassment.hostile", round(p, 3), "medium", *norm.whole(),
                           "Hostile or demeaning words aimed at the person addressed"))

    # Vulgar: obscene words, or hostile text with no clear target.
    if obscene:
        t, strength = max(obscene, key=lambda x: x[1])
        score = {3: 0.8, 2: 0.6, 1: 0.3}[strength] + 0.2 * p
        out.append(Finding("vulgar", "vulgar.obscene", round(min(score, 0.99), 3), "low", t.start, t.end,
                           "Obscene or crude language"))
    elif not out and p >= MODEL_SURE and _core_score(norm) >= CORE_MIN:
        out.append(Finding("vulgar", "vulgar.hostile", round(p, 3), "low", *norm.whole(),
                           "Hostile or offensive language"))
    return out
