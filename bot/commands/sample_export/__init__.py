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

In this package: workspace.py (the made-up community: its channels, its
members, the JSON shapes of a message and a file), texts.py (what people
say), planted.py (the violations), generator.py (`generate`, writing day
files as they are made, and the command line, also run as
`python -m bot.commands.sample_export`).
"""
from bot.commands.sample_export.generator import generate, main
from bot.commands.sample_export.planted import Planted
from bot.commands.sample_export.texts import TEXTS
from bot.commands.sample_export.workspace import (
    CHANNELS, CLEAN_CHANNELS, SEED, STAFF_DOMAIN, START, TEAM, hash_str,
)

__all__ = ["CHANNELS", "CLEAN_CHANNELS", "Planted", "SEED", "STAFF_DOMAIN", "START", "TEAM", "TEXTS",
           "generate", "hash_str", "main"]
