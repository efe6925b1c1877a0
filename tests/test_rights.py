"""Rights answers that follow what the writer said: residence, EU citizenship, age."""

from pathlib import Path

import pytest
import yaml

from actions.actions import ActionAnswerRights
from bot import LANGUAGES, RIGHTS_TOPICS, SITUATIONS
from bot.replies import render
from bot.rights import merge_situation, parse_situation_slot, rights_answer, situation_from_labels
from bot.rules import default_rule_layer
from bot.store import Store
from bot.triage import Triage
from tests.conftest import run_action

SITUATION_CASES = yaml.safe_load((Path(__file__).parent / "data" / "situation.yml").read_text(encoding="utf-8"))


def situation_cases():
    for expected, texts in SITUATION_CASES.items():
        for text in texts:
            yield pytest.param(text, [] if expected == "none" else [expected], id=f"{expected}:{text[:40]}")


@pytest.mark.parametrize("text, expected", list(situation_cases()))
def test_rule_layer_finds_what_writers_say_about_themselves(text, expected):
    labels = [m.label for m in default_rule_layer().analyse(text) if m.layer == "situation"]
    assert situation_from_labels(labels) == expected


def test_no_residence_wins_when_one_message_says_both():
    assert situation_from_labels(["legal_residence", "no_legal_residence", "child"]) == ["no_legal_residence", "child"]
    assert situation_from_labels(["unknown", "eu_citizen"]) == ["eu_citizen"]


def test_residence_follows_the_latest_statement_and_age_stays():
    known = merge_situation([], ["child", "legal_residence"])
    assert merge_situation(known, ["no_legal_residence"]) == ["no_legal_residence", "child"]
    assert merge_situation(["no_legal_residence", "eu_citizen"], []) == ["no_legal_residence", "eu_citizen"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_reflection_or_restitution_period_by_residence(language):
    without = rights_answer("reflection_period", language, ["no_legal_residence"])
    with_permit = rights_answer("reflection_period", language, ["legal_residence"])
    assert "30" in without and "120" in without
    assert "120" not in with_permit
    assert with_permit == render("rights_by_situation.reflection_period.legal_residence", language)
    assert rights_answer("reflection_period", language, []) == render("rights.reflection_period", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_eu_citizens_get_a_note_where_their_rules_differ(language):
    note = render("rights_note.eu_citizen", language)
    assert rights_answer("residence", language, ["eu_citizen"]).endswith(note)
    assert note not in rights_answer("compensation", language, ["eu_citizen"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_child_is_told_about_their_protection(language):
    assert rights_answer("children", language, ["child"]) == render("rights_by_situation.children.child", language)
    for topic in RIGHTS_TOPICS:
        if topic != "children":
            assert rights_answer(topic, language, ["child"]).endswith(render("rights_note.child", language))


def test_every_variant_names_a_known_topic_and_situation():
    from bot.replies import load_replies

    for language in LANGUAGES:
        for key in load_replies(language):
            if key.startswith("rights_by_situation."):
                _, topic, situation = key.split(".")
                assert topic in RIGHTS_TOPICS and situation in SITUATIONS, key


def test_rights_action_reads_the_situation_slot():
    slots = {"language": "pcm", "rights_topic": "accommodation", "situation": "no_legal_residence,child"}
    messages, _ = run_action(ActionAnswerRights(), slots)
    assert messages[0]["text"] == rights_answer("accommodation", "pcm", ["no_legal_residence", "child"])
    assert parse_situation_slot("child, nonsense") == ["child"] and parse_situation_slot(None) == []


def _triage(situation):
    return Triage("en", "ask_rights", "low", "victim", [], "unknown", 0.9, [], situation=situation)


def test_conversation_keeps_the_writers_situation(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    conversation = store.new_conversation("en")
    store.record_triage(conversation, _triage(["eu_citizen", "legal_residence"]), "en")
    judged = store.record_triage(conversation, _triage(["no_legal_residence"]), "en")
    assert judged["situation"] == ["no_legal_residence", "eu_citizen"]
    assert "situation" not in _triage(["child"]).to_contract()


def test_a_database_from_before_situations_is_upgraded(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.sqlite"
    columns = {"id": str, "created_at": str, "updated_at": str, "language": str, "urgency": str,
               "urgency_rank": int, "role": str, "exploitation": str, "indicators": str, "status": str,
               "consent": str, "needs_person_since": str}
    sqlite_utils.Database(path)["conversations"].create(columns, pk="id")
    upgraded = Store(path)
    conversation = upgraded.new_conversation("da")
    assert upgraded.conversation(conversation)["situation"] == []
