"""A made-up but realistic Slack export, generated from a fixed seed.

`make demo` audits the small one shipped as bot/data/sample-export.zip;
bench/audit.py asks for a million messages. Same shapes either way: the
files a workspace export holds (users.json, channels.json, groups.json,
mpims.json, dms.json, one JSON array per conversation per day) with the
message shapes real exports contain: threads (thread_ts, reply_count,
replies, parent_user_id), edits ("edited"), files, bot posts
(subtype bot_message, bot_id), channel joins and user_profile blobs.

Planted violations of every policy category are listed in a manifest
(channel, ts, expected category) so tests can check each one is found and
that the two deliberately clean channels stay clean.

Every text here is our own. Secrets are assembled at run time from a seeded
generator so this source file holds nothing a secret scanner would match.
"""
from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

SEED = 20240301
START = datetime(2024, 2, 1, tzinfo=timezone.utc)
TEAM = "T05ACMECO1"
# Employees' email domain (experts.employee_email_domains in demo-modbot.toml).
STAFF_DOMAIN = "acme-cloud.example"
# Fixed zip entry time: the same seed gives the same bytes.
_ZIP_TIME = (2024, 5, 1, 0, 0, 0)

# (name, kind, weight, topic, purpose). Weight: share of the messages.
CHANNELS: tuple[tuple[str, str, int, str, str], ...] = (
    ("general", "public", 24, "Community news and chat about Acme Cloud",
     "This channel is for workspace-wide communication and announcements."),
    ("help", "public", 24, "Questions about using Acme Cloud: setup, billing, API, deploys, errors",
     "Ask the community and the Acme team for help."),
    ("announcements", "public", 3, "Release notes and events", "Official news from the Acme team."),
    ("random", "public", 14, "", "Non-work banter and water cooler conversation."),
    ("introductions", "public", 7, "Say hello!", "New here? Tell us who you are and what you build."),
    ("showcase", "public", 6, "Show what you built", "Projects, demos and write-ups from the community."),
    ("feedback", "public", 8, "", "Feature requests and product feedback."),
    ("staff-lounge", "private", 5, "", "Moderators and Acme staff."),
    ("project-falcon", "private", 5, "", "Beta programme for the Falcon deploy engine."),
)
CLEAN_CHANNELS: tuple[str, ...] = ("introductions", "showcase")

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


# ------------------------------------------------------------------ model
@dataclass
class _User:
    id: str
    handle: str
    real_name: str
    display_name: str
    tz: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    bot_id: str = ""
    email_domain: str = "members.acme-community.test"

    def to_json(self) -> dict:
        first, _, last = self.real_name.partition(" ")
        avatar = f"g{abs(hash_str(self.id)) % 16 ** 11:011x}"
        profile = {
            "title": "", "phone": "", "skype": "",
            "real_name": self.real_name, "real_name_normalized": self.real_name,
            "display_name": self.display_name, "display_name_normalized": self.display_name,
            "fields": None, "status_text": "", "status_emoji": "", "status_expiration": 0,
            "avatar_hash": avatar, "first_name": first, "last_name": last,
            "image_72": f"https://avatars.slack-edge.com/2024-01-01/{avatar}_72.png",
            "team": TEAM,
        }
        if not self.is_bot:
            profile["email"] = f"{self.handle}@{self.email_domain}"
        else:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id, "team_id": TEAM, "name": self.handle, "deleted": self.deleted,
            "color": "9f69e7", "real_name": self.real_name, "tz": self.tz, "tz_label": self.tz,
            "tz_offset": 0, "profile": profile, "is_admin": self.is_admin, "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner, "is_restricted": False, "is_ultra_restricted": False,
            "is_bot": self.is_bot, "is_app_user": False, "updated": 1704067200,
        }

    def message_profile(self) -> dict:
        first, _, _ = self.real_name.partition(" ")
        return {
            "avatar_hash": f"g{abs(hash_str(self.id)) % 16 ** 11:011x}", "image_72": "",
            "first_name": first, "real_name": self.real_name, "display_name": self.display_name,
            "team": TEAM, "name": self.handle, "is_restricted": False, "is_ultra_restricted": False,
        }


def hash_str(s: str) -> int:
    """A stable hash (str.__hash__ is salted per process)."""
    h = 0
    for ch in s:
        h = (h * 131 + ord(ch)) & 0xFFFFFFFFFFFF
    return h


