"""Generated ordinary community and support-forum messages (our own text).

Two disjoint template sets: "train" feeds the abuse model as clean examples;
"eval" is only ever used to measure how many ordinary messages the checks
flag. They share slot words (products, features) but no sentence templates,
so the false-positive rate is not measured on sentences the model saw.
Includes hard negatives: tech uses of violent words ("kill the process"),
Scunthorpe words, prices in honest questions.
"""
from __future__ import annotations

import random

PRODUCTS = ["the Android app", "the iOS app", "the web dashboard", "the API", "the CLI", "the desktop client",
            "the Zapier integration", "the Salesforce sync", "the mobile SDK", "the reporting module",
            "the billing page", "the admin console", "the webhook endpoint", "SSO", "the export tool"]
FEATURES = ["dark mode", "bulk export", "custom fields", "two-factor login", "scheduled reports", "tagging",
            "the search filter", "CSV import", "audit logs", "role permissions", "email digests", "the calendar view",
            "keyboard shortcuts", "offline mode", "the new editor"]
ERRORS = ["a 500 error", "a timeout", "error 403", "a blank screen", "\"invalid token\"", "a spinning wheel forever",
          "duplicate rows", "a rate limit error", "a CORS error", "missing data", "a crash on launch"]
TIMES = ["since this morning", "after the last update", "on Mondays", "every time I log in", "since version 4.2",
         "when I switch workspaces", "only on Safari", "for about a week", "since yesterday"]
NAMES = ["Sam", "Priya", "Jonas", "Mei", "Carlos", "Fatima", "Olu", "Anna", "Dev", "Lucía", "Tom", "Yuki"]
PLACES = ["Scunthorpe", "Sussex", "Middlesex", "Essex", "Penistone", "Cockermouth", "Lancashire", "Berlin"]
THINGS = ["cocktail party", "skills assessment", "class assignment", "passage of text", "assistant role",
          "analytics dashboard", "shiitake recipe", "grassland survey", "Dickens novel", "therapist list",
          "cumulative report", "bass guitar", "pass rate", "hell of a week"]

TRAIN_TEMPLATES = [
    "Hi all, is anyone else seeing {err} in {prod} {time}?",
    "Thanks {name}, that fixed it! Really appreciate the quick help.",
    "Does {prod} support {feat} yet? Couldn't find it in the docs.",
    "I had to kill the process and restart {prod} to get it working again.",
    "Quick question: how do I turn on {feat} for my whole team?",
    "We're evaluating {prod} for our company, any tips on rollout?",
    "Following up on my earlier post, {err} is back {time}.",
    "Great webinar today, the part about {feat} was super useful.",
    "Has anyone built a workflow that combines {feat} and {prod}?",
    "Our {thing} went well, thanks to everyone who answered my questions.",
    "This bug is killing me, {prod} keeps showing {err}.",
    "Can a moderator move this thread to the right channel?",
    "Welcome {name}! Glad to have you in the community.",
    "I'm based in {place}, is there a local user group?",
    "The pricing page says $29 per seat, does that include {feat}?",
    "Just shot you a DM with the logs, {name}.",
    "Is there a way to batch delete old records in {prod}?",
    "Kudos to the team, {feat} is exactly what we needed.",
    "Sorry if this was asked before, but where do I find the API rate limits?",
    "I think the docs for {feat} are out of date, the screenshot shows the old menu.",
    "The docs are here: https://docs.example.com/guides/setup, see the section on {feat}.",
    "See <https://status.example.com|the status page>, they are working on {err}.",
    "This thread helped me: https://community.example.com/t/4411 (about {feat})",
]

EVAL_TEMPLATES = [
    "Morning everyone! Anyone know why {prod} gives me {err} {time}?",
    "{name}, did you ever figure out the {feat} issue? I'm stuck on the same thing.",
    "Feature request: please let us pin {feat} to the sidebar.",
    "Restarting the worker killed the stuck jobs, problem solved.",
    "Our {thing} is next week, so I need {feat} working by Friday.",
    "Can someone from the team confirm whether {prod} stores data in the EU?",
    "I upgraded and now {feat} is gone, did it move somewhere?",
    "Here is my setup: {prod} plus {feat}, running {time} without issues.",
    "That answer was spot on, marking it as the solution. Cheers {name}!",
    "What is the best practice for testing {prod} in a staging workspace?",
    "Heads up: the status page shows {err} for some customers {time}.",
    "Greetings from {place}! Excited to learn from all of you.",
    "Anyone else think {feat} should be on by default?",
    "I'll try that tomorrow and report back. Thanks for the patience.",
    "Is the $15 add-on required for {feat} or is it in the base plan?",
    "The docs example for {prod} throws {err}, I think a parameter is missing.",
    "How do I shoot a test event to {prod} without affecting production?",
    "Posting the answer here in case it helps someone: clear the cache and re-login.",
    "We hit {err} during the migration, support is looking into it.",
    "Love the new onboarding flow, much clearer than before.",
    "Does anyone have a good checklist for the {thing}?",
    "Our team lead asked me to collect feedback on {feat}, reply in thread please!",
    "Found the answer in https://help.example.com/articles/2231 for anyone wondering about {feat}.",
    "Release notes for this week: <https://example.com/changelog|changelog>, {feat} is in there.",
    "I filed it as <https://github.com/example/sdk/issues/88|issue 88>, it shows {err}.",
]


def generate(n: int, *, seed: int = 0, split: str = "eval") -> list[str]:
    rng = random.Random(f"{split}:{seed}")
    templates = EVAL_TEMPLATES if split == "eval" else TRAIN_TEMPLATES
    out = []
    for _ in range(n):
        t = rng.choice(templates)
        out.append(t.format(prod=rng.choice(PRODUCTS), feat=rng.choice(FEATURES), err=rng.choice(ERRORS),
                            time=rng.choice(TIMES), name=rng.choice(NAMES), place=rng.choice(PLACES),
                            thing=rng.choice(THINGS)))
    return out


# Hand-written hard ordinary messages: tech uses of violent words, identity
# words in neutral sentences, casual "you", slang. NOT held out: the abuse
# cut-offs were chosen looking at how many of these get flagged.
HARD_NEGATIVES = [
    "I hate this bug so much", "this update sucks", "where is the kill switch for notifications?",
    "the build is dead again", "you're killing it, great talk!", "that demo was sick!",
    "shoot me an email when it's fixed", "let's execute the migration plan tonight",
    "fire the webhook twice and it breaks", "I'm dying to try the new editor", "hit me up if you need logs",
    "ur the best, thanks", "you guys rock", "my password reset link expired", "sent you a PM",
    "the black theme looks great", "women in tech meetup on friday", "our gay pride channel is open to all",
    "muslim holidays calendar integration?", "the chinese localisation is broken",
    "you are wrong about the rate limits, read the docs", "stupid question: how do I export?",
    "damn, that fixed it", "this is a hell of a feature", "kill -9 the worker",
    "I will destroy the old index tomorrow", "can you beat the benchmark?",
    "Our team is hiring! DM me if interested", "I am a moderator of the Python group at my local meetup",
    "vote for your favourite feature in the roadmap thread", "we should shoot for Q3", "bomb-proof deployment guide",
    "the attack surface is small", "you should die laughing at this bug report",
    "Is it ok to share my company's logo in a screenshot?", "I'm new here, hi all!",
    "Can anyone recommend a good trainer in Essex?", "My manager said we need SOC2 before buying",
    "free tier limits are confusing", "Click the gear icon, then Settings > Export",
    "Happy to help, DM me the error id",
]
