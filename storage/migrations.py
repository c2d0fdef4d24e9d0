"""The schema, as named migrations applied in order at start-up.

Rules for changing it: never edit a migration that has shipped; append a new
function decorated with `@migrations()`. sqlite-utils records applied names
in _sqlite_migrations, so each runs once per database.

Times are Unix seconds (REAL) unless a column says otherwise; months are
"YYYY-MM" strings in the community's configured time zone.
"""
from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("modbot")


def _run(db: sqlite_utils.Database, *statements: str) -> None:
    # executescript() would COMMIT the migration's transaction early, so each
    # statement runs on its own.
    for statement in statements:
        db.execute(statement)


@migrations()
def m001_events(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # The inbox: every event Slack delivered, written before the ack.
        """CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            received_at REAL NOT NULL,
            deliveries INTEGER NOT NULL DEFAULT 1,
            last_retry_num INTEGER,
            last_retry_reason TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'done', 'failed', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            processed_at REAL,
            error TEXT
        )""",
        "CREATE INDEX events_pending ON events (status, received_at)",
    )


@migrations()
def m002_outbox(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Pending Slack calls. `key` makes each intended call unique, so a
        # retried or replayed decision cannot enqueue it twice.
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            method TEXT NOT NULL,
            args TEXT NOT NULL,
            token_kind TEXT NOT NULL DEFAULT 'bot' CHECK (token_kind IN ('bot', 'admin')),
            case_id INTEGER,
            purpose TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'inflight', 'done', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            claimed_at REAL,
            result TEXT,
            error TEXT,
            created_at REAL NOT NULL,
            done_at REAL
        )""",
        "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
        "CREATE INDEX outbox_case ON outbox (case_id)",
    )


@migrations()
def m003_members(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """CREATE TABLE members (
            user_id TEXT PRIMARY KEY,
            name TEXT,
            display_name TEXT,
            real_name TEXT,
            email_domain TEXT,
            is_bot INTEGER NOT NULL DEFAULT 0,
            is_admin INTEGER NOT NULL DEFAULT 0,
            role TEXT NOT NULL DEFAULT 'member',
            joined_at REAL,
            welcomed_at REAL,
            updated_at REAL
        )""",
    )


@migrations()
def m004_cases(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # The case number is the rowid: SQLite allocates it atomically.
        """CREATE TABLE cases (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            author TEXT,
            status TEXT NOT NULL DEFAULT 'open',
            severity TEXT NOT NULL DEFAULT 'low',
            source TEXT NOT NULL DEFAULT 'auto',
            excerpt_masked TEXT NOT NULL DEFAULT '',
            message_removed INTEGER NOT NULL DEFAULT 0,
            removed_reason TEXT,
            flag_weight REAL NOT NULL DEFAULT 0,
            card_channel TEXT,
            card_ts TEXT,
            handled_by TEXT,
            handled_action TEXT,
            handled_at REAL,
            escalated INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            UNIQUE (channel, ts)
        )""",
        "CREATE INDEX cases_author ON cases (author)",
        "CREATE INDEX cases_status ON cases (status)",
        """CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            category TEXT NOT NULL,
            rule TEXT NOT NULL,
            score REAL NOT NULL,
            severity TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            explanation TEXT NOT NULL,
            action TEXT NOT NULL,
            shadow INTEGER NOT NULL DEFAULT 0,
            message_version TEXT,
            created_at REAL NOT NULL,
            UNIQUE (case_id, rule, start, "end", message_version)
        )""",
        """CREATE TABLE flags (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            flagger TEXT NOT NULL,
            reason TEXT NOT NULL,
            note TEXT,
            weight REAL NOT NULL,
            created_at REAL NOT NULL,
            upheld INTEGER,
            UNIQUE (case_id, flagger)
        )""",
        "CREATE INDEX flags_flagger ON flags (flagger, created_at)",
        # What the message looked like before anything was removed.
        """CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            author TEXT,
            text TEXT,
            files TEXT NOT NULL DEFAULT '[]',
            edits TEXT NOT NULL DEFAULT '[]',
            posted_at REAL,
            captured_at REAL NOT NULL,
            purged_at REAL
        )""",
        "CREATE INDEX snapshots_case ON snapshots (case_id)",
        # Text of messages seen, kept for snapshots and edits until purged.
        """CREATE TABLE messages (
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            author TEXT,
            thread_ts TEXT,
            text TEXT,
            files TEXT NOT NULL DEFAULT '[]',
            edits TEXT NOT NULL DEFAULT '[]',
            seen_at REAL NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (channel, ts)
        )""",
        "CREATE INDEX messages_seen ON messages (seen_at)",
    )


@migrations()
def m005_audit_log(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Append-only: triggers refuse UPDATE and DELETE.
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            case_id INTEGER,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            outcome TEXT NOT NULL DEFAULT 'recorded',
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX audit_case ON audit_log (case_id)",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    )


@migrations()
def m006_sanctions(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """CREATE TABLE warnings (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            case_id INTEGER REFERENCES cases(id),
            guideline TEXT NOT NULL,
            message TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL,
            revoked_by TEXT
        )""",
        "CREATE INDEX warnings_user ON warnings (user_id)",
        """CREATE TABLE suspensions (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            case_id INTEGER REFERENCES cases(id),
            reason TEXT NOT NULL,
            days INTEGER,
            starts_at REAL NOT NULL,
            ends_at REAL,
            issued_by TEXT NOT NULL,
            lifted_at REAL,
            lifted_by TEXT,
            notified_at REAL
        )""",
        "CREATE INDEX suspensions_user ON suspensions (user_id)",
        """CREATE TABLE appeals (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            user_id TEXT NOT NULL,
            decision_kind TEXT NOT NULL,
            decision_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            created_at REAL NOT NULL,
            outcome TEXT,
            decided_by TEXT,
            decided_at REAL,
            UNIQUE (decision_kind, decision_id)
        )""",
    )


@migrations()
def m007_activity(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """CREATE TABLE questions (
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            user_id TEXT NOT NULL,
            month TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (channel, ts)
        )""",
        """CREATE TABLE replies (
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            thread_ts TEXT NOT NULL,
            user_id TEXT NOT NULL,
            month TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (channel, ts)
        )""",
        "CREATE INDEX replies_user_month ON replies (user_id, month)",
        "CREATE INDEX replies_thread ON replies (channel, thread_ts)",
        # Recent posts per author for the spam checks (pruned on a schedule).
        """CREATE TABLE author_activity (
            user_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            ts REAL NOT NULL,
            fingerprint TEXT NOT NULL,
            links INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX author_activity_user ON author_activity (user_id, ts)",
    )


