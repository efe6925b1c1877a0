"""Request handlers of the chat page and the HTTP API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from aiohttp import web

from bot import LANGUAGES
from bot.engine import EngineUnavailable
from bot.facts import load_opening_hours, placeholders
from bot.language import LanguageGuess, conversation_language
from bot.replies import render
from bot import safety_net
from bot.conversation import CHOICE_VALUES, queued_notice, told_already
from bot.store import CaseNotFound, ConversationNotFound, normalise_case_code
from bot.triage import TriageInputError, check_message
from bot.web.keys import ENGINE, ENGINE_STATE, STORE, TRIAGER

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


async def json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be JSON"}), content_type="application/json"
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text=json.dumps({"error": "body must be a JSON object"}),
                                 content_type="application/json")
    return body


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def health(request: web.Request) -> web.Response:
    """Whether the engine answers and whether people are at CMM now, with the numbers to call."""
    facts = placeholders()
    return web.json_response({
        "engine": "ready" if request.app[ENGINE_STATE].ready else "unavailable",
        "staffed": load_opening_hours().is_open(dt.datetime.now(dt.timezone.utc)),
        "emergency_number": facts["emergency_number"],
        "cmm_phone": facts["cmm_phone"],
    })


async def ui_texts(request: web.Request) -> web.Response:
    """The page's own labels in all four languages."""
    return web.json_response({language: {
        "language_name": render("language_name", language),
        "engine_down": render("engine_down", language),
        **{key: render(f"ui.{key}", language) for key in ("placeholder", "send", "title", "privacy")},
    } for language in LANGUAGES})


async def triage(request: web.Request) -> web.Response:
    """``POST /api/triage``: the contract's judgement of one message."""
    body = await json_body(request)
    language = body.get("lang") or None
    try:
        result = await request.app[TRIAGER].triage(body.get("text"), language)
    except TriageInputError as error:
        return _bad_request(str(error))
    return web.json_response(result.to_contract())


def _buttons(messages: list[dict]) -> list[dict]:
    """Choices offered with the dialogue's last message, as ``{"title", "choice"}``."""
    offered = next((m.get("buttons") for m in reversed(messages) if m.get("buttons")), None) or []
    choices = []
    for button in offered:
        payload = str(button.get("payload", ""))
        if payload.startswith("/choose{"):
            choice = json.loads(payload[len("/choose"):]).get("choice")
            if choice in CHOICE_VALUES:
                choices.append({"title": button.get("title", choice), "choice": choice})
    return choices


async def _dialogue(request: web.Request, conversation_id: str, intent: str, entities: dict,
                    urgency: str, language: str) -> tuple[list[str], list[dict]]:
    """The dialogue's answer and offered choices; danger now always puts the emergency number first."""
    messages = await request.app[ENGINE].converse(conversation_id, intent, entities)
    texts = [m["text"] for m in messages if m.get("text")]
    if not texts:
        # the dialogue answered nothing (e.g. the action server is down): a person must not be left unanswered
        raise EngineUnavailable("dialogue gave no reply")
    if urgency == "emergency" and placeholders()["emergency_number"] not in texts[0]:
        texts.insert(0, render("emergency", language))
    return texts, _buttons(messages)


def _resume(store, text: str) -> dict | None:
    """The case a person's message names by its code, if the whole message is one."""
    if len(text) > 15 or not normalise_case_code(text):
        return None
    try:
        return store.case(text)
    except CaseNotFound:
        return None


def _reply(conversation_id: str, language: str, texts: list[str], status: str, urgency: str = "low",
           buttons: list[dict] | None = None, **extra) -> web.Response:
    return web.json_response({
        "conversation": conversation_id, "language": language, "urgency": urgency, "messages": texts,
        "buttons": buttons or [], "status": status, **extra,
    })


