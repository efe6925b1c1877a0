"""How the model's parse, the rule matches and the language guess combine (rule files made here)."""

import pytest
import yaml

from bot.language import LanguageGuess
from bot.rules import RuleLayer
from bot.triage import (
    MODEL_EMERGENCY_CONFIDENCE, TriageInputError, check_message, judge, raise_urgency, word_count,
)

RULES = {
    "emergency": ["knife", "lock~ me in|inside"],
    "indicators": {
        "documents_confiscated": ["took|take|keeps my passport|id"],
        "minor": ["she is 15|16|17"],
        "debt_bondage": ["pay back ... debt"],
    },
    "roles": {"landlord": ["my tenant|tenants"], "victim": ["my boss"]},
    "exploitation": {"sexual": ["clients"], "labour": ["farm"]},
    "languages": {"th": ["thai"], "en": ["english"]},
}


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "en.yml").write_text(yaml.safe_dump(RULES))
    return RuleLayer(folder)


def parse(intent, confidence, entities=(), topic=None, ranking=None):
    result = {
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": list(entities),
    }
    if topic:
        result["response_selector"] = {"ask_rights": {"response": {"intent_response_key": f"ask_rights/{topic}"}}}
    return result


EN = LanguageGuess("en", 0.99)


def test_emergency_rule_wins_over_an_unsure_model(rules):
    text = "he has a knife"
    result = judge(text, parse("out_of_scope", 0.4), rules.analyse(text), EN)
    assert result.intent == "emergency" and result.urgency == "emergency"
    assert result.confidence >= 0.9


def test_emergency_rule_works_without_the_engine(rules):
    text = "they lock me inside"
    result = judge(text, None, rules.analyse(text), EN)
    assert result.urgency == "emergency"
    assert result.to_contract()["engine"] == "unavailable"


def test_model_alone_calls_emergency_only_when_sure(rules):
    text = "please come here fast"
    assert judge(text, parse("emergency", MODEL_EMERGENCY_CONFIDENCE), [], EN).urgency == "emergency"
    unsure = judge(text, parse("emergency", MODEL_EMERGENCY_CONFIDENCE - 0.05), [], EN)
    # emergency means both intent and urgency: an unsure model makes a high case, and the chat asks
    assert unsure.urgency == "high" and unsure.intent == "seek_help" and unsure.danger_cue


def test_model_alone_is_not_trusted_on_two_words(rules):
    assert judge("i odense", parse("emergency", 0.96), [], EN).urgency == "high"
    # Thai has no spaces: its words are counted after segmentation
    thai = "เขากำลังจะมาทำร้ายหนู"
    assert word_count(thai) >= 3
    assert judge(thai, parse("emergency", 0.9), [], LanguageGuess("th", 1.0)).urgency == "emergency"


def test_indicators_from_rules_and_model_without_duplicates(rules):
    text = "my boss took my passport and i must pay back the debt"
    entities = [{"entity": "documents_confiscated", "start": 8, "end": 24, "value": "took my passport", "confidence_entity": 0.9},
                {"entity": "debt_bondage", "start": 38, "end": 46, "value": "pay back", "confidence_entity": 0.2}]
    result = judge(text, parse("seek_help", 0.95, entities), rules.analyse(text), EN)
    assert result.indicators == ["documents_confiscated", "debt_bondage"]
    assert {"indicator": "documents_confiscated", "text": "took my passport"} in result.evidence
    # the weak model entity is dropped, the rule's evidence stays
    assert all(item["text"] != "pay back" for item in result.evidence)
    assert result.urgency == "normal" and result.role == "victim"


def test_child_makes_it_high(rules):
    text = "my neighbour's girl, she is 15, has clients at night"
    result = judge(text, parse("report_suspicion", 0.9), rules.analyse(text), EN)
    assert result.urgency == "high" and "minor" in result.indicators
    assert result.exploitation == "sexual" and result.role == "third_party"


def test_specific_role_beats_generic_one(rules):
    text = "my tenant says my boss took my passport"
    assert judge(text, parse("report_suspicion", 0.8), rules.analyse(text), EN).role == "landlord"


def test_rights_topic_only_for_ask_rights(rules):
    result = judge("how long can i stay", parse("ask_rights", 0.9, topic="reflection_period"), [], EN)
    assert result.to_contract()["rights_topic"] == "reflection_period"
    other = judge("hello", parse("greet", 0.9, topic="reflection_period"), [], EN)
    assert "rights_topic" not in other.to_contract()


def test_fallback_intent_maps_to_best_real_intent(rules):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_human", "confidence": 0.33}]
    result = judge("hm", parse("nlu_fallback", 0.4, ranking=ranking), [], EN)
    assert result.intent == "ask_human" and result.confidence == pytest.approx(0.33)


def test_unsure_chat_with_indicators_becomes_a_case(rules):
    text = "they took my passport"
    result = judge(text, parse("out_of_scope", 0.3), rules.analyse(text), EN)
    assert result.intent == "seek_help" and result.urgency == "normal"


def test_triage_says_what_decided_it(rules):
    knife, passport, chat = "he has a knife", "they took my passport", "nice weather"
    assert judge(knife, parse("out_of_scope", 0.9), rules.analyse(knife), EN).decided_by == "emergency_rule"
    assert judge(passport, parse("out_of_scope", 0.3), rules.analyse(passport), EN).decided_by == "indicator_rule"
    # a sure model keeps its intent, even where the rules see an indicator
    assert judge(passport, parse("seek_help", 0.9), rules.analyse(passport), EN).decided_by == "model"
    assert judge(chat, parse("out_of_scope", 0.9), rules.analyse(chat), EN).decided_by == "model"


def test_language_request(rules):
    text = "thai please"
    result = judge(text, parse("choose_language", 0.9), rules.analyse(text), EN)
    assert result.requested_language == "th"
    assert judge(text, parse("choose_language", 0.9), rules.analyse(text), EN, language="da").language == "da"


def test_contract_fields_and_types(rules):
    text = "they took my passport"
    contract = judge(text, parse("seek_help", 0.8), rules.analyse(text), EN).to_contract()
    assert set(contract) >= {"language", "intent", "urgency", "role", "indicators", "exploitation", "confidence", "evidence"}
    assert isinstance(contract["confidence"], float) and 0 <= contract["confidence"] <= 1
    assert len(contract["indicators"]) == len(set(contract["indicators"]))


@pytest.mark.parametrize("bad, reason", [("", "empty"), ("   ", "empty"), (None, "string"), ("x" * 5001, "longer")])
def test_unjudgeable_input(bad, reason):
    with pytest.raises(TriageInputError, match=reason):
        check_message(bad)


def test_urgency_only_rises():
    assert raise_urgency("high", "low") == "high"
    assert raise_urgency("normal", "emergency") == "emergency"
