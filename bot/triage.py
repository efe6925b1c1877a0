"""Triage of one message as ``../shared/triage-contract.md`` fixes it.

Three judges are combined: the language identifier, the Rasa model (intent,
indicator entities, rights topic) and the spaCy rule layers (danger now,
indicator evidence, role and exploitation cues). The rules can only raise
urgency: an emergency pattern gives ``emergency`` whatever the model thinks.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import INDICATORS, INTENTS, LANGUAGES, RIGHTS_TOPICS
from bot.danger import DangerReading, read_danger
from bot.engine import EngineClient, EngineUnavailable
from bot.language import LanguageGuess, LanguageIdentifier, default_identifier
from bot.rights import situation_from_labels
from bot.rules import RuleLayer, RuleMatch, default_rule_layer
from hotline_nlu.textnorm import split_words

if TYPE_CHECKING:
    from bot.semantic import DangerNeighbours

MAX_MESSAGE_CHARS = 5000
# The model alone calls an emergency only when it is fairly sure; below that
# the message still goes to a person the same day (urgency "high"). The blended
# intent confidence is lower than DIET's was: on cross-validation 0.4 catches
# 85-92 % of emergencies without the rules at under 1 % false emergencies.
MODEL_EMERGENCY_CONFIDENCE = 0.4
MODEL_EMERGENCY_MIN_WORDS = 3
RULE_EMERGENCY_CONFIDENCE = 0.9
# Judged a case: the contract's intents for danger, a victim's own situation and a suspicion about others.
CASE_INTENTS = ("emergency", "seek_help", "report_suspicion")
ENTITY_MIN_CONFIDENCE = 0.5
LANGUAGE_REQUEST_MAX_WORDS = 6
# Danger scores (bot/semantic.py, off by default): at or above SEMANTIC_EMERGENCY a case or a message with
# danger cues is an emergency; at or above SEMANTIC_ASK the chat asks. On the blind set's dev half
# (bench/blind.py --sweep) no pair of values moved recall or false emergencies by more than 0.02.
SEMANTIC_EMERGENCY = 0.8
SEMANTIC_ASK = 0.5
# Acute signs that make a case "high" when they are not happening this minute.
HIGH_URGENCY_INDICATORS = frozenset({"minor", "violence", "restricted_movement", "threats"})
# The most specific writer wins when several cues appear ("I rent out a flat, my tenant ...").
ROLE_PRECEDENCE = ("buyer", "landlord", "employer", "professional", "third_party", "victim")
URGENCY_ORDER = ("low", "normal", "high", "emergency")
# What settled the intent: the emergency phrases, the structure of danger cues (bot/danger.py),
# the nearest examples (bot/semantic.py), the indicator rules overruling an unsure model, or the model.
DECIDERS = ("emergency_rule", "danger_rule", "semantic", "indicator_rule", "model")


class TriageInputError(ValueError):
    """A message that cannot be judged: empty, not text, or too long."""


@dataclass
class Triage:
    """The judgement of one message, with every field of the contract."""

    language: str
    intent: str
    urgency: str
    role: str
    indicators: list[str]
    exploitation: str
    confidence: float
    evidence: list[dict[str, str]]
    rights_topic: str | None = None
    requested_language: str | None = None
    engine_used: bool = True
    language_confidence: float = 1.0
    decided_by: str = "model"
    # signs of danger short of an emergency: the conversation asks "are you in danger right now?"
    danger_cue: bool = False
    # what the writer says about themself (bot.rights); not part of the contract's output
    situation: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def to_contract(self) -> dict:
        """The JSON object ``hotline triage`` and ``POST /api/triage`` print."""
        result = {
            "language": self.language,
            "intent": self.intent,
            "urgency": self.urgency,
            "role": self.role,
            "indicators": list(self.indicators),
            "exploitation": self.exploitation,
            "confidence": round(float(self.confidence), 4),
            "evidence": [dict(item) for item in self.evidence],
        }
        if self.intent == "ask_rights":
            result["rights_topic"] = self.rights_topic or "contact_cmm"
        if self.requested_language:
            result["requested_language"] = self.requested_language
        if not self.engine_used:
            result["engine"] = "unavailable"
        return result


def check_message(text: object) -> str:
    """The message as it will be judged, or :class:`TriageInputError` saying why not.

    :param text: what arrived
    """
    if not isinstance(text, str):
        raise TriageInputError("text must be a string")
    stripped = text.strip()
    if not stripped:
        raise TriageInputError("empty message")
    if len(stripped) > MAX_MESSAGE_CHARS:
        raise TriageInputError(f"message longer than {MAX_MESSAGE_CHARS} characters")
    return stripped


def raise_urgency(current: str, candidate: str) -> str:
    """The higher of two urgencies: urgency is raised, never silently lowered.

    :param current: urgency so far
    :param candidate: newly judged urgency
    """
    return max(current, candidate, key=URGENCY_ORDER.index)


def word_count(text: str) -> int:
    """Words in a message; Thai, written without spaces, is segmented first.

    :param text: one message
    """
    return len(split_words(text))


def _model_intent(parse: dict | None) -> tuple[str, float]:
    if not parse:
        return "out_of_scope", 0.0
    ranking = parse.get("intent_ranking") or [parse.get("intent") or {}]
    for candidate in ranking:
        if candidate.get("name") in INTENTS:
            return candidate["name"], float(candidate.get("confidence") or 0.0)
    return "out_of_scope", 0.0


def rights_topic_of(parse: dict | None) -> str | None:
    """The rights topic the response selector chose in a parse, if it is one of the 12.

    :param parse: an engine parse (or a tracker's latest message)
    """
    selector = ((parse or {}).get("response_selector") or {}).get("ask_rights") or {}
    key = (selector.get("response") or {}).get("intent_response_key") or ""
    topic = key.split("/", 1)[1] if "/" in key else None
    return topic if topic in RIGHTS_TOPICS else None


def _evidence(text: str, parse: dict | None, matches: list[RuleMatch]) -> list[dict[str, str]]:
    evidence: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(indicator: str, span: str) -> None:
        key = (indicator, span.lower())
        if indicator in INDICATORS and span.strip() and key not in seen:
            seen.add(key)
            evidence.append({"indicator": indicator, "text": span})

    for match in matches:
        if match.layer == "indicators":
            add(match.label, match.text)
    for entity in (parse or {}).get("entities", []):
        confidence = entity.get("confidence_entity")
        if confidence is not None and confidence < ENTITY_MIN_CONFIDENCE:
            continue
        start, end = entity.get("start"), entity.get("end")
        span = text[start:end] if isinstance(start, int) and isinstance(end, int) else str(entity.get("value", ""))
        add(entity.get("entity", ""), span)
    return evidence


def _most_common(labels: list[str], default: str) -> str:
    if not labels:
        return default
    counts = Counter(labels)
    return max(labels, key=lambda label: (counts[label], -labels.index(label)))


def judge(text: str, parse: dict | None, matches: list[RuleMatch], guess: LanguageGuess,
          language: str | None = None, danger_score: float | None = None) -> Triage:
    """Combine the model's parse, the rule matches, the language guess and the danger score into one triage.

    :param text: the checked message
    :param parse: the engine's ``/model/parse`` answer, or None when the engine is unavailable
    :param matches: the rule layer's matches in ``text``
    :param guess: the detected language
    :param language: a language given by the caller, which wins over detection
    :param danger_score: how close the message lies to the emergency examples (``bot.semantic``), if known
    """
    intent, confidence = _model_intent(parse)
    evidence = _evidence(text, parse, matches)
    indicators = list(dict.fromkeys(item["indicator"] for item in evidence))
    layers: dict[str, list[str]] = {}
    for match in matches:
        layers.setdefault(match.layer, []).append(match.label)

    roles = layers.get("roles", [])
    role = next((r for r in ROLE_PRECEDENCE if r in roles), None)

    danger = read_danger(set(layers.get("danger", [])), phrase="emergency" in layers)
    decided_by = "model"
    near_emergencies = danger_score is not None and danger_score >= SEMANTIC_EMERGENCY
    if danger.emergency:
        confidence = max(confidence, RULE_EMERGENCY_CONFIDENCE) if intent == "emergency" else RULE_EMERGENCY_CONFIDENCE
        intent = "emergency"
        decided_by = "emergency_rule" if "emergency" in layers else "danger_rule"
    elif near_emergencies and (danger.cue or intent in CASE_INTENTS):
        # words no pattern knows, but the meaning lies among the emergency examples, and something says danger
        confidence = max(confidence, danger_score) if intent == "emergency" else danger_score
        intent = "emergency"
        decided_by = "semantic"
    elif indicators and intent not in CASE_INTENTS and confidence < 0.5:
        # the model is unsure but the words show exploitation: treat it as a case, not chat
        intent = "report_suspicion" if role and role != "victim" else "seek_help"
        decided_by = "indicator_rule"
    # the model alone is not trusted on one or two words ("i odense"): the rules must see danger there
    elif intent == "emergency" and (confidence < MODEL_EMERGENCY_CONFIDENCE
                                    or word_count(text) < MODEL_EMERGENCY_MIN_WORDS):
        # emergency means both intent and urgency: an unsure model makes it a case that asks
        intent = "report_suspicion" if role and role != "victim" else "seek_help"
        danger = DangerReading(False, True, "unsure_model")

    # signs of danger short of an emergency: the case is "high" and the chat asks
    asks = danger.cue or (danger_score is not None and danger_score >= SEMANTIC_ASK)
    if intent == "emergency":
        urgency = "emergency"
    elif HIGH_URGENCY_INDICATORS.intersection(indicators) or asks:
        urgency = "high"
    elif indicators or intent in ("seek_help", "report_suspicion"):
        urgency = "normal"
    else:
        urgency = "low"

    if role is None:
        role = {"seek_help": "victim", "emergency": "victim", "report_suspicion": "third_party"}.get(intent, "unknown")

    requested = None
    language_names = [m for m in matches if m.layer == "languages"]
    # a short message that names a language asks for it ("kan du tale dansk?"), whatever the model thought
    asks_for_language = language_names and intent not in CASE_INTENTS and (
        intent == "choose_language" or word_count(text) <= LANGUAGE_REQUEST_MAX_WORDS)
    if asks_for_language:
        # "broken english" names Pidgin, though "english" alone names English: the longest name wins
        requested = max(language_names, key=lambda m: (len(m.text), m.start)).label
        intent = "choose_language"

    return Triage(
        language=language if language in LANGUAGES else guess.language,
        intent=intent,
        urgency=urgency,
        role=role,
        indicators=indicators,
        exploitation=_most_common(layers.get("exploitation", []), "unknown"),
        confidence=min(1.0, max(0.0, confidence)),
        evidence=evidence,
        rights_topic=rights_topic_of(parse) if intent == "ask_rights" else None,
        requested_language=requested,
        engine_used=parse is not None,
        language_confidence=1.0 if language in LANGUAGES else guess.confidence,
        decided_by=decided_by,
        danger_cue=urgency == "high" and asks,
        situation=situation_from_labels(layers.get("situation", [])),
    )


class Triager:
    """Judges messages with one engine client, one rule layer and one language identifier.

    :param engine: client of a running engine, or None to judge with rules only
    :param rules: the spaCy rule layer
    :param identifier: the language identifier
    :param neighbours: the semantic index (``bot.semantic``); True loads the built one if there is one, None scores nothing
    """

    def __init__(self, engine: EngineClient | None, rules: RuleLayer | None = None,
                 identifier: LanguageIdentifier | None = None, neighbours: DangerNeighbours | None | bool = True):
        self.engine = engine
        self.rules = rules or default_rule_layer()
        self.identifier = identifier or default_identifier()
        if neighbours is True:
            from bot.semantic import default_neighbours
            neighbours = default_neighbours()
        self.neighbours = neighbours or None

    async def danger_score(self, text: str) -> float | None:
        """How close ``text`` lies to the emergency examples, or None without an index.

        :param text: a checked message
        """
        if self.neighbours is None:
            return None
        return await asyncio.to_thread(self.neighbours.score, text)

    async def triage(self, text: object, language: str | None = None) -> Triage:
        """Judge one message; rules alone when the engine is unavailable.

        :param text: the message
        :param language: da, en, th or pcm when the caller knows it
        """
        checked = check_message(text)
        if language is not None and language not in LANGUAGES:
            raise TriageInputError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        scoring = asyncio.ensure_future(self.danger_score(checked))
        parse = None
        if self.engine is not None:
            try:
                parse = await self.engine.parse(checked)
            except EngineUnavailable:
                parse = None
        return judge(checked, parse, self.rules.analyse(checked), self.identifier.identify(checked), language,
                     await scoring)

    async def triage_many(self, texts: list[object], language: str | None = None,
                          concurrency: int = 4) -> list[Triage | TriageInputError]:
        """Judge many messages in order; a bad one gives its error in its place.

        :param texts: the messages
        :param language: da, en, th or pcm for all of them, if known
        :param concurrency: requests in flight to the engine at once
        """
        gate = asyncio.Semaphore(concurrency)

        async def one(text: object) -> Triage | TriageInputError:
            async with gate:
                try:
                    return await self.triage(text, language)
                except TriageInputError as error:
                    return error

        return list(await asyncio.gather(*(one(text) for text in texts)))
