"""Malware and phishing: dangerous files, look-alike domains, lures.

Links come from the Slack parser (both <url|label> and bare URLs) and from
attached file names. Everything is decided offline from the URL text.
"""
from __future__ import annotations

import ipaddress
import re
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
    "slack": ("slack.com", "slack-edge.com", "slack-files.com"),
    "paypal": ("paypal.com", "paypal.me"),
    "google": ("google.com", "googleusercontent.com", "goo.gl", "google.co.uk"),
    "microsoft": ("microsoft.com", "live.com", "office.com", "microsoftonline.com"),
    "apple": ("apple.com", "icloud.com"),
    "amazon": ("amazon.com", "amazon.co.uk", "amazonaws.com", "amazon.de"),
    "github": ("github.com", "githubusercontent.com", "github.io"),
    "facebook": ("facebook.com", "fb.com"),
    "netflix": ("netflix.com",),
    "dropbox": ("dropbox.com",),
    "stripe": ("stripe.com",),
    "coinbase": ("coinbase.com",),
    "binance": ("binance.com",),
    "steam": ("steampowered.com", "steamcommunity.com"),
    "discord": ("discord.com", "discord.gg", "discordapp.com"),
    "zoom": ("zoom.us",),
    "docusign": ("docusign.com", "docusign.net"),
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
EXPLOIT = re.compile(
    r"(?:curl|wget|iwr|invoke-webrequest)\b[^\n|]{0,200}\|\s{0,3}(?:sudo\s{1,3})?(?:ba|z)?sh\b"
    r"|\bpowershell(?:\.exe)?\s{1,3}-(?:enc|encodedcommand|e|w hidden|windowstyle hidden)\b"
    r"|\biex\s{0,3}\(\s{0,3}(?:new-object|iwr|invoke-webrequest)"
    r"|\bmshta\s{1,3}https?://|\bcertutil\s{1,3}-urlcache"
    r"|\b(?:free|cracked|keygen|crack)\b[^\n]{0,40}\b(?:download|exe|apk)\b", re.I)


def registered_domain(host: str) -> str:
    parts = host.split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in ("co", "com", "org", "net", "ac", "gov"):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


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
_BRAND_LENGTHS = {len(b) for b in BRANDS}


def lookalike_brand(host: str) -> str | None:
    reg = registered_domain(host)
    if reg in _REAL_DOMAINS or host in _REAL_DOMAINS:
        return None
    label = reg.split(".")[0]
    squashed = label.translate(_HOMOGLYPH).replace("-", "").replace("rn", "m").replace("vv", "w")
    near = any(abs(len(squashed) - n) <= 1 for n in _BRAND_LENGTHS)
    host_sq = host.translate(_HOMOGLYPH)
    for brand in BRANDS:
        if near and (squashed == brand or _edit1(squashed, brand)):
            return brand
        # brand inside a longer host: paypal-login.example, slack.verify-account.io
        if len(brand) >= 5 and brand in host_sq:
            return brand
    return None


_AV_GATE = frozenset("disable turn deactivate switch uninstall bypass".split())
_EXPLOIT_GATE = frozenset("curl wget iwr invoke powershell iex mshta certutil free cracked keygen crack".split())


def check_links(links, files, text: str, allowed_domains: frozenset[str],
                vocab: frozenset[str] | None = None) -> list[Finding]:
    """`vocab`: the message's normalised words, to skip patterns that cannot match."""
    out: list[Finding] = []
    urgency: bool | None = None
    for lk in links:
        try:
            parts = urlsplit(lk.url if "://" in lk.url else "http://" + lk.url)
            host = (parts.hostname or "").lower().rstrip(".")
        except ValueError:
            continue
        if not host:
            continue
        if host in allowed_domains or any(host.endswith("." + d) for d in allowed_domains):
            continue
        path = parts.path.lower()
        ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        span = (lk.start, lk.end)
        if ext in DANGEROUS_EXT:
            out.append(Finding("malware", "malware.executable_link", 0.9, "high", *span,
                               f"Links straight to a .{ext} file, which can run code on the reader's machine"))
        try:
            ipaddress.ip_address(host.strip("[]"))
            out.append(Finding("malware", "malware.ip_link", 0.75, "medium", *span,
                               "Links to a bare IP address instead of a named site, common in phishing"))
        except ValueError:
            pass
        if "xn--" in host:
            out.append(Finding("malware", "malware.punycode_domain", 0.85, "high", *span,
                               f"Links to an internationalised (punycode) domain {host}, often used to imitate real sites"))
        brand = lookalike_brand(host)
        if brand:
            out.append(Finding("malware", "malware.lookalike_domain", 0.9, "high", *span,
                               f"Links to {host}, which imitates {brand} but is not one of its domains"))
        if lk.label and "." in lk.label and " " not in lk.label.strip():
            shown = lk.label.strip().lower().removeprefix("https://").removeprefix("http://").split("/")[0]
            if shown and "." in shown and registered_domain(shown) != registered_domain(host):
                out.append(Finding("malware", "malware.mismatched_link", 0.85, "high", *span,
                                   f"The link shows {shown} but goes to {host}"))
        if registered_domain(host) in SHORTENERS:
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
    m = ANTIVIRUS.search(text) if vocab is None or not _AV_GATE.isdisjoint(vocab) else None
    if m:
        out.append(Finding("malware", "malware.disable_protection", 0.85, "high", m.start(), m.end(),
                           "Asks readers to turn off their security protection"))
    m = EXPLOIT.search(text) if vocab is None or not _EXPLOIT_GATE.isdisjoint(vocab) else None
    if m:
        out.append(Finding("malware", "malware.exploit_delivery", 0.8, "high", m.start(), m.end(),
                           "Tells readers to download and run code from the internet"))
    return out
