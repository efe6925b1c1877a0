"""The conversation flows' pieces: case codes, consent, fact filling, out of hours, the flow actions."""

import datetime as dt

import pytest

from actions.actions import ASK_ACTIONS, ActionAnswerRights, ActionFileReport, ActionOpenCase
from bot import LANGUAGES
from bot.conversation import CHOICES, QUESTIONS, buttons, next_open_text, queued_notice
from bot.facts import placeholders
from bot.replies import render
from bot.store import CaseNotFound, Store, new_case_code, normalise_case_code
from bot.web import init_app
from bot.web.keys import STORE
from tests.conftest import run_action as run

CPH = dt.timezone(dt.timedelta(hours=1))
MONDAY_EVENING = dt.datetime(2026, 11, 23, 19, 0, tzinfo=CPH)
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=CPH)
FRIDAY_NIGHT = dt.datetime(2026, 11, 27, 23, 0, tzinfo=CPH)


def test_case_codes_are_random_and_forgiving_to_type():
    codes = {new_case_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert normalise_case_code(code.lower().replace("-", " ")) == code
    assert normalise_case_code("hello") is None and normalise_case_code("OOO-III-LLL") is None


def test_consent_is_logged_with_the_case(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    conversation = store.new_conversation("en")
    code = store.open_case(conversation, "victim", "cmm", wants="person")
    assert store.case(code)["consent"] == "cmm" and store.conversation(conversation)["consent"] == "cmm"
    assert [row["consent"] for row in store.db["consent_log"].rows] == ["cmm"]
    with pytest.raises(ValueError):
        store.open_case(conversation, "victim", "everyone")
    with pytest.raises(CaseNotFound):
        store.case("AAA-BBB-CCC")


@pytest.mark.parametrize("language", LANGUAGES)
def test_out_of_hours_says_when_people_are_back(language):
    closed = queued_notice(language, MONDAY_EVENING)
    assert closed == render("flow.out_of_hours", language, next_open=next_open_text(language, MONDAY_EVENING))
    assert "08:30" in closed and placeholders()["emergency_number"] in closed
    assert queued_notice(language, MONDAY_NOON) == render("flow.queued", language)
    saturday = render("flow.weekdays", language).split(",")[5].strip()
    assert next_open_text(language, dt.datetime(2026, 11, 26, 20, 0, tzinfo=CPH)).count("08:30") == 1
    assert "09:00" in next_open_text(language, FRIDAY_NIGHT) and (saturday in next_open_text(language, FRIDAY_NIGHT)
                                                                   or render("flow.next_open_tomorrow", language, time="09:00") == next_open_text(language, FRIDAY_NIGHT))


@pytest.mark.parametrize("language", LANGUAGES)
def test_buttons_are_labelled_in_the_language(language):
    offered = buttons("consent", language)
    assert [b["title"] for b in offered] == [render(label, language) for _, label in CHOICES["consent"]]
    assert offered[0]["payload"] == '/choose{"choice": "police"}'


@pytest.mark.parametrize("slot", sorted(QUESTIONS))
def test_every_question_is_asked_in_the_writers_language(slot):
    asker = ASK_ACTIONS[slot]()
    messages, _ = run(asker, {"language": "th"})
    assert messages[-1]["text"] == render(QUESTIONS[slot], "th")
    assert len(messages[-1]["buttons"]) == len(CHOICES.get(slot, ()))


def test_unsafe_writer_gets_safety_advice_before_the_story_question():
    asker = ASK_ACTIONS["story"]()
    messages, _ = run(asker, {"language": "pcm", "safe_to_write": "no"})
    assert [m["text"] for m in messages] == [render("flow.safety_no", "pcm"), render("flow.ask_story", "pcm")]


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_VAR", str(tmp_path))
    store = Store(tmp_path / "hotline.db")
    yield store
    store.close()


@pytest.mark.parametrize("wants, queued", [("information", False), ("person", True), ("get_out", True), ("report", True)])
def test_open_case_gives_code_next_step_and_queues_when_a_person_must_act(store_env, wants, queued):
    conversation = store_env.new_conversation("da")
    messages, events = run(ActionOpenCase(), {"language": "da", "wants": wants, "consent": "police"}, conversation)
    code = events[0]["value"]
    assert messages[0]["text"] == render("flow.case_opened", "da", case_code=code)
    assert messages[1]["text"] == render(f"flow.next_{wants}", "da")
    assert store_env.case(code)["consent"] == "police"
    assert (store_env.conversation(conversation)["status"] == "queued") is queued


@pytest.mark.parametrize("role, extra", [("landlord", "flow.signs_checklist_landlord"),
                                         ("employer", "flow.signs_checklist_employer"),
                                         ("buyer", "flow.buyer_thanks"), ("third_party", None)])
def test_report_is_anonymous_with_checklist_for_landlords_and_employers(store_env, role, extra):
    conversation = store_env.new_conversation("en")
    messages, events = run(ActionFileReport(), {"language": "en", "role": role, "child": "no"}, conversation)
    code = events[0]["value"]
    assert store_env.case(code)["consent"] == "anonymous"
    assert [m["text"] for m in messages[1:]] == ([render(extra, "en")] if extra else [])


def test_child_in_a_report_raises_urgency(store_env):
    conversation = store_env.new_conversation("en")
    run(ActionFileReport(), {"language": "en", "role": "third_party", "child": "yes"}, conversation)
    after = store_env.conversation(conversation)
    assert after["urgency"] == "high" and "minor" in after["indicators"] and after["status"] == "queued"


def test_rights_answer_is_filled_with_facts():
    messages, _ = run(ActionAnswerRights(), {"language": "en", "rights_topic": "contact_cmm"})
    assert placeholders()["cmm_phone"] in messages[0]["text"] and "{" not in messages[0]["text"]


async def test_case_code_brings_a_person_back_to_their_case(aiohttp_client, settings):
    client = await aiohttp_client(init_app(settings))
    store = client.app[STORE]
    conversation = store.new_conversation("th")
    code = store.open_case(conversation, "victim", "anonymous", wants="person")
    body = await (await client.post("/api/chat", json={"text": code.lower().replace("-", " ")})).json()
    assert body["conversation"] == conversation and body["language"] == "th"
    assert body["messages"] == [render("flow.case_resumed", "th", case_code=code)]
    unknown = await (await client.post("/api/chat", json={"text": "ZZZ-ZZZ-ZZZ"})).json()
    assert unknown["conversation"] != conversation
