"""The planted violations: one or more of every policy category, each with
the channel, day and author it is posted as and the category a complete
audit must find. Secrets are assembled at run time from the seeded
generator, so this source file holds nothing a secret scanner would match."""
from __future__ import annotations

import random
from dataclasses import dataclass

from bot.commands.sample_export.workspace import _secret
from policies.personal import luhn_ok

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


def _luhn_complete(prefix: str) -> str:
    """Append the check digit that makes `prefix` pass the Luhn check (the
    card detector's own, so a planted card is one it accepts)."""
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


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
