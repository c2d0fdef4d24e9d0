"""Hard cases for the abusive-language and selling checks, with the shipped
models and default settings: what ordinary developer chat says all day must
not reach moderators; strong profanity, insults aimed at someone and
threats (also passive and indirect ones) must."""
from __future__ import annotations

import ast
import gzip
import json
from pathlib import Path

import pytest

from policies import Message, abuse, community, evaluate, evaluate_many, threats, wordmodel
from policies.config import DEFAULTS
from policies.slacktext import normalise, parse

ABUSIVE = {"threat", "hate", "harassment", "vulgar"}


def routed(text: str) -> set[str]:
    return {f.category for f in evaluate(Message(text=text)) if f.action in ("route", "remove")}


@pytest.mark.parametrize("text", [
    "this bug is killing me",
    "that demo was sick",
    "that talk was insane, killer demo",
    "kill the process and restart it",
    "docker kill $(docker ps -q)",
    "you can execute the script from inside the container",
    "I'm such an idiot, forgot to save the file",
    "dumb question: how do I mount a volume?",
    "shoot me the link when you have it",
    "the black background looks odd on mobile",
    "they will die in future versions, use networks instead",
    "I will find you a link to the docs",
    "I'll come for you at 5, the office is on the way",
    "we'll come for you after work",
    "I do not see the option in the menu",
    "line them up and compare the columns",
    "stream line availability during up and down time",
    "I got hit by a bug in the parser",
    "where the config goes depends on the OS",
    "we nuked the old cluster yesterday",
    "you'll shoot yourself in the foot with that config",
    "hi all, I have maybe a stupid question: is Docker made for production?",
    "stupid error message again",
    "Stupid autocorrect",
])
def test_ordinary_chat_with_violent_or_slangy_words_is_not_routed(text):
    assert not routed(text) & ABUSIVE


@pytest.mark.parametrize("text", [
    "damn, the build failed again",
    "what the hell is going on with CI",
    "this is crap, the docs are wrong",
    "it sucks that the API changed",
    "docker for mac sucks",
    "screw it, I'll just reinstall",
])
def test_mild_words_never_reach_moderators_by_default(text):
    assert not routed(text) & ABUSIVE
    # They are still seen (a community can lower the threshold), just scored
    # below the default.
    low = [f for f in evaluate(Message(text=text), config=None) if f.category == "vulgar"]
    assert all(f.score < DEFAULTS["vulgar"].threshold for f in low)


@pytest.mark.parametrize("text, category", [
    ("this fucking build is broken", "vulgar"),
    ("what a load of bullshit", "vulgar"),
    ("shit, it crashed again", "vulgar"),
    ("you are a fucking idiot", "harassment"),
    ("you're such a clown", "harassment"),
    ("shut up, nobody asked you", "harassment"),
])
def test_strong_profanity_and_aimed_insults_are_routed(text, category):
    assert category in routed(text)


THREATS = [
    "I will kill you",
    "I will find where you live and kill you",
    "they should all be hanged",                   # passive voice
    "you will be found and you will be hurt",      # passive, indirect
    "immigrants deserve to die",
    "Muslims should be executed",
    "those people need to be wiped out",
    "someone should shoot him",                    # incitement
    "kill all the immigrants",
    "I know where you live",                       # indirect
    "watch your back",
    "put a bullet in his head",
    "I hope you die",
    "I am going to shoot the next immigrant I see",  # against a group
    "I want to stab every trans person",
    "Going to kill some disabled people tomorrow",
    "I will slit your throat",
    "you deserve a bullet",
    "I am going to shoot up the school",
    "your family will pay for this",
    "we should burn their houses down",
]


@pytest.mark.parametrize("text", THREATS)
def test_threats_including_passive_and_indirect(text):
    assert "threat" in routed(text)


@pytest.mark.parametrize("text, insulted", [
    ("he is an idiot", True),
    ("they are morons", True),
    ("the docs are useless", False),
    ("the first one is the dumb approach", False),
])
def test_insults_about_a_person_not_a_thing(text, insulted):
    assert ("harassment" in routed(text)) is insulted


def test_self_deprecation_and_insults_about_things_are_not_harassment():
    assert "harassment" not in routed("rcjsuen: Oh man... you're never going to guess how stupid I am.")
    assert "harassment" not in routed("keep in mind there is maybe a firewall doing ugly things to you")
    assert "harassment" in routed("you are an ugly idiot")


