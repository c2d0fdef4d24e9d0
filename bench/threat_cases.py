"""Violent threats and incitement next to ordinary talk with violent words:
two lists written by hand for issue #10 (all sentences made up here).

    .venv/bin/python bench/threat_cases.py

DEV_* are the development lists the threat patterns in policies/threats.py were
extended on. HELD_* were written at the same time, before any figure was
measured, and are never tuned on: report on them. Each threat list mixes
individual and group targets, passive and modal forms, conditionals, wishes,
imperative calls and slang; each benign list is developer, gaming and
everyday talk that uses the same violent words.

Prints, per list, the share routed as a threat, the share routed in any
abusive category, and the same for alt-profanity-check and better-profanity.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEV_THREATS = [
    "kill all the muslims",
    "all feminists should be shot",
    "these immigrants need to be hanged from the nearest tree",
    "gays should be burned alive",
    "I would punch him in the face if I saw him",
    "someone should beat the hell out of that guy",
    "deport them all and then shoot them",
    "wipe them off the face of the earth",
    "they should be exterminated like rats",
    "every single one of them deserves to die",
    "I hope someone stabs her",
    "I hope she gets raped",
    "I hope that she gets raped",
    "if I ever see him I'll break his neck",
    "throw them all in the ocean and let them drown",
    "line them up against a wall and shoot them",
    "hang every last traitor",
    "burn down their mosques with them inside",
    "the only good muslim is a dead muslim",
    "we need to start killing these people",
    "death to all jews",
    "send them to the gas chambers",
    "shoot them on sight",
    "they must be eliminated",
    "I want to see them all dead",
    "somebody needs to put that woman down",
    "beat him until he can't walk",
    "I'd love to smash his face in",
    "kill them with fire",
    "transgenders should be killed at birth",
    "nuke their entire country",
    "someone should run her over with a truck",
    "slaughter every last one of them",
    "they deserve a bullet in the head",
    "they all need to die",
    "whoever did this should be tortured and killed",
    "put them all in camps and gas them",
    "she should be raped and killed",
    "drag him into the street and beat him",
    "hang the bastards",
    "I would gladly shoot every one of those animals",
    "those savages should be wiped out",
    "let's go hunt some illegals",
    "time to take out the trash, kill them all",
    "i will hunt you down and kill you",
    "go kill yourself",
    "die in a fire you piece of trash",
    "he needs to be beaten to death",
    "stone them to death",
    "cut off their heads",
    "behead the infidels",
    "lock them in and set the building on fire",
    "the world would be better if they were all dead",
    "the government should execute every refugee",
    "shoot the looters",
    "I'd strangle him with my bare hands",
    "they should be thrown off a roof",
    "beat the crap out of every one of them",
    "blow up their churches",
    "you deserve to be shot",
    "he should be publicly hanged",
    "kill every last one of those commies",
    "dump them in the sea with rocks tied to their feet",
    "I wish someone would assassinate him",
    # added in stop 21 with their patterns
    "Someone needs to put a bullet in that guy's head",
    "I would love to see their houses burned to the ground",
    "They should all be lined up against a wall",
    "If I see one of them in my neighborhood I'm grabbing my gun",
    "Beat the hell out of anyone who disagrees",
    "I hope someone stabs that judge",
]

DEV_BENIGN = [
    "kill the process and restart the container",
    "shoot me a message when the build is done",
    "this bug is killing me",
    "burn it down and rebuild the image",
    "hang on, I'm checking the logs",
    "I hope she never gets raped again, that trial was hell",
    "I hope you don't die in the first raid, the boss is brutal",
    "the deploy script killed all the workers",
    "I'll shoot you an email later",
    "we need to kill these zombie processes",
    "just nuke the node_modules folder and reinstall",
    "let's kill the old branch",
    "git blame says I wrote it, shoot me",
    "the tests are dying on CI again",
    "she killed it at the conference talk",
    "he totally destroyed the benchmark record",
    "our team got slaughtered in the finals last night",
    "I'm dead, that meme is hilarious",
    "headshot! that sniper round was insane",
    "we wiped the raid boss on the first try",
    "execute the migration before you deploy",
    "this fan is going to explode if I keep compiling",
    "hang the picture on the left wall",
    "my laptop battery is dying",
    "kill -9 the pid and try again",
    "beat the level without using any potions",
    "I could murder a pizza right now",
    "the heat is killing my plants",
    "shoot, I forgot to push the commit",
    "they should all be updated to the new version",
    "those containers need to be killed before the upgrade",
    "the old servers deserve to be retired",
    "terminate all the instances in that region",
    "drop the table and recreate it",
    "we need to eliminate the duplicate rows",
    "purge all the stale caches",
    "that movie was a bloodbath, loved it",
    "the zombies in this game are brutal, headshots only",
    "someone should fix the flaky test",
    "we should burn through the backlog this sprint",
    "they got destroyed in the review, poor interns",
    "the cat knocked everything off the shelf",
    "I'll beat you at chess tomorrow",
    "punch in the numbers and hit enter",
    "fire the event when the user clicks",
    "the chef butchered the chicken for the stew",
    "my code is a dumpster fire",
    "the child process was killed by the OOM killer",
    "hunt down the memory leak",
    "let's hang out after the meetup",
    "I'm going to crush this exam",
    "the server is hanging again",
    "kill all the background jobs before the release",
    "shoot the breeze with the new hires",
    "these bugs should be exterminated before launch",
    "the red team will attack the staging environment",
    "take out the trash before you leave",
    "we bombed the demo, nothing worked",
    "a dead link in the docs",
    "fight the urge to refactor everything",
    "killer feature in the new release",
    "the build died with exit code 137",
    # beside the stop-21 threats
    "put a bullet in that list, it reads better",
    "I would love to see the houses burned into the map tiles render faster",
    "if I see one of them in the logs again I'm grabbing the stack trace",
    "this beats the hell out of the old build system",
    "we lined up against a wall of red tests all week",
    "I hope someone stabs at that judge's scoring script, it is broken",
]

# Held out: written before measuring, never tuned on.
HELD_THREATS = [
    "all of those refugees should be shot at the border",
    "i'd love to put a bullet in every one of them",
    "hang all the politicians",
    "gays deserve to be stoned",
    "someone please shoot this guy",
    "muslims need to be wiped out",
    "round them up and kill them",
    "if she shows up here I'll beat her senseless",
    "these animals should be put down",
    "the jews should burn",
    "kill every single one of these parasites",
    "they ought to be lynched",
    "I will smash your skull in",
    "time to exterminate the vermin",
    "feminists should be beaten",
    "send every immigrant home in a body bag",
    "I hope they all get shot",
    "someone should torch their homes",
    "blacks should be hanged",
    "i'm going to stab that bitch",
    "we must kill the infidels",
    "he should be dragged out and shot",
    "they deserve to be tortured",
    "break his legs and leave him there",
    "just gas them all",
    "a bullet is too good for them",
    "I'd kick his teeth in",
    "mexicans should be shot on sight",
    "every last one of them must die",
    "beat the gay out of him",
    "let them drown in the sea",
    "i wish he would get hit by a bus and die",
    "execute all pedophiles publicly",
    "shoot every protester",
    "you will be dead by tomorrow",
    "burn the witch",
    "they need to be eradicated",
    "somebody beat his ass please",
    "cut their throats",
    "i want to murder every one of those people",
]

HELD_BENIGN = [
    "kill the container and pull the new image",
    "shoot me a DM if you need the logs",
    "the memory leak is killing the server",
    "hang on a sec, restarting",
    "burn the ISO to a USB stick",
    "just kill the job, it's stuck",
    "the workers died after the deploy",
    "we got crushed in the match yesterday",
    "she absolutely slayed the presentation",
    "kill all the node processes and rerun",
    "execute the query and paste the result",
    "I'm dying to try the new release",
    "the old API should be killed off next quarter",
    "they need to be deleted from the registry",
    "he bombed the interview but got the job anyway",
    "blow away the cache and rebuild",
    "the pods keep getting killed by the scheduler",
    "the zombie apocalypse game is great",
    "shoot for the end of the month",
    "punch a hole in the firewall for port 443",
    "we should shoot a video tutorial",
    "I will beat this deadline",
    "the deadline is murder this week",
    "all the old images should be removed",
    "these warnings should be eliminated",
    "fire up the VM and ssh in",
    "he is dead set on using kubernetes",
    "strip the debug symbols and hang the artifacts on the release page",
    "the compiler slaughtered my code with warnings",
    "nuke the database and start fresh",
    "wipe the disk before returning the laptop",
    "I'm going to kill it at the hackathon",
    "let's attack this problem from another angle",
    "he died laughing at the demo",
    "the tests hang forever on windows",
    "terminate the ssh session",
    "the photos should be shot in daylight",
    "kill switch for the feature flag",
    "my phone died, text me later",
    "destroy the old cluster once the new one is healthy",
]

ABUSIVE = ("threat", "hate", "harassment", "vulgar")
LISTS = (("dev threats", DEV_THREATS, True), ("dev benign", DEV_BENIGN, False),
         ("held-out threats", HELD_THREATS, True), ("held-out benign", HELD_BENIGN, False))


def routed(texts: list[str]) -> list[set[str]]:
    from policies import Message, evaluate_many

    return [{f.category for f in fs if f.action in ("route", "remove")}
            for fs in evaluate_many([(Message(text=t), None) for t in texts])]


def main(argv: list[str]) -> int:
    show = "--show" in argv  # print the dev lists' misses and false flags (never the held-out ones' text)
    print("Violent threats and incitement (bench/threat_cases.py; threats: recall, benign: flagged share)")
    print(f"  {'list':<18}{'n':>4}  {'modbot threat':>14}  {'modbot abusive':>15}  "
          f"{'alt-profanity-check':>20}  {'better-profanity':>17}")
    for name, texts, positive in LISTS:
        cats = routed(texts)
        threat = sum("threat" in c for c in cats) / len(texts)
        abusive = sum(bool(c & set(ABUSIVE)) for c in cats) / len(texts)
        from quality import peers  # the same peer runner as bench/quality.py

        others = peers(texts)
        cols = "".join(f"  {sum(v) / len(texts):>{w}.3f}" for (k, v), w in zip(others.items(), (20, 17)))
        print(f"  {name:<18}{len(texts):>4}  {threat:>14.3f}  {abusive:>15.3f}{cols}")
        if show and name.startswith("dev"):
            for t, c in zip(texts, cats):
                if positive and "threat" not in c or not positive and c:
                    print(f"      {'missed' if positive else 'flagged'} {sorted(c)} {t}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
