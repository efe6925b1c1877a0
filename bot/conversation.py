"""What the conversation flows ask and offer: form questions, buttons, case and queue notices."""

from __future__ import annotations

import datetime as dt
import json

from bot.facts import load_opening_hours
from bot.replies import render

# Buttons a person can press instead of typing: value sent back, reply key of its label.
YES_NO = (("yes", "flow.yes"), ("no", "flow.no"))
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "safe_to_write": YES_NO,
    "wants": (("information", "flow.want_information"), ("person", "flow.want_person"),
              ("get_out", "flow.want_get_out"), ("report", "flow.want_report")),
    "consent": (("police", "flow.consent_police"), ("cmm", "flow.consent_cmm"),
                ("anonymous", "flow.consent_anonymous")),
    "child": (("yes", "flow.yes"), ("no", "flow.no"), ("unknown", "flow.dont_know")),
    "contact_ok": YES_NO,
}
CHOICE_VALUES = frozenset(value for options in CHOICES.values() for value, _ in options)

# The question each form slot asks.
QUESTIONS = {
    "safe_to_write": "flow.safety_check",
    "story": "flow.ask_story",
    "wants": "flow.ask_wants",
    "consent": "flow.ask_consent",
    "seen": "flow.ask_seen",
    "place": "flow.ask_where",
    "time_seen": "flow.ask_when",
    "child": "flow.ask_child",
    "contact_ok": "flow.ask_contact",
}
NEXT_STEP = {
    "information": "flow.next_information",
    "person": "flow.next_person",
    "get_out": "flow.next_get_out",
    "report": "flow.next_report",
}
# Wants that need a person to act: the case goes into the staff queue.
WANTS_A_PERSON = frozenset({"person", "get_out", "report"})
ROLE_EXTRAS = {
    "landlord": "flow.signs_checklist_landlord",
    "employer": "flow.signs_checklist_employer",
    "buyer": "flow.buyer_thanks",
}


# A first message this long, or with indicator evidence, has told what happened: the form does not ask again.
TOLD_MIN_WORDS = 8
# Which form question such a message answers, by the intent that starts the form.
TOLD_SLOT = {"seek_help": "story", "report_suspicion": "seen"}


def told_already(triage, text: str) -> dict[str, str]:
    """Entities that fill a form question the message has already answered ("what happened?").

    :param triage: the message's triage
    :param text: the message
    """
    slot = TOLD_SLOT.get(triage.intent)
    if slot and (triage.indicators or len(text.split()) >= TOLD_MIN_WORDS):
        return {slot: "told"}
    return {}


def buttons(slot: str, language: str) -> list[dict]:
    """Rasa-style buttons for a slot's choices, labelled in ``language``.

    :param slot: a form slot with choices
    :param language: da, en, th or pcm
    """
    return [
        {"title": render(label, language), "payload": "/choose" + json.dumps({"choice": value})}
        for value, label in CHOICES.get(slot, ())
    ]


def next_open_text(language: str, now: dt.datetime) -> str:
    """When people are next at the hotline, said in ``language`` ("tomorrow at 08:30").

    :param language: da, en, th or pcm
    :param now: an aware datetime
    """
    hours = load_opening_hours()
    opens = hours.next_open(now)
    today = now.astimezone(opens.tzinfo).date()
    time = opens.strftime("%H:%M")
    if opens.date() == today:
        return render("flow.next_open_today", language, time=time)
    if opens.date() == today + dt.timedelta(days=1):
        return render("flow.next_open_tomorrow", language, time=time)
    day = [name.strip() for name in render("flow.weekdays", language).split(",")][opens.weekday()]
    return render("flow.next_open_weekday", language, day=day, time=time)


def queued_notice(language: str, now: dt.datetime) -> str:
    """What a person is told when their conversation goes to the staff queue, open or closed.

    :param language: da, en, th or pcm
    :param now: an aware datetime
    """
    if load_opening_hours().is_open(now):
        return render("flow.queued", language)
    return render("flow.out_of_hours", language, next_open=next_open_text(language, now))
