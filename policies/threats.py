"""Threats and incitement to violence, as the patterns state them: "I'll
break your neck", "someone should shoot him", "they should all be hanged",
"I hope you get hit by a bus", "send them to the gas chambers".

Violent words alone are not a threat: "this bug is killing me", "kill the
process", "execute your tests" are work. So each pattern names a person or
group the violence is aimed at, and the violent verbs are written once, in a
table (_VIOLENT_VERBS), with the lists of the patterns that take each one.
Two gates, built from the same table, let a message skip the patterns when
it holds none of their words; that is nearly every message.

Development examples and ordinary counterparts are in bench/threat_cases.py;
tests/unit/test_policies_abuse.py pins them.
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from .lexicon import AMBIGUOUS_GROUPS, GROUPS, PEOPLE
from .slacktext import words

class _Verb(NamedTuple):
    base: str
    s: str
    ing: str
    participles: tuple[str, ...]
    lists: frozenset[str]  # the threat patterns' lists that take the verb


def _verb_table(table: str) -> tuple[_Verb, ...]:
    """The rows of a table written as text, under a header naming the
    columns (see _VIOLENT_VERBS)."""
    header, *rows = (line.split() for line in table.strip().splitlines())
    lists = header[4:]
    verbs = []
    for row in rows:
        if len(row) != len(header) or not set(row[4:]) <= {"x", "."}:
            raise ValueError(f"verb table: malformed row {' '.join(row)!r}")
        base, s, ing, participles = (cell.replace("_", " ") for cell in row[:4])
        verbs.append(_Verb(base, s, ing, tuple(participles.split("/")),
                           frozenset(name for name, mark in zip(lists, row[4:]) if mark == "x")))
    return tuple(verbs)


# Violent verbs, each written once: base form, -s, -ing and past
# participle(s) ("_" joins the words of a phrasal verb, "/" separates two
# participles), then an x under each list of the threat patterns that
# takes the verb. The lists, and the gates that decide whether a pattern
# runs at all, are built from this table.
#   harm     _HARM, first person: "I'll ___ you" (base form)
#   kill     _KILL, calls: "___ them all", "someone should ___ him" (base form)
#   killed   _KILLED, passive: "they should all be ___" (participles)
#   kill+    _KILL_MORE, calls and wishes: "shoot the looters", "I hope someone stabs her" (base form and -s)
#   killing  _KILLING_FORMS: "we need to start ___ing these people" (-ing)
#   killed+  _KILLED_MORE, passive: "he should be publicly ___" (participles)
#   get      _GET_KILLED, wishes: "I hope you get ___" (first participle only: "get hung up on it" wishes nothing)
# The lists differ on purpose (first person takes no "execute" or "nuke":
# "I'll execute them" is about tests), so a verb joins a list only with a
# development example in bench/threat_cases.py.
_VIOLENT_VERBS = _verb_table("""
    base          -s              -ing              participles    harm kill killed kill+ killing killed+ get
    kill          kills           killing           killed         x    x    x      x     x       x       .
    murder        murders         murdering         murdered       x    x    x      x     x       x       x
    shoot         shoots          shooting          shot           x    x    x      x     x       x       .
    stab          stabs           stabbing          stabbed        x    x    x      x     x       x       x
    strangle      strangles       strangling        strangled      x    x    x      x     .       x       .
    choke         chokes          choking           choked         x    x    x      x     .       .       .
    lynch         lynches         lynching          lynched        x    x    x      x     x       x       x
    behead        beheads         beheading         beheaded       x    x    x      x     .       x       .
    decapitate    decapitates     decapitating      decapitated    .    .    .      x     .       x       .
    slaughter     slaughters      slaughtering      slaughtered    x    x    x      x     x       x       .
    rape          rapes           raping            raped          x    x    x      x     .       x       .
    hurt          hurts           hurting           hurt           x    x    x      .     .       .       .
    torture       tortures        torturing         tortured       x    x    x      x     .       x       x
    beat_up       beats_up        beating_up        beat_up        x    x    x      x     .       .       .
    beat          beats           beating           beaten         .    x    x      x     x       .       x
    punch         punches         punching          punched        x    x    x      x     .       .       .
    slap          slaps           slapping          slapped        x    x    .      x     .       .       .
    gut           guts            gutting           gutted         .    x    .      .     .       .       .
    hang          hangs           hanging           hanged/hung    .    x    x      x     x       x       x
    burn          burns           burning           burned/burnt   .    x    x      x     x       x       x
    bomb          bombs           bombing           bombed         .    x    x      x     x       x       .
    nuke          nukes           nuking            nuked          .    x    x      x     .       x       .
    gas           gases           gassing           gassed         .    x    x      x     x       x       .
    exterminate   exterminates    exterminating     exterminated   .    x    x      x     x       x       .
    execute       executes        executing         executed       .    x    x      x     x       x       x
    eradicate     eradicates      eradicating       eradicated     .    x    x      x     .       x       .
    eliminate     eliminates      eliminating       eliminated     .    .    .      x     .       x       .
    wipe_out      wipes_out       wiping_out        wiped_out      .    x    x      x     .       x       .
    gun_down      guns_down       gunning_down      gunned_down    .    .    .      x     .       x       .
    mow_down      mows_down       mowing_down       mowed_down     .    .    .      x     .       x       .
    hunt_down     hunts_down      hunting_down      hunted_down    .    .    .      x     .       x       .
    hunt          hunts           hunting           hunted         .    .    .      x     x       .       .
    stone         stones          stoning           stoned         .    .    .      x     .       x       .
    skin          skins           skinning          skinned        .    x    .      x     .       .       .
    drown         drowns          drowning          drowned        x    x    x      x     .       x       .
    poison        poisons         poisoning         poisoned       x    x    x      x     .       x       .
    assassinate   assassinates    assassinating     assassinated   .    .    .      x     .       x       .
    castrate      castrates       castrating        castrated      .    .    .      x     .       x       .
    massacre      massacres       massacring        massacred      .    .    .      x     .       x       .
    butcher       butchers        butchering        butchered      .    .    .      x     .       x       .
    cut           cuts            cutting           cut            .    x    .      .     .       .       .
    string_up     strings_up      stringing_up      strung_up      .    .    x      .     .       x       .