async def chat(request: web.Request) -> web.Response:
    """``POST /api/chat``: keep the message, judge it, answer in the writer's language.

    Body: ``{"conversation": id or null, "text": "...", "language": picker choice or null,
    "choice": a pressed button's value or null}``.
    """
    body = await json_body(request)
    store = request.app[STORE]
    try:
        text = check_message(body.get("text"))
    except TriageInputError as error:
        return _bad_request(str(error))
    picked = body.get("language") if body.get("language") in LANGUAGES else None

    case = _resume(store, text)
    if case:
        conversation = store.conversation(case["conversation_id"])
        store.add_message(conversation["id"], "user", text, state="answered")
        language = picked or conversation["language"] or "en"
        reply = render("flow.case_resumed", language, case_code=case["code"])
        last_id = store.add_message(conversation["id"], "bot", reply, state="sent")
        return _reply(conversation["id"], language, [reply], conversation["status"], conversation["urgency"],
                      last_message_id=last_id)

    conversation_id = body.get("conversation")
    if not (isinstance(conversation_id, str) and store.exists(conversation_id)):
        conversation_id = store.new_conversation(picked)
    # Stored before anything that can fail: nothing a person sends is lost.
    message_id = store.add_message(conversation_id, "user", text)
    before = store.conversation(conversation_id)

    choice = body.get("choice") if body.get("choice") in CHOICE_VALUES else None
    if choice:
        # a pressed button: nothing to judge, the dialogue takes the value
        result = None
        language = picked or before["language"] or "en"
        intent, entities, urgency = "choose", {"choice": choice, "language": language}, before["urgency"]
    else:
        result = await request.app[TRIAGER].triage(text)
        guess = LanguageGuess(result.language, result.language_confidence)
        language = conversation_language(
            before["language"], guess, picked or result.requested_language, len(text.split()),
            store.swap_detected_language(conversation_id, guess),
        )
        result.language = language
        # the dialogue works with what the whole conversation has shown, not this message alone
        judged = store.record_triage(conversation_id, result, language)
        intent, urgency = result.intent, result.urgency
        entities = {"language": language, "urgency": judged["urgency"], "role": judged["role"]}
        if result.rights_topic:
            entities["rights_topic"] = result.rights_topic
        if judged["situation"]:
            entities["situation"] = ",".join(judged["situation"])
        entities.update(told_already(result, text))

    if before["status"] == "staff":
        # a person has taken over: the bot stays silent
        store.set_message_state(message_id, "held", result)
        return _reply(conversation_id, language, [], "staff", urgency)

    texts: list[str] = []
    # the status before this turn, or before the question when this answers it: the queue notice is given once
    status_before = before["status"]
    if before.get("danger_question"):
        answer = safety_net.answer_of(choice, result)
        held_turn = store.take_danger_question(conversation_id, answer or "unanswered")
        status_before = held_turn.get("status", status_before)
        if answer == "yes":
            store.raise_conversation_urgency(conversation_id, "emergency", needs_person=True)
            intent, urgency = "emergency", "emergency"
            entities = {**held_turn["entities"], "language": language, "urgency": "emergency"}
        elif answer == "no":
            texts.append(render("flow.danger_no", language))
            intent, entities = held_turn["intent"], {**held_turn["entities"], "language": language}
        else:
            # no answer to "are you in danger right now?": a person is alerted, and this message answered
            store.raise_conversation_urgency(conversation_id, "high", needs_person=True)
    elif result is not None and safety_net.should_ask(result, before):
        # ask before the flow goes on; the dialogue gets this turn once the answer is no
        store.ask_danger_question(conversation_id, {"intent": intent, "entities": entities, "status": before["status"]})
        ask = safety_net.question(store.conversation(conversation_id)["role"], language)
        store.set_message_state(message_id, "answered", result)
        store.add_message(conversation_id, "bot", ask, state="sent")
        after = store.conversation(conversation_id)
        return _reply(conversation_id, language, [ask], after["status"], urgency, safety_net.answer_buttons(language))

    buttons: list[dict] = []
    try:
        if result is not None and not result.engine_used:
            raise EngineUnavailable("no parse")
        dialogue_texts, buttons = await _dialogue(request, conversation_id, intent, entities, urgency, language)
        texts += dialogue_texts
        state = "answered"
    except EngineUnavailable:
        texts = [render("emergency", language)] if urgency == "emergency" else []
        texts.append(render("engine_down", language))
        state = "engine_down"
        if store.conversation(conversation_id)["status"] == "bot":
            store.set_status(conversation_id, "queued")
    after = store.conversation(conversation_id)
    if state == "answered" and status_before == "bot" and after["status"] == "queued":
        texts.append(queued_notice(language, dt.datetime.now(dt.timezone.utc)))
    store.set_message_state(message_id, state, result)
    for reply in texts:
        store.add_message(conversation_id, "bot", reply, state="sent")
    return _reply(conversation_id, language, texts, after["status"], urgency, buttons)


async def poll(request: web.Request) -> web.Response:
    """``POST /api/chat/poll``: replies written after ``after`` (a person's answers arrive here)."""
    body = await json_body(request)
    try:
        conversation = request.app[STORE].conversation(str(body.get("conversation")))
    except ConversationNotFound:
        return web.json_response({"error": "unknown conversation"}, status=404)
    after = body.get("after") if isinstance(body.get("after"), int) else 0
    messages = [
        {"id": m["id"], "sender": m["sender"], "text": m["text"]}
        for m in request.app[STORE].messages(conversation["id"], after)
    ]
    return web.json_response({"status": conversation["status"], "messages": messages})
