"""End to end with the real engine and the trained model: the CLI and the gateway in four languages."""

import json

import aiohttp
import pytest

from bot import EXPLOITATION, INDICATORS, INTENTS, LANGUAGES, RIGHTS_TOPICS, ROLES, URGENCIES
from bot.engine import EngineClient
from bot.replies import render
from bot.rights import rights_answer
from bot.web.keys import STORE
from tests.conftest import run_hotline, say

pytestmark = pytest.mark.engine


def assert_contract(item: dict) -> None:
    assert item["language"] in LANGUAGES
    assert item["intent"] in INTENTS
    assert item["urgency"] in URGENCIES
    assert item["role"] in ROLES
    assert item["exploitation"] in EXPLOITATION
    assert isinstance(item["confidence"], float) and 0.0 <= item["confidence"] <= 1.0
    assert all(code in INDICATORS for code in item["indicators"])
    assert len(item["indicators"]) == len(set(item["indicators"]))
    for evidence in item["evidence"]:
        assert set(evidence) == {"indicator", "text"} and evidence["indicator"] in item["indicators"]
    if item["intent"] == "ask_rights":
        assert item["rights_topic"] in RIGHTS_TOPICS
    assert "engine" not in item, "the real engine must have judged it"


def test_cli_judges_the_contract_example(engine_settings):
    done = run_hotline("triage", input_bytes=b'{"text": "my boss took my passport"}\n', settings=engine_settings)
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 1
    item = json.loads(lines[0])
    assert_contract(item)
    assert item["language"] == "en" and item["intent"] == "seek_help"
    assert "documents_confiscated" in item["indicators"]
    assert any("passport" in e["text"] for e in item["evidence"])


BATCH = [
    {"id": 1, "text": "hej, kan I hjælpe mig?"},
    {"id": 2, "text": "he is outside the door with a knife now"},
    {"id": 3, "text": "ช่วยด้วยค่ะ เขาขังหนูไว้ในห้อง ออกไม่ได้"},
    {"id": 4, "text": "abeg madam don seize my passport and she say i must pay 30000 euro"},
    {"id": 5, "text": ""},
    {"id": 6, "text": "how long is the reflection period if i have no papers"},
    {"id": 7, "text": "jeg er udlejer og tror kvinderne i min lejlighed bliver tvunget til prostitution"},
]


async def test_trained_model_blends_diet_with_the_linear_intent_model(engine_settings):
    async with aiohttp.ClientSession() as session:
        engine = EngineClient(engine_settings.engine_url, engine_settings.engine_token(), session)
        parse = await engine.parse("my boss took my passport and i cannot leave")
    ranking = {item["name"]: item["confidence"] for item in parse["intent_ranking"] if item["name"] in INTENTS}
    # both classifiers rank every intent, so the blend is one distribution over all of them
    assert set(ranking) == set(INTENTS)
    assert sum(ranking.values()) == pytest.approx(1.0, abs=1e-3)
    assert max(ranking, key=ranking.get) in ("seek_help", "emergency")


async def test_trained_model_blends_the_rights_topic_with_the_linear_topic_model(engine_settings):
    async with aiohttp.ClientSession() as session:
        engine = EngineClient(engine_settings.engine_url, engine_settings.engine_token(), session)
        parse = await engine.parse("can i get a free lawyer")
    selector = parse["response_selector"]["ask_rights"]
    ranking = {item["intent_response_key"]: item["confidence"] for item in selector["ranking"]}
    # the ResponseSelector ranks all topics and the blend keeps one distribution over them
    assert set(ranking) == {f"ask_rights/{topic}" for topic in RIGHTS_TOPICS}
    assert sum(ranking.values()) == pytest.approx(1.0, abs=1e-3)
    best = max(ranking, key=ranking.get)
    assert selector["response"]["intent_response_key"] == best == "ask_rights/legal_aid"
    assert selector["response"]["utter_action"] == "utter_ask_rights/legal_aid"
    assert selector["response"]["responses"]


def test_cli_batch_keeps_order_copies_fields_and_reports_bad_lines(engine_settings):
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in BATCH).encode() + b"\n\xff\xfe\n"
    done = run_hotline("triage", input_bytes=data, settings=engine_settings)
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(BATCH) + 1
    assert [row.get("id") for row in out[:-1]] == [row["id"] for row in BATCH]
    assert out[4]["error"] == "empty message" and "UTF-8" in out[-1]["error"]
    judged = {row["id"]: row for row in out[:-1] if "error" not in row}
    for row in judged.values():
        assert_contract(row)
    assert [judged[i]["language"] for i in (1, 2, 3, 4)] == ["da", "en", "th", "pcm"]
    assert judged[2]["urgency"] == "emergency" and judged[3]["urgency"] == "emergency"
    assert "documents_confiscated" in judged[4]["indicators"] and "debt_bondage" in judged[4]["indicators"]
    assert judged[6]["intent"] == "ask_rights" and judged[6]["rights_topic"] == "reflection_period"
    assert judged[7]["role"] == "landlord" and judged[7]["intent"] == "report_suspicion"


