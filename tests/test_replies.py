import re

import pytest

from bot import LANGUAGES, RIGHTS_TOPICS
from bot.facts import load_facts, placeholders
from bot.replies import ReplyMissing, load_replies, render, template_fields

REQUIRED_KEYS = {
    "language_name", "greet", "goodbye", "thank", "affirm", "deny", "emergency", "seek_help",
    "report_suspicion", "ask_confidentiality", "ask_human", "choose_language", "out_of_scope",
    "fallback", "engine_down", "ui.placeholder", "ui.send", "ui.title", "ui.privacy",
} | {f"rights.{topic}" for topic in RIGHTS_TOPICS}


# values the conversation flows fill in besides the facts
FLOW_VALUES = {"case_code": "K7M-4QX-9TB", "next_open": "(next open)", "day": "(day)", "time": "08:30"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_exists_in_every_language(language):
    missing = REQUIRED_KEYS - set(load_replies(language))
    assert not missing


def test_all_languages_have_the_same_keys():
    keys = {language: set(load_replies(language)) for language in LANGUAGES}
    assert all(k == keys["en"] for k in keys.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_replies_use_only_known_facts_and_never_retype_them(language):
    known = set(placeholders()) | set(FLOW_VALUES)
    # facts long enough to be recognisable must come from the facts file, never typed in a reply
    typed = [f.value for f in load_facts().values() if len(f.value) >= 3 and f.value not in ("112", "114")]
    for key, template in load_replies(language).items():
        assert template_fields(template) <= known, key
        for value in typed:
            assert value not in template, f"{language}:{key} types {value!r} instead of its placeholder"
        render(key, language, **FLOW_VALUES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_emergency_reply_starts_with_112(language):
    first_line = render("emergency", language).splitlines()[0]
    assert "112" in first_line


@pytest.mark.parametrize("language", LANGUAGES)
def test_engine_down_reply_gives_112_and_the_hotline(language):
    text = render("engine_down", language)
    assert "112" in text and placeholders()["cmm_phone"] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_reflection_period_answer_has_the_days(language):
    text = render("rights.reflection_period", language)
    assert re.search(r"\b30\b", text) and re.search(r"\b120\b", text)


def test_unknown_key_is_a_named_error():
    with pytest.raises(ReplyMissing):
        render("no_such_reply", "en")


def test_unknown_language_falls_back_to_english():
    assert render("greet", "xx") == render("greet", "en")


def test_generated_replies_document_is_current():
    from pathlib import Path

    from bot.cli import replies_markdown

    document = Path(__file__).resolve().parent.parent / "docs" / "replies.md"
    assert document.read_text(encoding="utf-8") == replies_markdown(), "run `hotline replies` and commit docs/replies.md"
