"""The case store: conversations, their messages and their accumulated triage, in one SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

import sqlite_utils

from bot import ROLES, URGENCIES
from bot.language import LanguageGuess
from bot.rights import merge_situation
from bot.triage import Triage, raise_urgency

# Conversation states: the bot answers ("bot"); a person is needed ("queued");
# a person has taken over and the bot stays silent ("staff"); ended ("closed").
STATUSES = ("bot", "queued", "staff", "closed")
# Below this intent confidence the assistant has not understood; twice in a row, a person takes it.
NOT_UNDERSTOOD_BELOW = 0.4
URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(reversed(URGENCIES))}


# Case codes avoid letters and digits that look alike (0/O, 1/I/L) when written down or read aloud.
CASE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CASE_CODE_GROUPS = 3
CASE_KINDS = ("victim", "report")
CONSENT_LEVELS = ("police", "cmm", "anonymous")


class ConversationNotFound(KeyError):
    """No conversation has that id."""


class CaseNotFound(KeyError):
    """No case has that code."""


def new_case_code() -> str:
    """A random case code like ``K7M-4QX-9TB`` (31**9 possibilities)."""
    groups = ("".join(secrets.choice(CASE_CODE_ALPHABET) for _ in range(3)) for _ in range(CASE_CODE_GROUPS))
    return "-".join(groups)


def normalise_case_code(text: str) -> str | None:
    """The case code written in ``text`` in canonical form, or None.

    :param text: what a person typed, e.g. ``k7m 4qx 9tb`` or ``K7M-4QX-9TB``
    """
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(letters) != 3 * CASE_CODE_GROUPS or any(ch not in CASE_CODE_ALPHABET for ch in letters):
        return None
    return "-".join(letters[i:i + 3] for i in range(0, len(letters), 3))


def _decoded(row: dict) -> dict:
    return {**row, "indicators": json.loads(row["indicators"] or "[]"),
            "situation": json.loads(row.get("situation") or "[]")}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    """Conversations and messages in SQLite through sqlite-utils.

    :param path: database file (created with its tables when missing), or ``":memory:"``
    """

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(path)
            self.db.enable_wal()
        else:
            self.db = sqlite_utils.Database(memory=True)
        self._create_tables()

    def _create_tables(self) -> None:
        self.db["conversations"].create(
            {
                "id": str, "created_at": str, "updated_at": str, "language": str,
                "urgency": str, "urgency_rank": int, "role": str, "exploitation": str,
                "indicators": str, "status": str, "consent": str, "needs_person_since": str,
                "situation": str, "danger_question": str, "danger_answer": str, "detected_language": str,
            },
            pk="id", if_not_exists=True,
        )
        columns = self.db["conversations"].columns_dict
        if "situation" not in columns:
            # databases made before conversations remembered the writer's situation
            self.db["conversations"].add_column("situation", str)
        if "danger_question" not in columns:
            # databases made before the chat asked "are you in danger right now?"
            self.db["conversations"].add_column("danger_question", str)
            self.db["conversations"].add_column("danger_answer", str)
        if "detected_language" not in columns:
            # databases made before a run of messages in another language could switch the chat
            self.db["conversations"].add_column("detected_language", str)
        self.db["messages"].create(
            {
                "id": int, "conversation_id": str, "sender": str, "text": str,
                "created_at": str, "state": str, "triage": str,
            },
            pk="id", foreign_keys=[("conversation_id", "conversations", "id")], if_not_exists=True,
        )
        self.db["cases"].create(
            {
                "code": str, "conversation_id": str, "kind": str, "consent": str, "wants": str,
                "child": str, "contact_ok": str, "created_at": str,
            },
            pk="code", foreign_keys=[("conversation_id", "conversations", "id")], if_not_exists=True,
        )
        # what the person agreed to, and when: never overwritten, only added to
        self.db["consent_log"].create(
            {"id": int, "case_code": str, "consent": str, "recorded_at": str},
            pk="id", foreign_keys=[("case_code", "cases", "code")], if_not_exists=True,
        )
        self.db["messages"].create_index(["conversation_id", "id"], if_not_exists=True)
        self.db["conversations"].create_index(["status", "urgency_rank"], if_not_exists=True)

    def new_conversation(self, language: str | None = None) -> str:
        """Open a conversation with an unguessable id and return the id.

        :param language: the language chosen in the page, if any
        """
        conversation_id = secrets.token_urlsafe(18)
        now = _now()
        self.db["conversations"].insert({
            "id": conversation_id, "created_at": now, "updated_at": now, "language": language,
            "urgency": "low", "urgency_rank": URGENCY_RANK["low"], "role": "unknown",
            "exploitation": "unknown", "indicators": "[]", "status": "bot", "consent": "anonymous",
            "needs_person_since": None, "situation": "[]",
        })
        return conversation_id

    def conversation(self, conversation_id: str) -> dict:
        """One conversation's row.

        :param conversation_id: its id
        """
        try:
            row = self.db["conversations"].get(conversation_id)
        except sqlite_utils.db.NotFoundError as error:
            raise ConversationNotFound(conversation_id) from error
        return _decoded(row)

    def exists(self, conversation_id: str) -> bool:
        """Whether a conversation has that id.

        :param conversation_id: an id from a client
        """
        return bool(conversation_id) and self.db["conversations"].count_where("id = ?", [conversation_id]) > 0

    def add_message(self, conversation_id: str, sender: str, text: str, state: str = "received",
                    triage: Triage | None = None) -> int:
        """Keep one message and return its id; called before anything else can fail.

        :param conversation_id: the conversation
        :param sender: user, bot, staff or system
        :param text: the message
        :param state: received, answered, held (staff has it) or engine_down
        :param triage: its triage, when already known
        """
        row = self.db["messages"].insert({
            "conversation_id": conversation_id, "sender": sender, "text": text, "created_at": _now(),
            "state": state, "triage": json.dumps(triage.to_contract()) if triage else None,
        })
        self.db["conversations"].update(conversation_id, {"updated_at": _now()})
        return row.last_pk

    def set_message_state(self, message_id: int, state: str, triage: Triage | None = None) -> None:
        """Record what happened to a message.

        :param message_id: its id
        :param state: answered, held or engine_down
        :param triage: its triage
        """
        updates = {"state": state}
        if triage is not None:
            updates["triage"] = json.dumps(triage.to_contract())
        self.db["messages"].update(message_id, updates)

    def messages(self, conversation_id: str, after_id: int = 0) -> list[dict]:
        """Messages of a conversation in order, optionally only those after ``after_id``.

        :param conversation_id: the conversation
        :param after_id: only messages with a greater id
        """
        return list(self.db["messages"].rows_where(
            "conversation_id = ? and id > ?", [conversation_id, after_id], order_by="id",
            select="id, sender, text, created_at, state",
        ))

    def record_triage(self, conversation_id: str, triage: Triage, language: str) -> dict:
        """Fold one message's triage into the conversation: urgency only rises, indicators accumulate.

        :param conversation_id: the conversation
        :param triage: the new message's triage
        :param language: the conversation's language after this message
        """
        current = self.conversation(conversation_id)
        # who writes does not change within a conversation: the first clear cue stands
        role = current["role"] if current["role"] in ROLES and current["role"] != "unknown" else triage.role
        exploitation = current["exploitation"] if current["exploitation"] != "unknown" else triage.exploitation
        self.db["conversations"].update(conversation_id, {
            "role": role, "exploitation": exploitation, "language": language,
            "situation": json.dumps(merge_situation(current["situation"], triage.situation)),
        })
        not_understood = triage.confidence < NOT_UNDERSTOOD_BELOW and self._previous_not_understood(conversation_id)
        return self.raise_conversation_urgency(
            conversation_id, triage.urgency, triage.indicators,
            needs_person=triage.intent == "ask_human" or not_understood,
        )

    def _previous_not_understood(self, conversation_id: str) -> bool:
        """Whether the person's previous judged message was not understood either."""
        rows = list(self.db["messages"].rows_where(
            "conversation_id = ? and sender = 'user' and triage is not null", [conversation_id],
            order_by="id desc", limit=1, select="triage",
        ))
        return bool(rows) and json.loads(rows[0]["triage"]).get("confidence", 1.0) < NOT_UNDERSTOOD_BELOW

    def raise_conversation_urgency(self, conversation_id: str, urgency: str, indicators: list[str] = (),
                                   needs_person: bool = False) -> dict:
        """Raise a conversation's urgency (never lower it) and add indicators; urgent ones join the queue.

        :param conversation_id: the conversation
        :param urgency: the urgency the new message or answer implies
        :param indicators: indicator codes it showed
        :param needs_person: the person asked for a human
        """
        current = self.conversation(conversation_id)
        raised = raise_urgency(current["urgency"], urgency)
        updates = {
            "urgency": raised, "urgency_rank": URGENCY_RANK[raised], "updated_at": _now(),
            "indicators": json.dumps(list(dict.fromkeys([*current["indicators"], *indicators]))),
        }
        if (raised in ("emergency", "high") or needs_person) and current["status"] == "bot":
            updates.update(status="queued", needs_person_since=_now())
        self.db["conversations"].update(conversation_id, updates)
        return self.conversation(conversation_id)

    def swap_detected_language(self, conversation_id: str, guess: LanguageGuess) -> LanguageGuess | None:
        """Keep the language detected in the newest message and return the one detected in the message before.

        :param conversation_id: the conversation
        :param guess: this message's detected language
        """
        previous = self.conversation(conversation_id).get("detected_language")
        self.db["conversations"].update(conversation_id, {"detected_language": f"{guess.language} {guess.confidence}"})
        if not previous:
            return None
        language, confidence = previous.split()
        return LanguageGuess(language, float(confidence))

    def ask_danger_question(self, conversation_id: str, held_turn: dict) -> None:
        """Remember that the chat asked "are you in danger right now?", with the turn it held back.

        :param conversation_id: the conversation
        :param held_turn: the intent and entities the dialogue gets when the answer is no
        """
        self.conversation(conversation_id)
        self.db["conversations"].update(conversation_id, {"danger_question": json.dumps(held_turn)})

    def take_danger_question(self, conversation_id: str, answer: str) -> dict | None:
        """The held-back turn of a pending danger question, which this answer ends; None if none was asked.

        :param conversation_id: the conversation
        :param answer: yes, no, or unanswered (the person wrote something else)
        """
        pending = self.conversation(conversation_id).get("danger_question")
        if not pending:
            return None
        self.db["conversations"].update(conversation_id, {"danger_question": None, "danger_answer": answer})
        return json.loads(pending)

    def queue(self) -> list[dict]:
        """Open conversations, most urgent first, then those that left "are you in danger?" unanswered, then the longest waiting."""
        rows = self.db["conversations"].rows_where(
            "status != 'closed'",
            order_by="urgency_rank desc, coalesce(danger_answer = 'unanswered', 0) desc, "
                     "coalesce(needs_person_since, updated_at)",
        )
        return [_decoded(row) for row in rows]

    def set_status(self, conversation_id: str, status: str) -> None:
        """Move a conversation to bot, queued, staff or closed.

        :param conversation_id: the conversation
        :param status: the new state
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.conversation(conversation_id)
        self.db["conversations"].update(conversation_id, {"status": status, "updated_at": _now()})

    def open_case(self, conversation_id: str, kind: str, consent: str = "anonymous", **answers: str | None) -> str:
        """Open a case for a conversation and return its code; the consent is logged.

        :param conversation_id: the conversation
        :param kind: victim or report
        :param consent: police, cmm or anonymous
        :param answers: wants, child, contact_ok as the person answered
        """
        if kind not in CASE_KINDS:
            raise ValueError(f"unknown case kind {kind!r}")
        if consent not in CONSENT_LEVELS:
            raise ValueError(f"unknown consent {consent!r}")
        self.conversation(conversation_id)
        code = new_case_code()
        while self.db["cases"].count_where("code = ?", [code]):
            code = new_case_code()
        self.db["cases"].insert({
            "code": code, "conversation_id": conversation_id, "kind": kind, "consent": consent,
            "wants": answers.get("wants"), "child": answers.get("child"), "contact_ok": answers.get("contact_ok"),
            "created_at": _now(),
        })
        self.db["consent_log"].insert({"case_code": code, "consent": consent, "recorded_at": _now()})
        self.db["conversations"].update(conversation_id, {"consent": consent, "updated_at": _now()})
        return code

    def case(self, code: str) -> dict:
        """One case by its code (any spelling the person may type).

        :param code: the case code
        """
        canonical = normalise_case_code(code or "")
        rows = list(self.db["cases"].rows_where("code = ?", [canonical])) if canonical else []
        if not rows:
            raise CaseNotFound(code)
        return rows[0]

    def close(self) -> None:
        """Close the database connection."""
        self.db.conn.close()
