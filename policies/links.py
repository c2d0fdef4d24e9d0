"""Malware and phishing: dangerous files, look-alike domains, lures.

Links come from the Slack parser (both <url|label> and bare URLs) and from
attached file names. Everything is decided offline from the URL text.
"""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

from .model import Finding

DANGEROUS_EXT = frozenset(
    "exe scr com pif bat cmd msi msp vbs vbe js jse wsf wsh hta ps1 psm1 jar apk xapk dmg pkg app "
    "deb rpm sh run bin lnk cpl dll reg iso img vhd xlsm docm pptm appx msix".split())
SHORTENERS = frozenset(
    "bit.ly tinyurl.com t.co goo.gl ow.ly is.gd buff.ly cutt.ly rebrand.ly shorturl.at rb.gy t.ly "
    "tiny.cc bl.ink s.id v.gd lnkd.in shorte.st adf.ly".split())
# Brands phishers imitate most, with the domains they really use.
BRANDS = {
    "slack": ("slack.com", "slack-edge.com", "slack-files.com", "slackb.com"),
    "paypal": ("paypal.com", "paypal.me", "paypalobjects.com"),
    "google": ("google.com", "googleusercontent.com", "goo.gl", "google.co.uk", "googleapis.com", "gstatic.com",
               "google.de", "google.fr", "google.co.in", "googlesource.com", "google.dev", "googleblog.com",
               "withgoogle.com"),
    "microsoft": ("microsoft.com", "live.com", "office.com", "microsoftonline.com", "msft.net", "azure.com",
                  "windows.net", "visualstudio.com", "office365.com", "outlook.com"),
    "office365": ("office365.com", "office.com", "microsoft.com"),
    "outlook": ("outlook.com", "live.com", "office.com"),
    "apple": ("apple.com", "icloud.com", "apple.news"),
    "icloud": ("icloud.com", "apple.com"),
    "amazon": ("amazon.com", "amazon.co.uk", "amazonaws.com", "amazon.de", "amazon.in", "amazon.fr", "aws.amazon.com"),
    "github": ("github.com", "githubusercontent.com", "github.io", "githubassets.com", "github.blog", "github.dev"),
    "gitlab": ("gitlab.com", "gitlab.io"),
    "facebook": ("facebook.com", "fb.com", "fb.me", "facebook.net"),
    "instagram": ("instagram.com",),
    "netflix": ("netflix.com",),
    "dropbox": ("dropbox.com", "dropboxusercontent.com"),
    "stripe": ("stripe.com",),
    "coinbase": ("coinbase.com",),
    "binance": ("binance.com",),
    "metamask": ("metamask.io",),
    "opensea": ("opensea.io",),
    "steam": ("steampowered.com", "steamcommunity.com", "steamstatic.com", "steam.com"),
    "steamcommunity": ("steamcommunity.com",),
    "steampowered": ("steampowered.com",),
    "discord": ("discord.com", "discord.gg", "discordapp.com", "discord.gift", "discord.media", "discordapp.net",
                "discord.new", "discordstatus.com", "discord.dev"),
    "discordapp": ("discordapp.com", "discordapp.net"),
    "roblox": ("roblox.com", "rbxcdn.com"),
    "epicgames": ("epicgames.com",),
    "telegram": ("telegram.org", "t.me", "telegram.me"),
    "whatsapp": ("whatsapp.com", "wa.me", "whatsapp.net"),
    "twitter": ("twitter.com", "t.co", "x.com", "twimg.com"),
    "linkedin": ("linkedin.com", "lnkd.in"),
    "zoom": ("zoom.us", "zoom.com"),
    "docusign": ("docusign.com", "docusign.net"),
    "wellsfargo": ("wellsfargo.com",),
    "chase": ("chase.com",),
}
_HOMOGLYPH = str.maketrans({"0": "o", "1": "l", "3": "e", "5": "s", "7": "t", "4": "a", "@": "a", "$": "s",
                            "|": "l", "!": "i"})
URGENCY = re.compile(
    r"\b(?:urgent|immediately|right now|act now|verify your|account (?:will be )?(?:suspended|locked|closed)|"
    r"confirm your|claim your|free gift|you(?:'ve| have) won|winner|limited time|expires? today|"
    r"reset your password|login to|log in to|unusual (?:sign-in|activity)|payment failed)\b", re.I)
