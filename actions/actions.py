"""Thin Rasa actions: each picks what to say and lets ``bot`` render it in the writer's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import RIGHTS_TOPICS
from bot.conversation import NEXT_STEP, QUESTIONS, ROLE_EXTRAS, WANTS_A_PERSON, buttons
from bot.replies import render
from bot.rights import parse_situation_slot, rights_answer
from bot.settings import Settings
from bot.triage import rights_topic_of
from bot.store import ConversationNotFound, Store

# Intents whose reply key is the intent's own name.
SAME_NAME_REPLIES = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "seek_help", "report_suspicion",
    "ask_confidentiality", "ask_human", "choose_language", "out_of_scope",
})


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "en"


def _open_store() -> Store:
    return Store(Settings().database_path)


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
            topic = rights_topic_of(tracker.latest_message) or "contact_cmm"
        situation = parse_situation_slot(tracker.get_slot("situation"))
        dispatcher.utter_message(text=rights_answer(topic, _language(tracker), situation))
        return [SlotSet("rights_topic", None)]


class AskSlot(Action):
    """Asks a form question, with buttons where the answer is a choice."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = _language(tracker)
        answered_safety = self.slot == "story" or (
            self.slot == "wants" and tracker.get_slot("story") == "told"
            and (tracker.latest_message.get("intent") or {}).get("name") in ("choose", "affirm", "deny"))
        if answered_safety:
            # the answer to "can you write safely?" decides how we go on (the story may be told already)
            unsafe = tracker.get_slot("safe_to_write") == "no"
            dispatcher.utter_message(text=render("flow.safety_no" if unsafe else "flow.safety_yes", language))
        dispatcher.utter_message(text=render(QUESTIONS[self.slot], language), buttons=buttons(self.slot, language))
        return []


def _ask_action(slot: str) -> type[AskSlot]:
    # named in this module, so the action server's worker processes can pickle it
    name = f"AskSlot_{slot}"
    cls = type(name, (AskSlot,), {"slot": slot, "__module__": __name__, "__qualname__": name})
    globals()[name] = cls
    return cls


# One ask action per form slot; rasa-sdk registers every Action subclass it finds.
ASK_ACTIONS = {slot: _ask_action(slot) for slot in QUESTIONS}


class ActionOpenCase(Action):
    """Ends the victim flow: opens the case, gives its code and the next step the person chose."""

    def name(self) -> str:
        return "action_open_case"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = _language(tracker)
        wants = tracker.get_slot("wants") or "information"
        consent = tracker.get_slot("consent") or "anonymous"
        store = _open_store()
        try:
            code = store.open_case(tracker.sender_id, "victim", consent, wants=wants)
            if wants in WANTS_A_PERSON and store.conversation(tracker.sender_id)["status"] == "bot":
                store.set_status(tracker.sender_id, "queued")
        except ConversationNotFound:
            code = None  # only when the dialogue is tested without the gateway
        finally:
            store.close()
        if code:
            dispatcher.utter_message(text=render("flow.case_opened", language, case_code=code))
        dispatcher.utter_message(text=render(NEXT_STEP[wants], language))
        return [SlotSet("case_code", code)]


class ActionFileReport(Action):
    """Ends a reporter flow: files the report, gives its code, and the checklist for landlords and employers."""

    def name(self) -> str:
        return "action_file_report"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = _language(tracker)
        store = _open_store()
        try:
            code = store.open_case(
                tracker.sender_id, "report", "anonymous",
                child=tracker.get_slot("child"), contact_ok=tracker.get_slot("contact_ok"),
            )
            if tracker.get_slot("child") == "yes":
                store.raise_conversation_urgency(tracker.sender_id, "high", ["minor"])
        except ConversationNotFound:
            code = None
        finally:
            store.close()
        if code:
            dispatcher.utter_message(text=render("flow.report_received", language, case_code=code))
        extra = ROLE_EXTRAS.get(tracker.get_slot("role") or "")
        if extra:
            dispatcher.utter_message(text=render(extra, language))
        return [SlotSet("case_code", code)]
