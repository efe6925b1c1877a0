"""Thin Rasa actions: each picks a reply key and lets ``bot.replies`` render it in the writer's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import RIGHTS_TOPICS
from bot.replies import render

# Intents whose reply key is the intent's own name.
SAME_NAME_REPLIES = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "seek_help", "report_suspicion",
    "ask_confidentiality", "ask_human", "choose_language", "out_of_scope",
})


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "en"


class ActionReply(Action):
    """Answers the latest intent with its reply; anything unknown gets the fallback."""

    def name(self) -> str:
        return "action_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        key = intent if intent in SAME_NAME_REPLIES else "fallback"
        dispatcher.utter_message(text=render(key, _language(tracker)))
        return []


class ActionEmergency(Action):
    """Danger now: the emergency number first, whatever else is said."""

    def name(self) -> str:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(text=render("emergency", _language(tracker)))
        return []


class ActionAnswerRights(Action):
    """The rights answer for the topic the gateway or the response selector found."""

    def name(self) -> str:
        return "action_answer_rights"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        topic = tracker.get_slot("rights_topic")
        if topic not in RIGHTS_TOPICS:
            selected = (tracker.latest_message.get("response_selector") or {}).get("ask_rights") or {}
            key = (selected.get("response") or {}).get("intent_response_key") or ""
            topic = key.split("/", 1)[-1] if "/" in key else "contact_cmm"
        dispatcher.utter_message(text=render(f"rights.{topic}", _language(tracker)))
        return []
