from bot.store import ConversationNotFound, Store
from bot.triage import Triage

import pytest


def judged(urgency="normal", indicators=(), role="victim", intent="seek_help"):
    return Triage(language="en", intent=intent, urgency=urgency, role=role, indicators=list(indicators),
                  exploitation="unknown", confidence=0.9, evidence=[])


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "cases.db")
    yield store
    store.close()


def test_messages_are_kept_in_order(store):
    conversation = store.new_conversation()
    first = store.add_message(conversation, "user", "hello")
    store.add_message(conversation, "bot", "hi")
    assert [m["text"] for m in store.messages(conversation)] == ["hello", "hi"]
    assert [m["text"] for m in store.messages(conversation, after_id=first)] == ["hi"]


def test_urgency_is_never_lowered_and_indicators_accumulate(store):
    conversation = store.new_conversation()
    store.record_triage(conversation, judged("high", ["threats"]), "en")
    after = store.record_triage(conversation, judged("low", ["debt_bondage"], intent="thank"), "en")
    assert after["urgency"] == "high"
    assert after["indicators"] == ["threats", "debt_bondage"]


def test_high_urgency_and_asking_for_a_person_queue_the_conversation(store):
    calm = store.new_conversation()
    store.record_triage(calm, judged("normal"), "en")
    urgent = store.new_conversation()
    store.record_triage(urgent, judged("emergency"), "en")
    asking = store.new_conversation()
    store.record_triage(asking, judged("low", intent="ask_human"), "en")
    assert store.conversation(calm)["status"] == "bot"
    assert store.conversation(urgent)["status"] == "queued"
    assert store.conversation(asking)["status"] == "queued"
    assert [row["id"] for row in store.queue()][0] == urgent


def test_role_stays_with_the_first_clear_cue(store):
    conversation = store.new_conversation()
    store.record_triage(conversation, judged(role="landlord"), "en")
    assert store.record_triage(conversation, judged(role="victim"), "en")["role"] == "landlord"


def test_unknown_conversation_is_a_named_error(store):
    with pytest.raises(ConversationNotFound):
        store.conversation("nope")
    assert not store.exists("nope")


def test_database_survives_reopening(tmp_path):
    first = Store(tmp_path / "cases.db")
    conversation = first.new_conversation()
    first.add_message(conversation, "user", "kept")
    first.close()
    again = Store(tmp_path / "cases.db")
    assert again.messages(conversation)[0]["text"] == "kept"
    again.close()


def test_not_understood_twice_in_a_row_queues_the_conversation(store):
    conversation = store.new_conversation()
    unsure = Triage(language="en", intent="out_of_scope", urgency="low", role="unknown", indicators=[],
                    exploitation="unknown", confidence=0.2, evidence=[])
    first = store.add_message(conversation, "user", "hm")
    assert store.record_triage(conversation, unsure, "en")["status"] == "bot"
    store.set_message_state(first, "answered", unsure)
    store.add_message(conversation, "user", "hmm?")
    assert store.record_triage(conversation, unsure, "en")["status"] == "queued"