""")


def _marked(column: str) -> list[_Verb]:
    """The verbs a list of the threat patterns takes, in table order."""
    return [v for v in _VIOLENT_VERBS if column in v.lists]


def _alt(items: Iterable[str]) -> str:
    """A regex alternation of words, phrases or small patterns, in the order
    given: where one item begins another ("beat up", "beat"), the first
    that lets the whole pattern match is the one found."""
    return "(?:" + "|".join(items) + ")"


def _heads(phrases: Iterable[str]) -> frozenset[str]:
    """The word a gate looks for in each phrase: its first, the verb of a
    phrasal verb ("wipe out") or of a small pattern ("beaten(?: to death)?")."""
    return frozenset(re.match(r"[a-z]+", p).group() for p in phrases)


# People a threat can be aimed at. Never "your" + thing, never "it" or
# "the process": "kill the process", "execute your tests" are work.
_GROUP_WORDS = "|".join(sorted(GROUPS | {g + "s" for g in GROUPS if not g.endswith("s")}, key=len, reverse=True))
_HUMAN = (r"(?:you|u|ya|yall|y all|yourself|urself|him|her|them|yourselves|everyone|everybody|"
          r"(?:all|each|every one|most|some|any|many) of (?:you|them|those|these|the \w+)|"
          r"(?:these|those|the|such|that|this) (?:\w+ )?(?:people|guys?|man|men|woman|women|folks?|kids?|bastards?|"
          r"idiots?|scum|bitch|bitches|traitors?|cunts?|animals|vermin|rats)|"
          r"(?:(?:all|every|any|each|some|the next|those|these|the|more|many|a few|as many) (?:of (?:the|those|these) )?)?"
          rf"(?:(?:{'|'.join(sorted(AMBIGUOUS_GROUPS))}) {PEOPLE}|{_GROUP_WORDS}))")
_SUBJECT = (r"(?:you|u|they|he|she|them|we all|people like (?:you|him|her|them|that|this)|"
            r"(?:these|those|such|all|the|all the|all of the|all of these|all those) (?:\w+ )?(?:people|guys|men|women|folks|ones|bastards|scum|animals|traitors|"
            rf"{_GROUP_WORDS})|{_GROUP_WORDS}|(?:{'|'.join(sorted(AMBIGUOUS_GROUPS))}) {PEOPLE})")
# What a person threatens to do to someone: no "execute them", "nuke
# them", "hang them up" (commands, clusters and coats).
_HARM_FORMS = [v.base for v in _marked("harm")]
_HARM = _alt(_HARM_FORMS + [r"beat the \w+ out of", "run over", r"break your \w+", r"smash your \w+ in"])
# Calls for violence: "kill them all", "someone should shoot him".
_KILL_FORMS = [v.base for v in _marked("kill")]
_KILL = _alt(_KILL_FORMS + ["get rid of", "run over"])
# "They should all be hanged".
_KILLED_FORMS = [p for v in _marked("killed") for p in v.participles]
_KILLED = _alt(_KILLED_FORMS
               + ["put down", "lined up and shot", "run over", "destroyed", "removed", "deported and shot"])
# A word that turns a wish around ("I hope she never gets hurt", "I hope
# you don't die"), as the normalised text spells it.
_NOT = r"(?!(?:don|dont|doesn|doesnt|won|wont|not|never|didn|didnt|can|cant)\b)"
_THREAT = re.compile(
    # first person intent: "I'll kill you", "we are going to hurt them"
    r"(?:\b(?:i|we|i ll|ill|we ll|i m|im|imma|ima|i am|we re|we are|i d|id)\b(?: (?!never\b|not\b|t\b)\w+){0,6}"
    r"|^(?:going to|gonna|about to|time to)(?: \w+){0,2}) "
    rf"(?:{_HARM} {_HUMAN}|beat the (?:shit|crap|hell|life) out of {_HUMAN})\b"
    # "I'll shoot you the link", "hit you up": a favour, not a threat
    r"(?! (?:a|an|the|some|my|our|this|that|over|up|back|those|these|what|when|it)\b)"
    # incitement: "kill all the immigrants", "someone should shoot him", "let's hang them all"
    rf"|(?:^|\b(?:let s|lets|we should|we must|we need to|someone should|somebody should|someone needs to|"
    rf"somebody needs to|someone ought to|y all should|yall should|you should|people should|just|go)\b )"
    rf"{_KILL} (?:them all|all of them|(?:all |every )?(?:the |those |these )?"
    rf"(?:{_GROUP_WORDS}|(?:{'|'.join(sorted(AMBIGUOUS_GROUPS))}) {PEOPLE}|him|her|them|you|"
    rf"(?:that|this) (?:guy|man|woman|girl|kid|person|idiot|bitch|bastard|clown|moron|loser|asshole)))\b"
    # passive and modal: "they should all be shot", "immigrants deserve to die"
    rf"|\b{_SUBJECT}(?: \w+){{0,2}} (?:should|must|needs? to|ought to|deserves? to)(?: all| just| really| simply| each)? "
    rf"(?:be {_KILLED}|die(?! laughing| of laughter| from laughing| a little)|burn|rot|hang|be put to death|be wiped off)\b"
    rf"|\b{_SUBJECT}(?: \w+){{0,2}} (?:will|are going to|is going to|gonna|have to|has to|can all)"
    rf"(?: all| just| really| simply| each)? be {_KILLED}\b"
    # the wish and the indirect threat
    r"|\b(?:hope|wish|pray)(?: that)? (?:you|u|ur|your \w+|he|she|they|them|all \w+)"
    rf"(?: {_NOT}\w+)? "
    r"(?:die|dies|get killed|gets killed|get shot|gets shot|gets? cancer|burns?|rot|rots|gets? raped|suffer)\b"
    r"|\b(?:kys|kill yourself|kill urself|kill ya self|go die|go kill yourself|hang yourself|neck yourself|"
    r"you should die(?! laughing)|you deserve to die|you will die|(?<!when )(?:you re|youre|you are) (?:dead|next)|"
    r"drink bleach|(?:i|we) (?:know|ll find|will find) where (?:you|u) live|"
    r"(?:burn|torch|firebomb|bomb) (?:down )?(?:your|his|her|their) (?:house|houses|home|homes|car|family)|"
    r"(?:shoot|bomb|blow) up (?:the|a|this|that|our|your|their) (?:school|office|mosque|church|synagogue|temple|"
    r"club|party|mall|concert|parade|rally|meetup|conference)|slit (?:your|his|her|their) (?:throat|throats|wrists)|"
    r"(?:you|he|she|they) (?:deserves?|need|needs) (?:a bullet|bullets|a beating|to be shot|to be beaten)|"
    r"(?:i ll|i will|we ll|we will|i m going to|im going to|gonna) make (?:you|him|her|them) (?:suffer|bleed|pay)|"
    r"(?:i m|im|i am|we re|we are) coming for (?:you|u|him|her|them|your \w+)(?! (?:at|to|in|on|with|after|before|the|a|an|my|our|lunch|dinner|drinks))|"
    r"(?:you|your \w+) (?:will|ll|are going to|is going to) pay for (?:this|that|it)|break your (?:neck|legs|face|skull)|i know where your \w+ (?:lives|live|goes)|"
    r"watch your back|you ll regret|you will regret|you will pay for|you ll pay for|your days are numbered|"
    r"sleep with one eye open|shame if something (?:happened|were to happen|happens) to|"
    r"(?:a |put a |one )?bullets? (?:in|through|between) (?:your|his|her|their|(?:that|this) (?:guy|man|woman|girl|boy|kid|"
    r"person|dude|bitch|bastard|idiot|clown|moron|loser|asshole|judge|cop|officer|senator|politician|president|"
    r"reporter|journalist|mayor|teacher|priest|imam|rabbi|lawyer|neighbou?r) s) "
    r"(?:head|skull|brain|eyes|face|chest)|"
    r"(?:won t|will not|wont) (?:live|survive|wake up|see) (?:to see )?(?:tomorrow|another day|the weekend|next week)|"
    r"(?:death|bullets|the rope|a noose|the gas chamber|the ovens?) (?:to|for) (?:all|every|the|those|these) \w+|"
    # "I'll hunt you down", "we will find you"; not "I'll find you a link"
    r"(?:i ll|i will|we ll|we will|gonna) (?:find|hunt|track) (?:you|u|him|her|them)"
    r"(?: down| and)?(?! know| a | an | the | some| to| if| on | in | out| back| started| set up| going| there|"
    r" here| up| through| covered)|"
    # "I'll come for you"; not "I'll come for you at 5 / after work": a lift
    r"(?:i ll|i will|we ll|we will|gonna) come (?:for|after) (?:you|u|him|her|them)"
    r"(?! know| a | an | the | some| to| if| on | in | out| back| up| at | after | before | around | later| when |"
    r" with | by | from | this | next | once | as soon))\b")
# More ways to threaten or call for violence (issue #10; bench/threat_cases.py
# has the development and held-out lists). Each names a person or people as
# the target: a word for people, a group, him or her, never a bare "them"
# or "it" ("kill them all" is said of processes every day), or it uses a
# form nobody uses for work ("beat him to death", "the only good X is a
# dead X").
_PEOPLE_NOUNS = (r"(?:people|persons|men|women|guys|kids|boys|girls|bastards?|traitors?|looters?|rioters?|protesters?|"
                 r"protestors?|infidels?|pedophiles?|paedophiles?|pedos?|politicians?|illegals|aliens|commies|"
                 r"communists?|liberals?|libtards?|leftists?|nazis?|fascists?|savages|cops|policemen|bitch(?:es)?|"
                 r"witch(?:es)?|whores?|sluts?|terrorists?|criminals?|thugs?|invaders?|cunts?|idiots?|morons?|"
                 r"degenerates?|heretics?|apostates?|rapists?|murderers?|scum|vermin|parasites|subhumans?|"
                 r"niggers?|niggas?|faggots?|fags|kikes?|spics?|chinks?|retards?|trannies|trann(?:y|ys))")
_BEASTS = r"(?:animals|beasts|rats|pigs|dogs|cockroaches|monkeys|apes|roaches)"
# Someone a call for violence is aimed at.
_TARGET = (r"(?:him|her|"
           r"(?:every|each|all)(?: last| single)? (?:one )?of (?:them|you|those \w+|these \w+|the \w+)|"
           r"(?:(?:all|every|each|the|those|these|some|more|any|a few|all the|all of the|all those|all these|"
           r"every last|every single|each and every)(?: \w+)? )?"
           rf"(?:{_PEOPLE_NOUNS}|{_GROUP_WORDS}|(?:{'|'.join(sorted(AMBIGUOUS_GROUPS))}) {PEOPLE})|"
           rf"(?:these|those)(?: \w+)? {_BEASTS}|"
           r"(?:that|this) (?:guy|man|woman|girl|boy|kid|person|dude|bitch|bastard|idiot|clown|moron|loser|asshole|"
           r"freak|pig|creep|piece of \w+|judge|cop|officer|senator|politician|president|reporter|journalist|mayor|"
           r"teacher|priest|imam|rabbi|lawyer|neighbou?r))")
_KILL_MORE_FORMS = [v.base for v in _marked("kill+")]
_KILL_MORE = _alt(_KILL_MORE_FORMS)
_KILLS_MORE_FORMS = [v.s for v in _marked("kill+")]  # "I hope someone stabs her"
# A verb with its object in the middle: "run her over", "put that dog down".
_HARM_FUSED = (rf"(?:run (?:him|her|them|{_TARGET}) over|put (?:him|her|{_TARGET}) down|"
               rf"beat the (?:shit|crap|hell|life|living daylights|snot) out of "
               rf"(?:him|her|them|(?:anyone|anybody|everyone|everybody) (?:who|that)|{_TARGET}))")
_CALL = (r"(?:let s|lets|we should|we must|we need to|we have to|we gotta|someone should|somebody should|"
         r"someone needs to|somebody needs to|someone ought to|someone must|somebody must|someone please|"
         r"somebody please|someone go|somebody go|y all should|yall should|you should|people should|"
         r"(?<!nobody )(?<!no one )(?<!noone )(?:should|must|need to|needs to|ought to|have to|has to)|"
         r"gotta|just|go|and|and then|then|time to|"
         r"i say|i d say)")
_KILLING_FORMS = [v.ing for v in _marked("killing")]
_KILLED_MORE_FORMS = [p for v in _marked("killed+") for p in v.participles]
# Passive phrases beside the verbs: "beaten to death", "skinned alive", "thrown off a roof".
_KILLED_MORE_PHRASES = [r"wiped off the \w+(?: of the \w+)?", "skinned alive", r"beaten(?: to death| up)?",
                        r"thrown (?:off|out of|into|in|from) \w+(?: \w+)?", r"deported and \w+",
                        r"lined up against (?:a|the) wall", r"stood up against (?:a|the) wall"]
_KILLED_MORE = _alt(_KILLED_MORE_FORMS + _KILLED_MORE_PHRASES + ["put down"])
_GET_KILLED_FORMS = [v.participles[0] for v in _marked("get")]
_GET_KILLED = _alt(_GET_KILLED_FORMS + [r"hit by a \w+", "run over"])
_SUBJECT_MORE = (rf"(?:{_SUBJECT}|he|she|they|whoever(?: \w+){{0,3}}|(?:these|those|such|all|the|all the|all of the|"
                 rf"all these|all those)(?: \w+)? (?:{_PEOPLE_NOUNS}|{_BEASTS})|{_PEOPLE_NOUNS}|"
                 r"(?:this|that) (?:man|woman|guy|girl|boy|bitch|bastard|idiot|person|kid|dude|freak|monster|pig|"
                 r"criminal|piece of \w+)|(?:people|men|women|guys|girls|scum|trash) like (?:him|her|them|you|that|this))")
_PLACES = (r"(?:country|countries|city|cities|village|villages|town|towns|home|homes|house|houses|mosques?|churches|"
           r"church|synagogues?|temples?|schools?|neighbou?rhoods?|embassy|embassies|clinics?|shelters?)")
# Words of the place and body branches, each tuple building both its
# alternation and its part of the gate.
_ARSON = ("nuke", "bomb", "firebomb", "torch", "burn down", "burn", "blow up", "shoot up")  # "... their country"
_BONES = ("neck", "necks", "legs", "skull", "skulls", "jaw", "spine")  # "break his neck"
_SMASH_IN = ("smash", "kick", "bash", "cave")  # "smash his face in"
_CUT = ("cut", "chop", "hack", "slice", "slit")  # "cut off their heads"
_CUT_OFF = ("heads", "head", "throats", "throat", "balls", "hands", "hand", "tongues", "tongue")
_THROW = ("throw", "toss", "dump", "push", "drop")  # "throw them off a roof"
_THROWN_FROM = ("roof", "building", "bridge", "cliff", "ocean", "sea", "river", "lake", "helicopters", "helicopter",
                "plane", "volcano", "oven")
_LEFT_TO = ("drown", "burn", "rot", "starve", "bleed")  # "let them drown"
_DEATH_CAMPS = ("gas chambers", "gas chamber", "ovens", "oven", "camps", "camp")  # "send them to the gas chambers"
_THREAT_MORE = re.compile(
    # imperative and incitement: "shoot the looters", "someone should run her over"
    rf"(?:^|\b{_CALL}(?: go| start| just| really| all| please)? )(?:{_KILL_MORE} {_TARGET}|{_HARM_FUSED})\b"
    r"(?! (?:an? |the |some )?(?:quick |short )?(?:e-?mail|mail|message|msg|dm|pm|note|line|text|ping|invite|link)s?\b"
    r"| (?:account|user|process|job|script|session|tab|test)s?\b)"
    rf"|\b(?:i|we|i ll|ill|we ll|i m|im|imma|ima|i am|we re|we are|i d|id)\b(?: (?!never\b|not\b|t\b)\w+){{0,6}} "
    rf"{_HARM_FUSED}\b"
    # "we need to start killing these people"
    rf"|\b(?:start|begin|keep|go|get to) {_alt(_KILLING_FORMS)} {_TARGET}\b"
    # passive and modal: "he should be publicly hanged", "whoever did this should be tortured"
    rf"|\b{_SUBJECT_MORE}(?: \w+){{0,2}} (?:should|must|needs? to|ought to|deserves? to|has to|have to|gotta|"
    r"will|are going to|is going to|gonna)(?: all| just| really| simply| each| immediately)? be(?: \w+ly)? "
    rf"{_KILLED_MORE}\b"
    # "beat him to death", "stone them to death"
    r"|\b(?:beat|stone|stab|kick|burn|torture|whip|flog|hack|choke|strangle|starve|bludgeon|club|hang) "
    r"(?:them|him|her|you|u)(?: all)? to death\b"
    # the wish: "I hope someone stabs her", "I wish he would get hit by a bus and die"
    rf"|\b(?:hope|wish|pray)(?: that)? (?:someone|somebody|some \w+|a \w+)(?: will| would)? "
    rf"{_alt(_KILL_MORE_FORMS + _KILLS_MORE_FORMS)} (?:you|u|him|her|them|{_TARGET})\b"
    r"|\b(?:hope|wish|pray)(?: that)? (?:you|u|he|she|they|them)(?: all)?(?: would| will)? (?:get|gets) "
    rf"{_GET_KILLED}\b"
    rf"|\b(?:hope|wish|pray)(?: that)? (?:you|u|he|she|they)(?: {_NOT}\w+){{0,6}} "
    r"(?:and )?(?:die|dies)\b(?! laughing| of laughter| from laughing| a little)"
    # "death to all jews", "the only good X is a dead X", "I want to see them all dead"
    rf"|\bdeath to (?:all |the |every )*(?:{_PEOPLE_NOUNS}|{_GROUP_WORDS})\b"
    rf"|\bthe only good (?:{_PEOPLE_NOUNS}|{_GROUP_WORDS}|{'|'.join(sorted(AMBIGUOUS_GROUPS))})(?: \w+)? "
    r"(?:is|are) (?:a |the )?dead\b"
    rf"|\b(?:want|wanna|like|love|d love|need|can t wait) to see (?:them|him|her|you|{_TARGET})(?: all)? "
    r"(?:dead|die|hang|hanged|burn|burned|suffer|bleed|shot|killed|executed|lynched)\b"
    r"|\b(?:world|country|earth|planet|society|we|everyone)(?: \w+){0,2} (?:would|will|d) be (?:a )?better(?: \w+){0,3} "
    r"(?:if|when|once) (?:they|he|she|you|all|every|the|those|these)(?: \w+){0,3} (?:were|was|are|is|got)(?: all)? "
    r"(?:dead|killed|exterminated|wiped out|shot|hanged|executed)\b"
    # places and bodies: "nuke their entire country", "break his neck", "cut off their heads"
    rf"|\b{_alt(_ARSON)} (?:their|his|her|your|all the|every|all)(?: entire| whole| fucking| damn)? {_PLACES}\b"
    rf"|\b(?:break|snap) (?:your|his|her|their) {_alt(_BONES)}\b"
    rf"|\b{_alt(_SMASH_IN)} (?:your|his|her|their) (?:face|faces|head|heads|skull|skulls|teeth) in\b"
    rf"|\b{_alt(_CUT)} (?:off )?(?:your|his|her|their) {_alt(_CUT_OFF)}\b"
    r"|\bblow (?:your|his|her|their) (?:brains?|heads?) (?:out|off)\b"
    r"|\bwipe (?:them|him|her|you|\w+ \w+) off the (?:face of the )?(?:earth|planet|map)\b"
    # "throw them in the ocean", "let them drown", "send them to the gas chambers"
    rf"|\b{_alt(_THROW)} (?:them|him|her|{_TARGET})(?: all)? (?:off|out of|into|in|from) "
    rf"(?:the |a |an )?{_alt(_THROWN_FROM)}\b"
    rf"|\blet (?:them|him|her|{_TARGET})(?: all)? {_alt(_LEFT_TO)}\b"
    r"|\b(?:send|put|throw|shove|march|herd|push|take|toss|lock) (?:them|him|her|all|every|those|these|the)(?: \w+){0,3} "
    rf"(?:in|into|to) (?:the )?{_alt(_DEATH_CAMPS)}\b"
    r"|\band gas (?:them|him|her)\b|^gas (?:them|him|her)\b"
    rf"|\b(?:line|round|rack) (?:them|him|her|{_TARGET}) up (?:against|and (?:then )?{_KILL_MORE} (?:them|him|her))\b"
    rf"|\bstring (?:them|him|her|{_TARGET}) up\b"
    r"|\b(?:deport|drag|grab|catch|capture|lock up|tie up|strip|round up|string up|lock) (?:them|him|her)(?: \w+){0,5} "
    rf"(?:and|then)(?: then)? (?:{_KILL_MORE} (?:them|him|her|the \w+)|set (?:\w+ ){{1,2}}on fire)\b"
    r"|\b(?:trash|vermin|scum|animals|rats|savages|parasites|cockroaches|subhumans?|degenerates)\b(?: \w+){0,8} "
    r"(?:kill|shoot|hang|burn|gas|exterminate) them\b"
    r"|(?:^|\byou |\bu |\bgo )die in a (?:fire|hole|ditch)\b"
    # "I'd love to see their houses burned to the ground"
    rf"|\b(?:want|wanna|like|love|d love|hope|can t wait) to see (?:their|his|her|your) {_PLACES} "
    r"(?:burn|burned|burnt|burning|torched|bombed|razed)\b"
    # "if I see one of them here I'm grabbing my gun"
    r"|\bif (?:i|we) (?:ever )?(?:see|catch|find|meet) (?:you|u|him|her|them|(?:one|any) of (?:them|you|those \w+))\b"
    r"(?: \w+){0,8} (?:i m|im|i am|i ll|ill|i will|we re|we ll|we will) (?:grabbing|loading|reaching for|"
    r"going for|grab|load|pull|pulling) (?:my|our) (?:gun|guns|rifle|shotgun|pistol|glock|knife|machete)\b"
    r"(?! (?:set|scope|case|rack|block|sharpener|out of)\b)")
# The gates: a pattern runs only on a message holding a word of its gate,
# or both words of one of its pairs (a set lookup, where the pattern costs
# a scan: both patterns on every message would take ten times as long).
# The verbs' forms come from the table through the lists the pattern
# takes, the place and body words from the tuples its branches are built
# from; the words of the phrases written out in a pattern are listed here,
# so that no branch is hidden by its gate (tests pin it).
_THREAT_GATE = (
    _heads(_HARM_FORMS + _KILL_FORMS + _KILLED_FORMS)
    # beside the verbs: "break your neck", "deported and shot", "they should all be removed"
    | words("break smash deported destroyed removed")
    # the written-out phrases: "kys", "kill urself", "you're next", "I know where you live", "slit your throat",
    # "get rid of them", "death to all ...", "the ovens for ...", "a beating", "won't survive the weekend" ...
    | words("kys urself die dies dead next bleach live lives back regret numbered eye shame pay coming find hunt "
            "track slit throat neck bullet bullets noose rope cancer burns rot rots suffer bleed torch firebomb "
            "blow rid death oven ovens chamber beating survive"))
# Phrases of two ordinary words: "run over", "put down", "come for/after
# you", "won't wake up / see tomorrow", "I know where your kid goes".
_THREAT_PAIRS = (("run", "over"), ("put", "down"), ("come", "for"), ("come", "after"), ("wake", "up"),
                 ("won", "see"), ("wont", "see"), ("not", "see"), ("where", "goes"))
_THREAT_MORE_GATE = (
    _heads(_KILL_MORE_FORMS + _KILLS_MORE_FORMS + _KILLING_FORMS + _KILLED_MORE_FORMS + _KILLED_MORE_PHRASES
           + _GET_KILLED_FORMS + list(_ARSON))
    | frozenset(_BONES + _SMASH_IN + _CUT_OFF + _THROWN_FROM + _LEFT_TO)
    | frozenset(p.split()[-1] for p in _DEATH_CAMPS)
    # the written-out phrases: "to death", "death to all ...", "... is a dead ...", "hope you die",
    # "set them on fire", "kick his teeth in", "blow his brains out", "wipe them off the face of the earth",
    # "I want to see them suffer"
    | words("death dead die dies fire teeth brain brains earth planet suffer")
    # "... to see their houses burned", "... I'm grabbing my gun"
    | words("burned burnt torched razed gun guns rifle shotgun pistol glock knife machete")
    # cutting words the gate has always opened on ("cut" and "hack" alone are everyday words: _CUT_OFF covers them)
    | words("chop slit"))
# "run her over", "put that dog down", "line them up against a wall",
# "string him up", "I hope you get hit by a bus".
_THREAT_MORE_PAIRS = (("run", "over"), ("put", "down"), ("up", "against"), ("string", "up"), ("hit", "by"))


class _Gate:
    """Opens on a message holding one of `words`, or both words of one of
    `pairs`. Runs on every message: two set tests settle nearly all of them
    (a pair can open only when the message holds a first and a second word)."""

    __slots__ = ("words", "pairs", "firsts", "seconds")

    def __init__(self, words: frozenset[str], pairs: tuple[tuple[str, str], ...]):
        self.words, self.pairs = words, pairs
        self.firsts = frozenset(a for a, _ in pairs)
        self.seconds = frozenset(b for _, b in pairs)

    def opens(self, vocab: frozenset[str]) -> bool:
        if not self.words.isdisjoint(vocab):
            return True
        if self.firsts.isdisjoint(vocab) or self.seconds.isdisjoint(vocab):
            return False
        return any(a in vocab and b in vocab for a, b in self.pairs)


_threat_gate = _Gate(_THREAT_GATE, _THREAT_PAIRS).opens
_threat_more_gate = _Gate(_THREAT_MORE_GATE, _THREAT_MORE_PAIRS).opens


def find(text: str, vocab: frozenset[str]) -> re.Match | None:
    """The first threat in a normalised text (`vocab`: its words), or None."""
    found = _THREAT.search(text) if _threat_gate(vocab) else None
    if found is None and _threat_more_gate(vocab):
        found = _THREAT_MORE.search(text)
    return found