@pytest.mark.parametrize("text", [
    "check my nginx.conf, the upstream block looks wrong",
    "how can I watch my package.json and rebuild?",
    "if you want it on the cheap look at openshift",
    "why does it fire two requests when I visit my website?",
    "also check out <https://docs.docker.com/compose/|the compose docs>",
    "My pleasure",
])
def test_ordinary_chat_is_not_selling(text):
    assert "selling" not in routed(text)


@pytest.mark.parametrize("text", [
    "Check out my channel and subscribe to my videos! <https://youtube.example/c/me>",
    "Use my promo code SAVE20 for 20% off",
    "Make money from home, DM me for details",
])
def test_advertising_is_selling(text):
    assert "selling" in routed(text)


@pytest.mark.parametrize("path", [abuse.MODEL_PATH, community.PROMO_MODEL_PATH])
def test_shipped_models_say_what_they_were_trained_on(path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    assert "chat room appium" in data["trained_on"]
    assert "docker" in data["held_out"]
    assert data["calibrated_on"]


def test_shipped_sentence_reader_says_what_it_was_trained_on():
    from policies import encoder

    meta = json.loads((encoder.FOLDER / "encoder.json").read_text(encoding="utf-8"))
    assert "chat room appium" in meta["trained_on"]
    assert "docker" in meta["held_out"]
    assert meta["calibrated_on"] and meta["slope"] > 0
    assert (encoder.FOLDER / "NOTICE.md").exists()  # the base model's licence


def test_shipped_sentence_reader_has_no_fused_layer_norm():
    """onnxruntime 1.32 runs the optimiser's SkipLayerNormalization 4-5 times
    slower than Add + LayerNormalization (bench/train_encoder.py
    --time-norms); the build splits it after quantising. An ONNX file keeps
    each node's operator name as plain text, so a fused node would show."""
    from policies import encoder

    model = (encoder.FOLDER / "model.onnx").read_bytes()
    assert b"LayerNormalization" in model  # the file names its operators as text
    assert b"SkipLayerNormalization" not in model


def test_the_sentence_reader_tells_whom_a_word_is_about():
    """Bags of words read "you make me sick" like "that demo was sick"; the
    shipped reader (on by default) does not."""
    from policies import PolicyConfig

    words_only = PolicyConfig(second_stage=False)
    assert "harassment" in routed("you make me sick")
    assert not {f.category for f in evaluate(Message(text="you make me sick"), config=words_only)
                if f.action == "route"} & ABUSIVE
    assert not routed("that demo was sick") & ABUSIVE


@pytest.mark.parametrize("prose, read", [
    ("@USER @USER She is absolutely useless. URL", "She is absolutely useless. URL"),
    ("thanks @jane.doe, and @bob-2!", "thanks , and !"),
    ("ask @docker_bot.", "ask ."),
    ("mail jo@acme.io or a@b", "mail jo@acme.io or a@b"),  # addresses are not handles
    ("you @sshole", "you @sshole"),  # leetspeak the word checks read as "asshole"
    ("you @idiot, you are a @cunt", "you @idiot, you are a @cunt"),  # an "@" cannot hide an insult
    ("meet @5pm or @12:30", "meet @5pm or @12:30"),  # times
    ("@" + "a" * 60 + " hi", "hi"),  # however long
    ("@@x and @ alone", "@@x and @ alone"),
])
def test_the_reader_reads_a_line_without_the_handles_typed_in_it(prose, read):
    """A typed "@name" says whom a line is for, as a Slack mention does
    (parse() leaves those out). The reader learnt from tweets with their
    handles cut, and three "@USER"s in front of an insult made it miss the
    insult."""
    from policies import encoder

    assert encoder.text_of(prose) == read


@pytest.mark.parametrize("text", [
    "She is absolutely useless. Everyone knows it except for her and the media.",
    "I seriously believe he is evil..",
])
def test_handles_in_front_of_an_insult_do_not_hide_it(text):
    """Held-out OLID tweets as published: routed without the handles, and
    with them (before: not with them)."""
    assert routed(text) & ABUSIVE
    assert routed("@USER @USER @USER " + text) & ABUSIVE


@pytest.mark.parametrize("text", ["you @idiot", "you are a @cunt", "ur a @retard", "you piece of @shit"])
def test_an_insult_written_as_a_handle_is_still_read(text):
    assert routed(text) & ABUSIVE


def test_a_message_scores_the_same_alone_and_in_a_batch():
    """A live message (checked alone) must score as it does in an audit
    (checked in a batch)."""
    from policies import encoder

    texts = ["he is such a clown", "could someone review my pull request for the compose file please?", "ok"]
    together = encoder.Encoder().probabilities(texts)  # fresh readers: nothing remembered
    assert [encoder.Encoder().probabilities([t])[0] for t in texts] == together


def test_the_reader_reads_a_repeated_text_once():
    """A flood repeats one text: the model runs once for it, and the
    remembered answer is the one a fresh read gives."""
    from policies import encoder

    reader = encoder.Encoder()
    runs = []

    class Counting:
        def __init__(self, session):
            self.session = session

        def run(self, *args, **kwargs):
            runs.append(1)
            return self.session.run(*args, **kwargs)

    reader.session = Counting(reader.session)
    flood = ["you are all pathetic losers"] * 50
    first = reader.probabilities(flood)
    again = reader.probabilities(flood[:3] + ["a different text"])
    assert len(runs) == 2
    assert set(first) == {again[0]} == {encoder.Encoder().probabilities(flood[:1])[0]}


def test_texts_read_in_parallel_score_exactly_as_read_one_by_one():
    from policies import encoder

    texts = [f"you people ruin every thread you touch, number {i}" for i in range(12)] + ["ok", "", "thanks!"]
    assert encoder.Encoder(parallel=3).logits(texts) == encoder.Encoder(parallel=1).logits(texts)


def test_an_audit_worker_reads_one_text_at_a_time():
    from policies import encoder

    shipped = encoder.encoder()
    before = shipped.parallel
    try:
        encoder.read_in_parallel(1)
        assert shipped.parallel == 1
        encoder.read_in_parallel(0)  # nonsense is taken as one
        assert shipped.parallel == 1
    finally:
        encoder.read_in_parallel(before)


def test_the_reader_remembers_a_bounded_number_of_texts(monkeypatch):
    from policies import encoder

    monkeypatch.setattr(encoder, "REMEMBERED", 3)
    reader = encoder.Encoder()
    reader.probabilities([f"message number {i}" for i in range(5)])
    assert list(reader._seen) == ["message number 2", "message number 3", "message number 4"]


def test_model_scores_are_probabilities_that_rise_with_hostility():
    clf = abuse.classifier()
    from policies.slacktext import normalise, parse

    def p(text):
        parsed = parse(text)
        return clf.score(wordmodel.features(normalise(parsed.prose), len(parsed.links)))

    calm = p("could someone review my pull request for the compose file?")
    hostile = p("you are a worthless pathetic moron and everyone hates you")
    assert 0.0 <= calm < 0.1 < 0.9 < hostile <= 1.0


# ------------------------------------------------------------ second stage

class _StubReader:
    """Stands in for policies.encoder.Encoder: 0.95 for texts with 'you make
    me sick', else 0.05. Tests the wiring; the shipped model's quality is
    measured by bench/quality.py and pinned by the hard cases above."""

    def __init__(self):
        self.seen: list[str] = []

    def probabilities(self, texts):
        self.seen.extend(texts)
        return [0.95 if "you make me sick" in t else 0.05 for t in texts]


@pytest.fixture
def stub_reader():
    from policies import encoder

    reader = _StubReader()
    encoder.use_encoder(reader)
    yield reader
    encoder.use_encoder(None)


def test_second_stage_reads_the_messages_at_its_gate_and_decides_them(stub_reader):
    from policies import PolicyConfig, evaluate_many

    texts = ["you make me sick", "that demo was sick", "could someone review my pull request?", "you fucking idiot"]
    res = evaluate_many([(Message(text=t), None) for t in texts])
    # The calm question scores below the gate: never read.
    assert "could someone review my pull request?" not in stub_reader.seen
    assert stub_reader.seen[:2] == ["you make me sick", "that demo was sick"]
    assert [f.rule for f in res[0]] == ["harassment.hostile"]
    assert res[0][0].score == 0.95
    assert [f.rule for f in res[1]] == []
    # The rules alone route the insult: the reader is not asked, and the
    # findings are the rules'.
    assert "you fucking idiot" not in stub_reader.seen
    assert sorted(f.rule for f in res[3]) == ["harassment.insult", "vulgar.obscene"]
    stub_reader.seen.clear()
    evaluate_many([(Message(text=t), None) for t in texts], config=PolicyConfig(second_stage=False))
    assert stub_reader.seen == []  # switched off: nothing read


def test_second_stage_reads_prose_only_and_skips_channels_without_abusive_checks(stub_reader):
    from policies import CategoryConfig, PolicyConfig, evaluate_many

    msg = Message(text="<@U0123ABCD> you make me sick `rm -rf /`\n```\nsudo reboot\n```")
    evaluate_many([(msg, None)])
    assert stub_reader.seen == ["you make me sick"]
    stub_reader.seen.clear()
    off = {c: CategoryConfig(enabled=False) for c in ("threat", "hate", "harassment", "vulgar")}
    evaluate_many([(msg, None)], config=PolicyConfig(categories={**PolicyConfig().categories, **off}))
    assert stub_reader.seen == []


def test_second_stage_setting_is_checked():
    from policies import PolicyConfigError, load_policy_config

    assert load_policy_config({}, source="t").second_stage is True
    assert load_policy_config({"second_stage": False}, source="t").second_stage is False
    with pytest.raises(PolicyConfigError, match="second_stage: expected true or false"):
        load_policy_config({"second_stage": "yes"}, source="t")



@pytest.mark.parametrize("text", [
    "going to kill the old pods",
    "I will kill the process",
    "I am coming for you at the meetup to say hi",
    "the gateway will pay for itself",
    "it will blow up the build",
    "You can always sleep when you are dead!",
    "But I will shoot u the outcome",
])
def test_work_talk_is_not_a_threat(text):
    assert "threat" not in routed(text)


def test_a_lost_session_is_not_bullying():
    assert "harassment" not in routed("after the reboot the second session get lost")
    assert "harassment" in routed("just get lost, loser")


# Issue #10: more ways to threaten or incite (from bench/threat_cases.py's
# development list), each next to work talk that uses the same verb.
MORE_THREATS = [
    "shoot the looters",                               # an imperative at a people word
    "behead the infidels",
    "the government should execute every refugee",     # a call with any subject
    "someone should run her over with a truck",        # verb and object fused
    "somebody needs to put that woman down",
    "someone should beat the hell out of that guy",
    "we need to start killing these people",
    "he should be publicly hanged",                    # passive, with an adverb
    "whoever did this should be tortured and killed",
    "they should be thrown off a roof",
    "stone them to death",
    "I hope someone stabs her",                        # wishes
    "I hope she gets raped",
    "I hope that she gets raped",
    "I wish someone would assassinate him",
    "death to all jews",
    "the only good muslim is a dead muslim",
    "I want to see them all dead",
    "the world would be better if they were all dead",
    "nuke their entire country",
    "burn down their mosques with them inside",
    "if I ever see him I'll break his neck",
    "I'd love to smash his face in",
    "cut off their heads",
    "wipe them off the face of the earth",
    "throw them all in the ocean and let them drown",
    "send them to the gas chambers",
    "deport them all and then shoot them",
    "line them up against a wall and shoot them",
    "lock them in and set the building on fire",
    "I hope someone stabs that judge",                 # a role, not only "that guy"
    "they should all be lined up against a wall",
    "if I see one of them around here I'm grabbing my gun",
    "I'd love to see their homes burned to the ground",
]


@pytest.mark.parametrize("text", MORE_THREATS)
def test_more_threats_and_incitement(text):
    assert "threat" in routed(text)


@pytest.mark.parametrize("text", [
    "kill all the background jobs before the release",  # "all" without people after it
    "shoot me a message when the build is done",
    "hang the picture on the left wall",
    "execute the migration before you deploy",
    "we need to kill these zombie processes",
    "hunt down the memory leak",
    "these bugs should be exterminated before launch",
    "the only good bug is a dead bug",                   # no person in it
    "nobody should kill immigrants",                     # counter speech
    "I would never hurt him",
    "those containers need to be killed before the upgrade",
    "let's hang out after the meetup",
    "take out the trash before you leave",
    "I hope the cluster survives the night",
    "I hope she never gets raped again, that trial was hell",  # a wish turned around
    "I hope you don't die in the first raid, the boss is brutal",
    "I hope he never dies", "I hope she never gets cancer",
    "this beats the hell out of the old build system",
    "put a bullet in that list, it reads better",
    "if I see one of them in the logs again I'm grabbing the stack trace",
    "I would love to see the houses burned into the map tiles",
    "the raycast puts a bullet in that zombie's head",
    "just shoot that lawyer an email about the licence",
    "I beat the hell out of anyone at Mario Kart",
    "if I see you at the BBQ I'll bring my knife",
    "if I see them on sale I'll get the knife set",
])
def test_work_talk_with_the_same_verbs_is_not_a_threat(text):
    assert "threat" not in routed(text)


# ------------------------------------------------------------ threat gates
# A threat pattern runs only when the message holds a word of its gate
# (policies/threats.py builds the gates from the same verb table and word
# tuples as the patterns). A gate that lacks a word a pattern needs hides
# threats without a sound; these tests run every threat example we have.

def _bench_threats() -> list[str]:
    """bench/threat_cases.py's threat lists, development and held out (only
    to check the gates here, never to tune on), read without running the
    script, which puts bench/ on sys.path."""
    source = Path(__file__).resolve().parents[2] / "bench" / "threat_cases.py"
    assigned = {target.id: node.value for node in ast.parse(source.read_text(encoding="utf-8")).body
                if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name)}
    return ast.literal_eval(assigned["DEV_THREATS"]) + ast.literal_eval(assigned["HELD_THREATS"])