@migrations()
def m008_experts(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """CREATE TABLE experts (
            user_id TEXT PRIMARY KEY,
            certified INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT 'manual',
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'grace', 'revoked')),
            added_at REAL NOT NULL,
            added_by TEXT,
            removed_at REAL
        )""",
        # One review row per expert and month reviewed: the notice is sent
        # once because the row exists once.
        """CREATE TABLE expert_reviews (
            user_id TEXT NOT NULL,
            month TEXT NOT NULL,
            answers INTEGER NOT NULL,
            minimum INTEGER NOT NULL,
            grace_until REAL,
            outcome TEXT,
            outcome_at REAL,
            created_at REAL NOT NULL,
            PRIMARY KEY (user_id, month)
        )""",
        # Scheduled jobs: one row per job and period makes a run idempotent
        # across restarts and across processes.
        """CREATE TABLE job_runs (
            job TEXT NOT NULL,
            period TEXT NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL,
            PRIMARY KEY (job, period)
        )""",
    )


@migrations()
def m009_case_workflow(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Removal is tracked apart from the decision so that Remove can be
        # combined with Warn or Suspend: none -> pending -> done | failed.
        "ALTER TABLE cases ADD COLUMN removal TEXT NOT NULL DEFAULT 'none'",
        "ALTER TABLE cases ADD COLUMN removal_error TEXT",
        "ALTER TABLE cases ADD COLUMN removed_by TEXT",
        "ALTER TABLE cases ADD COLUMN escalated_by TEXT",
        "ALTER TABLE cases ADD COLUMN escalated_at REAL",
        "ALTER TABLE cases ADD COLUMN notes INTEGER NOT NULL DEFAULT 0",
        # Where an appeal was posted (the case thread) and who was asked to review it.
        "ALTER TABLE appeals ADD COLUMN reviewer TEXT",
        "ALTER TABLE appeals ADD COLUMN message_channel TEXT",
        "ALTER TABLE appeals ADD COLUMN message_ts TEXT",
        "CREATE INDEX IF NOT EXISTS warnings_case ON warnings (case_id)",
        "CREATE INDEX IF NOT EXISTS suspensions_case ON suspensions (case_id)",
    )


