"""The safety net: when a message shows danger short of an emergency, the chat asks before it goes on.

A message judged ``high``, or one with danger cues that did not reach ``emergency``
(``Triage.danger_cue``), gets "Are you in danger right now?" (to a reporter: "Is someone
in danger right now?") with yes and no buttons, before the flow's next question. The
flow's turn is held back until the answer:

* **yes** gives the 112 reply, raises the conversation to ``emergency`` and puts it at
  the top of the queue;
* **no** gives the held-back turn to the dialogue, so the flow goes on where it was;
* **anything else** alerts a person (the conversation joins the queue) and the new
  message is answered as usual.
"""

from __future__ import annotations

from bot.replies import render
from bot.triage import Triage

ANSWERS = ("yes", "no")
REPORTER_ROLES = frozenset({"third_party", "landlord", "employer", "professional", "buyer"})


def should_ask(triage: Triage, conversation: dict) -> bool:
    """Whether this message makes the chat ask "are you in danger right now?".

    A conversation that has answered the question is asked again only when a new
    message shows danger cues, not for every message that keeps it ``high``.

    :param triage: the new message's triage
    :param conversation: the conversation's row before this message
    """
    if triage.urgency == "emergency" or conversation.get("danger_question"):
        return False
    if triage.danger_cue:
        return True
    return triage.urgency == "high" and not conversation.get("danger_answer")


def answer_of(choice: str | None, triage: Triage | None) -> str | None:
    """The answer a message gives to the pending question: yes, no, or None when it is no answer.

    :param choice: the value of a pressed button, if any
    :param triage: the typed message's triage, if it was typed
    """
    if choice in ANSWERS:
        return choice
    if triage is None:
        return None
    if triage.urgency == "emergency" or triage.intent == "affirm":
        return "yes"
    if triage.intent == "deny":
        return "no"
    return None


def question(role: str, language: str) -> str:
    """The question in the person's language: about the writer, or about someone else for a reporter.

    :param role: the conversation's role
    :param language: da, en, th or pcm
    """
    return render("flow.danger_check_other" if role in REPORTER_ROLES else "flow.danger_check", language)


def answer_buttons(language: str) -> list[dict]:
    """Yes and no, labelled in the person's language, as the chat page shows buttons.

    :param language: da, en, th or pcm
    """
    return [{"title": render(f"flow.{value}", language), "choice": value} for value in ANSWERS]
