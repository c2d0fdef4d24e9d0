"""Retention forgets a member's words everywhere they were written: the
message, the case excerpt, the flag note, the appeal, the warning and
suspension wording, the cards and DMs in the outbox, and no copy is left in
a free page of the database file or in its write-ahead log."""
from __future__ import annotations

from pathlib import Path

from bot.services import retention
from tests.harness import GENERAL, MOD_CHANNEL
from tests.scenario.moderation_steps import RUDE, case_for, flag, submit, suspend, text_input, thread, warn, last_modal
from tests.scenario.test_appeal import _press_in_dm, _press_in_thread
from bot import ids

WORD = "quokkazanzibar"  # in nothing but what the people below wrote


def _on_disk(db_path: Path) -> bytes:
    wal = Path(str(db_path) + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def plant_words(bench) -> None:
    """Carol's message (routed), Alice's flag note, a warning and Carol's
    appeal (decided); Dave's message and a one-day suspension quoting it.
    Every one of them holds WORD; both cases end decided."""
    ts = bench.say("UCAROL", f"{RUDE} {WORD}")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="harassment", note=f"she keeps saying {WORD} to me")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    warn(bench, "UMOD1", case.id, message=f"Please stop writing {WORD} at people.")
    bench.settle()
    _press_in_dm(bench, "UCAROL", bench.fake.dms("UCAROL")[0])
    modal = last_modal(bench, ids.VIEW_APPEAL)
    submit(bench, "UCAROL", ids.VIEW_APPEAL, {"appeal": text_input(f"{WORD} is a joke between us", "appeal_input")},
           private_metadata=modal["private_metadata"], view_id=modal["id"])
    bench.settle()
    _press_in_thread(bench, "UMOD2", thread(bench, case.id)[0], ids.ACT_APPEAL_UPHOLD)
    ts2 = bench.say("UDAVE", f"{RUDE} again {WORD}")
    bench.settle()
    suspend(bench, "UMOD1", case_for(bench, GENERAL, ts2).id, days=1, reason=f"You wrote {WORD} after a warning.")
    bench.settle()


def test_a_purged_case_leaves_no_byte_of_the_members_words_in_the_database_or_wal(bench):
    db_path = Path(bench.rt.settings.modbot_db)
    plant_words(bench)
    tables = ("messages", "cases", "flags", "appeals", "warnings", "suspensions", "outbox", "events")
    assert {t for t in tables if _holds(bench, t)} >= {"messages", "cases", "flags", "appeals", "warnings",
                                                          "suspensions", "outbox", "events"}
    assert WORD.encode() in _on_disk(db_path)

    bench.clock.advance(days=bench.rt.settings.config.moderation.retention_days + 1)
    purged = retention.run(bench.rt)
    assert purged.case_words > 0 and purged.wal_truncated
    assert [t for t in tables if _holds(bench, t)] == []
    assert WORD.encode() not in _on_disk(db_path)
    # The records that are not words stay: the cases and their decisions.
    assert bench.rt.store.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 2
    assert bench.fake.messages(MOD_CHANNEL)


def test_an_open_case_keeps_its_words_past_retention(bench):
    ts = bench.say("UCAROL", f"{RUDE} {WORD}")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="harassment", note=f"note {WORD}")
    bench.settle()
    bench.clock.advance(days=bench.rt.settings.config.moderation.retention_days + 1)
    retention.run(bench.rt)
    for table in ("cases", "flags", "messages"):
        assert _holds(bench, table), table


def _holds(bench, table: str) -> bool:
    db = bench.rt.store.db
    columns = [c.name for c in db[table].columns if c.type.upper() == "TEXT"]
    where = " OR ".join(f"instr(coalesce({c}, ''), ?)" for c in columns)
    return bool(db.execute(f"SELECT count(*) FROM {table} WHERE {where}", [WORD] * len(columns)).fetchone()[0])
