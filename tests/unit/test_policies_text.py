"""Slack mrkdwn parsing and the normaliser's offset map."""
from __future__ import annotations

import sys

import pytest

from policies import Message, evaluate
from policies.slacktext import normalise, parse


def test_parse_links_mentions_and_entities_keep_positions():
    text = "hi <@U123> see <https://ex.com/a|the docs> in <#C9|general> &amp; <!here> `code` <https://b.io>"
    p = parse(text)
    assert len(p.plain) == len(text) == len(p.prose)
    assert [m.kind for m in p.mentions] == ["user", "channel", "special"]
    assert p.user_mentions[0].target == "U123"
    assert p.special_mentions[0].target == "here"
    assert [lk.url for lk in p.links] == ["https://ex.com/a", "https://b.io"]
    assert p.links[0].label == "the docs"
    # the label stays where it was; the markup around it is blanked
    i = text.index("the docs")
    assert p.plain[i:i + 8] == "the docs"
    assert "https" not in p.plain[:i]
    assert p.plain[text.index("&amp;")] == "&"
    # code is kept in plain (secrets count there) but blanked in prose
    assert "code" in p.plain and "code" not in p.prose


def test_parse_code_block_and_bare_url():
    text = "look:\n```kill -9 1234```\nand www.example.com/x."
    p = parse(text)
    assert p.code_spans and "kill" not in p.prose
    assert p.links[0].url == "http://www.example.com/x"
    assert text[p.links[0].start:p.links[0].end] == "www.example.com/x"


def test_parse_usergroup_and_literal_angle():
    p = parse("ping <!subteam^S123|@mods> about <not a link>")
    assert p.mentions[0].kind == "usergroup" and p.mentions[0].target.startswith("S123")
    assert p.links == []


def tokens(text):
    return [(t.norm, text[t.start:t.end]) for t in normalise(text).tokens]


@pytest.mark.parametrize("text,norm,original", [
    ("You IDIOT", "idiot", "IDIOT"),
    ("you id\u200biot", "idiot", "id\u200biot"),                 # zero-width inside
    ("y\u043eu idi\u043et", "idiot", "idi\u043et"),               # Cyrillic o
    ("\u03b1sshole", "asshole", "\u03b1sshole"),                  # Greek alpha
    ("sh1t", "shit", "sh1t"),                                     # leetspeak
    ("f u c k off", "fuck", "f u c k"),                           # spaced out
    ("ｆｕｃｋ", "fuck", "ｆｕｃｋ"),                              # full width
    ("Ca\u0301fe idiot", "idiot", "idiot"),                       # combining accent earlier
])
def test_normalise_maps_back_to_original(text, norm, original):
    assert (norm, original) in tokens(text)


def test_repeated_letters_squeezed():
    t = normalise("fuuuuuck").tokens[0]
    assert t.squeezed == "fuck"


def test_numbers_are_not_leetspeak():
    assert [t.norm for t in normalise("release 2024 has 404 errors").tokens] == ["release", "2024", "has", "404", "errors"]


def test_phrase_span_maps_to_original():
    text = "OK so I   WILL k1ll   you!!"
    n = normalise(text)
    i = n.text.index("i will kill you")
    s, e = n.span(i, i + len("i will kill you"))
    assert text[s:e] == "I   WILL k1ll   you"


def test_finding_spans_point_into_original_with_invisible_chars():
    text = "\u200b\u200bhey y\u043eu \u200bidi\u043et"
    f = [f for f in evaluate(Message(text=text)) if f.category == "harassment"][0]
    assert text[f.start:f.end] == "idi\u043et"


def test_card_span_after_markup():
    text = "<@U1> <https://x.io|pay> card 4242 4242 4242 4242"
    f = [f for f in evaluate(Message(text=text)) if f.rule == "privacy.card_number"][0]
    assert text[f.start:f.end] == "4242 4242 4242 4242"


def test_scunthorpe_words_are_whole_word_misses():
    for word in ("Scunthorpe", "assessment", "cocktail", "Sussex", "Penistone", "therapist", "shiitake",
                 "grasshopper", "Dickens", "cumulative", "Matsushita", "classic"):
        assert not evaluate(Message(text=f"I like {word} a lot")), word


def test_long_message_finishes_with_results():
    chunk = "please help, the export keeps failing with a timeout on large files. "
    text = chunk * 580 + "you are an idiot " + "4242 4242 4242 4242"
    assert len(text) > 40_000
    found = {f.rule for f in evaluate(Message(text=text))}
    assert "privacy.card_number" in found and "harassment.insult" in found


# Shapes that make backtracking regexes explode: long runs with a late
# mismatch, repeated separators, digits that almost form a card.
@pytest.mark.parametrize("text", [
    "a" * 50_000,
    "a" * 40_000 + "!",
    "1" * 50_000,
    "1 " * 25_000,
    "-" * 40_000,
    "<" * 20_000 + ">" * 20_000,
    "<" * 20_000 + "x" * 10,
    "x@" * 20_000,
    "http://" + "a." * 19_990,
    "you " * 10_000,
    "f u " * 10_000,
    "<@" * 20_000,
    "http://" + "a." * 20_000,
    "f u c k " * 5_000,
    "@" * 10_000 + "." * 10_000,
    "a@" * 20_000,
    "x" * 30_000 + "@" + "y" * 30_000 + ".c",
    "`" * 40_000,
    "&amp;" * 10_000,
    "GB82 " * 10_000,
    "password: " * 5_000,
    "0." * 25_000,
    "-" * 40_000 + "BEGIN",
    "\u200b" * 40_000,
    "\u043e" * 40_000,
    "eyJ" + "a" * 30_000 + ".eyJ",
    "(1) " * 10_000,
])
def test_regex_hostile_inputs_complete(text):
    findings = evaluate(Message(text=text))
    assert isinstance(findings, list)
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text)


def _python_steps(fn, *args) -> int:
    """Python lines and calls run by fn(*args): a measure of work that,
    unlike a stopwatch, gives the same answer on every machine."""
    steps = 0

    def tracer(frame, event, arg):
        nonlocal steps
        steps += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return steps


@pytest.mark.parametrize("unit", ["`a`", "```x``` `a` ", "<http://a.io> www.b.io "])
def test_parse_work_grows_linearly_with_many_spans(unit):
    # Found by bench/fuzz.py: each code span (or bare URL) was checked
    # against every earlier one, so "`a`" * 13000 took eight seconds.
    small, large = _python_steps(parse, unit * 300), _python_steps(parse, unit * 1200)
    assert large < 6 * small  # linear work is 4x; the scan was about 16x
    p = parse(unit * 3)
    assert all(0 <= s < e <= len(p.text) for s, e in p.code_spans)


def test_a_lone_surrogate_never_stops_a_check():
    """Half a surrogate pair ("\\ud800" in JSON) is not Unicode; the
    sentence reader's tokenizer refused it and the whole batch failed."""
    from policies import evaluate_many

    texts = ["what a stupid thing to say \udfff", "you are an idiot \ud800", "thanks \ud83d\ude00"]
    found = evaluate_many([(Message(text=t), None) for t in texts])
    assert [f.rule for f in found[1]] == ["harassment.insult"] and found[2] == []