# Made up here: one for each phrase the patterns write out that no list
# above reaches, so that each phrase's gate words are tried too.
PHRASE_THREATS = [
    "kys", "kill urself", "kill ya self", "go die", "hang yourself", "neck yourself", "you should die",
    "you deserve to die", "you will die", "you're dead", "you are next", "drink bleach", "I'll make you suffer",
    "I'm coming for you", "break your neck", "I know where your sister lives", "you'll regret this",
    "you will pay for this", "your days are numbered", "sleep with one eye open",
    "shame if something happened to your car", "you won't live to see tomorrow", "I'll run him over",
    "blow his brains out", "gas them", "kick his teeth in", "throw him off the bridge", "let them starve",
    # phrases of ordinary words, which their gate once missed
    "let's get rid of them all", "death to all immigrants", "they should be put to death", "he deserves a beating",
    "I hope he rots", "you won't survive the weekend", "I'll come for you", "I'll come after you",
    "you won't wake up tomorrow", "I know where your kid goes", "I want to see them suffer",
    "I hope you get hit by a lorry", "string him up and leave him there", "round them up and kill them",
    "I'll find you after school", "we will hunt you at night",
]
GATE_EXAMPLES = THREATS + MORE_THREATS + PHRASE_THREATS + _bench_threats()