GREETINGS = {"da": "hej med dig", "en": "hello there", "th": "สวัสดีค่ะ", "pcm": "how far, abeg"}
EMERGENCIES = {
    "da": "hjælp han slår mig lige nu og jeg kan ikke komme ud",
    "en": "please help he is beating me right now",
    "th": "ช่วยด้วย เขากำลังตีหนูอยู่ตอนนี้",
    "pcm": "abeg help me now, dem dey beat me for inside room",
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_chat_answers_in_the_writers_language(live_client, language):
    response = await live_client.post("/api/chat", json={"text": GREETINGS[language]})
    body = await response.json()
    assert response.status == 200 and body["language"] == language
    assert body["messages"] == [render("greet", language)]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_chat_emergency_starts_with_112(live_client, language):
    body = await (await live_client.post("/api/chat", json={"text": EMERGENCIES[language]})).json()
    assert body["urgency"] == "emergency" and body["language"] == language
    assert body["messages"][0] == render("emergency", language)
    assert "112" in body["messages"][0].splitlines()[0]
    assert body["status"] == "queued"


async def test_chat_rights_answer_and_language_switch(live_client):
    first = await (await live_client.post("/api/chat", json={
        "text": "hvor lang tid kan jeg blive i Danmark for at tænke mig om hvis jeg ikke har papirer"})).json()
    # "if I have no papers": the answer is the reflection period for people without legal residence
    assert first["language"] == "da"
    assert first["messages"] == [rights_answer("reflection_period", "da", ["no_legal_residence"])]
    switched = await (await live_client.post("/api/chat", json={
        "conversation": first["conversation"], "text": "English please"})).json()
    assert switched["language"] == "en" and switched["messages"] == [render("choose_language", "en")]
    after = await (await live_client.post("/api/chat", json={"conversation": first["conversation"], "text": "tak"})).json()
    assert after["language"] == "en"


SEEK_HELP = {
    "da": "min chef har taget mit pas og jeg får ingen løn",
    "en": "my boss took my passport and i dont get paid",
    "th": "นายจ้างยึดพาสปอร์ตหนูไปแล้วไม่จ่ายเงินเดือน",
    "pcm": "madam seize my passport and she no dey pay me",
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_victim_flow_ends_with_a_case_code(live_client, language):
    first = await say(live_client, None, SEEK_HELP[language])
    conversation = first["conversation"]
    assert first["language"] == language
    assert first["messages"] == [render("seek_help", language), render("flow.safety_check", language)]
    assert [b["choice"] for b in first["buttons"]] == ["yes", "no"]

    # the first message already told what happened: the flow does not ask "what happened?" again
    safe = await say(live_client, conversation, first["buttons"][0]["title"], "yes")
    assert safe["messages"] == [render("flow.safety_yes", language), render("flow.ask_wants", language)]
    assert [b["choice"] for b in safe["buttons"]] == ["information", "person", "get_out", "report"]
    wants = await say(live_client, conversation, safe["buttons"][1]["title"], "person")
    assert wants["messages"] == [render("flow.ask_consent", language)]
    done = await say(live_client, conversation, "x", "anonymous")

    store = live_client.app[STORE]
    case = next(store.db["cases"].rows_where("conversation_id = ?", [conversation]))
    assert done["messages"][:2] == [render("flow.case_opened", language, case_code=case["code"]),
                                    render("flow.next_person", language)]
    assert case["consent"] == "anonymous" and case["wants"] == "person"
    assert store.conversation(conversation)["status"] == "queued"
    assert "documents_confiscated" in store.conversation(conversation)["indicators"]


@pytest.mark.parametrize("language, text", [
    ("en", "i need help"), ("da", "jeg har brug for hjælp"), ("pcm", "abeg i need help"), ("th", "ขอความช่วยเหลือหน่อยค่ะ"),
])
async def test_a_short_first_message_is_asked_what_happened(live_client, language, text):
    first = await say(live_client, None, text)
    if first["messages"][-1] != render("flow.safety_check", language):
        pytest.skip(f"the model did not take {text!r} for seek_help")
    safe = await say(live_client, first["conversation"], "x", "yes")
    assert safe["messages"] == [render("flow.safety_yes", language), render("flow.ask_story", language)]


async def test_landlord_report_gets_the_checklist(live_client):
    first = await say(live_client, None, "jeg er udlejer og tror kvinderne i min lejlighed bliver tvunget til prostitution")
    conversation = first["conversation"]
    # what was seen is in the first message: the flow goes on to where
    assert first["messages"] == [render("report_suspicion", "da"), render("flow.ask_where", "da")]
    for answer, question in (("i odense", "flow.ask_when"), ("i sidste uge", "flow.ask_child")):
        reply = await say(live_client, conversation, answer)
        assert reply["messages"] == [render(question, "da")]
    child = await say(live_client, conversation, "ved ikke", "unknown")
    assert child["messages"] == [render("flow.ask_contact", "da")]
    done = await say(live_client, conversation, "nej", "no")
    assert done["messages"][-1] == render("flow.signs_checklist_landlord", "da")
    assert live_client.app[STORE].conversation(conversation)["role"] == "landlord"