ANTIVIRUS = re.compile(
    r"\b(?:disable|turn off|deactivate|switch off|uninstall|bypass) (?:your |the |windows )?"
    r"(?:anti-?virus|av|defender|firewall|smartscreen|gatekeeper|security software)\b", re.I)
# The first branch, named "piped", is a script piped into a shell: where the
# script comes from decides (links.check_links).
EXPLOIT = re.compile(
    r"(?P<piped>(?:curl|wget|iwr|invoke-webrequest)\b[^\n|]{0,200}\|\s{0,3}(?:sudo\s{1,3})?(?:ba|z)?sh\b)"
    r"|\bpowershell(?:\.exe)?\s{1,3}-(?:enc|encodedcommand|e|w hidden|windowstyle hidden)\b"
    r"|\biex\s{0,3}\(\s{0,3}(?:new-object|iwr|invoke-webrequest)"
    r"|\bmshta\s{1,3}https?://|\bcertutil\s{1,3}-urlcache"
    r"|\b(?:free|cracked|keygen|crack)\b[^\n]{0,40}\b(?:download|exe|apk)\b", re.I)

# A dotted IPv4 address standing alone: not inside a longer dotted run
# ("1.2.3.4.5", a version) nor run into a word. policies.personal finds
# people's addresses with it too.
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
# Addresses no link parser sees as a host: "0xb9.0x17.0x2c.0x01", "[2a01:4f8::1]".
_ODD_HOST = re.compile(r"\b0x[0-9a-f]+(?:\.0x[0-9a-f]+)*\b|\[[0-9a-f]*:[0-9a-f:]+\]", re.I)


@lru_cache(maxsize=1)
def _psl():
    from publicsuffixlist import PublicSuffixList  # ships its own snapshot: nothing is fetched

    return PublicSuffixList(only_icann=True)


@lru_cache(maxsize=16_384)
def registered_domain(host: str) -> str:
    """The part of `host` someone registered ("dlscord-gift.ru" of
    "a.dlscord-gift.ru", "bbc.co.uk" of "www.bbc.co.uk"), from the bundled
    Public Suffix List (ICANN section: "x.github.io" -> "github.io")."""
    return _psl().privatesuffix(host) or host


@lru_cache(maxsize=16_384)
def public_suffix(host: str) -> str:
    return _psl().publicsuffix(host) or ""


@lru_cache(maxsize=16_384)
def real_suffix(host: str) -> bool:
    """Whether `host` ends in a suffix on the Public Suffix List (not ".comto")."""
    return _psl().publicsuffix(host, accept_unknown=False) is not None


