"""The expert programme: counting answers, the roster, the monthly review
with its grace period, the spotlight post and the user-group sync.

One module per idea, each building on those above it:
    questions.py  what counts as a question (pure)
    months.py     months in the community's time zone (pure)
    common.py     ExpertBase: settings, time zone, clock, the DM
    roster.py     who is an expert; the Slack user group both ways
    review.py     the monthly review and the grace period
    counting.py   answers and questions as messages arrive
    spotlight.py  the monthly spotlight post
    activity.py   /myactivity's report
    service.py    ExpertService: all of the above, and what it hooks into

How the month is judged (the issue leaves some of this to us):
- A question is a top-level message in a help channel that asks something
  (`looks_like_question`); an answer is a reply in its thread by someone
  other than the asker, counted once per question and member, in the month
  (community time zone) of the message's own Slack timestamp. Deleting the
  reply or the question takes the count back.
- The review on the 1st looks at the month just ended, for experts who were
  already experts when that month began (someone added mid-month, or synced
  on the day modbot was installed, is not judged on a month they never had).
- Below the minimum, an expert gets one notice and a grace period of
  `grace_days` from the notice. They keep the role if they give `minimum`
  answers counted from the end of the reviewed month until the grace period
  ends (checked as each answer arrives and by the daily 'expert_grace' job);
  otherwise the daily job removes them from the user group and tells them
  and the moderators.
- The spotlight names up to five experts with the most answers last month
  and links to each one's best-received answers (storage.activity.best_answers:
  the asker came back to the thread, then the livelier thread).

Every Slack side effect goes through the outbox with a key made of the
member and the month, written in the same transaction as the record that
decided it, so a second run, a restart or a second process sends nothing
twice.
"""
from bot.services.experts.activity import ActivityReport
from bot.services.experts.months import month_of, month_start, months_before, next_month, previous_month
from bot.services.experts.questions import looks_like_question
from bot.services.experts.review import GraceStatus
from bot.services.experts.roster import SYNC_SETTLE_SECONDS, RosterEntry
from bot.services.experts.service import ExpertService
from bot.services.experts.spotlight import BEST_ANSWERS, SPOTLIGHT_SIZE, SpotlightEntry

__all__ = [
    "ActivityReport", "BEST_ANSWERS", "ExpertService", "GraceStatus", "RosterEntry", "SPOTLIGHT_SIZE",
    "SYNC_SETTLE_SECONDS", "SpotlightEntry", "looks_like_question", "month_of", "month_start",
    "months_before", "next_month", "previous_month",
]
