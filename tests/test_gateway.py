"""The gateway through pytest-aiohttp's client, with the engine down (no model needed)."""

import logging
import re

import pytest

from bot.facts import placeholders
from bot.replies import render
from bot.web import init_app
from bot.web.keys import STORE
from bot.web.views import STATIC_DIR


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(init_app(settings))


async def chat(client, text, **extra):
    response = await client.post("/api/chat", json={"text": text, **extra})
    return response.status, await response.json()


async def test_engine_down_keeps_the_message_and_gives_the_numbers(client):
    status, body = await chat(client, "hello, is anyone there?", language="en")
    assert status == 200
    assert body["messages"][-1] == render("engine_down", "en")
    assert "112" in body["messages"][-1] and placeholders()["cmm_phone"] in body["messages"][-1]
    store = client.app[STORE]
    kept = store.messages(body["conversation"])
    assert kept[0]["text"] == "hello, is anyone there?" and kept[0]["state"] == "engine_down"
    assert store.conversation(body["conversation"])["status"] == "queued"


async def test_emergency_without_engine_starts_with_112(client):
    status, body = await chat(client, "he is outside the door with a knife right now, help me")
    assert status == 200 and body["urgency"] == "emergency"
    assert "112" in body["messages"][0].splitlines()[0]


async def test_conversation_continues_and_keeps_its_language(client):
    _, first = await chat(client, "hej jeg har brug for hjælp til noget", language="da")
    _, second = await chat(client, "ok", conversation=first["conversation"])
    assert second["conversation"] == first["conversation"] and second["language"] == "da"
    assert len(client.app[STORE].messages(first["conversation"])) == 4


async def test_taken_over_conversation_gets_no_bot_reply(client):
    _, first = await chat(client, "hello", language="en")
    client.app[STORE].set_status(first["conversation"], "staff")
    _, second = await chat(client, "are you there", conversation=first["conversation"])
    assert second["messages"] == [] and second["status"] == "staff"
    assert client.app[STORE].messages(first["conversation"])[-1]["state"] == "held"


@pytest.mark.parametrize("payload, reason", [
    ({"text": ""}, "empty"), ({"text": 5}, "string"), ({}, "string"), ({"text": "x" * 6000}, "longer"),
])
async def test_bad_input_is_a_clear_error(client, payload, reason):
    response = await client.post("/api/chat", json=payload)
    assert response.status == 400 and reason in (await response.json())["error"]


async def test_body_that_is_not_json(client):
    response = await client.post("/api/chat", data=b"\xff not json", headers={"Content-Type": "application/json"})
    assert response.status == 400 and "JSON" in (await response.json())["error"]


async def test_oversized_body_is_refused(client):
    response = await client.post("/api/chat", data=b"x" * (70 * 1024))
    assert response.status == 413


async def test_triage_endpoint_without_engine_uses_rules(client):
    response = await client.post("/api/triage", json={"text": "he is hitting me now help", "lang": "en"})
    body = await response.json()
    assert response.status == 200 and body["urgency"] == "emergency" and body["engine"] == "unavailable"
    bad = await client.post("/api/triage", json={"text": "hi", "lang": "xx"})
    assert bad.status == 400


async def test_poll_returns_staff_messages_and_refuses_unknown_ids(client):
    _, first = await chat(client, "hello", language="en")
    store = client.app[STORE]
    staff_id = store.add_message(first["conversation"], "staff", "Hi, this is Anna from the hotline.", state="sent")
    response = await client.post("/api/chat/poll", json={"conversation": first["conversation"], "after": staff_id - 1})
    assert [m["sender"] for m in (await response.json())["messages"]] == ["staff"]
    unknown = await client.post("/api/chat/poll", json={"conversation": "nope"})
    assert unknown.status == 404


async def test_page_has_strict_headers_and_no_third_party_assets(client):
    response = await client.get("/")
    assert response.status == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), path.name
        assert "innerHTML" not in text, path.name


async def test_health_and_ui_texts(client):
    health = await (await client.get("/api/health")).json()
    assert health["engine"] == "unavailable" and health["emergency_number"] == "112"
    ui = await (await client.get("/api/ui")).json()
    assert set(ui) == {"da", "en", "th", "pcm"} and all(ui[lang]["send"] for lang in ui)


async def test_logs_hold_no_message_text(client, caplog):
    secret = "Maria from Lagos took my passport in Vesterbro"
    with caplog.at_level(logging.DEBUG):
        await chat(client, secret, language="en")
        await client.post("/api/triage", json={"text": secret})
    for record in caplog.records:
        message = record.getMessage()
        assert "Maria" not in message and "passport" not in message