def _edit1(a: str, b: str) -> bool:
    """True when a and b differ by one edit (substitution, insertion, deletion, swap)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


_REAL_DOMAINS = frozenset(d for real in BRANDS.values() for d in real)
_SPLIT = re.compile(r"[-.]")


def _brand_match(token: str, raw: str, brand: str) -> int:
    """2: the token is the brand, a one-edit copy of a long brand name
    ("dlscord", "steamcommunlty") or a copy with digits for letters
    ("paypa1"); 1: weaker - a copy of a short brand ("stearn") or the brand
    inside a longer word ("discordnitro", "appleinsider"); 0: neither."""
    n = len(brand)
    if token == brand:
        return 2 if raw == brand or n >= 5 else 1
    if n >= 5 and abs(len(token) - n) <= 1 and _edit1(token, brand):
        if len(token) < n and (brand.endswith(token) or brand.startswith(token) and raw != token):
            # The brand's tail is often a word of its own ("cloud" of
            # "icloud"); its head is weak only when a digit also had to be
            # read as a letter ("open5e", a game's 5th edition, of "opensea").
            # A plain cut ("steamcommunit", "discordap") is a copy.
            return 1
        return 2 if n >= 6 or raw != token else 1
    if n >= 5 and brand in token:
        return 1
    if n >= 6 and len(token) > n + 1:
        for k in (n - 1, n, n + 1):  # a one-edit copy at either end: "dlscordnitro"
            if _edit1(token[:k], brand) or _edit1(token[-k:], brand):
                return 1
    return 0


@lru_cache(maxsize=16_384)  # hosts repeat: the same few sites are linked all day
def brand_imitation(host: str) -> tuple[str, int] | None:
    """(brand, strength) when `host` imitates a brand on a domain the brand
    does not use; strength as in _brand_match."""
    reg = registered_domain(host)
    if reg in _REAL_DOMAINS or host in _REAL_DOMAINS:
        return None
    suffix = public_suffix(host)
    name = host[: len(host) - len(suffix)].rstrip(".") if suffix and host.endswith(suffix) else host
    label = reg[: len(reg) - len(suffix)].rstrip(".") if suffix else reg
    tld = suffix.rsplit(".", 1)[-1]
    if label in BRANDS and len(tld) == 2 and tld not in SUSPICIOUS_TLDS:
        return None  # the brand's own country site: google.ca, amazon.co.uk
    best: tuple[str, int] | None = None
    for raw in _SPLIT.split(name):
        if not raw or raw == "www":
            continue
        token = raw.translate(_HOMOGLYPH).replace("rn", "m").replace("vv", "w")
        # A brand in a subdomain ("github.corp.example", a company's own
        # GitHub Enterprise) is weak on its own; in the registered name it is not.
        in_label = raw in _SPLIT.split(label)
        for brand in BRANDS:
            strength = _brand_match(token, raw, brand)
            if strength == 2 and in_label:
                return brand, 2
            if strength and best is None:
                best = (brand, 1)
    return best


def lookalike_brand(host: str) -> str | None:
    """The brand `host` clearly imitates, if any."""
    hit = brand_imitation(host)
    return hit[0] if hit and hit[1] == 2 else None


# Scam links that imitate no brand by name: a lure word in the link and a
# top-level domain that is cheap and mostly abused, or a lure in the text.
# (Spamhaus and Interisle publish the most-abused TLDs; these recur there.)
SUSPICIOUS_TLDS = frozenset(
    "ru su tk ml ga cf gq xyz top click link gift icu cyou buzz rest monster sbs cfd pw cc ws bid win loan "
    "work date racing review stream download trade party men kim country science cam quest bond autos boats "
    "beauty hair makeup skin lol mom fun online site website space live shop store club vip ltd pro best "
    "zip mov fit host press uno surf today".split())
LURE_TOKENS = frozenset(
    "gift gifts nitro free claim claims airdrop giveaway giveaways bonus reward rewards promo prize "
    "verify verification unlock login signin sign-in auth secure wallet connect recover recovery support "
    "trade trades skins skin case cases csgo cs2 robux vbucks boost steamgift discordgift freenitro "
    "account accounts billing update unlock confirm redeem".split())
_LURE_SPLIT = re.compile(r"[-._/?=&]+")
LURE_TEXT = re.compile(
    r"\b(?:free (?:discord )?nitro|nitro (?:for )?free|(?:discord|steam|nitro) gift|gift(?:ed)? (?:you |u )?(?:nitro|a gift|skins?)|"
    r"claim (?:it|your|now|here|the|before)|(?:token|crypto|nft|coin|the) airdrop|airdrop (?:is live|claim|ends|now)|giveaway|giving away|first \d+ (?:people|users)|who is first|"
    r"verify your (?:account|wallet|identity)|connect your wallet|your account (?:will be|has been) "
    r"(?:suspended|locked|disabled|closed|banned)|accidentally reported|i'm leaving (?:cs|csgo|the game)|"
    r"3 months of (?:discord )?nitro|steam (?:gift|cards?|skins?)|free skins?|mint (?:now|is live))\b", re.I)


def scam_signals(host: str, path: str) -> tuple[bool, bool]:
    """(a lure word in the host or path, a suspicious top-level domain)."""
    suffix = public_suffix(host)
    tld = suffix.rsplit(".", 1)[-1]
    words = set(_LURE_SPLIT.split(host + "/" + path.lower()))
    lure = not LURE_TOKENS.isdisjoint(words) or any(t in host for t in ("gift", "nitro", "airdrop", "giveaway"))
    return lure, tld in SUSPICIOUS_TLDS


# Code hosts and package indexes show source files as pages: a link to
# github.com/o/r/blob/main/app.js is a page to read, not a program to run.
_CODE_HOSTS = frozenset(("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sr.ht", "gitee.com",
                         "sourcegraph.com", "npmjs.com", "pypi.org", "rubygems.org", "crates.io", "nuget.org",
                         "pkg.go.dev", "maven.org", "unpkg.com", "jsdelivr.net", "cdnjs.com", "stackblitz.com",
                         "codepen.io", "jsfiddle.net", "codesandbox.io", "replit.com", "stackoverflow.com"))
_SOURCE_VIEW = re.compile(r"/(?:blob|tree|raw|blame|src|commits?|pull|issues|merge_requests|-/blob|-/raw|"
                          r"package|project|gist)/")
_SOURCE_HOSTS = frozenset(("raw.githubusercontent.com", "gist.github.com", "gist.githubusercontent.com"))
# Publishers' own download sites: an installer from nodejs.org or python.org
# is what the reader asked for. (Not GitHub releases: anyone can upload there.)
OFFICIAL_DOWNLOADS = frozenset(
    "nodejs.org python.org docker.com microsoft.com visualstudio.com jetbrains.com oracle.com java.com apple.com "
    "google.com mozilla.org videolan.org git-scm.com golang.org go.dev rust-lang.org adoptium.net android.com "
    "chromium.org ubuntu.com debian.org fedoraproject.org apache.org eclipse.org postgresql.org mysql.com "
    "mongodb.com virtualbox.org vagrantup.com hashicorp.com slack.com zoom.us "
    "selenium.dev seleniumhq.org gradle.org".split())
# A path ending in ".com" is a URL inside a URL (web.archive.org/web/2020/x.com),
# not a DOS program.
_LINK_SAFE_SCRIPTS = frozenset(("com",))
# A shell script fetched in a pasted command ("curl -fsSL https://x/install.sh")
# is how tools install; piping it into a shell is what exploit_delivery judges.
_SHELL_SCRIPTS = frozenset(("sh",))
FETCH_BEFORE = re.compile(r"\b(?:curl|wget)\b[^\n|;&]*$")
# A script a web page loads ("/static/js/main.3f2a.js"): a browser shows it as
# text. Only a file-sharing site hands out .js files to be saved and run.
_PAGE_SCRIPTS = frozenset(("js",))
# Names that only resolve on the writer's own machine or network.
_LOCAL_TLDS = frozenset("local localhost internal lan home corp test example invalid".split())


def _own_machine(host: str) -> bool:
    """localhost, a private address, a one-word or .local name: nobody else's
    browser can download from it."""
    if "." not in host and ":" not in host:
        return True
    ip = _global_ip(host)
    if ip is not None:
        return not ip
    return host.rsplit(".", 1)[-1] in _LOCAL_TLDS


# Where tools publish the scripts they are installed with: "curl -fsSL
# https://get.docker.com | sh", rustup's, NodeSource's, Poetry's... A
# developer community shares these one-liners every day. Whole host names,
# not registered domains: on drive.google.com, s3.amazonaws.com or
# deno.land/x anyone can publish a script.
INSTALLER_HOSTS = frozenset(
    "get.docker.com test.docker.com download.docker.com sh.rustup.rs deb.nodesource.com rpm.nodesource.com "
    "bun.sh get.sdkman.io get.rvm.io install.python-poetry.org astral.sh get.pnpm.io get.k3s.io starship.rs "
    "getcomposer.org tailscale.com ollama.com cli-assets.heroku.com sdk.cloud.google.com bootstrap.pypa.io".split())
# On a code host anyone can publish, so only the projects whose installers
# people pipe into a shell count: the repository at the start of the path.
# Likewise the one official script of a site where users publish too.
INSTALLER_REPOS = tuple(
    "raw.githubusercontent.com/" + repo + "/" for repo in (
        "nvm-sh/nvm creationix/nvm homebrew/install ohmyzsh/ohmyzsh robbyrussell/oh-my-zsh helm/helm "
        "docker/docker-install nodesource/distributions pyenv/pyenv-installer rbenv/rbenv-installer tj/n "
        "schniz/fnm python-poetry/poetry moovweb/gvm golangci/golangci-lint").split()
) + ("deno.land/install.sh", "yarnpkg.com/install.sh")
# Documentation domains (RFC 2606): nothing can be downloaded from them, and
# no address on them is anyone's (policies.personal builds on them).
DOCUMENTATION_DOMAINS = ("example.com", "example.org", "example.net")
# "3105313793", "0xb9172c01": an IP address written as one number, not a
# name on the writer's network.
_NUMBER_HOST = re.compile(r"(?:0x[0-9a-f]+|\d+)", re.I)


def script_source_known(host: str, path: str) -> bool:
    """May a script fetched from host/path be piped into a shell without a
    case? A tool's own installer site or repository, the writer's own
    machine, or a documentation domain, which serves nothing."""
    return (host in INSTALLER_HOSTS or (host + path).lower().startswith(INSTALLER_REPOS)
            or registered_domain(host) in DOCUMENTATION_DOMAINS
            or (_own_machine(host) and not _NUMBER_HOST.fullmatch(host)))


def source_view(host: str, path: str) -> bool:
    if host in _SOURCE_HOSTS:
        return True
    reg = registered_domain(host)
    return reg in _CODE_HOSTS and (_SOURCE_VIEW.search(path) is not None or reg not in
                                   ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com"))


def _global_ip(host: str) -> bool | None:
    """None when host is not an IP; else whether it is a public address."""
    if not (host[:1].isdigit() or ":" in host):
        return None
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return ip.is_global


# Domains written without a scheme ("dlscord-gift.ru/claim"): Slack links
# them, but text from elsewhere (an export, an API post) may not.
BARE_DOMAIN = re.compile(
    r"(?<![\w@./:-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,4}[a-z]{2,18})(/[^\s<>|\"'`]{0,300})?(?![\w@-])", re.I)
_REVERSE_DNS_HEADS = frozenset("com org net io edu gov de uk fr android java javax kotlin androidx me co".split())
_BARE_PROBE = re.compile(r"[a-z0-9]\.[a-z]{2}", re.I)


def bare_domains(text: str, taken: list[tuple[int, int]]) -> list[tuple[str, str, int, int]]:
    """(host, path, start, end) of scheme-less domains outside `taken` spans,
    with a real public suffix."""
    if _BARE_PROBE.search(text) is None:
        return []
    out = []
    for m in BARE_DOMAIN.finditer(text):
        s = m.start()
        if any(a <= s < b for a, b in taken):
            continue
        host = m.group(1).lower()
        if host.split(".", 1)[0] in _REVERSE_DNS_HEADS:
            continue  # com.google.gson.stream: a Java package, not a site
        if _psl().publicsuffix(host, accept_unknown=False) is None or "." not in host:
            continue
        suffix = _psl().publicsuffix(host, accept_unknown=False)
        if host == suffix:
            continue
        out.append((host, m.group(2) or "", s, m.end()))
    return out


# Malware sent by hand: "can you test my game?" with an archive, a document
# that asks for macros, a token grabber pasted into the browser console, an
# invoice.pdf.exe. Each needs its own sign, never a single common word.
ARCHIVE_EXT = frozenset("zip rar 7z tar gz tgz".split())
FILE_HOSTS = frozenset(
    "mediafire.com mega.nz mega.io anonfiles.com gofile.io wetransfer.com we.tl 4shared.com zippyshare.com "
    "sendspace.com transfer.sh file.io dropbox.com drive.google.com onedrive.live.com 1drv.ms cdn.discordapp.com "
    "pixeldrain.com uploadhaven.com krakenfiles.com catbox.moe".split())
DOUBLE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|txt|mp[34]|mov|zip|rar)\.(?:exe|scr|bat|cmd|com|pif|"
                        r"vbs|js|jse|hta|lnk|msi|ps1|jar)\b", re.I)
TRY_MY = re.compile(r"\b(?:test|try|play|check|run|download)(?: out)? (?:my|our|this|the) (?:new |beta |free )?"
                    r"(?:game|app|program|launcher|mod|tool|software|client|cheat|hack|aimbot|mod menu)\b", re.I)
MACROS = re.compile(r"\benable (?:the )?(?:macros?|content|editing and content)\b(?! security policy)", re.I)
CONSOLE = re.compile(r"\b(?:paste|run|type|put|copy) (?:this|the following|it|that|the code|this code|this script)"
                     r"(?: code| script)? (?:in|into|to) (?:your |the )?(?:browser(?:'s)? |discord(?:'s)? )?"
                     r"(?:dev ?tools |developer )?console\b|\bctrl ?\+ ?shift ?\+ ?i\b", re.I)
CONSOLE_LURE = re.compile(r"\b(?:nitro|badge|free|gift|hypesquad|verify|token|boost|rank|robux|unlock)\b", re.I)
ARCHIVE_PASSWORD = re.compile(r"\b(?:zip|rar|archive|file|installer|setup)(?:'s)? (?:password|pass|pw)(?: is|:)", re.I)
_RUNNABLE_WORDS = frozenset("exe scr bat cmd pif vbs js jse hta lnk msi ps1 jar".split())
_LURE_GATE = frozenset("test try play check run download enable macros macro content paste type put copy console "
                       "ctrl password pass pw".split())


def _lures(targets, files, text: str, vocab: frozenset[str] | None) -> list[Finding]:
    out: list[Finding] = []
    m = DOUBLE_EXT.search(text) if vocab is None or not _RUNNABLE_WORDS.isdisjoint(vocab) else None
    named = [f for f in files if DOUBLE_EXT.search(f)]
    if m or named:
        s, e = (m.start(), m.end()) if m else (0, 0)
        out.append(Finding("malware", "malware.double_extension", 0.9, "high", s, e,
                           "A program dressed as a document or picture (a double extension such as .pdf.exe)"))
    if vocab is not None and _LURE_GATE.isdisjoint(vocab):
        return out
    downloads = [lk for host, path, lk in targets if not isinstance(lk, _Bare) and (
        path.lower().rsplit(".", 1)[-1] in ARCHIVE_EXT | DANGEROUS_EXT and "." in path.rsplit("/", 1)[-1]
        and not source_view(host, path.lower()) or registered_domain(host) in FILE_HOSTS or host in FILE_HOSTS)]
    packed = [f for f in files if f.lower().rsplit(".", 1)[-1] in ARCHIVE_EXT | DANGEROUS_EXT]
    t = TRY_MY.search(text)
    pw = ARCHIVE_PASSWORD.search(text)
    if (t or pw) and (downloads or packed):
        hit = t or pw
        out.append(Finding("malware", "malware.download_lure", 0.85, "high", hit.start(), hit.end(),
                           "Asks people to download and run a program or a locked archive from a stranger"))
    m = MACROS.search(text)
    if m:
        out.append(Finding("malware", "malware.macro_lure", 0.8, "high", m.start(), m.end(),
                           "Asks readers to enable macros or content in a document, how document malware starts"))
    m = CONSOLE.search(text)
    if m and CONSOLE_LURE.search(text):
        out.append(Finding("malware", "malware.console_paste", 0.85, "high", m.start(), m.end(),
                           "Asks readers to paste code into their browser or Discord console for a reward: "
                           "how account tokens are stolen"))
    return out


class _Bare:
    """Where a scheme-less domain sits in the text (no url, no label)."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start, self.end = start, end


