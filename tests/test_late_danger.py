"""Conversations where the danger only shows in a later message: 112 comes on that turn, not before."""

import pytest

from bot.replies import render
from bot.web.keys import STORE

pytestmark = pytest.mark.engine

# Written for this test: two harmless or ordinary turns, then danger now.
CONVERSATIONS = {
    "en": ["hi there", "i clean offices at night and the agency keeps half my pay",
           "the supervisor just locked me in the basement and says i stay here until i pay"],
    "da": ["hej", "jeg arbejder på en gård og chefen har mit pas",
           "han har låst mig inde i laden og siger han kommer tilbage i nat og slår mig"],
    "th": ["สวัสดีค่ะ", "หนูทำงานร้านนวด เจ้าของเก็บพาสปอร์ตหนูไว้",
           "ตอนนี้เขาขังหนูไว้ในห้อง บอกว่าคืนนี้จะกลับมาซ้อมหนู"],
    "pcm": ["how far", "i dey work for one woman house, she no dey pay me",
            "she don lock me for store now now and she talk say when her husband come back tonight dem go beat me"],
}


@pytest.mark.parametrize("language", sorted(CONVERSATIONS))
async def test_112_comes_when_the_danger_shows(live_client, language):
    conversation = None
    replies = []
    for text in CONVERSATIONS[language]:
        response = await live_client.post("/api/chat", json={"conversation": conversation, "text": text})
        assert response.status == 200
        body = await response.json()
        conversation = body["conversation"]
        replies.append(body)
    assert [r["urgency"] == "emergency" for r in replies] == [False, False, True]
    assert all(render("emergency", language) not in r["messages"] for r in replies[:2])
    assert replies[2]["messages"][0] == render("emergency", language)
    store = live_client.app[STORE]
    assert store.conversation(conversation)["urgency"] == "emergency"
    # the store is shared by the whole test run: only other emergencies may stand before it
    queue = store.queue()
    ahead = queue[:[row["id"] for row in queue].index(conversation)]
    assert all(row["urgency"] == "emergency" for row in ahead)
