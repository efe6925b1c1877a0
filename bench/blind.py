"""Blind evaluation: triage scored on messages and conversations nobody who built the model wrote.

    .venv/bin/python -m bench.blind                  # both halves, written to bench/results/blind.json
    .venv/bin/python -m bench.blind --errors         # also print the dev half's misses, for error analysis
    .venv/bin/python -m bench.blind --sweep          # emergency recall and false emergencies of the dev half by threshold

``bench/data/blind/`` holds a dev half, which may be read for error analysis, and a lockbox half,
which is only ever scored: this command prints no lockbox message and has no option to.
Nobody trains on either half or writes a rule from the lockbox. The external everyday requests
(``../shared/external-eval/oos.jsonl``) are scored beside them for the emergency rate the
thresholds must keep (≤ 0.5 % per source).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.nlu import _code_f1, emergency_scores, external_oos, false_alarm_rates, update_readme
from bot import LANGUAGES, URGENCIES
from bot.settings import Settings
import bot.triage as triage_module
from bot.triage import Triage, Triager, judge

ROOT = Path(__file__).resolve().parent.parent
BLIND = ROOT / "bench" / "data" / "blind"
RESULTS = ROOT / "bench" / "results" / "blind.json"
HALVES = ("lockbox", "dev")


def load_half(half: str) -> tuple[list[dict], list[dict]]:
    """The labelled messages and conversations of one half.

    :param half: dev or lockbox
    """
    def rows(name: str) -> list[dict]:
        path = BLIND / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    return rows(f"{half}.jsonl"), rows(f"{half}_conversations.jsonl")


@dataclass
class Signals:
    """What every judge said of one message, so that thresholds can be tried without asking again."""

    text: str
    parse: dict | None
    matches: list
    guess: object
    danger_score: float | None


async def gather_signals(texts: list[str]) -> list[Signals]:
    """The engine's parse, the rule matches, the language guess and the danger score of every text.

    :param texts: messages
    """
    from bot.cli import engine_for_batch

    async with aiohttp.ClientSession() as session:
        async with engine_for_batch(Settings(), session) as engine:
            triager = Triager(engine)
            gate = asyncio.Semaphore(4)

            async def one(text: str) -> Signals:
                async with gate:
                    score = await triager.danger_score(text)
                    return Signals(text, await engine.parse(text), triager.rules.analyse(text),
                                   triager.identifier.identify(text), score)

            return list(await asyncio.gather(*(one(text) for text in texts)))


def judge_all(signals: list[Signals], semantic: bool = True, **thresholds: float) -> list[Triage]:
    """The triage of every message from its signals, with the production thresholds or others.

    :param signals: from :func:`gather_signals`
    :param semantic: use the danger score
    :param thresholds: module constants of ``bot.triage`` to try instead (e.g. ``SEMANTIC_EMERGENCY=0.7``)
    """
    saved = {name: getattr(triage_module, name) for name in thresholds}
    try:
        for name, value in thresholds.items():
            setattr(triage_module, name, value)
        return [judge(s.text, s.parse, s.matches, s.guess, None, s.danger_score if semantic else None)
                for s in signals]
    finally:
        for name, value in saved.items():
            setattr(triage_module, name, value)


def message_scores(items: list[dict], judged: list[Triage]) -> dict:
    """Emergency recall, false emergencies, urgency accuracy and indicator F1 of one group of messages.

    :param items: labelled messages
    :param judged: their triage, in the same order
    """
    gold = [item["urgency"] for item in items]
    predicted = [t.urgency for t in judged]
    scores = emergency_scores(gold, predicted)
    non_emergency = [(item, t) for item, t in zip(items, judged) if item["urgency"] != "emergency"]
    return {
        "messages": len(items),
        "emergencies": sum(g == "emergency" for g in gold),
        **scores,
        "urgency_accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / max(1, len(items)), 4),
        "indicator_f1": round(_code_f1([set(item.get("indicators") or []) for item in items],
                                       [set(t.indicators) for t in judged]), 4),
        # the share of non-emergencies on which the chat asks "are you in danger right now?"
        "asked_rate": round(sum(t.danger_cue for _, t in non_emergency) / max(1, len(non_emergency)), 4),
        # emergencies judged below `high`: not even at the top of the queue
        "missed_below_high": sum(g == "emergency" and URGENCIES.index(p) > URGENCIES.index("high")
                                 for g, p in zip(gold, predicted)),
    }


def conversation_scores(conversations: list[dict], judged: list[list[Triage]]) -> dict:
    """Per turn: 112 where due and where not; per conversation with late danger: handled right.

    A turn gets 112 when its own triage is ``emergency`` (the chat's reply always leads with the
    number then). A late-danger conversation is handled right when every emergency turn gets 112
    and no earlier, harmless turn does.

    :param conversations: labelled conversations
    :param judged: the triage of each of their turns
    """
    due = given = harmless = false_112 = late = late_right = 0
    for conversation, turns in zip(conversations, judged):
        right = True
        for turn, triage in zip(conversation["turns"], turns):
            emergency = triage.urgency == "emergency"
            if turn["urgency"] == "emergency":
                due += 1
                given += emergency
                right &= emergency
            else:
                harmless += 1
                false_112 += emergency
                right &= not emergency
        if conversation.get("kind") == "late_danger":
            late += 1
            late_right += right
    return {"conversations": len(conversations), "turns_due": due, "turns_112": given,
            "harmless_turns": harmless, "harmless_112": false_112,
            "late_danger": late, "late_danger_right": late_right}


def score(halves: dict[str, tuple[list[dict], list[dict]]], judged: dict[str, list[Triage]]) -> dict:
    """Figures per half and language, and over all languages.

    :param halves: half → (messages, conversations)
    :param judged: half → triage of every message, then every conversation turn, in order
    """
    report: dict = {}
    for half, (messages, conversations) in halves.items():
        results = judged[half]
        on_messages, rest = results[:len(messages)], iter(results[len(messages):])
        on_turns = [[next(rest) for _ in conversation["turns"]] for conversation in conversations]
        report[half] = {}
        for language in (*LANGUAGES, "all"):
            keep = [i for i, m in enumerate(messages) if language in ("all", m["lang"])]
            keep_c = [i for i, c in enumerate(conversations) if language in ("all", c["lang"])]
            report[half][language] = {
                **message_scores([messages[i] for i in keep], [on_messages[i] for i in keep]),
                **conversation_scores([conversations[i] for i in keep_c], [on_turns[i] for i in keep_c]),
            }
    return report


def print_errors(messages: list[dict], judged: list[Triage]) -> None:
    """The dev half's urgency misses, for error analysis (never called for the lockbox)."""
    for item, triage in zip(messages, judged):
        if (item["urgency"] == "emergency") != (triage.urgency == "emergency"):
            print(f"{item['lang']:3} {item['urgency']:>9} → {triage.urgency:9} {item.get('kind', ''):18} "
                  f"{triage.decided_by:14} {triage.intent}:{triage.confidence:.2f}  {item['text']}")


