"""The rule checks tell code and ordinary talk from personal data, scams and
spam: the hard cases from developer chat, and the real thing still caught."""
from __future__ import annotations

import pytest

from policies import Message, evaluate
from policies import community, links, personal, phones
from policies.slacktext import parse


def rules(text: str) -> set[str]:
    return {f.rule for f in evaluate(Message(text=text))}


def cats(text: str) -> set[str]:
    return {f.category for f in evaluate(Message(text=text))}


# ------------------------------------------------------ code is not personal

@pytest.mark.parametrize("text", [
    # marked code: spans and blocks
    "run `adb connect 81.2.69.160:5555` first",
    "```\nserver:\n  host: 81.2.69.160\n  phone: +44 20 7946 0321\n```",
    "set `SUPPORT_PHONE=+1 415 555 0132` in the env",
    "```curl -u ops@acme-corp.io https://api.acme-corp.io```",
    # pasted without backticks: literals in calls, JSON, logs
    'driver.findElement(MobileBy.AccessibilityId("936512346"));',
    'new Location(77.59974003, 12.91024781, 909);',
    '{"udid":"4155550132","platformVersion":"10.3.1","deviceName":"iPhone 7"}',
    "sendKeys(\"qa.person@gmail.com\");",
    # versions and build numbers
    "appium 1.4.16.1 is the latest one on windows",
    "Chrome version must be >= 60.0.3112.0 (Driver info: chromedriver=2.33.506106)",
    "Windows_NT 6.1.760117 verbose argv",
    "Mozilla/5.0 Chrome/30.0.0.0 Mobile Safari",
    # hashes, UUIDs, timestamps
    "fixed in 4f2c9e81b7a3 and 1a2b3c4d5e6f7a8b9c0d",
    "device 15098F45-6C43-4501-8894-613940BD40D8 booted",
    "Event logged at 1492067113079 (12:35:13 GMT+0530)",
    "2017-07-07 08:00:36:451 - info: started",
    # documentation, private and well-known addresses
    "point it at 192.0.2.10 or 198.51.100.7 or 203.0.113.9",
    "the box is on 10.0.0.5, the router 192.168.1.1, ipv6 2001:db8::1",
    "use 8.8.8.8 as DNS, or 1.1.1.1",
    "connect ETIMEDOUT 216.58.214.176:443",
    "The authenticity of host 'github.com (192.30.255.112)' can't be established.",
    # a network's own machines: resolvers and gateways
    "I've tried two ISPs, two different DNS servers (Google, and 4.4.2.2), and nothing helps.",
    "should I explicitly declare a gateway such as: gateway: 173.25.5.1?",
    "docker run --dns 9.9.8.7 my-image",
    # example and glued e-mail addresses
    "write to jane@example.com or ops@example.org",
    "git clone git@github.com:rsms/peertalk.git",
    "Congrats@Divya-tfw.Guys, please help",
    # dates and prose that look like addresses
    "December 2, 2019 3:34 PM were you able to solve this?",
    "I run it via the terminal, then via Intelij",
    "we have 2 Android 7 devices and 3 iPhone 8 ones",
    # a server's answer, and the zero padding of a dump
    'now it shows "400 Bad Request The plain HTTP request was sent to HTTPS port"',
    "nginx says 502 Bad Gateway Street side proxy is down",
    "it has some weird content: 0000000 0000000 in the header",
    # spans of years (found in GermEval's ordinary tweets)
    "Meine Aussage hat nichts mit 2009-2013 zu tun.",
    "we supported it 1998-2004 and again 2019 - 2021",
    "votuporanguense x ferroviária copa paulista 03 08 2019 https://t.co/ux2nq6bqfn",  # ToLD-BR
])
def test_code_versions_and_examples_are_not_personal_data(text):
    assert "privacy" not in cats(text), evaluate(Message(text=text))


