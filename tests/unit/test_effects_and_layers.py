"""Typed side effects (bot/slack/effects.py) and the layering of the case
package (bot/services/cases/__init__.py lists it bottom to top)."""
from __future__ import annotations

import ast
from pathlib import Path

from bot.slack import effects as fx
from bot.slack.gateway import METHODS, REQUIRED

EXAMPLES = [
    fx.DeleteMessage(case_id=1, channel="C1", ts="1.0"),
    fx.DeleteMessage(case_id=1, channel="C1", ts="2.0", suspended=True),
    fx.DirectMessage(case_id=1, user="U1", about=fx.About.WARNING, ref=3, text="hi"),
    fx.DirectMessage(case_id=1, user="U1", about=fx.About.SUSPENSION, ref=4, text="hi", blocks=[{"type": "divider"}]),
    fx.ThreadPost(case_id=1, channel="G1", thread_ts="9.0", about=fx.About.APPEAL, ref="7", text="appeal"),
    fx.ThreadPost(channel="G1", thread_ts=None, about=fx.About.PROFILE_CHECK, ref="U1:ab", text="profile"),
    fx.ThreadPost(case_id=1, channel="G1", thread_ts="9.0", about=fx.About.REOPENED, ref="1:2", text="x", broadcast=True),
    fx.UpdateThreadPost(case_id=1, channel="G1", ts="9.5", about=fx.About.APPEAL_DECIDED, ref="7", text="done"),
    fx.Kick(case_id=1, channel="C2", user="U1", suspension_id=4),
    fx.PostCard(case_id=1, channel="G1", text="card", blocks=[], metadata={}),
    fx.UpdateCard(case_id=1, channel="G1", ts="9.0", text="card", blocks=[], after=0, digest="abc"),
]


def test_each_effect_is_a_call_slack_accepts_with_its_own_key_and_label():
    keys = set()
    for effect in EXAMPLES:
        call = effect.call()
        assert call.method in METHODS and call.token in METHODS[call.method], effect
        assert all(call.args.get(a) not in (None, "") for a in REQUIRED.get(call.method, ())), effect
        assert effect.label and not effect.label.startswith("a Slack call"), effect
        keys.add(effect.key)
    assert len(keys) == len(EXAMPLES)
    assert EXAMPLES[0].key == fx.DeleteMessage(case_id=2, channel="C1", ts="1.0").key  # the message, not the case


def test_topics_tie_effects_to_their_decision():
    assert EXAMPLES[3].topic == "suspension:4" == EXAMPLES[8].topic
    assert EXAMPLES[2].topic == "warning:3"
    assert fx.topic_id(EXAMPLES[4].topic, "appeal") == 7
    assert fx.topic_id("appeal:\u00b2", "appeal") is None and fx.topic_id(None, "appeal") is None
    assert EXAMPLES[6].call().args["reply_broadcast"] is True and "reply_broadcast" not in EXAMPLES[4].call().args


ORDER = ["rules", "common", "card", "floods", "removal", "suspensions", "flags", "decisions", "clicks", "appeals", "intake",
         "wiring"]


def test_the_case_package_imports_only_downwards():
    root = Path(__file__).resolve().parents[2] / "bot" / "services" / "cases"
    assert sorted(p.stem for p in root.glob("*.py") if p.stem != "__init__") == sorted(ORDER)
    for name in ORDER:
        tree = ast.parse((root / f"{name}.py").read_text())
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot.services.cases"):
                imported |= {node.module.rpartition(".")[2]} if node.module != "bot.services.cases" else \
                    {a.name for a in node.names}
        below = set(ORDER[:ORDER.index(name)])
        assert imported <= below, f"{name} imports {sorted(imported - below)} from above it"
        assert len((root / f"{name}.py").read_text().splitlines()) <= 300, name


def _module_imports(root: Path) -> dict[str, set[str]]:
    """Each module of the app's packages -> the app modules it imports at load
    time (imports inside functions and under TYPE_CHECKING are not load-time)."""
    mods = {}
    for top in ("bot", "handlers", "storage", "policies"):
        for p in (root / top).rglob("*.py"):
            parts = p.relative_to(root).with_suffix("").parts
            mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    graph = {}
    for name, p in mods.items():
        package = name.split(".") if p.name == "__init__.py" else name.split(".")[:-1]
        deps = set()
        for node in ast.parse(p.read_text()).body:
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
                deps |= {f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def test_no_import_cycles():
    graph = _module_imports(Path(__file__).resolve().parents[2])
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join(path[path.index(name):] + (name,))
        if name in done:
            return
        for dep in graph[name]:
            visit(dep, path + (name,))
        done.add(name)

    for name in graph:
        visit(name, ())
