"""The abuse checks' word lists: obscenities by strength, insults, slurs,
identity groups and what dehumanises them, and the second person. Matched
on whole normalised tokens (policies.slacktext), never on substrings, which
is what keeps "Scunthorpe", "assessment", "cocktail" and "Sussex" clean.
policies.abuse and policies.threats read them."""
from __future__ import annotations

from .slacktext import words

# Obscene and sexually explicit words (vulgar on their own). Strength:
# 3 strong profanity and sexual terms, 2 profanity most guidelines forbid,
# 1.5 words that are also ordinary words or abbreviations ("ass", "wtf",
# "dick", "cock", "hoe"): vulgar only when the model agrees, 1 mild words
# (damn, hell, crap, sucks) that never reach moderators on their own.
OBSCENE = {
    **dict.fromkeys(words("fuck fucking fucked fucker fuckers fucks fuckin fuk fuq fck fcking fkn fking fk "
                          "motherfucker motherfuckers mofo cunt cunts twat twats wank wanker wankers "
                          "cocksucker cocksuckers jizz cumshot blowjob handjob dildo porn porno pussy pussies "
                          "tits titties whore whores slut sluts skank milf gangbang"), 3),
    **dict.fromkeys(words("shit shits shitty shitting bullshit shite asshole assholes arsehole arseholes "
                          "dickhead dickheads bitch bitches bitchy bastard bastards "
                          "douchebag dumbass jackass dipshit horseshit stfu gtfo bollocks"), 2),
    **dict.fromkeys(words("wtf ass arse piss pissed dick dicks cock cocks prick pricks hoe hoes douche boobs cum"),
                    1.5),
    **dict.fromkeys(words("crap crappy damn dammit goddamn hell sucks suck screw freaking frigging bloody "
                          "butt"), 1),
}
# Insults aimed at a person (harassment when they are aimed at the person
# addressed: "you idiot", "you're a clown", not "stupid me" or "ugly hack").
INSULTS = words(
    "idiot idiots idiotic moron morons moronic stupid dumb loser losers imbecile imbeciles pathetic worthless "
    "useless clown clowns jerk jerks scum scumbag trash garbage creep creepy freak fool fools foolish "
    "ignorant clueless braindead brainless incompetent retarded cretin dimwit halfwit nitwit numpty "
    "ugly fat disgusting vile pig pigs coward cowards liar liars fraud hypocrite lowlife "
    "dumbass jackass asshole dickhead bitch bastard prick twat wanker douchebag cunt whore slut "
    "snowflake troll parasite")
# Slurs: attacks on people for who they are (hate on their own).
SLURS = words(
    "nigger niggers nigga niggas nigguh faggot faggots fag fags dyke dykes tranny trannies retard retards "
    "spic spics chink chinks kike kikes wetback wetbacks raghead ragheads towelhead towelheads gook gooks "
    "coon coons beaner beaners paki pakis sandnigger cripple cripples mongoloid shemale zipperhead "
    "gypsies jap japs")
# Identity groups (protected characteristics). Adjectives that are also
# ordinary words ("black magic", "white background", "blind spot") count
# only before a word for people (PEOPLE).
GROUPS = words(
    "muslim muslims islam jew jews jewish christian christians catholics hindu hindus sikh sikhs atheists "
    "blacks whites asians arab arabs african africans mexican mexicans latino latinos "
    "hispanic hispanics chinese indians immigrant immigrants refugee refugees migrants foreigners "
    "gays lesbian lesbians homosexual homosexuals bisexual transgender queer women woman girls "
    "females feminists autistic roma gypsy")
AMBIGUOUS_GROUPS = words("black white asian indian gay trans disabled blind deaf")
PEOPLE = r"(?:people|persons?|folks?|men|guys|kids|community|population|race|immigrants|women|girls)"
# What is said about a group that turns a mention into an attack.
DEHUMANISING = words(
    "animals animal vermin parasites parasite subhuman subhumans inferior savages savage filth filthy "
    "disease plague rats cockroaches apes monkeys pigs dogs scum trash evil terrorists criminals "
    "deport deported exterminate exterminated eradicate genocide ban banned disgusting degenerates "
    "degenerate invaders invasion breed inbred")
SECOND_PERSON = words("you your youre you're yourself yourselves ya u ur urself yall y'all thou")
