"""Rights answers that follow what the person has said about themself.

The rule layer's ``situation`` section finds what a writer says about their own
status (legal residence or none, EU citizen, under 18). The conversation keeps
it, and :func:`rights_answer` picks the variant of a rights answer that fits:
a reflection period without legal residence, a restitution period with it, and
so on. Variant texts live in ``bot/replies/<lang>.yml`` under
``rights_by_situation.<topic>.<situation>``; notes added after an answer under
``rights_note.<situation>``.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import LANGUAGES, SITUATIONS
from bot.replies import load_replies, render

RESIDENCE = ("legal_residence", "no_legal_residence")
# topics whose rules differ for citizens of EU countries
EU_TOPICS = frozenset({"reflection_period", "residence", "accommodation", "return_home"})


def situation_from_labels(labels: Iterable[str]) -> list[str]:
    """What one message says about the writer, in a fixed order, contradictions resolved.

    :param labels: ``situation`` labels the rule layer found in the message
    """
    found = set(labels) & set(SITUATIONS)
    if set(RESIDENCE) <= found:
        # "I had a permit but it ran out": the statement of no residence is the one that matters
        found.discard("legal_residence")
    return [label for label in SITUATIONS if label in found]


def merge_situation(known: Iterable[str], new: Iterable[str]) -> list[str]:
    """Fold a new message's situation into what the conversation knew.

    Residence follows the latest statement (people correct themselves); being a
    child or an EU citizen, once said, stays.

    :param known: the conversation's situation so far
    :param new: the new message's situation
    """
    new = list(new)
    merged = set(new) | set(known)
    if set(RESIDENCE) & set(new):
        merged -= set(RESIDENCE) - set(new)
    return situation_from_labels(merged)


def rights_answer(topic: str, language: str, situation: Iterable[str] = ()) -> str:
    """The rights answer on ``topic`` in ``language`` that fits the writer's situation.

    :param topic: one of the 12 rights topics
    :param language: da, en, th or pcm
    :param situation: what the conversation knows, e.g. ``["no_legal_residence", "child"]``
    """
    situation = situation_from_labels(situation)
    language = language if language in LANGUAGES else "en"
    replies = load_replies(language)
    variant = next(
        (f"rights_by_situation.{topic}.{label}" for label in situation
         if f"rights_by_situation.{topic}.{label}" in replies),
        f"rights.{topic}",
    )
    parts = [render(variant, language)]
    if "eu_citizen" in situation and topic in EU_TOPICS:
        parts.append(render("rights_note.eu_citizen", language))
    if "child" in situation and not variant.endswith(".child"):
        parts.append(render("rights_note.child", language))
    return "\n".join(parts)


def parse_situation_slot(value: object) -> list[str]:
    """The situation labels carried in the dialogue's ``situation`` slot (comma-separated).

    :param value: the slot's value, or None
    """
    if not isinstance(value, str):
        return []
    return situation_from_labels(part.strip() for part in value.split(","))