def test_the_made_up_phrases_are_threats():
    assert [t for t in PHRASE_THREATS if "threat" not in {f.category for f in evaluate(Message(text=t))}] == []


def test_the_threat_gates_never_hide_a_match():
    """Where a threat pattern matches an example, its gate lets it run."""
    hidden = []
    for text in GATE_EXAMPLES:
        norm = normalise(parse(text).prose)
        if threats._THREAT_MORE.search(norm.text) and not threats._threat_more_gate(norm.vocab):
            hidden.append(("_THREAT_MORE", text))
        if threats._THREAT.search(norm.text) and not threats._threat_gate(norm.vocab):
            hidden.append(("_THREAT", text))
    assert hidden == []


def test_the_threat_gates_change_no_finding(monkeypatch):
    items = [(Message(text=t), None) for t in GATE_EXAMPLES]
    gated = evaluate_many(items)
    monkeypatch.setattr(threats, "_threat_gate", lambda words: True)
    monkeypatch.setattr(threats, "_threat_more_gate", lambda words: True)
    assert evaluate_many(items) == gated


def test_each_violent_verb_is_written_once():
    bases = [v.base for v in threats._VIOLENT_VERBS]
    assert len(bases) == len(set(bases))
    assert all(v.lists for v in threats._VIOLENT_VERBS)  # a verb no list takes is one nobody maintains
    with pytest.raises(ValueError, match="malformed row"):
        threats._verb_table("base -s -ing participles harm\nkill kills killing killed")
