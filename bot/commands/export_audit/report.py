"""The audit's outputs: findings.csv and findings.jsonl written as results
arrive, a self-contained report.html at the end, and a short terminal table.

Excerpts arrive already masked (runner.masked_excerpt); every value that goes
into HTML passes through html.escape. The HTML has no external assets: the
CSS is inline and the chart is an SVG drawn here.
"""
from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

from policies import CATEGORIES

from .export import Problem
from .runner import FindingRow, UnitResult

PLACEHOLDER_WORKSPACE = "https://YOUR-WORKSPACE.slack.com"
CSV_FIELDS = ("time_utc", "channel", "channel_name", "ts", "thread_ts", "user", "user_name", "category", "rule",
              "severity", "score", "action", "explanation", "excerpt", "edited", "link", "file")
# One colour per category, in CATEGORIES order (readable on white, distinct side by side).
COLOURS = ("#b3261e", "#7b1fa2", "#c2185b", "#ef6c00", "#5d4037", "#1565c0", "#00838f", "#6a1b9a",
           "#2e7d32", "#f9a825", "#546e7a", "#8d6e63")
MAX_PROBLEMS_KEPT = 1000


def normalise_workspace_url(value: str | None) -> str:
    """"acme", "acme.slack.com" or "https://acme.slack.com/" -> "https://acme.slack.com"."""
    if not value:
        return PLACEHOLDER_WORKSPACE
    v = value.strip().rstrip("/")
    if "://" not in v:
        v = "https://" + (v if "." in v else f"{v}.slack.com")
    return v


def message_link(base: str, channel: str, ts: str, thread_ts: str | None) -> str:
    link = f"{base}/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@dataclass
class Summary:
    export: str
    out_dir: Path
    files: int = 0
    messages: int = 0
    findings: int = 0
    skipped: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    channel_names: dict[str, str] = field(default_factory=dict)
    messages_by_channel: Counter = field(default_factory=Counter)
    by_day: Counter = field(default_factory=Counter)  # (YYYY-MM-DD, category) -> n
    by_member: Counter = field(default_factory=Counter)
    member_names: dict[str, str] = field(default_factory=dict)
    member_categories: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    elapsed_s: float = 0.0
    jobs: int = 1
    first_day: str = ""
    last_day: str = ""

    @property
    def html_path(self) -> Path:
        return self.out_dir / "report.html"


