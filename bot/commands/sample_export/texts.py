"""What the crowd says: names, places and message templates per channel.
Every text here is our own."""
from __future__ import annotations

import calendar
import random
from typing import Callable

FIRST = ("Aaliyah Aaron Abdul Ada Adele Adrian Aiko Alba Alejandro Ali Amara Amir Ana Anders Andrea Anika "
         "Anton Arjun Astrid Ayesha Beatriz Ben Bianca Björn Bruno Camila Carlos Chen Chiara Chloe Clara Dae "
         "Daniel Dara Darius Diego Dmitri Elena Elif Elijah Emeka Emil Emma Eun Farah Felix Fatima Finn Gabriel "
         "Grace Hana Hannah Hiro Ibrahim Ines Ingrid Isaac Ivan Jamal Jana Javier Jin Joao Jonas Jorge Julia "
         "Kai Kamala Karim Kasia Kenji Kofi Lars Leila Leon Lina Luca Lucia Mads Malik Marco Maria Mateo Mei "
         "Mia Miguel Mina Nadia Naomi Nikhil Nina Noah Nora Olga Omar Oscar Pablo Paula Pedro Priya Quinn "
         "Rafael Rana Rhea Rosa Sam Sana Santiago Sara Selin Sergei Shira Sofia Sven Tariq Tess Theo Tomas "
         "Uma Valentina Vera Victor Wei Yara Yusuf Zara Zoe").split()
LAST = ("Abe Adeyemi Alvarez Andersen Bakker Banerjee Becker Bianchi Brandt Costa Cruz Dahl Das Dubois "
        "Eriksen Fischer Fontaine Garcia Gomez Gupta Haddad Hansen Hoffmann Horvat Ibrahim Ito Jansen Jensen "
        "Kaur Khan Kim Kowalski Kruger Lam Larsen Laurent Lee Lindgren Lopez Mahmoud Martin Meyer Moreau "
        "Mueller Murphy Nakamura Nguyen Novak Nowak Okafor Olsen Ortiz Park Patel Pereira Petrov Quinn Reyes "
        "Rossi Sato Schmidt Silva Singh Sokolov Suzuki Tanaka Torres Vargas Virtanen Wagner Wang Weber "
        "Yamamoto Yilmaz Zhang").split()
TIMEZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata",
             "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Africa/Lagos")

# Ordinary chatter, assembled from parts so no member repeats themselves.
FEATURES = ("webhooks", "the CLI", "SSO", "the audit log", "preview deploys", "the metrics dashboard",
            "custom domains", "the Terraform provider", "build caching", "the Python SDK", "the Go SDK",
            "scheduled jobs", "the status page", "edge functions", "usage alerts", "role-based access",
            "log drains", "the billing page", "secret rotation", "the API explorer")
LANGS = ("Python", "Go", "TypeScript", "Rust", "Ruby", "Kotlin", "Elixir", "Java", "C#", "PHP")
THINGS = ("a recipe planner", "an invoice tracker", "a bird-watching log", "a tiny CI dashboard",
          "a plant watering reminder", "a chess puzzle site", "a podcast search tool", "a running log",
          "a board game scorekeeper", "a bus arrival widget", "a photo gallery", "a habit tracker",
          "a markdown wiki", "a cost report for our team", "a feature flag service", "a changelog bot")
PLACES = ("Lisbon", "Toronto", "Nairobi", "Osaka", "Krakow", "Austin", "Melbourne", "Bogota", "Leeds",
          "Munich", "Pune", "Seoul", "Dublin", "Oslo", "Lagos", "Porto", "Denver", "Utrecht")
ERRORS = ("a 502 on deploy", "a timeout on the health check", "a 429 from the API", "a build that hangs at "
          "the install step", "a webhook that fires twice", "a DNS record that never verifies",
          "an expired certificate warning", "a missing environment variable at runtime",
          "a log drain that stops after an hour", "an SSO redirect loop", "a migration that runs twice")
