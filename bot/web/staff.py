"""The staff API: the queue by urgency, taking over a conversation (the bot stays silent) and handing it back.

Every call needs ``Authorization: Bearer <staff token>`` (``HOTLINE_STAFF_TOKEN`` or ``var/staff.token``).
"""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.replies import render
from bot.store import ConversationNotFound
from bot.triage import TriageInputError, check_message
from bot.web.keys import SETTINGS, STORE
from bot.web.views import json_body

QUEUE_FIELDS = ("id", "status", "urgency", "role", "exploitation", "indicators", "language", "consent",
                "needs_person_since", "updated_at")


def _authorised(request: web.Request) -> None:
    expected = request.app[SETTINGS].staff_token()
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise web.HTTPUnauthorized(text='{"error": "staff token required"}', content_type="application/json")


async def _conversation(request: web.Request) -> tuple[dict, dict]:
    _authorised(request)
    body = await json_body(request)
    try:
        return request.app[STORE].conversation(str(body.get("conversation"))), body
    except ConversationNotFound:
        raise web.HTTPNotFound(text='{"error": "unknown conversation"}', content_type="application/json") from None


async def queue(request: web.Request) -> web.Response:
    """``GET /api/staff/queue``: open conversations, most urgent and longest waiting first."""
    _authorised(request)
    return web.json_response([{k: row[k] for k in QUEUE_FIELDS} for row in request.app[STORE].queue()])


async def conversation(request: web.Request) -> web.Response:
    """``POST /api/staff/conversation``: one conversation with all its messages."""
    found, _ = await _conversation(request)
    return web.json_response({"conversation": {k: found[k] for k in QUEUE_FIELDS},
                              "messages": request.app[STORE].messages(found["id"])})


async def _move(request: web.Request, status: str, notice: str | None) -> web.Response:
    """Move a conversation to ``status`` and tell the writer with the ``notice`` reply, if any."""
    found, _ = await _conversation(request)
    store = request.app[STORE]
    store.set_status(found["id"], status)
    if notice:
        store.add_message(found["id"], "system", render(notice, found["language"] or "en"), state="sent")
    return web.json_response({"status": status})


async def take(request: web.Request) -> web.Response:
    """``POST /api/staff/take``: a person takes over; the bot stays silent until it is handed back."""
    return await _move(request, "staff", "flow.staff_joined")


async def reply(request: web.Request) -> web.Response:
    """``POST /api/staff/reply``: a person's answer, shown to the writer on their next poll."""
    found, body = await _conversation(request)
    if found["status"] != "staff":
        return web.json_response({"error": "take the conversation over first"}, status=409)
    try:
        text = check_message(body.get("text"))
    except TriageInputError as error:
        return web.json_response({"error": str(error)}, status=400)
    message_id = request.app[STORE].add_message(found["id"], "staff", text, state="sent")
    return web.json_response({"id": message_id})


async def hand_back(request: web.Request) -> web.Response:
    """``POST /api/staff/release``: the bot answers again."""
    return await _move(request, "bot", "flow.staff_left")


async def close(request: web.Request) -> web.Response:
    """``POST /api/staff/close``: the conversation leaves the queue."""
    return await _move(request, "closed", None)


def setup_staff_routes(app: web.Application) -> None:
    app.router.add_get("/api/staff/queue", queue)
    app.router.add_post("/api/staff/conversation", conversation)
    app.router.add_post("/api/staff/take", take)
    app.router.add_post("/api/staff/reply", reply)
    app.router.add_post("/api/staff/release", hand_back)
    app.router.add_post("/api/staff/close", close)