@dataclass
class _Conv:
    id: str
    name: str
    kind: str
    weight: int
    topic: str
    purpose: str
    members: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return self.id if self.kind == "dm" else self.name


@dataclass(frozen=True, slots=True)
class Planted:
    channel: str  # folder name
    day: int  # days after START
    at: str  # "HH:MM:SS"
    author: str  # key into the named users
    text: str
    category: str
    note: str
    thread_of: int | None = None  # index of an earlier plant this replies to
    edited: bool = False
    files: tuple[str, ...] = ()
    expected: bool = True  # False: part of a pattern, not itself flagged


def _secret(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def _luhn_complete(prefix: str) -> str:
    """Append the check digit that makes `prefix` pass the Luhn check."""
    for d in "0123456789":
        digits = prefix + d
        total = 0
        for i, ch in enumerate(reversed(digits)):
            v = int(ch)
            if i % 2:
                v = v * 2 - 9 if v > 4 else v * 2
            total += v
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def _planted(r: random.Random) -> list[Planted]:
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    bot_token = "-".join(["xox" + "b", _secret(r, "0123456789", 12), _secret(r, "0123456789", 13),
                          _secret(r, upper.lower() + upper[:26], 24)])
    aws_key = "AK" + "IA" + _secret(r, upper, 16)
    card = _luhn_complete("4" + _secret(r, "0123456789", 14))
    card_text = " ".join(card[i:i + 4] for i in range(0, 16, 4))
    promo = ("Make $5,000 a week from home with my crypto trading signals! Limited spots, "
             "join now: <https://quick-profits.example/join|quick-profits.example/join>")
    return [
        # 0 threat
        Planted("general", 9, "14:02:11", "hothead", "<@U05MODRAVI> I will kill you if you delete my post again.",
                "threat", "direct threat to a moderator"),
        # 1 hate
        Planted("random", 17, "21:40:05", "troll",
                "Immigrants are filthy vermin and subhuman trash, they should all be driven out of this country.",
                "hate", "dehumanising a protected group"),
        # 2 harassment, as a thread reply to an ordinary question
        Planted("help", 23, "10:15:42", "asker", "How do I set up log drains for a Go service?",
                "none", "ordinary question that gets an abusive reply", expected=False),
        Planted("help", 23, "10:31:09", "troll",
                "<@U05ASKER01> you are a worthless idiot, nobody here wants you, just leave and never come back.",
                "harassment", "abusive thread reply aimed at a member", thread_of=2),
        # 4 vulgar, edited after posting
        Planted("feedback", 30, "16:20:00", "hothead",
                "This fucking update broke everything again, what a complete shitshow.",
                "vulgar", "profanity, in an edited message", edited=True),
        # 5 violent content
        Planted("random", 36, "19:03:27", "edgy",
                "Watch this video of the beheading, blood everywhere and the body torn apart, so graphic lol "
                "<https://gore-clips.example/v/8812>",
                "violent_content", "graphic violence shared for shock"),
        # 6-10 privacy
        Planted("help", 41, "09:12:55", "newbie",
                f"Billing keeps failing, here is my card so support can check: {card_text} exp 08/27",
                "privacy", "card number with a valid Luhn check digit"),
        Planted("general", 44, "12:44:10", "newbie",
                "Call me on +44 20 7946 0958 if the webinar link does not work.",
                "privacy", "phone number"),
        Planted("help", 47, "15:05:33", "asker",
                "Please send the invoice to my personal address <mailto:dana.kowalski.84@post-box.test|dana.kowalski.84@post-box.test> instead.",
                "privacy", "personal email address"),
        Planted("feedback", 52, "11:30:00", "newbie",
                "For the refund my bank details are IBAN GB82 WEST 1234 5698 7654 32, thanks.",
                "privacy", "IBAN with a valid mod-97 checksum"),
        Planted("general", 55, "08:58:47", "newbie",
                "The tax form asks for my SSN 512-38-4097, do I also need a W-9?",
                "privacy", "US social security number"),
        # 11-13 confidential
        Planted("project-falcon", 58, "17:22:18", "dev",
                f"Here is the bot token so you can test the Falcon hook: {bot_token}",
                "confidential", "Slack bot token"),
        Planted("help", 61, "13:13:13", "dev",
                f"My deploy fails with access denied, config is aws_access_key_id = {aws_key}",
                "confidential", "AWS access key id"),
        Planted("general", 63, "10:02:40", "leaker",
                "Sharing the Q3 pricing deck early. INTERNAL ONLY, do not forward: "
                "<https://docs.acme-cloud.example/d/q3-pricing|Q3 pricing (internal only)>",
                "confidential", "document marked internal only"),
        # 14 impersonation: display name mimics the official support account
        Planted("help", 66, "20:11:05", "impostor",
                "Hello, this is Acme Support. To verify your account please DM me your password and the code we just sent you.",
                "impersonation", "display name mimics the Support Team account"),
        # 15-16 malware
        Planted("general", 69, "14:50:12", "edgy",
                "The official driver fix is here, just run it: <https://driver-fix.example.net/acme_setup_v2.exe>",
                "malware", "link to a Windows executable"),
        Planted("help", 72, "09:41:19", "impostor",
                "Your session expired, log in again here: <https://xn--acm-cloud-f7a.com/login>",
                "malware", "punycode look-alike domain"),
        # 17-20 spam: one promo cross-posted to four channels within minutes
        Planted("general", 75, "07:01:03", "spammer", promo, "spam", "cross-post 1 of 4", expected=False),
        Planted("random", 75, "07:02:41", "spammer", promo, "spam", "cross-post 2 of 4", expected=False),
        Planted("help", 75, "07:03:58", "spammer", promo, "spam", "cross-post 3 of 4"),
        Planted("feedback", 75, "07:05:12", "spammer", promo, "spam", "cross-post 4 of 4"),
        # 21 spam: mass mention by an ordinary member
        Planted("general", 78, "18:30:30", "spammer",
                "<!channel> everyone go follow my new streaming channel, link in my profile!!!",
                "spam", "@channel by an ordinary member"),
        # 22 selling
        Planted("general", 81, "12:00:05", "seller",
                "Selling my old MacBook Pro 16 for $900 OBO, barely used, DM me if you want to buy it.",
                "selling", "selling goods in a community channel"),
        # 23 off topic in #help (topic configured in demo-modbot.toml)
        Planted("help", 84, "19:45:00", "chatty",
                "Anyone watching the football tonight? Who do you think wins the league this season, my money is on the reds.",
                "off_topic", "football chat in #help"),
        # 24 malware: an executable attached as a file
        Planted("help", 86, "11:11:11", "edgy", "Here is the invoice scan you asked for.",
                "malware", "double-extension executable attached", files=("invoice_scan.pdf.exe",)),
    ]


class _Writer:
    """Day files into a zip or a folder, one at a time."""

    def __init__(self, out: Path, as_zip: bool):
        self.as_zip = as_zip
        self.out = out
        if as_zip:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.zf = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        else:
            out.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, data) -> None:
        raw = json.dumps(data, indent=4, ensure_ascii=False).encode()
        if self.as_zip:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            self.zf.writestr(info, raw, compresslevel=6)
        else:
            p = self.out / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(raw)

    def close(self) -> None:
        if self.as_zip:
            self.zf.close()


