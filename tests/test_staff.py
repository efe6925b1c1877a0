"""The staff API: queue order, take-over silences the bot, replies reach the writer, hand-back."""

import pytest

from bot.replies import render
from bot.triage import Triage
from bot.web import init_app
from bot.web.keys import STORE


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(init_app(settings))


@pytest.fixture
def staff(settings):
    return {"Authorization": f"Bearer {settings.staff_token()}"}


def judged(urgency):
    return Triage(language="en", intent="seek_help", urgency=urgency, role="victim", indicators=[],
                  exploitation="unknown", confidence=0.9, evidence=[])


async def test_staff_calls_need_the_token(client):
    assert (await client.get("/api/staff/queue")).status == 401
    wrong = await client.get("/api/staff/queue", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401


async def test_queue_is_ordered_by_urgency(client, staff):
    store = client.app[STORE]
    calm, urgent = store.new_conversation("en"), store.new_conversation("en")
    store.record_triage(calm, judged("normal"), "en")
    store.record_triage(urgent, judged("high"), "en")
    rows = await (await client.get("/api/staff/queue", headers=staff)).json()
    assert [row["id"] for row in rows[:2]] == [urgent, calm]
    assert rows[0]["urgency"] == "high" and "text" not in rows[0]


async def test_take_over_reply_and_hand_back(client, staff):
    first = await (await client.post("/api/chat", json={"text": "hello", "language": "en"})).json()
    conversation = first["conversation"]
    assert (await client.post("/api/staff/reply", json={"conversation": conversation, "text": "hi"}, headers=staff)).status == 409
    assert (await client.post("/api/staff/take", json={"conversation": conversation}, headers=staff)).status == 200

    silent = await (await client.post("/api/chat", json={"conversation": conversation, "text": "anyone?"})).json()
    assert silent["messages"] == [] and silent["status"] == "staff"
    sent = await client.post("/api/staff/reply", json={"conversation": conversation, "text": "<i>Hi</i>, I am Anna"}, headers=staff)
    assert sent.status == 200

    polled = await (await client.post("/api/chat/poll", json={"conversation": conversation})).json()
    shown = [(m["sender"], m["text"]) for m in polled["messages"] if m["sender"] in ("staff", "system")]
    assert shown == [("system", render("flow.staff_joined", "en")), ("staff", "<i>Hi</i>, I am Anna")]

    full = await (await client.post("/api/staff/conversation", json={"conversation": conversation}, headers=staff)).json()
    assert [m["text"] for m in full["messages"] if m["sender"] == "user"] == ["hello", "anyone?"]

    await client.post("/api/staff/release", json={"conversation": conversation}, headers=staff)
    again = await (await client.post("/api/chat", json={"conversation": conversation, "text": "ok"})).json()
    assert again["messages"], "the bot answers again after hand-back"


async def test_unknown_conversation(client, staff):
    response = await client.post("/api/staff/take", json={"conversation": "nope"}, headers=staff)
    assert response.status == 404