@pytest.mark.parametrize("text,rule", [
    ("call me on +44 7700 900123 tonight", "privacy.phone_number"),
    ("Phone: (415) 555-0132", "privacy.phone_number"),
    ("call me on +7 777 777 7777", "privacy.phone_number"),  # one digit repeated: still a number
    ("send it to Baker Street 221, or see the 404 Not Found page at 221 Baker Street", "privacy.street_address"),
    ("my ip is 81.2.69.160, can you whitelist it", "privacy.ip_address"),
    ("keep getting address 41.173.96.26 blocked error", "privacy.ip_address"),
    ("my gateway ip is 85.12.33.4, it changed", "privacy.ip_address"),  # labelled as someone's own
    ("reach me at jo.kowalski@gmx.de", "privacy.email"),
    ("I live at 42 Baker Street, London NW1 6XE", "privacy.street_address"),
    ("send it to Søndergade 52, 8000 Aarhus", "privacy.street_address"),
    ("our office: Via dei Fiorentini 17, Roma", "privacy.street_address"),
    ("she lives at 10252 Μεγάλη Άμμος 184", "privacy.street_address"),
    ("Unit 7349 Box 6067\nDPO AE 99081", "privacy.street_address"),
    ("card 4111 1111 1111 1111 exp 09/28", "privacy.card_number"),
    ("call me: 2009-2013", "privacy.phone_number"),  # years in shape, but called
    # a code span hides personal data, but the prose around it still counts
    ("`make deploy` failed, call me on +44 7700 900123", "privacy.phone_number"),
])
def test_real_personal_data_still_found(text, rule):
    assert rule in rules(text)


def test_secrets_in_code_still_count():
    token = "xoxb-" + "2048137745-1209384756102-" + "qwpl3kd9xr2mzt8vbn1yhs0e"
    assert "confidential.slack_token" in rules(f"```SLACK_BOT_TOKEN={token}```")


def test_code_like_reads_literals_and_density():
    text = 'x = foo("4155550132");'
    s = text.index("4155550132")
    assert personal.code_like(text, s, s + 10)
    prose = "my number is 4155550132 if you need me"
    s = prose.index("4155550132")
    assert not personal.code_like(prose, s, s + 10)


# ------------------------------------------------------ links on code hosts

@pytest.mark.parametrize("text", [
    "see https://github.com/appium/sample-code/blob/master/examples/node/helpers.js",
    "<https://github.com/acme/tools/blob/main/bin/setup.exe|setup.exe source>",
    "https://raw.githubusercontent.com/acme/dotfiles/main/install.sh",
    "https://gitlab.com/acme/app/-/blob/main/scripts/deploy.ps1",
    "https://gist.github.com/jdoe/1a2b3c4d/raw/run.bat",
    "grab it from https://nodejs.org/dist/v20.11.0/node-v20.11.0-x64.msi",
    "http://localhost:4723/wd/hub and http://127.0.0.1:8080 and http://192.168.1.20/",
    "https://web.archive.org/web/2020/http://example.com",
])
def test_source_files_and_local_links_are_not_malware(text):
    assert "malware" not in cats(text), evaluate(Message(text=text))


def test_a_real_executable_link_still_counts():
    assert "malware.executable_link" in rules("get the update at https://files-cdn.ru/update/setup.exe")
    assert "malware.executable_link" in rules("https://github.com/acme/app/releases/download/v1/app.exe")


# ------------------------------------------------------------- scam links

@pytest.mark.parametrize("text", [
    "dlscord-gift.ru/claim",
    "free nitro for 3 months https://dlscord-gift.ru/claim",
    "<https://steamcommunlty.com/tradeoffer/new/?partner=1|steamcommunity.com>",
    "claim here <https://discordnitro.info/promo>",
    "https://paypa1.com/signin",
    "steamcommunity.com.ru/id/me",
    "airdrop is live, connect your wallet https://claim-airdrop.xyz",
    "@everyone free nitro https://bit.ly/3nitro",
    "<https://microsoft-verify.top/login>",
    # The brand cut short is weak alone, not with a lure or a cheap domain.
    "<https://0pense.xyz/claim>",
    "https://opensea-airdrop.xyz",
    "free nitro, claim it before it's gone <https://bit.ly/3nitro>",
    # A plain cut of the brand's end, no lure needed: Steam trade scams.
    "<https://steamcommunit.com/tradeoffer/new/?partner=1234&token=ab>",
    "https://discordap.com/invite/abc",
])
def test_gift_and_login_scam_links(text):
    assert "malware" in cats(text), text


