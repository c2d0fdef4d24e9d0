"""Every identifier Slack and modbot agree on, in one place.

tests/unit/test_manifest.py checks these against manifest.yml: each
callback_id, command and event registered by handlers/ must be declared
there, and each action_id must start with ACTION_PREFIX.
"""

ACTION_PREFIX = "modbot_"

# Message shortcut
FLAG_SHORTCUT = "modbot_flag"

# Slash commands
CMD_GUIDELINES = "/guidelines"
CMD_MYACTIVITY = "/myactivity"
CMD_EXPERTS = "/experts"
COMMANDS = (CMD_GUIDELINES, CMD_MYACTIVITY, CMD_EXPERTS)

# Modals (view callback ids)
VIEW_FLAG = "modbot_flag_modal"
VIEW_WARN = "modbot_warn_modal"
VIEW_SUSPEND = "modbot_suspend_modal"
VIEW_NOTE = "modbot_note_modal"
VIEW_APPEAL = "modbot_appeal_modal"

# Buttons and menus on the case card, DMs and modals (action ids)
ACT_REMOVE = "modbot_case_remove"
ACT_WARN = "modbot_case_warn"
ACT_SUSPEND = "modbot_case_suspend"
ACT_DISMISS = "modbot_case_dismiss"
ACT_CLOSE = "modbot_case_close"  # after a moderator removed the message: close, no sanction
ACT_RETRY = "modbot_case_retry"  # re-queues the case's Slack calls that failed for good
ACT_MORE = "modbot_case_more"  # overflow: escalate, reveal, note
ACT_APPEAL = "modbot_appeal"
ACT_APPEAL_UPHOLD = "modbot_appeal_uphold"
ACT_APPEAL_REVERSE = "modbot_appeal_reverse"
# On a suggestion of earlier threads (bot/services/suggestions)
ACT_SUGGEST_NOT_RELATED = "modbot_suggest_not_related"
ACT_SUGGEST_OPT_OUT = "modbot_suggest_opt_out"

# Events the app subscribes to (manifest bot_events use message.channels /
# message.groups for "message").
EVENTS = ("message", "member_joined_channel", "member_left_channel", "team_join", "user_change", "subteam_members_changed",
          "app_home_opened")

# App Home (bot/slack/blocks/home.py); its case buttons are the card's ACT_* ids.
ACT_HOME_RULE_APPLY = "modbot_home_rule_apply"  # apply modbot's suggestion for a rule
ACT_HOME_SHADOW_RIGHT = "modbot_home_shadow_right"  # a shadow finding the rule got right
ACT_HOME_SHADOW_WRONG = "modbot_home_shadow_wrong"