class ReportWriter:
    """Streams CSV and JSONL as units finish; keeps counters and the first
    `html_limit` findings for the HTML page."""

    def __init__(self, out_dir: str | Path, *, export_name: str, workspace_url: str | None = None,
                 html_limit: int = 2000):
        self.out_dir = Path(out_dir).resolve()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.base = normalise_workspace_url(workspace_url)
        self.placeholder = self.base == PLACEHOLDER_WORKSPACE
        self.html_limit = html_limit
        self.kept: list[FindingRow] = []
        self.summary = Summary(export=export_name, out_dir=self.out_dir)
        self._csv_file: TextIO = open(self.out_dir / "findings.csv", "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow(CSV_FIELDS)
        self._jsonl: TextIO = open(self.out_dir / "findings.jsonl", "w", encoding="utf-8")

    def add_problems(self, problems: list[Problem]) -> None:
        s = self.summary
        s.problems_total += len(problems)
        room = MAX_PROBLEMS_KEPT - len(s.problems)
        if room > 0:
            s.problems.extend(problems[:room])

    def add(self, res: UnitResult, channel_names: dict[str, str]) -> None:
        s = self.summary
        s.files += res.files
        s.messages += res.messages
        s.skipped.update(res.skipped)
        s.messages_by_channel.update(res.per_channel)
        self.add_problems(res.problems)
        for cid in res.per_channel:
            s.channel_names.setdefault(cid, channel_names.get(cid, cid))
        for row in res.findings:
            self._add_row(row)

    def _add_row(self, row: FindingRow) -> None:
        s = self.summary
        s.findings += 1
        s.by_category[row.category] += 1
        s.by_severity[row.severity] += 1
        s.by_channel[row.channel] += 1
        s.channel_names.setdefault(row.channel, row.channel_name)
        day = row.time.strftime("%Y-%m-%d")
        s.by_day[(day, row.category)] += 1
        s.first_day = min(s.first_day or day, day)
        s.last_day = max(s.last_day, day)
        s.by_member[row.user] += 1
        s.member_names.setdefault(row.user, row.user_name)
        s.member_categories[row.user][row.category] += 1
        link = message_link(self.base, row.channel, row.ts, row.thread_ts)
        record = {
            "time_utc": row.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "channel": row.channel,
            "channel_name": row.channel_name, "ts": row.ts, "thread_ts": row.thread_ts, "user": row.user,
            "user_name": row.user_name, "category": row.category, "rule": row.rule, "severity": row.severity,
            "score": row.score, "action": row.action, "explanation": row.explanation, "excerpt": row.excerpt,
            "edited": row.edited, "link": link, "file": row.file,
        }
        self._jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._csv.writerow([_csv_safe(str(record[k])) if isinstance(record[k], str) else
                            ("" if record[k] is None else record[k]) for k in CSV_FIELDS])
        if len(self.kept) < self.html_limit:
            self.kept.append(row)

    def finish(self, *, elapsed_s: float, jobs: int) -> Summary:
        self._csv_file.close()
        self._jsonl.close()
        s = self.summary
        s.elapsed_s, s.jobs = elapsed_s, jobs
        s.html_path.write_text(render_html(s, self.kept, base=self.base, placeholder=self.placeholder),
                               encoding="utf-8")
        return s


# --------------------------------------------------------------------- HTML
def _e(v) -> str:
    return html.escape(str(v), quote=True)


def _chart(s: Summary) -> str:
    """Stacked bars of findings per day (per week beyond 120 days), by category."""
    if not s.by_day:
        return '<p class="muted">No findings, so no chart.</p>'
    first = datetime.strptime(s.first_day, "%Y-%m-%d")
    last = datetime.strptime(s.last_day, "%Y-%m-%d")
    span = (last - first).days + 1
    step = 1 if span <= 120 else 7
    nb = (span + step - 1) // step
    buckets = [Counter() for _ in range(nb)]
    for (day, cat), n in s.by_day.items():
        i = (datetime.strptime(day, "%Y-%m-%d") - first).days // step
        buckets[i][cat] += n
    peak = max(sum(b.values()) for b in buckets) or 1
    w, h, left, bottom, top = 880, 220, 40, 28, 10
    bw = (w - left - 10) / nb
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="Findings per {"day" if step == 1 else "week"}, by category">']
    for frac in (0, 0.5, 1):
        y = h - bottom - frac * (h - bottom - top)
        parts.append(f'<line x1="{left}" x2="{w - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="ax">{round(peak * frac)}</text>')
    for i, b in enumerate(buckets):
        x = left + i * bw
        y = h - bottom
        start = first + timedelta(days=i * step)
        for ci, cat in enumerate(CATEGORIES):
            n = b.get(cat, 0)
            if not n:
                continue
            bh = n / peak * (h - bottom - top)
            y -= bh
            parts.append(f'<rect x="{x + 0.5:.1f}" y="{y:.1f}" width="{max(bw - 1, 1):.1f}" height="{bh:.1f}" '
                         f'fill="{COLOURS[ci]}"><title>{_e(start.strftime("%Y-%m-%d"))}: {n} {_e(cat)}</title></rect>')
    labels = max(1, nb // 8)
    for i in range(0, nb, labels):
        x = left + i * bw
        d = first + timedelta(days=i * step)
        parts.append(f'<text x="{x:.1f}" y="{h - 8}" class="ax">{_e(d.strftime("%b %d"))}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span class="key"><i style="background:{COLOURS[i]}"></i>{_e(c)}</span>'
                     for i, c in enumerate(CATEGORIES) if s.by_category.get(c))
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _bar_rows(items: list[tuple[str, int, str]]) -> str:
    rows = []
    peak = max((n for _l, n, _x in items), default=1) or 1
    for label, n, extra in items:
        pct = n / peak * 100
        rows.append(f"<tr><td>{label}</td><td class=num>{n:,}</td>"
                    f'<td class=barcell><span class=bar style="width:{pct:.1f}%"></span></td>{extra}</tr>')
    return "".join(rows)


CSS = """
body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;
margin:0;background:#f8f8f8}main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px}.muted{color:#616061}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #e2e2e2}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}th{background:#f2f2f2;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;width:70px}.barcell{width:40%}
.bar{display:inline-block;height:10px;background:#4a6fa5;border-radius:2px}
.excerpt{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;white-space:pre-wrap;
word-break:break-word}.sev-critical,.sev-high{color:#b3261e;font-weight:600}.sev-medium{color:#b26a00}
.tag{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px}
.legend{margin-top:4px}.key{margin-right:12px;font-size:12px}.key i{display:inline-block;width:10px;height:10px;
margin-right:4px;border-radius:2px}svg{width:100%;height:auto;background:#fff;border:1px solid #e2e2e2}
.ax{font-size:10px;fill:#616061}.warn{background:#fff4e5;border:1px solid #f0c36d;padding:8px 12px;border-radius:6px}
"""


def render_html(s: Summary, rows: list[FindingRow], *, base: str, placeholder: bool) -> str:
    cat_colour = dict(zip(CATEGORIES, COLOURS))
    out: list[str] = []
    out.append(f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
               f'<meta name="viewport" content="width=device-width,initial-scale=1">'
               f'<title>modbot audit: {_e(s.export)}</title><style>{CSS}</style></head><body><main>')
    out.append(f"<h1>modbot audit of {_e(s.export)}</h1>")
    period = f"{s.first_day} to {s.last_day}" if s.first_day else "no findings"
    out.append(f'<p class="muted">Generated {datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")} · '
               f"findings from {_e(period)} · {s.elapsed_s:.1f} s on {s.jobs} worker(s). "
               "Excerpts have personal data and secrets masked.</p>")
    out.append('<div class="cards">'
               f'<div class="card"><b>{s.messages:,}</b>messages checked</div>'
               f'<div class="card"><b>{s.findings:,}</b>findings</div>'
               f'<div class="card"><b>{len(s.by_member):,}</b>members with findings</div>'
               f'<div class="card"><b>{len(s.messages_by_channel):,}</b>conversations</div>'
               f'<div class="card"><b>{s.files:,}</b>day files read</div>'
               f'<div class="card"><b>{s.problems_total:,}</b>files with problems</div></div>')
    if placeholder:
        out.append(f'<p class="warn">Message links use the placeholder <code>{_e(base)}</code>. '
                   "Run <code>modbot audit EXPORT --workspace-url https://your-team.slack.com</code> "
                   "to make them open in your workspace.</p>")
    if s.problems_total:
        out.append("<h2>Problems</h2><p class=muted>These files were skipped, in whole or in part; "
                   "the rest of the export was audited.</p><table><tr><th>File</th><th>Reason</th></tr>")
        out += [f"<tr><td>{_e(p.file)}</td><td>{_e(p.reason)}</td></tr>" for p in s.problems]
        if s.problems_total > len(s.problems):
            out.append(f"<tr><td colspan=2>… and {s.problems_total - len(s.problems):,} more</td></tr>")
        out.append("</table>")

    out.append("<h2>By category</h2><table><tr><th>Category</th><th class=num>Findings</th><th></th></tr>")
    out.append(_bar_rows([(f'<span class="tag" style="background:{cat_colour[c]}">{_e(c)}</span>',
                           s.by_category.get(c, 0), "") for c in CATEGORIES]))
    out.append("</table>")

    out.append("<h2>Over time</h2>" + _chart(s))

    out.append("<h2>By channel</h2><table><tr><th>Channel</th><th class=num>Findings</th><th></th>"
               "<th class=num>Messages</th><th class=num>per 1,000</th></tr>")
    chans = sorted(s.messages_by_channel, key=lambda c: (-s.by_channel.get(c, 0), s.channel_names.get(c, c)))
    items = []
    for c in chans:
        n, m = s.by_channel.get(c, 0), s.messages_by_channel.get(c, 0)
        rate = f"{n / m * 1000:.1f}" if m else "–"
        items.append((f"#{_e(s.channel_names.get(c, c))}", n, f"<td class=num>{m:,}</td><td class=num>{rate}</td>"))
    out.append(_bar_rows(items) + "</table>")

    out.append("<h2>Members with the most findings</h2><table><tr><th>Member</th><th class=num>Findings</th>"
               "<th></th><th>Categories</th></tr>")
    top = s.by_member.most_common(15)
    out.append(_bar_rows([
        (f"{_e(s.member_names.get(u, u))} <span class=muted>({_e(u)})</span>", n,
         "<td>" + ", ".join(f"{_e(c)} {k}" for c, k in s.member_categories[u].most_common()) + "</td>")
        for u, n in top]))
    out.append("</table>")

    out.append("<h2>Findings</h2>")
    if s.findings > len(rows):
        out.append(f'<p class="muted">The first {len(rows):,} of {s.findings:,}; '
                   "findings.csv and findings.jsonl next to this file have them all.</p>")
    out.append("<table><tr><th>When (UTC)</th><th>Where / who</th><th>Category</th><th>Excerpt (masked)</th>"
               "<th>Why</th></tr>")
    for r in rows:
        link = message_link(base, r.channel, r.ts, r.thread_ts)
        extra = " · thread reply" if r.thread_ts and r.thread_ts != r.ts else ""
        extra += " · edited" if r.edited else ""
        out.append(
            f"<tr><td>{_e(r.time.strftime('%Y-%m-%d %H:%M'))}<br><a href=\"{_e(link)}\">open in Slack</a></td>"
            f"<td>#{_e(r.channel_name)}<br>{_e(r.user_name)}<span class=muted>{_e(extra)}</span></td>"
            f'<td><span class="tag" style="background:{cat_colour.get(r.category, "#555")}">{_e(r.category)}</span>'
            f'<br><span class="sev-{_e(r.severity)}">{_e(r.severity)}</span> · {_e(r.action)}</td>'
            f'<td class="excerpt">{_e(r.excerpt)}</td>'
            f"<td>{_e(r.explanation)}<br><span class=muted>{_e(r.rule)} · score {r.score:.2f}</span></td></tr>")
    out.append("</table>")
    skipped = ", ".join(f"{n:,} {_e(k)}" for k, n in sorted(s.skipped.items())) or "none"
    out.append(f'<p class="muted">Not checked: {skipped} (Slack system messages and bot posts are not audited).</p>')
    out.append("</main></body></html>\n")
    return "".join(out)


# ----------------------------------------------------------------- terminal
# C0 and C1 controls (escape sequences start with ESC or CSI), line and
# paragraph separators, and the bidirectional overrides that reorder text.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from an export, safe to print to a terminal: one line, no control
    characters (a channel name may carry escape sequences)."""
    return _UNPRINTABLE.sub("", str(text))


def format_summary(s: Summary) -> str:
    lines = [f"Checked {s.messages:,} messages in {len(s.messages_by_channel):,} conversations "
             f"({s.files:,} day files) in {s.elapsed_s:.1f} s with {s.jobs} worker(s).", ""]
    width = max(len(c) for c in CATEGORIES)
    lines.append(f"  {'category':<{width}}  findings")
    for c in CATEGORIES:
        n = s.by_category.get(c, 0)
        lines.append(f"  {c:<{width}}  {n:>8,}")
    lines.append(f"  {'total':<{width}}  {s.findings:>8,}")
    if s.by_channel:
        top = ", ".join(f"#{printable(s.channel_names.get(c, c))} {n}" for c, n in s.by_channel.most_common(3))
        lines += ["", f"Most findings: {top}"]
    if s.problems_total:
        lines += ["", f"{s.problems_total:,} problem(s), skipped and listed in the report:"]
        lines += [f"  {printable(p.file)}: {printable(p.reason)}" for p in s.problems[:5]]
        if s.problems_total > 5:
            lines.append(f"  … and {s.problems_total - 5:,} more")
    return "\n".join(lines)
