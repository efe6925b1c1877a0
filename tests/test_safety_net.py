"""The safety net: a high message, or one with danger cues, makes the chat ask whether someone is in danger now."""

import pytest

from bot import LANGUAGES
from bot.replies import render
from bot.safety_net import answer_buttons, answer_of, question, should_ask
from bot.triage import Triage
from bot.web.keys import STORE
from tests.conftest import say


def triage(urgency="high", intent="seek_help", cue=False):
    return Triage(language="en", intent=intent, urgency=urgency, role="victim", indicators=[],
                  exploitation="unknown", confidence=0.8, evidence=[], danger_cue=cue)


def test_asks_for_high_and_for_danger_cues_but_not_for_emergencies():
    fresh = {"danger_question": None, "danger_answer": None}
    assert should_ask(triage("high"), fresh)
    assert should_ask(triage("normal", cue=True), fresh)
    assert not should_ask(triage("normal"), fresh)
    assert not should_ask(triage("emergency", "emergency"), fresh)


def test_asks_again_only_when_new_danger_cues_show():
    answered = {"danger_question": None, "danger_answer": "no"}
    assert not should_ask(triage("high"), answered)
    assert should_ask(triage("high", cue=True), answered)
    assert not should_ask(triage("high", cue=True), {"danger_question": '{"intent": "seek_help"}'})


def test_answers_by_button_or_in_words():
    assert answer_of("yes", None) == "yes" and answer_of("no", None) == "no"
    assert answer_of(None, triage("low", "affirm")) == "yes"
    assert answer_of(None, triage("low", "deny")) == "no"
    assert answer_of(None, triage("emergency", "emergency")) == "yes"
    assert answer_of(None, triage("low", "out_of_scope")) is None
    assert answer_of("information", None) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_question_and_buttons_in_the_persons_language(language):
    assert question("victim", language) == render("flow.danger_check", language)
    assert question("landlord", language) == render("flow.danger_check_other", language)
    assert [b["title"] for b in answer_buttons(language)] == [render("flow.yes", language), render("flow.no", language)]


# High (threats) but not danger this minute, written for this test.
HIGH = {
    "da": "min chef siger at han vil gøre min familie fortræd hvis jeg går til politiet",
    "en": "my boss says he will hurt my family if i go to the police",
    "th": "นายจ้างขู่ว่าถ้าหนูไปแจ้งตำรวจ เขาจะทำร้ายครอบครัวหนูที่เมืองไทย",
    "pcm": "madam talk say if i go police she go hurt my family for naija",
}


@pytest.mark.engine
@pytest.mark.parametrize("language", LANGUAGES)
async def test_yes_gives_112_and_the_top_of_the_queue(live_client, language):
    asked = await say(live_client, None, HIGH[language])
    assert asked["language"] == language and asked["urgency"] == "high"
    assert asked["messages"] == [render("flow.danger_check", language)]
    assert [b["choice"] for b in asked["buttons"]] == ["yes", "no"]
    answered = await say(live_client, asked["conversation"], asked["buttons"][0]["title"], "yes")
    assert answered["messages"][0] == render("emergency", language)
    assert answered["urgency"] == "emergency"
    store = live_client.app[STORE]
    assert store.conversation(asked["conversation"])["urgency"] == "emergency"
    # the store is shared by the whole test run: only other emergencies may stand before it
    queue = store.queue()
    ahead = queue[:[row["id"] for row in queue].index(asked["conversation"])]
    assert all(row["urgency"] == "emergency" for row in ahead)


@pytest.mark.engine
@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_goes_on_with_the_flow(live_client, language):
    asked = await say(live_client, None, HIGH[language])
    answered = await say(live_client, asked["conversation"], asked["buttons"][1]["title"], "no")
    # the held-back turn reaches the dialogue: the victim flow starts where it would have
    assert answered["messages"][:3] == [render("flow.danger_no", language), render("seek_help", language),
                                        render("flow.safety_check", language)]
    assert answered["urgency"] != "emergency"


@pytest.mark.engine
@pytest.mark.parametrize("language", ["en", "pcm"])
async def test_no_answer_alerts_a_person(live_client, language):
    store = live_client.app[STORE]
    waiting_longer = await say(live_client, None, HIGH[language])
    await say(live_client, waiting_longer["conversation"], "no", "no")
    asked = await say(live_client, None, HIGH[language])
    await say(live_client, asked["conversation"], {"en": "what is the weather", "pcm": "how una dey"}[language])
    conversation = store.conversation(asked["conversation"])
    assert conversation["status"] == "queued" and conversation["needs_person_since"]
    assert conversation["danger_answer"] == "unanswered"
    # among conversations of the same urgency, the unanswered question comes first
    order = [row["id"] for row in store.queue()]
    assert order.index(asked["conversation"]) < order.index(waiting_longer["conversation"])