HOBBIES = ("baking sourdough", "trail running", "birding", "climbing", "learning the cello", "chess",
           "gardening", "film photography", "cycling to work", "woodworking", "knitting", "board games")
EMOJI = ("", "", "", " :tada:", " :slightly_smiling_face:", " :rocket:", " :+1:", " :coffee:", " :eyes:")


def _general(r: random.Random) -> str:
    return r.choice((
        f"Has anyone tried {r.choice(FEATURES)} with {r.choice(LANGS)} yet? Curious how it went.",
        f"Just moved our team's {r.choice(LANGS)} services over to {r.choice(FEATURES)}, smooth so far{r.choice(EMOJI)}",
        f"Reminder that the community call is on {r.choice(calendar.day_name)} at {r.randint(14, 18)}:00 UTC.",
        f"Nice write-up on {r.choice(FEATURES)} in the last newsletter, thanks to whoever wrote it{r.choice(EMOJI)}",
        f"Anyone from {r.choice(PLACES)} going to the meetup next month?",
        f"Week {r.randint(2, 40)} of using {r.choice(FEATURES)} in production and no surprises, which is the best kind of news.",
        f"Tip: {r.choice(FEATURES)} and {r.choice(FEATURES)} work well together if you keep the configs in one repo.",
        f"Good morning from {r.choice(PLACES)}{r.choice(EMOJI)}",
        f"We cut our build time by {r.randint(10, 70)}% after turning on build caching. Worth a look.",
        f"Is there a recording of the talk about {r.choice(FEATURES)}? I missed it.",
    ))


def _help_question(r: random.Random) -> str:
    return r.choice((
        f"How do I set up {r.choice(FEATURES)} for a {r.choice(LANGS)} project?",
        f"I keep getting an error: {r.choice(ERRORS)}. Any idea what to check first?",
        f"What is the right way to rotate an API key without downtime when using {r.choice(FEATURES)}?",
        f"Why does my deploy show {r.choice(ERRORS)} only in the staging project?",
        f"Can {r.choice(FEATURES)} be used together with {r.choice(FEATURES)} in one project?",
        f"Is there a way to limit {r.choice(FEATURES)} to one region? We need data to stay in the EU.",
        f"Does the {r.choice(LANGS)} SDK support retries on {r.choice(ERRORS)}?",
        f"Where do I find the invoice for last month? The billing page only shows {r.choice(calendar.month_name[1:])}.",
    ))


def _help_answer(r: random.Random) -> str:
    return r.choice((
        f"Check the project settings first, {r.choice(FEATURES)} is off by default on new projects.",
        "I had the same thing last week. Redeploying with a clean build cache fixed it for me.",
        f"The docs page for {r.choice(FEATURES)} has a setup example for {r.choice(LANGS)}, it worked for us as is.",
        f"You need a separate token per environment, then {r.choice(FEATURES)} picks up the right one.",
        "That usually means the health check path in the project settings is wrong. Try /healthz and a longer grace period.",
        f"Yes, set the region in the project config and redeploy. Took us {r.randint(2, 20)} minutes.",
        f"Opened a ticket for this and support confirmed it is fixed in CLI {r.randint(2, 4)}.{r.randint(0, 20)}.",
        f"Thanks, that worked{r.choice(EMOJI)}",
        "Adding the env var in the project settings and redeploying sorted it out here.",
    ))


def _random(r: random.Random) -> str:
    return r.choice((
        f"Anyone else into {r.choice(HOBBIES)}? Just started{r.choice(EMOJI)}",
        f"Weekend plans: {r.choice(HOBBIES)} and absolutely no laptops.",
        f"The coffee in {r.choice(PLACES)} is better than I expected{r.choice(EMOJI)}",
        f"Book recommendation thread? I just finished a great one about the history of {r.choice(('maps', 'typography', 'tea', 'railways', 'bridges'))}.",
        f"It snowed in {r.choice(PLACES)} today, first time in {r.randint(2, 12)} years apparently.",
        f"Friday question: tabs or spaces in {r.choice(LANGS)}?",
        f"My cat just walked across the keyboard and opened {r.randint(3, 30)} tabs.",
    ))


