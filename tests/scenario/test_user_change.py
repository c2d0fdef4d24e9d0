"""user_change: a member who takes a moderator's name is pointed out to the
moderators once per name."""
from __future__ import annotations

from tests.fakeslack.payloads import user_change
from tests.harness import MOD_CHANNEL


def test_renaming_to_a_moderators_name_alerts_the_moderators_once(bench):
    user = bench.fake.update_user("UDAVE", display_name="Mia Moderator", real_name="Mia Moderator")
    bench.event(user_change(user))
    bench.event(user_change(user))
    bench.settle()
    alerts = [m for m in bench.fake.messages(MOD_CHANNEL) if "Profile check" in m.get("text", "")]
    assert len(alerts) == 1 and "<@UDAVE>" in alerts[0]["text"] and "impersonation" in alerts[0]["text"]


def test_an_ordinary_rename_is_quiet(bench):
    user = bench.fake.update_user("UDAVE", display_name="Dave the Diver")
    bench.event(user_change(user))
    bench.settle()
    assert [m for m in bench.fake.messages(MOD_CHANNEL) if "Profile check" in m.get("text", "")] == []