@pytest.mark.parametrize("text", [
    "invite: https://discord.gg/python and https://discord.com/invite/abc",
    "https://store.steampowered.com/app/730/ and https://steamcommunity.com/id/gaben",
    "https://stackoverflow.com/questions/123/how-to",
    "https://appleinsider.com/articles/x and https://googleblog.com/x",
    "https://www.nitropdf.com/ for the pdf",
    "https://github.corp-internal.net/team/repo/pull/5",
    "https://discordjs.guide/popular-topics/",
    "use com.google.gson.stream.JsonReader for that",
    "free gift wrapping at https://www.etsy.com/shop/acme",
    # Found by putting real developers' links back into the Gitter rooms
    # (bench/quality_rules.py, real_links_section).
    "rbuckland: this : <https://open5e.com/>",
    "take a look at this: <https://translate.hirak.site/>",
    "take a look at this <https://bit.ly/3xYzAbC>, it's the repro",
    "found this <https://api.dead-drop.xyz/api/v1/docs>",
    "<https://ai.google.dev/gemini-api/docs> and <https://github.dev/acme/repo>",
])
def test_benign_brand_and_lure_links(text):
    assert "malware" not in cats(text), evaluate(Message(text=text))


def test_registered_domain_uses_the_public_suffix_list():
    assert links.registered_domain("a.b.bbc.co.uk") == "bbc.co.uk"
    assert links.registered_domain("dlscord-gift.ru") == "dlscord-gift.ru"
    assert links.lookalike_brand("dlscord.com") == "discord"
    assert links.lookalike_brand("discord.com") is None


# ------------------------------------------------------------------- spam

@pytest.mark.parametrize("text", [
    "Congratulations! You have won a Nokia. Call 09061743811 now to claim. 150p/min",
    "URGENT! You have WON a guaranteed £1000 cash prize. To claim call 09050003091. Claim code X49. Valid 12hrs",
    "FREE entry into our weekly competition. Text WIN to 87121. T&Cs apply",
    "Your number has won £2,000 in our draw! To claim text CLAIM to 85233. Txt STOP to opt out",
    "Double your BTC in 24 hours! Guaranteed returns of 300%. DM now",
    # a call back to a premium line, a charge per message, the handset offer
    "You have 1 new voicemail. Please call 08719181513 to listen",
    "We tried to contact you about your offer. Call 09066368470 asap",
    "Get the latest polyphonic ringtones free! Reply TONE to 87131. Msg charged at £1.50",
    "Someone sent you a secret valentine! To find out who, txt WHO to 85555. 2 msgs at £1.50",
    "Had ur phone 12 months? U r due a FREE upgrade. Call MobileDeals free on 08000930705",
    "We’ve tried to contact you about your prize. Call 09066368470 now",  # a phone's curly apostrophe
])
def test_sms_spam(text):
    assert "spam.sms_spam" in rules(text)


@pytest.mark.parametrize("text,sign", [
    ("You’ve been selected! Call 09061701461", "prize"),
    ("You’re due a FREE upgrade", "prize"),
    ("We’ve tried to contact you", "contact_bait"),
    ("Youʼve won a Nokia", "prize"),  # U+02BC, the modifier letter some keyboards type
])
def test_a_curly_apostrophe_spells_the_same_sign(text, sign):
    straight = text.replace("’", "'").replace("ʼ", "'")
    assert [s[0] for s in community.sms_spam_signs(straight)] == [s[0] for s in community.sms_spam_signs(text)]
    assert sign in [s[0] for s in community.sms_spam_signs(text)]