def _intro(r: random.Random, name: str) -> str:
    return r.choice((
        f"Hi all, I'm {name.split()[0]} from {r.choice(PLACES)}. I build {r.choice(THINGS)} in {r.choice(LANGS)} and I'm here to learn.",
        f"Hello! {name.split()[0]} here, developer in {r.choice(PLACES)}. Outside work I enjoy {r.choice(HOBBIES)}.",
        f"Hey everyone, just joined. I'm working on {r.choice(THINGS)} and looking at {r.choice(FEATURES)}.",
        f"Welcome, glad to have you here{r.choice(EMOJI)}",
    ))


def _welcome(r: random.Random, name: str) -> str:
    first = name.split()[0]
    return r.choice((
        f"Welcome {first}! What are you building?",
        f"Welcome aboard {first}{r.choice(EMOJI)}",
        f"Hi {first}, glad you found us. The #help channel is a good place to start.",
        f"Great to have you here {first}! Say hi at the community call on {r.choice(calendar.day_name)}.",
        f"Welcome {first}, fellow {r.choice(LANGS)} fan here{r.choice(EMOJI)}",
    ))


def _showcase(r: random.Random) -> str:
    return r.choice((
        f"Built {r.choice(THINGS)} this weekend with {r.choice(LANGS)} and {r.choice(FEATURES)}. Feedback welcome!",
        f"Wrote up how we use {r.choice(FEATURES)} for {r.choice(THINGS)}: lessons from {r.randint(2, 12)} months in production.",
        f"Small demo: {r.choice(THINGS)} deployed on preview deploys, one branch per experiment.",
        f"Looks great, love the clean layout{r.choice(EMOJI)}",
        f"Open sourced {r.choice(THINGS)} today. It's {r.choice(LANGS)} with {r.choice(FEATURES)} under the hood.",
    ))


def _feedback(r: random.Random) -> str:
    return r.choice((
        f"Feature request: let {r.choice(FEATURES)} send a summary to email once a week.",
        f"The new {r.choice(FEATURES)} page is much faster, thanks!",
        f"It would help if {r.choice(FEATURES)} showed which team member changed a setting.",
        f"+1 to dark mode for {r.choice(FEATURES)}{r.choice(EMOJI)}",
        "Could the CLI print the deploy URL at the end? Small thing, saves a click.",
    ))


def _staff(r: random.Random) -> str:
    return r.choice((
        f"Queue is quiet today, {r.randint(0, 5)} flags open.",
        f"I'll cover the {r.choice(calendar.day_name)} shift, swap with me for the next one?",
        "Draft for the next newsletter is in the shared folder, comments welcome.",
        f"Office hours on {r.choice(FEATURES)} went well, {r.randint(10, 60)} people joined.",
        f"Can someone review the updated guidelines wording before {r.choice(calendar.day_name)}?",
    ))


def _falcon(r: random.Random) -> str:
    return r.choice((
        f"Falcon beta build {r.randint(10, 99)} is out, deploys should be about {r.randint(10, 40)}% faster.",
        f"Seeing {r.choice(ERRORS)} on the Falcon beta, logs attached in the ticket.",
        f"Falcon rollback worked in {r.randint(5, 60)} seconds in our test, nice.",
        f"Will Falcon support {r.choice(FEATURES)} before the general release?",
    ))


def _dm(r: random.Random) -> str:
    return r.choice((
        "Thanks for the help in the thread yesterday!",
        f"Are you going to the {r.choice(PLACES)} meetup?",
        f"Sent you the link to the {r.choice(FEATURES)} doc.",
        "Happy to pair on that next week.",
    ))


TEXTS: dict[str, Callable[[random.Random], str]] = {
    "general": _general, "help": _help_question, "announcements": _general, "random": _random,
    "showcase": _showcase, "feedback": _feedback, "staff-lounge": _staff, "project-falcon": _falcon,
}