@migrations()
def m010_expert_programme(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Why and by whom an expert lost the role ('inactive' after a grace
        # period, 'moderator', 'usergroup' when removed from the group in Slack).
        "ALTER TABLE experts ADD COLUMN removed_reason TEXT",
        "ALTER TABLE experts ADD COLUMN removed_by TEXT",
        "CREATE INDEX IF NOT EXISTS questions_user_month ON questions (user_id, month)",
        "CREATE INDEX IF NOT EXISTS expert_reviews_outcome ON expert_reviews (outcome)",
    )


@migrations()
def m_i14_topic_suggestions(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Questions from public help channels, for "has this been answered
        # before?". `seq` grows with every change (new, edited, deleted,
        # trimmed by retention) so that each process's in-memory index can
        # catch up with one query. After retention_days only `first_line`
        # is kept (text is set to it): what the suggestion itself shows.
        """CREATE TABLE suggest_questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            first_line TEXT NOT NULL,
            posted_at REAL NOT NULL,
            trimmed INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL,
            UNIQUE (channel, ts)
        )""",
        "CREATE INDEX suggest_questions_seq ON suggest_questions (seq)",
        # One suggestion per new question (the key makes it once only).
        """CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            asker TEXT NOT NULL,
            matches TEXT NOT NULL,
            top_score REAL NOT NULL,
            threshold REAL NOT NULL,
            public INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            UNIQUE (channel, ts)
        )""",
        """CREATE TABLE suggestion_feedback (
            suggestion_id INTEGER NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('moderator', 'asker')),
            verdict TEXT NOT NULL DEFAULT 'not_related',
            created_at REAL NOT NULL,
            PRIMARY KEY (suggestion_id, user_id)
        )""",
        """CREATE TABLE suggestion_optouts (
            user_id TEXT PRIMARY KEY,
            created_at REAL NOT NULL
        )""",
    )


@migrations()
def m011_case_removal_appeals(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # The message's permalink, asked of Slack once when the case opens.
        "ALTER TABLE cases ADD COLUMN permalink TEXT",
        # A removal reversed on appeal: Slack cannot restore the message, so
        # the reversal clears it from the member's record instead.
        "ALTER TABLE cases ADD COLUMN removal_reversed_by TEXT",
        "ALTER TABLE cases ADD COLUMN removal_reversed_at REAL",
    )


@migrations()
def m012_outbox_effect_labels(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Typed side effects (bot/slack/effects.py) record the label the card
        # shows and the decision they belong to, instead of meaning carried
        # in key prefixes. Rows queued before this learn theirs once, here.
        "ALTER TABLE outbox ADD COLUMN label TEXT",
        "ALTER TABLE outbox ADD COLUMN topic TEXT",
        "UPDATE outbox SET topic = 'suspension:' || substr(key, 12) WHERE key LIKE 'suspend-dm:%'",
        "UPDATE outbox SET topic = 'warning:' || substr(key, 9) WHERE key LIKE 'warn-dm:%'",
        "UPDATE outbox SET topic = 'suspension:' || substr(key, 6, instr(substr(key, 6), ':') - 1)"
        " WHERE key LIKE 'kick:%:%'",
        "CREATE INDEX IF NOT EXISTS outbox_topic ON outbox (topic) WHERE topic IS NOT NULL",
    )


@migrations()
def m013_rule_overrides(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # A rule's setting a moderator applied from modbot's suggestions
        # (bot/services/rule_quality.py); it wins over modbot.toml.
        """CREATE TABLE rule_overrides (
            rule TEXT PRIMARY KEY,
            threshold REAL,
            auto_remove INTEGER NOT NULL DEFAULT 0,
            applied_by TEXT NOT NULL,
            applied_at REAL NOT NULL
        )""",
        # A moderator's mark on a shadow finding (an audit_log row): would
        # the rule have been right?
        """CREATE TABLE shadow_marks (
            audit_id INTEGER PRIMARY KEY REFERENCES audit_log(id),
            rule TEXT NOT NULL,
            right INTEGER NOT NULL,
            marked_by TEXT NOT NULL,
            marked_at REAL NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS findings_rule ON findings (rule)",
        "CREATE INDEX IF NOT EXISTS audit_action ON audit_log (action)",
    )


@migrations()
def m014_flood_cases(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # A case may stand for many messages (a flood, a raid): its kind,
        # and each message that joined it (the first is the case's own).
        "ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT 'message'",
        """CREATE TABLE case_messages (
            case_id INTEGER NOT NULL REFERENCES cases(id),
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            author TEXT,
            at REAL NOT NULL,
            removed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (channel, ts)
        )""",
        "CREATE INDEX case_messages_case ON case_messages (case_id, at)",
        "CREATE INDEX cases_kind_author ON cases (kind, author, status)",
        # Which queued call goes first when many wait (the severe before spam).
        "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
        # One message in the moderator channel standing for the low-severity
        # cards waiting to be posted while the channel is at Slack's rate.
        # New members' posts with a link or a text, for spotting a raid (no
        # words: the text's fingerprint only); kept for the raid window.
        """CREATE TABLE new_member_posts (
            user_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            links INTEGER NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (channel, ts)
        )""",
        "CREATE INDEX new_member_posts_at ON new_member_posts (at)",
        """CREATE TABLE card_digests (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            waiting INTEGER NOT NULL,
            opened_at REAL NOT NULL,
            closed_at REAL
        )""",
    )


@migrations()
def m015_outbox_cancelled_why(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # Why a call was cancelled before it was made ("case #12 dismissed by
        # U123"), so the outbox says why a queued removal never happened.
        "ALTER TABLE outbox ADD COLUMN cancelled_why TEXT",
        # A flood's or raid's removals and its flood DM, queued before they
        # had a topic, are cancelled by the case's dismissal like new ones
        # (bot.slack.effects.group_topic).
        "UPDATE outbox SET topic = 'group:' || case_id WHERE topic IS NULL AND case_id IS NOT NULL"
        " AND (purpose = 'flood_delete' OR key LIKE 'flood-dm:%')",
    )


@migrations()
def m016_outbox_follow_up(db: sqlite_utils.Database) -> None:
    _run(
        db,
        # 1 while what follows a finished call (its result handler: the
        # card's ts recorded on the case, a removal recorded and its author
        # told) has not run. Set in the same UPDATE that marks the call done
        # or failed, cleared once the handler ran; the gateway runs any left
        # at start-up (the process died in between).
        "ALTER TABLE outbox ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX outbox_follow_up ON outbox (follow_up) WHERE follow_up = 1",
    )


def apply_migrations(db: sqlite_utils.Database) -> None:
    migrations.apply(db)
