"""The structure of danger: which combinations of cues are danger now, which only make the chat ask."""

import pytest

from bot.danger import read_danger
from bot.rules import default_rule_layer


@pytest.mark.parametrize("cues, emergency, reason", [
    ({"self_harm"}, True, "self_harm"),
    ({"overdose", "past"}, False, "overdose+past"),
    ({"overdose", "past", "now"}, True, "overdose"),
    ({"medical"}, True, "medical"),
    ({"threat"}, False, "threat"),
    ({"threat", "near_time"}, True, "threat+near_time"),
    ({"threat", "near_time", "past"}, True, "threat+near_time"),
    ({"violence", "now"}, True, "violence+now"),
    ({"taken", "against_will"}, True, "taken+against_will"),
    ({"held"}, False, "held"),
    ({"held", "now"}, True, "held+now"),
    ({"child", "taken"}, True, "child+taken"),
    ({"child", "threat"}, False, "threat"),
])
def test_combinations(cues, emergency, reason):
    reading = read_danger(cues)
    assert reading.emergency is emergency and reading.cue and reading.reason == reason


@pytest.mark.parametrize("cues", [set(), {"near_time"}, {"now", "child"}, {"against_will"},
                                  {"threat", "near_time", "joke"}, {"self_harm", "joke"}])
def test_no_sign_or_a_joke_is_no_danger(cues):
    reading = read_danger(cues)
    assert not reading.emergency and not reading.cue


def rules_say_danger_now(text):
    matches = default_rule_layer().analyse(text)
    cues = {m.label for m in matches if m.layer == "danger"}
    phrase = any(m.layer == "emergency" for m in matches)
    return read_danger(cues, phrase=phrase).emergency or (not phrase and read_danger(cues).emergency)


@pytest.mark.parametrize("text", [
    "he swore he would finish me when he gets home tonight",
    "han sagde han slår mig ihjel i aften",
    "we don't know where they are driving us, we did not want to go",
    "my friend swallowed a whole box of sleeping pills",
])
def test_danger_in_words_no_phrase_foresaw(text):
    assert rules_say_danger_now(text)


@pytest.mark.parametrize("text", [
    "my boss will kill me if im late tonight lol",
    "the building collapsed in the storm, nobody was inside",
    "he used to lock me in my room, but that was two years ago and i am safe now",
])
def test_everyday_words_are_no_emergency(text):
    assert not rules_say_danger_now(text)


def test_a_phrase_is_danger_now_unless_past_or_laughed_off():
    assert read_danger(set(), phrase=True).emergency
    assert read_danger({"past", "now"}, phrase=True).emergency
    past = read_danger({"past"}, phrase=True)
    assert not past.emergency and past.cue and past.reason == "phrase+past"
    assert not read_danger({"joke"}, phrase=True).emergency and read_danger({"joke"}, phrase=True).cue


def test_a_threat_needs_a_near_time_not_just_now():
    assert not read_danger({"threat", "now"}).emergency
    assert read_danger({"held", "now"}).emergency
