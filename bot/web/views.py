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
from bot.store import ConversationNotFound
from bot.triage import Triage, TriageInputError, check_message
from bot.web.keys import ENGINE, ENGINE_STATE, STORE, TRIAGER

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


async def _json_body(request: web.Request) -> dict:
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
    body = await _json_body(request)
    language = body.get("lang") or None
    try:
        result = await request.app[TRIAGER].triage(body.get("text"), language)
    except TriageInputError as error:
        return _bad_request(str(error))
    return web.json_response(result.to_contract())


async def _bot_replies(request: web.Request, conversation_id: str, result: Triage, language: str) -> list[str]:
    """The dialogue's answer; the emergency number always comes first when there is danger now."""
    entities = {"language": language, "urgency": result.urgency, "role": result.role}
    if result.rights_topic:
        entities["rights_topic"] = result.rights_topic
    messages = await request.app[ENGINE].converse(conversation_id, result.intent, entities)
    texts = [m["text"] for m in messages if m.get("text")]
    if not texts:
        # the dialogue answered nothing (e.g. the action server is down): a person must not be left unanswered
        raise EngineUnavailable("dialogue gave no reply")
    emergency_number = placeholders()["emergency_number"]
    if result.urgency == "emergency" and emergency_number not in texts[0]:
        texts.insert(0, render("emergency", language))
    return texts


async def chat(request: web.Request) -> web.Response:
    """``POST /api/chat``: keep the message, judge it, answer in the writer's language.

    Body: ``{"conversation": id or null, "text": "...", "language": optional picker choice}``.
    """
    body = await _json_body(request)
    store = request.app[STORE]
    try:
        text = check_message(body.get("text"))
    except TriageInputError as error:
        return _bad_request(str(error))
    picked = body.get("language") if body.get("language") in LANGUAGES else None
    conversation_id = body.get("conversation")
    if not (isinstance(conversation_id, str) and store.exists(conversation_id)):
        conversation_id = store.new_conversation(picked)
    # Stored before anything that can fail: nothing a person sends is lost.
    message_id = store.add_message(conversation_id, "user", text)
    conversation = store.conversation(conversation_id)

    result = await request.app[TRIAGER].triage(text)
    language = conversation_language(
        conversation["language"], LanguageGuess(result.language, result.language_confidence),
        picked or result.requested_language, len(text.split()),
    )
    result.language = language
    conversation = store.record_triage(conversation_id, result, language)

    if conversation["status"] == "staff":
        # a person has taken over: the bot stays silent
        store.set_message_state(message_id, "held", result)
        return web.json_response({"conversation": conversation_id, "language": language,
                                  "messages": [], "status": "staff"})
    try:
        if not result.engine_used:
            raise EngineUnavailable("no parse")
        texts = await _bot_replies(request, conversation_id, result, language)
        state = "answered"
    except EngineUnavailable:
        texts = [render("emergency", language)] if result.urgency == "emergency" else []
        texts.append(render("engine_down", language))
        state = "engine_down"
        if conversation["status"] == "bot":
            store.set_status(conversation_id, "queued")
    store.set_message_state(message_id, state, result)
    for reply in texts:
        store.add_message(conversation_id, "bot", reply, state="sent")
    return web.json_response({
        "conversation": conversation_id, "language": language, "urgency": result.urgency,
        "messages": texts, "status": store.conversation(conversation_id)["status"],
    })


async def poll(request: web.Request) -> web.Response:
    """``POST /api/chat/poll``: replies written after ``after`` (a person's answers arrive here)."""
    body = await _json_body(request)
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