def table(report: dict) -> str:
    """The markdown table of the blind figures, lockbox first."""
    lines = ["| half | language | emergency recall | false emergency | urgency acc. | indicator F1 (message) "
             "| 112 on conversation turns due | harmless turns with 112 | late danger handled |",
             "|---|---|---|---|---|---|---|---|---|"]
    for half in HALVES:
        for language, s in report.get(half, {}).items():
            lines.append(
                f"| {half} | {language} | {s['emergency_recall']:.3f} ({s['emergencies']}) | "
                f"{s['false_emergency_rate']:.3f} | {s['urgency_accuracy']:.3f} | {s['indicator_f1']:.3f} | "
                f"{s['turns_112']}/{s['turns_due']} | {s['harmless_112']}/{s['harmless_turns']} | "
                f"{s['late_danger_right']}/{s['late_danger']} |")
    return "\n".join(lines)


def sweep(messages: list[dict], signals: list[Signals]) -> None:
    """Emergency recall and false emergencies of the dev half for a grid of thresholds (never the lockbox)."""
    print("SEMANTIC_EMERGENCY SEMANTIC_ASK MODEL_CONF  recall  false  asked")
    for emergency in (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.01):
        for ask in (0.3, 0.4, 0.5):
            for model in (0.3, 0.4, 0.5):
                judged = judge_all(signals, SEMANTIC_EMERGENCY=emergency, SEMANTIC_ASK=ask,
                                   MODEL_EMERGENCY_CONFIDENCE=model)
                s = message_scores(messages, judged)
                print(f"{emergency:18} {ask:12} {model:10}  {s['emergency_recall']:.3f}  "
                      f"{s['false_emergency_rate']:.3f}  {s['asked_rate']:.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", action="store_true", help="print the dev half's urgency misses")
    parser.add_argument("--sweep", action="store_true", help="try thresholds on the dev half")
    parser.add_argument("--skip-external", action="store_true", help="do not score the external everyday requests")
    args = parser.parse_args(argv)
    started = time.time()
    halves = {half: load_half(half) for half in HALVES}
    texts = {half: [m["text"] for m in messages] + [t["text"] for c in conversations for t in c["turns"]]
             for half, (messages, conversations) in halves.items()}
    flat = [text for half in HALVES for text in texts[half]]
    signals = iter(asyncio.run(gather_signals(flat)))
    by_half = {half: [next(signals) for _ in texts[half]] for half in HALVES}
    dev_messages = halves["dev"][0]
    if args.sweep:
        sweep(dev_messages, by_half["dev"][:len(dev_messages)])
        return
    judged = {half: judge_all(by_half[half]) for half in HALVES}
    report = {"halves": score(halves, judged),
              "without_semantic": score(halves, {half: judge_all(by_half[half], semantic=False) for half in HALVES})}
    if not args.skip_external:
        external = false_alarm_rates({"external": external_oos()})["external"]
        report["external_emergency_rate"] = {source: figures["emergency_rate"] for source, figures in external.items()}
    report["seconds"] = round(time.time() - started)
    report["date"] = time.strftime("%Y-%m-%d")
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.errors:
        print_errors(dev_messages, judged["dev"][:len(dev_messages)])
    summary = summary_markdown(report)
    print(summary)
    update_readme(summary, "blind")


def summary_markdown(report: dict) -> str:
    """The README's blind section: the table, the figures without the semantic check, the external rate."""
    parts = [f"Blind set (`make bench-blind`, {report['date']}, {report['seconds']} s): emergencies and hard "
             "non-emergencies per language, written natively apart from the project; the lockbox half only ever "
             "scored. Turns: multi-turn conversations where danger shows in a later message.", "",
             table(report["halves"]), ""]
    lockbox, plain = report["halves"]["lockbox"]["all"], report["without_semantic"]["lockbox"]["all"]
    if lockbox != plain:
        parts.append(f"Without the semantic check (`bot/semantic.py`), lockbox, all languages: emergency recall "
                     f"{plain['emergency_recall']:.3f} (with it {lockbox['emergency_recall']:.3f}), false emergency "
                     f"{plain['false_emergency_rate']:.3f} ({lockbox['false_emergency_rate']:.3f}).")
    if "external_emergency_rate" in report:
        rates = ", ".join(f"{source} {rate:.3f}" for source, rate in report["external_emergency_rate"].items())
        parts.append(f"\nExternal everyday requests judged `emergency` (`oos.jsonl`, limit 0.005 per source): {rates}.")
    return "\n".join(parts)


if __name__ == "__main__":
    main()
