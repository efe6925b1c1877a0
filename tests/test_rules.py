"""The spaCy rule layers on held-out sentences written apart from the patterns (tests/data/rules_<lang>.yml)."""

from pathlib import Path

import pytest
import yaml

from bot import INDICATORS, LANGUAGES
from bot.rules import PatternSyntaxError, RuleLayer, compile_phrase, default_rule_layer, load_rule_file, parse_phrase

DATA = Path(__file__).parent / "data"


def cases(kind: str):
    for language in LANGUAGES:
        path = DATA / f"rules_{language}.yml"
        if not path.exists():
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get(kind, []):
            yield pytest.param(language, item, id=f"{language}:{str(item)[:40]}")


@pytest.fixture(scope="module")
def rules() -> RuleLayer:
    return default_rule_layer()


def layers(rules, text):
    return {(m.layer, m.label) for m in rules.analyse(text)}


@pytest.mark.parametrize("language, text", list(cases("emergency")))
def test_danger_now_is_an_emergency(rules, language, text):
    assert ("emergency", "emergency") in layers(rules, text)


@pytest.mark.parametrize("language, text", list(cases("not_emergency")))
def test_no_false_emergency(rules, language, text):
    assert ("emergency", "emergency") not in layers(rules, text)


@pytest.mark.parametrize("language, item", list(cases("indicators")))
def test_indicator_evidence(rules, language, item):
    assert item["indicator"] in INDICATORS
    found = [m for m in rules.analyse(item["text"]) if m.layer == "indicators" and m.label == item["indicator"]]
    assert found, f"no {item['indicator']} evidence"
    assert found[0].text in item["text"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_layer(language):
    rule_file = load_rule_file(language)
    assert len(rule_file["emergency"]["emergency"]) >= 60
    assert set(rule_file["indicators"]) == set(INDICATORS)
    assert set(rule_file["languages"]) == set(LANGUAGES)


def test_phrase_syntax():
    slots = parse_phrase("(he|she)? lock~ ... door")
    assert slots[0].optional and slots[0].alternatives == ("he", "she")
    assert slots[2].gap
    with pytest.raises(PatternSyntaxError):
        parse_phrase("... (x)?")
    with pytest.raises(PatternSyntaxError):
        parse_phrase("[a-z]+ now")


def test_folded_danish_and_typos_match(tmp_path):
    (tmp_path / "da.yml").write_text("emergency:\n  - hjælp nu\n  - han|hun kvæler mig\n", encoding="utf-8")
    layer = RuleLayer(tmp_path)
    for text in ("HJAELP NU", "hjalp nu", "hun kvaeler mig", "han kvæller mig"):
        assert any(m.layer == "emergency" for m in layer.analyse(text)), text
    assert not layer.analyse("han har en bil") and not layer.analyse("hjælp mig i morgen")


def test_thai_without_spaces_matches_patterns_with_spaces(tmp_path):
    (tmp_path / "th.yml").write_text("emergency:\n  - ขัง ... ไว้ ... ห้อง\n", encoding="utf-8")
    layer = RuleLayer(tmp_path)
    assert [m.layer for m in layer.analyse("เขาขังฉันไว้ในห้องค่ะ")] == ["emergency"]


def test_multi_token_alternatives_expand():
    import spacy
    nlp = spacy.blank("en")
    assert len(compile_phrase(nlp, "can't|cannot get out")) == 2


@pytest.mark.parametrize("text, expected", [
    ("o ya, who wan follow me go market?", False),
    ("follow me on tiktok for more videos", False),
    ("the supervisor follows us everywhere, even to the toilet", True),
    ("madam dey follow me everywhere i go", True),
])
def test_being_followed_is_restricted_movement_only_when_it_is_constant(rules, text, expected):
    labels = {m.label for m in rules.analyse(text) if m.layer == "indicators"}
    assert ("restricted_movement" in labels) is expected


@pytest.mark.parametrize("text, expected", [
    ("my money trap for kuda, dem say wait 24 hours", False),
    ("dem trap us for dia house, we no fit comot", True),
    ("i dey trapped inside the room", True),
])
def test_trapped_is_danger_with_a_place_not_with_money_stuck_in_an_app(rules, text, expected):
    assert any(m.layer == "emergency" for m in rules.analyse(text)) is expected
