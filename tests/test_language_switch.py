"""Switching the chat's language, with the real engine: asked for in words, or shown by a run of messages."""

import pytest

from bot.replies import render
from tests.conftest import say

pytestmark = pytest.mark.engine

# (language of the conversation so far, a request for another language written in that language or the target)
REQUESTS = {
    "da": ("en", "kan du tale dansk?"),
    "en": ("da", "can we write in english please"),
    "th": ("en", "พูดภาษาไทยได้ไหมคะ"),
    "pcm": ("en", "abeg make we yarn for pidgin"),
}
OPENERS = {"en": "hello, i have a question", "da": "hej, jeg har et spørgsmål"}
# Plain messages in the new language that name no language.
PLAIN = {
    "da": "hvad kan I hjælpe med",
    "en": "what can you help with",
    "th": "ช่วยอะไรได้บ้างคะ",
    "pcm": "wetin una fit help me do",
}


@pytest.mark.parametrize("language", sorted(REQUESTS))
async def test_a_request_switches_and_the_next_message_is_answered_in_it(live_client, language):
    start, request = REQUESTS[language]
    first = await say(live_client, None, OPENERS[start])
    assert first["language"] == start
    switched = await say(live_client, first["conversation"], request)
    assert switched["language"] == language
    assert switched["messages"] == [render("choose_language", language)]
    after = await say(live_client, first["conversation"], PLAIN[language])
    assert after["language"] == language


async def test_two_danish_messages_in_a_row_switch_an_english_chat(live_client):
    first = await say(live_client, None, "hello, i have a question")
    conversation = first["conversation"]
    replies = [await say(live_client, conversation, text)
               for text in ("min veninde arbejder meget", "hun får ikke sin løn")]
    assert replies[-1]["language"] == "da"