@pytest.mark.parametrize("text", [
    "call me when you're free, nothing urgent",
    "I won the quiz at the pub last night lol",
    "text me when you get home",
    "reply STOP if you don't want these build notifications",
    "the trial costs $1,000 a year, call sales if you need more",
    "we returned 20% more results after the index change",
    "ring me after 7?",
    "we tried to contact you about the ticket, call us back on 0800 123 4567 when you can",
    "you have 3 new messages in the support queue, text me if you need help",
    "texts at 5p each were a thing once, now everything is data",
    "you are entitled to a free upgrade of the plan, ask support",
    "That's $15 each for the tickets, send the texts to 85555 lol",
    "twilio bills each sms at $0.0075, so the free tier goes a long way",
])
def test_ordinary_messages_are_not_sms_spam(text):
    assert "spam.sms_spam" not in rules(text)


# ------------------------------------------------------------ Slack markup

def test_pasted_doctype_is_not_a_broadcast_mention():
    assert parse('<!DOCTYPE suite SYSTEM "http://testng.org/testng-1.0.dtd">').special_mentions == []
    assert [m.target for m in parse("<!here> deploy at 5").special_mentions] == ["here"]
    assert "spam.mass_mention" not in rules('<?xml version="1.0"?><!DOCTYPE suite SYSTEM "x.dtd">')


# ------------------------------------------------------ malware sent by hand

@pytest.mark.parametrize("text,files,rule", [
    ("can you test my game? <https://www.mediafire.com/file/x1/Game.zip|Game.zip>", (), "malware.download_lure"),
    ("here's the installer, the zip password is 4411", ("Setup.zip",), "malware.download_lure"),
    ("invoice attached", ("invoice_2291.pdf.exe",), "malware.double_extension"),
    ("photos: https://cdn-files.xyz/IMG_2231.jpg.scr", (), "malware.double_extension"),
    ("please enable macros to read it", ("Payment.docm",), "malware.macro_lure"),
    ("paste this into your console to get the free nitro badge", (), "malware.console_paste"),
])
def test_malware_lures(text, files, rule):
    assert rule in {f.rule for f in evaluate(Message(text=text, files=files))}


@pytest.mark.parametrize("text", [
    "can you test my PR? https://github.com/acme/app/pull/12",
    "try my app on TestFlight, the link is in the topic",
    "open the browser console and paste the error here",
    "enable the feature flag in settings, then restart",
    "the release is at https://github.com/acme/app/releases/tag/v1.2",
])
def test_ordinary_requests_are_not_malware_lures(text):
    assert "malware" not in cats(text)


def test_house_numbers_postcodes_and_premium_lines_are_not_phones():
    assert "privacy.phone_number" not in rules("The office is at 17031 2202 Rissik St Apt. 050")
    assert "privacy.phone_number" not in rules("MysticWeb in Quinta de São Tiago 3610-114 needs help")
    assert phones.business_number("1-900-555-0147", ("US",))
    assert not phones.business_number("+44 7700 900123", ("GB",))


@pytest.mark.parametrize("text", [
    "come to the 2 o'clock meeting", "she lives in 3 streets away from me", "meet me at 7 at the station",
    "send it to 2 people max", "our office is at level 5", "come to room 204 after lunch",
    "mail it to me by Friday 12", "find us at table 7", "the restaurant is on Main 2 blocks down",
    "my address changed 2 weeks ago", "meet me at Costa 2 mins from the station", "I live at no 5 now lol",
])
def test_address_cues_with_ordinary_numbers_are_not_addresses(text):
    assert "privacy.street_address" not in rules(text)


@pytest.mark.parametrize("text", [
    "reply STOP to the bot to unsubscribe from alerts",
    "to unsubscribe from the list, text STOP to 12345",
    "congrats, you have been selected for the speaker slot",
    "the loan of $2,000 from my brother",
    "guaranteed returns is what every scam promises",
])
def test_one_spam_phrase_alone_is_not_spam(text):
    assert "spam" not in cats(text)