def _runs_something(targets, files) -> bool:
    """Whether a program, archive or file-sharing link comes with the message."""
    runnable = ARCHIVE_EXT | DANGEROUS_EXT
    return any(f.lower().rsplit(".", 1)[-1] in runnable for f in files) or any(
        path.lower().rsplit(".", 1)[-1] in runnable and "." in path.rsplit("/", 1)[-1]
        or registered_domain(host) in FILE_HOSTS for host, path, _ in targets)


def _lure_in_text(text: str) -> bool:
    return LURE_TEXT.search(text) is not None


_AV_GATE = frozenset("disable turn deactivate switch uninstall bypass".split())
_EXPLOIT_GATE = frozenset("curl wget iwr invoke powershell iex mshta certutil free cracked keygen crack".split())


def check_links(links, files, text: str, allowed_domains: frozenset[str],
                vocab: frozenset[str] | None = None) -> list[Finding]:
    """`vocab`: the message's normalised words, to skip patterns that cannot match."""
    out: list[Finding] = []
    urgency: bool | None = None
    lure_text: bool | None = None
    targets = []
    for lk in links:
        try:
            parts = urlsplit(lk.url if "://" in lk.url else "http://" + lk.url)
            host = (parts.hostname or "").lower().rstrip(".")
        except ValueError:
            continue
        if host:
            targets.append((host, parts.path, lk))
    for host, path, s, e in bare_domains(text, [(lk.start, lk.end) for lk in links]):
        targets.append((host, path, _Bare(s, e)))
    for host, raw_path, lk in targets:
        if host in allowed_domains or any(host.endswith("." + d) for d in allowed_domains):
            continue
        bare = isinstance(lk, _Bare)
        path = raw_path.lower()
        span = (lk.start, lk.end)
        ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        if (ext in DANGEROUS_EXT and ext not in _LINK_SAFE_SCRIPTS and not source_view(host, path)
                and registered_domain(host) not in OFFICIAL_DOWNLOADS and not _own_machine(host)
                and not (ext in _PAGE_SCRIPTS and registered_domain(host) not in FILE_HOSTS
                         and host not in FILE_HOSTS)
                and not (ext in _SHELL_SCRIPTS and FETCH_BEFORE.search(text, max(0, span[0] - 80), span[0]))):
            out.append(Finding("malware", "malware.executable_link", 0.9, "high", *span,
                               f"Links straight to a .{ext} file, which can run code on the reader's machine"))
        if not bare:
            if _global_ip(host):
                out.append(Finding("malware", "malware.ip_link", 0.75, "medium", *span,
                                   "Links to a bare IP address instead of a named site, common in phishing"))
        if "xn--" in host:
            out.append(Finding("malware", "malware.punycode_domain", 0.85, "high", *span,
                               f"Links to an internationalised (punycode) domain {host}, often used to imitate real sites"))
        # "www.google.comto": a link run into the next word; no such site exists
        imitation = brand_imitation(host) if real_suffix(host) else None
        lure, cheap_tld = scam_signals(host, path) if imitation or registered_domain(host) not in _REAL_DOMAINS \
            else (False, False)
        if imitation and (imitation[1] == 2 or lure or cheap_tld):
            out.append(Finding("malware", "malware.lookalike_domain", 0.9, "high", *span,
                               f"Links to {host}, which imitates {imitation[0]} but is not one of its domains"))
        elif lure and cheap_tld and (_LURE_SPLIT.split(host) and not LURE_TOKENS.isdisjoint(_LURE_SPLIT.split(host))
                                     or _lure_in_text(text)):
            out.append(Finding("malware", "malware.scam_link", 0.85, "high", *span,
                               f"Links to {host}: a lure ('gift', 'claim', 'verify'...) on a domain of a kind "
                               "scams favour"))
        elif (cheap_tld or registered_domain(host) in SHORTENERS) and _lure_in_text(text):
            out.append(Finding("malware", "malware.scam_link", 0.8, "high", *span,
                               "A link sold with a gift, giveaway or account-verification lure"))
        if not bare and lk.label and "." in lk.label and " " not in lk.label.strip():
            shown = lk.label.strip().lower().removeprefix("https://").removeprefix("http://").split("/")[0]
            if shown and "." in shown and registered_domain(shown) != registered_domain(host):
                out.append(Finding("malware", "malware.mismatched_link", 0.85, "high", *span,
                                   f"The link shows {shown} but goes to {host}"))
        if not bare and registered_domain(host) in SHORTENERS:
            if urgency is None:  # looked for once, and only when a shortener is there
                urgency = URGENCY.search(text) is not None
            if urgency:
                out.append(Finding("malware", "malware.shortener_lure", 0.8, "high", *span,
                                   "Hides its destination behind a URL shortener and pushes the reader to act fast"))
    for name in files:
        ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
        if ext in DANGEROUS_EXT:
            out.append(Finding("malware", "malware.executable_file", 0.85, "high", 0, 0,
                               f"Attaches a .{ext} file ({name}), which can run code on the reader's machine"))
    out += _lures(targets, files, text, vocab)
    m = ANTIVIRUS.search(text) if vocab is None or not _AV_GATE.isdisjoint(vocab) else None
    if m and m.group().lower().endswith("firewall") and not _runs_something(targets, files):
        m = None  # "disable the firewall to check": troubleshooting, unless a program comes with it
    if m:
        out.append(Finding("malware", "malware.disable_protection", 0.85, "high", m.start(), m.end(),
                           "Asks readers to turn off their security protection"))
    m = EXPLOIT.search(text) if vocab is None or not _EXPLOIT_GATE.isdisjoint(vocab) else None
    if m and m.group("piped") and not _lure_in_text(text):
        # Piped into a shell: where the script comes from decides. The hosts
        # in the command, else any in the message ("U=https://x.xyz/i; curl
        # $U | sh"); with none at all ("curl $URL | sh", a pasted log whose
        # link was cut) there is nothing to judge.
        sources = [(host, path) for host, path, lk in targets if m.start() <= lk.start < m.end()]
        sources += [(ip, "") for ip in IPV4.findall(m.group())]  # "wget -qO- 185.23.44.1/x.sh | sh"
        sources += [(odd, "") for odd in _ODD_HOST.findall(m.group())]  # hex and bracketed addresses
        sources = sources or [(host, path) for host, path, _ in targets]
        if all(script_source_known(host, path) for host, path in sources):
            m = None
    if m:
        out.append(Finding("malware", "malware.exploit_delivery", 0.8, "high", m.start(), m.end(),
                           "Tells readers to download and run code from the internet"))
    return out