def _ident(r: random.Random, prefix: str) -> str:
    return prefix + _secret(r, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 10)


def _ts(day: datetime, seconds: int, r: random.Random) -> str:
    return f"{int(day.timestamp()) + seconds}.{r.randint(0, 999999):06d}"


def _date_of(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), tz=timezone.utc).strftime("%Y-%m-%d")


def generate(
    out: str | Path,
    *,
    messages: int = 3000,
    members: int = 300,
    days: int = 90,
    seed: int = SEED,
    as_zip: bool = True,
    manifest: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write an export with about `messages` messages; returns a summary.

    The planted violations are always included. `manifest` (a path) gets the
    planted list as JSON. Memory stays flat at any size: day files are written
    as they are made (thread replies that fall on a later day wait in a small
    buffer until that day).
    """
    r = random.Random(seed)
    out = Path(out)
    w = _Writer(out, as_zip)

    # ----- members: staff, named actors, then the crowd.
    used_ids: set[str] = set()
    used_handles: set[str] = set()

    def new_user(real: str, display: str = "", *, uid: str = "", **kw) -> _User:
        uid = uid or _ident(r, "U0")
        while uid in used_ids:
            uid = _ident(r, "U0")
        used_ids.add(uid)
        handle = real.lower().replace(" ", ".")
        n = 2
        while handle in used_handles:
            handle = f"{real.lower().replace(' ', '.')}{n}"
            n += 1
        used_handles.add(handle)
        return _User(uid, handle, real, display, r.choice(TIMEZONES), **kw)

    named = {
        "owner": new_user("Maya Lindqvist", "Maya (Acme)", is_admin=True, is_owner=True, email_domain=STAFF_DOMAIN),
        "mod": new_user("Ravi Menon", "Ravi | Acme mod", uid="U05MODRAVI", is_admin=True, email_domain=STAFF_DOMAIN),
        "support": new_user("Support Team", "Support Team", is_admin=True, email_domain=STAFF_DOMAIN),
        "impostor": new_user("Support  Team", "Acme Support Team"),
        "hothead": new_user("Brett Hollis", "brett"),
        "troll": new_user("Rex Varga", "rexv"),
        "edgy": new_user("Kyle Dorn", "kd"),
        "asker": new_user("Dana Kowalski", "dana", uid="U05ASKER01"),
        "newbie": new_user("Tom Abbot", "tom.a"),
        "dev": new_user("Lena Frost", "lena"),
        # An employee: demo-modbot.toml names the staff email domain.
        "leaker": new_user("Gus Harlan", "gus", email_domain=STAFF_DOMAIN),
        "spammer": new_user("Profit Pete", "pete.profits"),
        "seller": new_user("Marta Sowa", "marta"),
        "chatty": new_user("Liam Doyle", "liamd"),
    }
    crowd: list[_User] = []
    while len(crowd) < max(members - len(named), 10):
        real = f"{r.choice(FIRST)} {r.choice(LAST)}"
        display = r.choice((real.split()[0].lower(), real, "", real.split()[0] + real.split()[1][0]))
        crowd.append(new_user(real, display, deleted=r.random() < 0.02))
    bots = [
        new_user("Release Notes", "", is_bot=True, bot_id=_ident(r, "B0")),
        new_user("GitHub", "", is_bot=True, bot_id=_ident(r, "B0")),
    ]
    all_users = list(named.values()) + crowd + bots
    w.write("users.json", [u.to_json() for u in all_users])
    by_id = {u.id: u for u in all_users}
    active_crowd = [u for u in crowd if not u.deleted]
    crowd_ids = {u.id for u in crowd}
    staff = [named["owner"], named["mod"], named["support"]]

    # ----- conversations
    convs: list[_Conv] = []
    for name, kind, weight, topic, purpose in CHANNELS:
        c = _Conv(_ident(r, "C0"), name, kind, weight, topic, purpose)
        if kind == "private":
            c.members = [u.id for u in staff] + [u.id for u in r.sample(active_crowd, min(12, len(active_crowd)))]
            if name == "project-falcon":
                c.members.append(named["dev"].id)
        else:
            c.members = [u.id for u in all_users if not u.deleted and not u.is_bot]
        convs.append(c)
    pair = r.sample(active_crowd, 5)
    convs.append(_Conv(_ident(r, "D0"), "", "dm", 1, "", "", [pair[0].id, pair[1].id]))
    convs.append(_Conv(_ident(r, "C0"), f"mpdm-{pair[2].handle}--{pair[3].handle}--{pair[4].handle}-1",
                       "mpim", 1, "", "", [p.id for p in pair[2:]]))
    created = int(START.timestamp()) - 86400 * 200

    def conv_json(c: _Conv) -> dict:
        d = {"id": c.id, "created": created, "creator": named["owner"].id, "is_archived": False,
             "is_general": c.name == "general", "members": c.members,
             "topic": {"value": c.topic, "creator": named["owner"].id if c.topic else "", "last_set": created if c.topic else 0},
             "purpose": {"value": c.purpose, "creator": named["owner"].id if c.purpose else "", "last_set": created if c.purpose else 0}}
        if c.kind != "dm":
            d["name"] = c.name
        if c.kind == "dm":
            d = {"id": c.id, "created": created, "members": c.members}
        return d

    for fname, kind in (("channels.json", "public"), ("groups.json", "private"), ("mpims.json", "mpim"), ("dms.json", "dm")):
        w.write(fname, [conv_json(c) for c in convs if c.kind == kind])
    w.write("integration_logs.json", [])
    by_folder = {c.folder: c for c in convs}

    # ----- planted violations, placed by (folder, date)
    plants = _planted(r)
    plant_ts: list[str] = []
    pending: dict[tuple[str, str], list[dict]] = {}
    plant_msgs: list[dict] = []
    for i, p in enumerate(plants):
        author = named[p.author]
        hh, mm, ss = (int(x) for x in p.at.split(":"))
        day = START + timedelta(days=p.day)
        ts = f"{int(day.timestamp()) + hh * 3600 + mm * 60 + ss}.{100000 + i:06d}"
        plant_ts.append(ts)
        m = _message(author, p.text, ts)
        if p.edited:
            m["edited"] = {"user": author.id, "ts": f"{float(ts) + 95:.6f}"}
        if p.files:
            m["files"] = [_file(r, author, name, ts) for name in p.files]
        if p.thread_of is not None:
            parent_ts = plant_ts[p.thread_of]
            parent = plant_msgs[p.thread_of]
            m["thread_ts"] = parent_ts
            m["parent_user_id"] = parent["user"]
            _add_reply(parent, m)
        plant_msgs.append(m)
        pending.setdefault((p.channel, _date_of(ts)), []).append(m)

    # ----- the crowd talks
    total_weight = sum(c.weight for c in convs)
    said: set[tuple[str, str]] = set()
    unique = messages <= 50_000  # the uniqueness set is for the shipped sample
    emitted = len(plants)
    for d in range(days):
        day = START + timedelta(days=d)
        date = day.strftime("%Y-%m-%d")
        weekend = day.weekday() >= 5
        # Spread what is left over the days left, so the total lands close.
        per_day = max(messages - emitted, 0) / (days - d)
        n_day = per_day * (0.5 if weekend else 1.2) if d < days - 1 else per_day
        for c in convs:
            want = n_day * c.weight / total_weight
            k = int(want) + (1 if r.random() < want - int(want) else 0)
            day_msgs = pending.pop((c.folder, date), [])
            made = 0
            while made < k:
                made += _make_thread(r, c, day, date, by_id, named, crowd_ids, bots, said, unique, day_msgs, pending)
            emitted += made
            if day_msgs:
                day_msgs.sort(key=lambda m: float(m["ts"]))
                w.write(f"{c.folder}/{date}.json", day_msgs)
        if progress:
            progress(emitted)
    for (folder, date), msgs in sorted(pending.items()):
        msgs.sort(key=lambda m: float(m["ts"]))
        w.write(f"{folder}/{date}.json", msgs)
    w.close()

    planted = [
        {"channel": by_folder[p.channel].id, "channel_name": p.channel, "ts": plant_ts[i],
         "category": p.category, "expected": p.expected, "note": p.note}
        for i, p in enumerate(plants) if p.category != "none"
    ]
    summary = {
        "seed": seed, "messages": emitted, "members": len(all_users), "days": days,
        "clean_channels": [by_folder[c].id for c in CLEAN_CHANNELS],
        "clean_channel_names": list(CLEAN_CHANNELS),
        "planted": planted,
    }
    if manifest:
        Path(manifest).write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _message(u: _User, text: str, ts: str) -> dict:
    return {"type": "message", "text": text, "user": u.id, "ts": ts, "team": TEAM,
            "user_team": TEAM, "source_team": TEAM, "user_profile": u.message_profile(),
            "blocks": [{"type": "rich_text", "block_id": f"b{ts[-5:]}",
                        "elements": [{"type": "rich_text_section",
                                      "elements": [{"type": "text", "text": text}]}]}]}


def _file(r: random.Random, u: _User, name: str, ts: str) -> dict:
    fid = _ident(r, "F0")
    ext = name.rsplit(".", 1)[-1]
    return {"id": fid, "created": int(float(ts)), "timestamp": int(float(ts)), "name": name, "title": name,
            "mimetype": "application/octet-stream" if ext == "exe" else f"text/{ext}", "filetype": ext,
            "pretty_type": ext.upper(), "user": u.id, "size": r.randint(800, 90000), "mode": "hosted",
            "is_external": False, "is_public": True,
            "url_private": f"https://files.slack.com/files-pri/{TEAM}-{fid}/{name}",
            "permalink": f"https://acme-community.slack.com/files/{u.id}/{fid}/{name}"}


def _add_reply(parent: dict, reply: dict) -> None:
    parent["thread_ts"] = parent["ts"]
    replies = parent.setdefault("replies", [])
    replies.append({"user": reply["user"], "ts": reply["ts"]})
    parent["reply_count"] = len(replies)
    users = sorted({x["user"] for x in replies})
    parent["reply_users"] = users
    parent["reply_users_count"] = len(users)
    parent["latest_reply"] = replies[-1]["ts"]
    parent["subscribed"] = False


def _make_thread(r, c: _Conv, day: datetime, date: str, by_id, named, crowd_ids, bots, said, unique,
                 day_msgs: list[dict], pending) -> int:
    """One top-level post (and maybe its thread); returns messages made."""
    sec = r.randint(6 * 3600, 23 * 3600 - 1)
    ts = _ts(day, sec, r)
    # Ordinary chatter comes from the crowd; the named actors only post what
    # the plant list gives them (an impostor's every post is a finding).
    pool = [by_id[m] for m in c.members if m in crowd_ids and not by_id[m].deleted]
    roll = r.random()
    if roll < 0.04 and c.kind in ("public", "private"):
        u = r.choice(pool)
        day_msgs.append({"type": "message", "subtype": "channel_join", "ts": ts, "user": u.id,
                         "text": f"<@{u.id}> has joined the channel"})
        return 1
    if c.name == "announcements":
        if roll < 0.6:
            bot = r.choice(bots)
            day_msgs.append({"type": "message", "subtype": "bot_message", "ts": ts, "bot_id": bot.bot_id,
                             "username": bot.real_name,
                             "text": f"Acme Cloud {r.randint(3, 5)}.{r.randint(0, 40)}.{r.randint(0, 9)} is out: "
                                     f"faster {r.choice(FEATURES)} and fixes for {r.choice(ERRORS)}. "
                                     f"<https://acme-cloud.example/changelog|Changelog>",
                             "icons": {"image_48": "https://avatars.slack-edge.com/bot_48.png"}})
            return 1
        u = r.choice((named["owner"], named["mod"], named["support"]))
        day_msgs.append(_message(u, _general(r), ts))
        return 1

    def say(u: _User, make: Callable[[], str]) -> str:
        for _ in range(20):
            text = make()
            if not unique or (u.id, text) not in said:
                break
        if unique:
            said.add((u.id, text))
        return text

    u = r.choice(pool)
    if c.name == "introductions":
        text = say(u, lambda: _intro(r, u.real_name))
    elif c.kind in ("dm", "mpim"):
        text = say(u, lambda: _dm(r))
    else:
        text = say(u, lambda: TEXTS[c.name](r))
    m = _message(u, text, ts)
    if r.random() < 0.05:
        m["edited"] = {"user": u.id, "ts": f"{float(ts) + r.randint(30, 900)}.000000"}
    if r.random() < 0.04:
        m["files"] = [_file(r, u, r.choice(("screenshot.png", "error.log", "config.yaml", "notes.md", "trace.txt")), ts)]
    day_msgs.append(m)
    made = 1
    thread_p = {"help": 0.85, "general": 0.3, "showcase": 0.4, "introductions": 0.5}.get(c.name, 0.15)
    if r.random() < thread_p:
        n = r.choice((1, 1, 2, 2, 3, 4, 6))
        t = float(ts)
        for _ in range(n):
            t += r.randint(60, 5 * 3600)
            rts = f"{int(t)}.{r.randint(0, 999999):06d}"
            ru = r.choice(pool)
            if c.name == "help":
                rtext = say(ru, lambda: _help_answer(r))
            elif c.name == "introductions":
                rtext = say(ru, lambda: _welcome(r, u.real_name))
            else:
                rtext = say(ru, lambda: TEXTS.get(c.name, _dm)(r))
            reply = _message(ru, rtext, rts)
            reply["thread_ts"] = ts
            reply["parent_user_id"] = u.id
            _add_reply(m, reply)
            rdate = _date_of(rts)
            if rdate == date:
                day_msgs.append(reply)
            else:
                pending.setdefault((c.folder, rdate), []).append(reply)
            made += 1
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a realistic Slack export (fixed seed).")
    ap.add_argument("out", help="the .zip to write, or a folder with --folder")
    ap.add_argument("--messages", type=int, default=3000)
    ap.add_argument("--members", type=int, default=300)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--folder", action="store_true", help="write an unpacked folder instead of a zip")
    ap.add_argument("--manifest", help="write the planted violations (JSON) here")
    a = ap.parse_args(argv)
    s = generate(a.out, messages=a.messages, members=a.members, days=a.days, seed=a.seed,
                 as_zip=not a.folder, manifest=a.manifest)
    print(f"wrote {a.out}: {s['messages']} messages, {s['members']} members, {len(s['planted'])} planted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
