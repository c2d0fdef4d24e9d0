"""The guideline text: the default file, an operator's file, topic lookup."""
from __future__ import annotations

import pytest

from bot.config import parse_config
from bot.services import guidelines as g
from policies.model import CATEGORIES


@pytest.fixture
def default_config():
    return parse_config({}, source="test")


def test_default_file_has_a_section_per_category_and_the_extras(default_config):
    ids = [s.id for s in g.load_guidelines(default_config)]
    for category in (*CATEGORIES, *g.EXTRA_SECTIONS):
        assert category in ids, category
    # categories appear in the order policies/model.py lists them
    positions = [ids.index(c) for c in CATEGORIES]
    assert positions == sorted(positions)
    for section in g.load_guidelines(default_config):
        assert section.title and len(section.text) > 80
        assert "{#" not in section.title


def test_expert_numbers_follow_the_configuration():
    config = parse_config({"experts": {"minimum": 7, "grace_days": 14}}, source="test")
    text = g.section_for("experts", config).text
    assert "at least 7 answers" in text and "14 days" in text
    assert "{minimum}" not in text


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("privacy", ["privacy"]),
        ("PII", ["privacy"]),
        ("#privacy", ["privacy"]),
        ("ads", ["selling"]),
        ("off-topic", ["off_topic"]),
        ("off topic", ["off_topic"]),
        ("violent_content", ["violent_content"]),
        ("violence", ["threat", "violent_content"]),
        ("bullying", ["harassment"]),
        ("appeal", ["moderation"]),
        ("flag", ["flagging"]),
        ("impersonation", ["impersonation"]),
        ("malware", ["malware"]),
        ("Hate speech", ["hate"]),
        ("graphic", ["violent_content"]),
        ("screenshot", ["privacy"]),  # found in the text, last resort
        ("xyzzy", []),
    ],
)
def test_find_matches_ids_synonyms_titles_and_text(default_config, topic, expected):
    assert [s.id for s in g.find(topic, default_config)] == expected


def test_empty_topic_gives_everything(default_config):
    assert len(g.find("", default_config)) == len(g.load_guidelines(default_config))


def test_section_for_and_category(default_config):
    section = g.section_for("spam", default_config)
    assert section.category == "spam" and section.title == "Spam"
    assert g.section_for("flagging", default_config).category == ""
    with pytest.raises(KeyError):
        g.section_for("no_such_rule", default_config)


def test_operator_file_relative_to_the_config_folder(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ours.md").write_text(
        "# House rules\n\nBe kind.\n\n"
        "## Keep personal data private\nNo phone numbers, ever.\n\n"
        "## Advertising {#selling}\nNo ads.\n### Exception\nJob posts in #jobs.\n\n"
        "## Bring cake\nAlways.\n\n"
        "```\n## not a heading\n```\n",
        encoding="utf-8",
    )
    config = parse_config({"guidelines": {"file": "rules/ours.md"}}, source=str(tmp_path / "modbot.toml"), base_dir=str(tmp_path))
    sections = g.load_guidelines(config)
    assert [s.id for s in sections] == ["intro", "privacy", "selling", "bring_cake"]
    assert sections[0].text == "Be kind."
    assert "**Exception**" in sections[2].text
    assert "## not a heading" in sections[3].text
    assert [s.id for s in g.find("pii", config)] == ["privacy"]
    # a category the operator left out falls back to the default wording
    assert "threaten" in g.section_for("threat", config).text


def test_missing_or_empty_operator_file_is_one_clear_line(tmp_path):
    config = parse_config({"guidelines": {"file": "nope.md"}}, source="modbot.toml", base_dir=str(tmp_path))
    with pytest.raises(g.GuidelinesError) as err:
        g.load_guidelines(config)
    assert "guidelines.file" in str(err.value) and "\n" not in str(err.value)
    # answering members never fails: the default text stands in
    assert [s.id for s in g.find("privacy", config)] == ["privacy"]
    (tmp_path / "empty.md").write_text("just words, no headings\n", encoding="utf-8")
    config = parse_config({"guidelines": {"file": "empty.md"}}, source="modbot.toml", base_dir=str(tmp_path))
    with pytest.raises(g.GuidelinesError, match="no '## ' section headings"):
        g.load_guidelines(config)


def test_duplicate_ids_stay_reachable():
    sections = g.parse_guidelines("## Spam\none\n## Spam again {#spam}\ntwo\n")
    assert [s.id for s in sections] == ["spam", "spam_2"]
