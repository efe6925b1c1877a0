"""NLU and triage benchmark: stratified k-fold cross-validation per language, baselines, external checks.

    .venv/bin/python -m bench.nlu [--folds 3] [--skip-rasa-default | --rasa-default-folds K [--baseline-only]]
                                  [--skip-external] [--reuse-parses] [--lid-only]

Writes ``bench/results/nlu.json``, ``bench/results/summary.md`` (also copied into
README.md between the bench markers) and confusion-matrix plots in ``docs/``.
``--baseline-only`` trains only the engine systems of the first K folds and keeps their
comparison in ``bench/results/rasa_default.json``; any run on the same examples and folds
shows it, so the slow baseline need not be trained again with every full run.
External sets are read from ``../shared/external-eval/`` for figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, make_pipeline
from tqdm import tqdm

from bot import INTENTS, LANGUAGES
from bot.engine import engine_environment
from bot.language import LanguageGuess, corpus_lines, default_identifier
from bot.rules import default_rule_layer
from bot.settings import Settings
from bot.triage import CASE_INTENTS, DECIDERS, Triager, judge, rights_topic_of

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs"
EXTERNAL = ROOT.parent / "shared" / "external-eval"
README = ROOT / "README.md"
PARSES = RESULTS / "cv_parses.jsonl"
BASELINE = RESULTS / "rasa_default.json"
EVERYDAY = ROOT / "bot" / "data" / "lid"
LID_HELD_OUT = ROOT / "bench" / "data" / "lid_heldout"
# the fold split every figure is measured on; other seeds only measure the split's own effect
MAIN_SEED = 7
_ENTITY = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
# Rasa fills in its default pipeline only for keys left empty (null); `pipeline: []` is refused as "no pipeline".
RASA_DEFAULT_CONFIG = 'recipe: default.v1\nlanguage: xx\nassistant_id: baseline\npipeline:\npolicies:\n'


@dataclass
class Example:
    text: str
    annotated: str
    intent: str
    full_intent: str
    language: str
    spans: list[tuple[str, int, int]]  # (indicator, start, end) in text

    @property
    def gold_urgency(self) -> str:
        """The contract's urgency implied by the annotation."""
        codes = {code for code, _, _ in self.spans}
        if self.intent == "emergency":
            return "emergency"
        if codes & {"minor", "violence", "restricted_movement", "threats"}:
            return "high"
        if codes or self.intent in CASE_INTENTS:
            return "normal"
        return "low"


def parse_annotation(annotated: str) -> tuple[str, list[tuple[str, int, int]]]:
    text, spans, position, cursor = [], [], 0, 0
    for match in _ENTITY.finditer(annotated):
        text.append(annotated[cursor:match.start()])
        position += match.start() - cursor
        words = match.group(1)
        spans.append((match.group(2), position, position + len(words)))
        text.append(words)
        position += len(words)
        cursor = match.end()
    text.append(annotated[cursor:])
    return "".join(text), spans


def load_examples() -> list[Example]:
    examples = []
    for language in LANGUAGES:
        for path in sorted((ROOT / "nlu_data" / language).glob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in document.get("nlu", []):
                if "intent" not in block:
                    continue
                for line in str(block["examples"]).splitlines():
                    line = line.strip()
                    if not line.startswith("- "):
                        continue
                    annotated = line[2:].strip()
                    text, spans = parse_annotation(annotated)
                    full = block["intent"]
                    examples.append(Example(text, annotated, full.split("/")[0], full, language, spans))
    return examples


def run_engine_fold(config_path: str, train: list[Example], texts: list[str]) -> list[dict]:
    """Train on ``train`` and parse ``texts`` inside the engine env."""
    settings = Settings()
    with tempfile.TemporaryDirectory() as workdir:
        job = Path(workdir) / "job.json"
        out = Path(workdir) / "out.json"
        job.write_text(json.dumps({
            "config": config_path, "domain": str(ROOT / "domain.yml"), "texts": texts,
            "train": [{"full_intent": e.full_intent, "annotated": e.annotated} for e in train],
        }, ensure_ascii=False), encoding="utf-8")
        log = RESULTS / "engine_cv.log"
        with open(log, "ab") as handle:
            subprocess.run(
                [str(settings.engine_venv / "bin" / "python"), str(ROOT / "bench" / "engine_cv.py"), str(job), str(out)],
                check=True, cwd=ROOT, env=engine_environment(settings), stdout=handle, stderr=subprocess.STDOUT,
            )
        return json.loads(out.read_text(encoding="utf-8"))


def tfidf_baseline(train: list[Example], test: list[Example]) -> list[str]:
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
    ])
    model = make_pipeline(features, LogisticRegression(max_iter=2000, C=10))
    model.fit([e.text for e in train], [e.intent for e in train])
    return list(model.predict([e.text for e in test]))


def fold_splits(examples: list[Example], folds: int, seed: int) -> list:
    """Stratified folds (by language and intent) of one shuffling seed.

    :param examples: the examples to split
    :param folds: how many folds
    :param seed: the shuffling seed; the main run uses ``MAIN_SEED``
    """
    strata = [f"{e.language}:{e.intent}" for e in examples]
    return list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(examples, strata))


def tfidf_cross_validated(examples: list[Example], folds: list) -> list[str]:
    """TF-IDF+LR's prediction for every example, each made by the model trained without that example's fold.

    :param examples: all examples
    :param folds: (train indices, test indices) per fold
    """
    predicted: list = [None] * len(examples)
    for train_index, test_index in folds:
        labels = tfidf_baseline([examples[i] for i in train_index], [examples[i] for i in test_index])
        for position, label in zip(test_index, labels):
            predicted[position] = label
    return predicted


def split_spread(examples: list[Example], folds: int, main_predictions: list[dict], seeds: list[int]) -> dict:
    """How far TF-IDF+LR's per-language intent macro-F1 moves when only the fold split changes.

    The engine takes about an hour per split, the linear baseline a minute, so its
    spread shows how much of a gap between two figures the choice of folds alone can make.

    :param examples: all examples
    :param folds: folds per split
    :param main_predictions: the baseline's predictions on the main split (``MAIN_SEED``)
    :param seeds: the other shuffling seeds to try
    """
    by_seed = {MAIN_SEED: main_predictions}
    for seed in seeds:
        by_seed[seed] = [{"intent": label} for label in tfidf_cross_validated(examples, fold_splits(examples, folds, seed))]
    scores = {seed: evaluate(examples, {"tfidf_lr": rows})["tfidf_lr"] for seed, rows in by_seed.items()}
    spread = {}
    for language in LANGUAGES:
        if language not in scores[MAIN_SEED]:
            continue
        by_language = {seed: report[language]["intent_macro_f1"] for seed, report in scores.items()}
        values = list(by_language.values())
        spread[language] = {"main": by_language[MAIN_SEED], "min": min(values), "max": max(values),
                            "mean": round(sum(values) / len(values), 4),
                            "by_seed": {str(seed): score for seed, score in by_language.items()}}
    return spread


def _span_f1(gold: list[list[tuple[str, int, int]]], predicted: list[list[tuple[str, int, int]]]) -> float:
    """Entity-level F1: a predicted span counts when a gold span of the same code overlaps it."""
    tp = fp = fn = 0
    for gold_spans, predicted_spans in zip(gold, predicted):
        matched = set()
        for code, start, end in predicted_spans:
            hit = next((i for i, (g, s, e) in enumerate(gold_spans)
                        if g == code and i not in matched and start < e and s < end), None)
            if hit is None:
                fp += 1
            else:
                matched.add(hit)
                tp += 1
        fn += len(gold_spans) - len(matched)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _code_f1(gold: list[set[str]], predicted: list[set[str]]) -> float:
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    fp = sum(len(p - g) for g, p in zip(gold, predicted))
    fn = sum(len(g - p) for g, p in zip(gold, predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _evidence_spans(text: str, evidence: list[dict]) -> list[tuple[str, int, int]]:
    spans = []
    for item in evidence:
        start = text.find(item["text"])
        if start >= 0:
            spans.append((item["indicator"], start, start + len(item["text"])))
    return spans


def intent_scores(gold: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(gold))
    return {
        "intent_macro_f1": round(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0), 4),
        "intent_accuracy": round(accuracy_score(gold, predicted), 4),
    }


def emergency_scores(gold_urgency: list[str], predicted_urgency: list[str]) -> dict:
    positives = [p for g, p in zip(gold_urgency, predicted_urgency) if g == "emergency"]
    negatives = [p for g, p in zip(gold_urgency, predicted_urgency) if g != "emergency"]
    return {
        "emergency_recall": round(sum(p == "emergency" for p in positives) / max(1, len(positives)), 4),
        "false_emergency_rate": round(sum(p == "emergency" for p in negatives) / max(1, len(negatives)), 4),
    }


def evaluate(examples: list[Example], predictions: dict[str, list[dict]]) -> dict:
    """Scores per system, per language and overall."""
    report: dict = {}
    groups = {language: [i for i, e in enumerate(examples) if e.language == language] for language in LANGUAGES}
    groups = {language: indices for language, indices in groups.items() if indices}
    groups["all"] = list(range(len(examples)))
    for system, rows in predictions.items():
        report[system] = {}
        for group, indices in groups.items():
            gold = [examples[i] for i in indices]
            got = [rows[i] for i in indices]
            scores = intent_scores([e.intent for e in gold], [r["intent"] for r in got])
            if "urgency" in got[0]:
                scores.update(emergency_scores([e.gold_urgency for e in gold], [r["urgency"] for r in got]))
                scores["urgency_accuracy"] = round(accuracy_score([e.gold_urgency for e in gold], [r["urgency"] for r in got]), 4)
            if "indicators" in got[0]:
                scores["indicator_f1_entity"] = round(_span_f1([e.spans for e in gold], [r["spans"] for r in got]), 4)
                scores["indicator_f1_message"] = round(_code_f1([{c for c, _, _ in e.spans} for e in gold],
                                                                [set(r["indicators"]) for r in got]), 4)
            if "rights_topic" in got[0]:
                rights = [(e, r) for e, r in zip(gold, got) if e.intent == "ask_rights"]
                scores["rights_topic_accuracy"] = round(
                    sum(e.full_intent.split("/")[1] == r["rights_topic"] for e, r in rights) / max(1, len(rights)), 4)
            scores["examples"] = len(indices)
            report[system][group] = scores
    return report


def compare_on_folds(examples: list[Example], predictions: dict[str, list], test_indices: list) -> dict:
    """Scores of every system on the examples of the folds where the Rasa default baseline was trained.

    :param examples: all examples, in fold order
    :param predictions: per system, one prediction per example (``None`` where it was not run)
    :param test_indices: the test indices of the folds the baseline ran on
    """
    chosen = sorted(int(i) for indices in test_indices for i in indices)
    subset = {name: [rows[i] for i in chosen] for name, rows in predictions.items()
              if all(rows[i] is not None for i in chosen)}
    return {"folds": len(test_indices), "examples": len(chosen),
            "scores": evaluate([examples[i] for i in chosen], subset)}


def data_fingerprint(examples: list[Example], folds: int) -> str:
    """A digest of the examples, their labels and the fold split: equal digests mean the same test.

    :param examples: the examples in the order they are split
    :param folds: how many folds
    """
    identity = json.dumps([folds, MAIN_SEED, [(e.annotated, e.full_intent, e.language) for e in examples]],
                          ensure_ascii=False)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _saved_on_same_test(path: Path, fingerprint: str) -> dict | None:
    """The results kept in ``path``, if they were measured on the examples and folds of ``fingerprint``.

    :param path: a results file holding a ``fingerprint`` key
    :param fingerprint: the current ``data_fingerprint``
    """
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return saved if saved.get("fingerprint") == fingerprint else None


def saved_baseline(fingerprint: str) -> dict | None:
    """The Rasa default comparison of an earlier ``--baseline-only`` run, if it was measured on the same test.

    :param fingerprint: the current ``data_fingerprint``
    """
    return _saved_on_same_test(BASELINE, fingerprint)


def plot_confusion(examples: list[Example], rows: list[dict]) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    for language in LANGUAGES:
        indices = [i for i, e in enumerate(examples) if e.language == language]
        gold = [examples[i].intent for i in indices]
        predicted = [rows[i]["intent"] for i in indices]
        labels = [intent for intent in INTENTS if intent in set(gold) | set(predicted)]
        matrix = confusion_matrix(gold, predicted, labels=labels)
        figure, axis = plt.subplots(figsize=(8, 7))
        axis.imshow(matrix, cmap="Blues")
        axis.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
        axis.set_yticks(range(len(labels)), labels, fontsize=8)
        for (row, column), value in zip(((r, c) for r in range(len(labels)) for c in range(len(labels))), matrix.flat):
            if value:
                axis.text(column, row, str(value), ha="center", va="center", fontsize=7,
                          color="white" if value > matrix.max() / 2 else "black")
        axis.set_xlabel("predicted")
        axis.set_ylabel("annotated")
        axis.set_title(f"Intent confusion, {language} (cross-validation)")
        figure.tight_layout()
        path = DOCS / f"confusion_{language}.png"
        figure.savefig(path, dpi=90)
        plt.close(figure)
        paths.append(str(path.relative_to(ROOT)))
    return paths


def lid_accuracy(rows: list[tuple[str, str]], guesses: list[LanguageGuess] | None = None) -> dict:
    """Language identification accuracy per language, with what each language was taken for.

    :param rows: ``(text, language)`` pairs
    :param guesses: the identifier's guesses for ``rows``, when already made
    """
    guesses = guesses if guesses is not None else default_identifier().identify_many([text for text, _ in rows])
    by_language: dict[str, list[bool]] = defaultdict(list)
    confusion: dict[str, Counter] = defaultdict(Counter)
    for (_, language), guess in zip(rows, guesses):
        by_language[language].append(guess.language == language)
        confusion[language][guess.language] += 1
    return {
        language: {"accuracy": round(sum(hits) / len(hits), 4), "rows": len(hits), "predicted": dict(confusion[language])}
        for language, hits in sorted(by_language.items())
    }


def external_lid() -> dict:
    """Accuracy on ``../shared/external-eval/lid.jsonl``."""
    rows = [json.loads(line) for line in (EXTERNAL / "lid.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return lid_accuracy([(row["text"], row["lang"]) for row in rows])


def held_out_lid(folder: Path | None = None) -> tuple[dict, dict]:
    """Identification accuracy on the own held-out set, per language and per register file.

    Registers differ in who wrote them (``pcm_lexicon`` is real Pidgin from a published lexicon, the
    others were written for the project), so each gets its own figure beside the language's.

    :param folder: folder holding the files (``bench/data/lid_heldout`` if not given)
    """
    registers = _held_out_registers(folder)
    rows = _rows_of(registers)
    guesses = default_identifier().identify_many([text for text, _ in rows])
    by_register, start = {}, 0
    for register, lines in registers.items():
        end = start + len(lines)
        scores = lid_accuracy(rows[start:end], guesses[start:end])[rows[start][1]]
        by_register[register] = {"accuracy": scores["accuracy"], "rows": scores["rows"]}
        start = end
    return lid_accuracy(rows, guesses), by_register


def held_out_lid_rows(folder: Path | None = None) -> list[tuple[str, str]]:
    """The project's own held-out identification set: ``<lang>.txt`` and ``<lang>_<register>.txt``, never trained on.

    :param folder: folder holding the files (``bench/data/lid_heldout`` if not given); "#" starts a comment line
    """
    return _rows_of(_held_out_registers(folder))


def _held_out_registers(folder: Path | None) -> dict[str, list[str]]:
    """Register name (file stem, e.g. ``pcm_mixed``) → its lines, for the files that hold any."""
    folder = folder or LID_HELD_OUT
    registers = {path.stem: corpus_lines(path) for path in sorted(folder.glob("*.txt"))}
    return {register: lines for register, lines in registers.items() if lines}


def _rows_of(registers: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``(text, language)`` for every line of every register; ``pcm_mixed`` lines are ``pcm``."""
    return [(line, register.split("_")[0]) for register, lines in registers.items() for line in lines]


async def _triage_external(texts: list[str]) -> list[dict]:
    from bot.cli import engine_for_batch

    async with aiohttp.ClientSession() as session:
        async with engine_for_batch(Settings(), session) as engine:
            results = await Triager(engine).triage_many(texts)
    return [{**r.to_contract(), "decided_by": r.decided_by} if hasattr(r, "to_contract") else {"error": str(r)}
            for r in results]


def _alarm_rates(results: list[dict]) -> dict:
    """Share of rows judged a case, with the part each decider (emergency rule, indicator rule, model) caused.

    :param results: contract objects with the triage's ``decided_by``
    """
    alarms = [r for r in results if r.get("intent") in CASE_INTENTS or r.get("urgency") == "emergency"]
    causes = Counter(r.get("decided_by") for r in alarms)
    return {
        "rows": len(results),
        "false_alarm_rate": round(len(alarms) / len(results), 4),
        "emergency_rate": round(sum(r.get("urgency") == "emergency" for r in results) / len(results), 4),
        "by_cause": {cause: round(causes[cause] / len(results), 4) for cause in DECIDERS},
    }


def false_alarm_rates(corpora: dict[str, dict[str, list[str]]]) -> dict:
    """Share of everyday messages the production model and rules judge a case, per corpus, group and overall.

    All corpora are judged in one pass, so the engine starts once.

    :param corpora: corpus name → group name → everyday messages
    """
    keys = [(corpus, group) for corpus, groups in corpora.items() for group in sorted(groups)]
    judged = iter(asyncio.run(_triage_external([text for corpus, group in keys for text in corpora[corpus][group]])))
    results = {key: [next(judged) for _ in corpora[key[0]][key[1]]] for key in keys}
    report: dict = {}
    for corpus in corpora:
        groups = {group: rows for (name, group), rows in results.items() if name == corpus}
        report[corpus] = {group: _alarm_rates(rows) for group, rows in groups.items()}
        report[corpus]["all"] = _alarm_rates([row for rows in groups.values() for row in rows])
    return report


def external_oos() -> dict[str, list[str]]:
    """The external everyday requests (``oos.jsonl``) by source."""
    rows = [json.loads(line) for line in (EXTERNAL / "oos.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    groups: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        groups[row["source"]].append(row["text"])
    return groups


def own_everyday(examples: list[Example]) -> dict[str, list[str]]:
    """The project's everyday-language corpus (``bot/data/lid``) by language, without the lines intent training uses.

    ``nlu_data/<lang>/everyday.yml`` was drawn from this corpus, so those lines are left out: the
    figure must come from messages the intent classifiers never saw.

    :param examples: the intent training examples
    """
    trained = {_comparable(example.text) for example in examples}
    return {
        language: [line for line in corpus_lines(EVERYDAY / f"{language}.txt") if _comparable(line) not in trained]
        for language in LANGUAGES
    }


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _figure(scores: dict, name: str) -> str:
    return f"{scores[name]:.3f}" if name in scores else "not run"


def _alarm_figures(groups: dict) -> str:
    """One summary clause per group: the false-alarm rate, its emergencies and what caused the alarms."""
    return ", ".join(
        f"{group} {scores['false_alarm_rate']:.3f} (emergency {scores['emergency_rate']:.3f}"
        + "".join(f", {cause.replace('_', ' ')} {share:.3f}" for cause, share in scores["by_cause"].items())
        + f", {scores['rows']})"
        for group, scores in groups.items())


def summary_markdown(results: dict) -> str:
    cv = results["cross_validation"]
    partial = results.get("rasa_default_folds")
    separate = partial is not None and "command" in partial
    command = "make bench-full" if "rasa_default" in cv or (partial and not separate) else "make bench"
    lines = [
        f"Cross-validation: {results['folds']}-fold stratified by language and intent on "
        f"{results['examples']} own examples (`{command}`, {results['date']}, {results['seconds']:.0f} s"
        + (", engine parses of the previous run re-scored" if results.get("reused_parses") else "") + ").",
        "",
        "| language | intent macro-F1 | accuracy | rights topic | indicator F1 (span / message) | urgency acc. | emergency recall | false emergency | TF-IDF+LR F1 | Rasa default F1 | model without rules: recall |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for group in (*LANGUAGES, "all"):
        ours = cv["hotline"][group]
        tfidf = cv.get("tfidf_lr", {}).get(group, {})
        default = cv.get("rasa_default", {}).get(group, {})
        if not default and "rasa_default_folds" in results:
            default = results["rasa_default_folds"]["scores"]["rasa_default"][group]
        model_only = cv.get("hotline_model_only", {}).get(group, {})
        lines.append(
            f"| {group} | {ours['intent_macro_f1']:.3f} | {ours['intent_accuracy']:.3f} | {ours['rights_topic_accuracy']:.3f} "
            f"| {ours['indicator_f1_entity']:.3f} / {ours['indicator_f1_message']:.3f} | {ours['urgency_accuracy']:.3f} "
            f"| {ours['emergency_recall']:.3f} | {ours['false_emergency_rate']:.3f} "
            f"| {_figure(tfidf, 'intent_macro_f1')} | {_figure(default, 'intent_macro_f1')} "
            f"| {_figure(model_only, 'emergency_recall')} |"
        )
    if partial:
        origin = f"; `{partial['command']}`, {partial['date']}, {partial['seconds']:.0f} s" if separate else ""
        lines += ["", f"Rasa default F1 comes from the first {partial['folds']} of the {results['folds']} folds "
                  f"({partial['examples']} test examples{origin}). On those examples, intent macro-F1 "
                  "hotline / TF-IDF+LR / Rasa default: " + ", ".join(
                      f"{g} {partial['scores']['hotline'][g]['intent_macro_f1']:.3f} / "
                      f"{partial['scores']['tfidf_lr'][g]['intent_macro_f1']:.3f} / "
                      f"{partial['scores']['rasa_default'][g]['intent_macro_f1']:.3f}" for g in (*LANGUAGES, "all"))]
    if "split_spread" in results:
        spread = results["split_spread"]
        splits = len(next(iter(spread.values()))["by_seed"])
        lines += ["", f"What the fold split alone does: TF-IDF+LR intent macro-F1 on {splits} different "
                  f"{results['folds']}-fold splits, lowest–highest (mean; the split above): " + ", ".join(
                      f"{g} {s['min']:.3f}–{s['max']:.3f} ({s['mean']:.3f}; {s['main']:.3f})" for g, s in spread.items())]
    keywords = cv.get("keywords_only", {})
    if keywords:
        lines += ["", "Emergency keyword layer alone: " + ", ".join(
            f"{g} recall {keywords[g]['emergency_recall']:.3f} / false {keywords[g]['false_emergency_rate']:.3f}"
            for g in (*LANGUAGES, "all"))]
    if "lid_date" in results:
        lines += ["", f"Language identification below was measured again on {results['lid_date']} "
                  "(`python -m bench.nlu --lid-only`, after a change to `bot/data/lid` alone)."]
    if "held_out_lid" in results:
        lines += ["", "Language identification on the project's own held-out set (`bench/data/lid_heldout`, "
                  "never trained on: `pcm_lexicon` holds the usage examples of a published Pidgin lexicon, the other "
                  "registers were written apart from the training text): " + ", ".join(
                      f"{language} {scores['accuracy']:.3f} ({scores['rows']})"
                      for language, scores in results["held_out_lid"].items())]
        if "held_out_lid_registers" in results:
            lines[-1] += "; by register: " + ", ".join(
                f"{register} {scores['accuracy']:.3f} ({scores['rows']})"
                for register, scores in results["held_out_lid_registers"].items())
    if "external" in results:
        lid = results["external"].get("lid", {})
        oos = results["external"].get("oos", {})
        if lid:
            lines += ["", "External language identification (`../shared/external-eval/lid.jsonl`): " + ", ".join(
                f"{language} {scores['accuracy']:.3f} ({scores['rows']})" for language, scores in lid.items())]
        if oos:
            lines += ["", "External false alarms on everyday requests (`oos.jsonl`, judged emergency, seek_help or "
                      "report_suspicion; then the share of all rows each decider raised): " + _alarm_figures(oos)]
    if "own_everyday" in results:
        lines += ["", "False alarms on the project's own everyday corpus (`bot/data/lid` without the lines "
                  "used for intent training; judged emergency, seek_help or report_suspicion): "
                  + _alarm_figures(results["own_everyday"])]
    lines += ["", "Confusion matrices: " + ", ".join(f"[{Path(p).stem}]({p})" for p in results.get("plots", []))]
    return "\n".join(lines)


def update_readme(summary: str, marker: str = "bench") -> None:
    """Put ``summary`` into README.md between the ``<!-- marker:start -->`` and ``<!-- marker:end -->`` lines.

    :param summary: markdown
    :param marker: bench (cross-validation) or blind
    """
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        README.write_text(f"{before}{start}\n{summary}\n{end}{after}", encoding="utf-8")


def _judged_part(parse: dict) -> dict:
    """The parts of a parse that triage reads (intent ranking, entities, the rights topic)."""
    selector = (parse.get("response_selector") or {}).get("ask_rights") or {}
    return {
        "intent": parse.get("intent"), "intent_ranking": (parse.get("intent_ranking") or [])[:3],
        "entities": parse.get("entities") or [],
        "response_selector": {"ask_rights": {"response": {
            key: (selector.get("response") or {}).get(key) for key in ("intent_response_key", "confidence")}}},
    }


def save_parses(examples: list[Example], folds: int, parses: list[dict]) -> None:
    """Keep each example's cross-validated engine parse, so rule and triage changes can be scored without training."""
    with open(PARSES, "w", encoding="utf-8") as handle:
        for example, parse in zip(examples, parses):
            handle.write(json.dumps({"folds": folds, "text": example.text, "intent": example.full_intent,
                                     "parse": _judged_part(parse)}, ensure_ascii=False) + "\n")


def load_parses(examples: list[Example], folds: int) -> list[dict]:
    """The parses of the last run, refused when the training data or the folds changed since."""
    rows = [json.loads(line) for line in PARSES.read_text(encoding="utf-8").splitlines()] if PARSES.exists() else []
    if [(r["folds"], r["text"], r["intent"]) for r in rows] != [(folds, e.text, e.full_intent) for e in examples]:
        sys.exit(f"{PARSES} is missing or from other training data or folds: run without --reuse-parses")
    return [r["parse"] for r in rows]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument("--skip-rasa-default", action="store_true", help="leave out the slow Rasa default baseline")
    baseline.add_argument("--rasa-default-folds", type=int, metavar="K",
                        help="train the Rasa default baseline on the first K folds only (about 80 minutes per fold on "
                             "two cores); it is then compared with the other systems on those folds' examples")
    parser.add_argument("--baseline-only", action="store_true",
                        help=f"with --rasa-default-folds K: train the hotline and Rasa default on those K folds only, "
                             f"keep the comparison in {BASELINE.name} and add it to the last full run's table "
                             "(example: python -m bench.nlu --folds 3 --rasa-default-folds 1 --baseline-only)")
    parser.add_argument("--skip-external", action="store_true",
                        help="leave out the figures that need the production model (everyday corpus, external-eval)")
    parser.add_argument("--reuse-parses", action="store_true",
                        help=f"score the engine parses of the last run ({PARSES.name}) again instead of training: "
                             "for changes to rules and triage only, not to training data")
    parser.add_argument("--lid-only", action="store_true",
                        help="measure only language identification again (seconds; for changes to bot/data/lid) "
                             "into the last full run's results")
    parser.add_argument("--spread-seeds", type=int, default=0, metavar="N",
                        help="also cross-validate TF-IDF+LR on N other fold splits (about a minute each) to show how "
                             "much the choice of folds alone moves a figure")
    args = parser.parse_args(argv)
    if args.lid_only and (args.baseline_only or args.skip_rasa_default or args.rasa_default_folds or args.skip_external
                          or args.reuse_parses or args.spread_seeds):
        parser.error("--lid-only measures language identification alone; of the other options it takes only --folds")
    if args.baseline_only and not args.rasa_default_folds:
        parser.error("--baseline-only needs --rasa-default-folds K")
    if args.baseline_only and args.reuse_parses:
        parser.error("--baseline-only trains the engine; it cannot reuse parses")
    RESULTS.mkdir(parents=True, exist_ok=True)
    DOCS.mkdir(exist_ok=True)
    started = time.monotonic()

    examples = load_examples()
    fingerprint = data_fingerprint(examples, args.folds)
    if args.lid_only:
        refresh_language_identification(fingerprint)
        return
    folds = fold_splits(examples, args.folds, MAIN_SEED)
    default_folds = 0 if args.skip_rasa_default else min(args.rasa_default_folds or len(folds), len(folds))
    engine_folds = default_folds if args.baseline_only else len(folds)
    # the rule layer and the identifier judge only what the engine folds test (all examples but in --baseline-only)
    tested = sorted(int(position) for _, test_index in folds[:engine_folds] for position in test_index)
    rules = default_rule_layer()
    matches = {position: rules.analyse(examples[position].text) for position in tested}
    guesses = dict(zip(tested, default_identifier().identify_many([examples[position].text for position in tested])))
    systems = ["hotline", "tfidf_lr"] + (["rasa_default"] if default_folds else [])
    predictions: dict[str, list] = {name: [None] * len(examples) for name in systems + ["hotline_model_only", "keywords_only"]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(RASA_DEFAULT_CONFIG)
        default_config = handle.name
    saved = load_parses(examples, args.folds) if args.reuse_parses else None
    all_parses: list = [None] * len(examples)
    try:
        progress = tqdm(total=len(folds) + engine_folds + default_folds, desc="cross-validation", unit="run",
                        file=sys.stderr)
        predictions["tfidf_lr"] = [{"intent": label} for label in tfidf_cross_validated(examples, folds)]
        progress.update(len(folds))
        for fold_number, (train_index, test_index) in enumerate(folds[:engine_folds]):
            train = [examples[i] for i in train_index]
            test = [examples[i] for i in test_index]
            if saved is not None:
                parses = [saved[i] for i in test_index]
            else:
                parses = run_engine_fold(str(ROOT / "config.yml"), train, [e.text for e in test])
            for position, parse in zip(test_index, parses):
                all_parses[position] = parse
                example = examples[position]
                for name, rule_matches in (("hotline", matches[position]), ("hotline_model_only", [])):
                    triage = judge(example.text, parse, rule_matches, guesses[position])
                    predictions[name][position] = {
                        "intent": triage.intent, "urgency": triage.urgency, "indicators": triage.indicators,
                        "spans": _evidence_spans(example.text, triage.evidence),
                        "rights_topic": triage.rights_topic or rights_topic_of(parse),
                    }
            progress.update()
            if fold_number < default_folds:
                for position, parse in zip(test_index, run_engine_fold(default_config, train, [e.text for e in test])):
                    predictions["rasa_default"][position] = {
                        "intent": (parse.get("intent") or {}).get("name") or "out_of_scope"}
                progress.update()
        progress.close()
    finally:
        Path(default_config).unlink(missing_ok=True)
    if args.baseline_only:
        publish_baseline(examples, predictions, [folds[i][1] for i in range(default_folds)], fingerprint, started)
        return
    if saved is None:
        save_parses(examples, args.folds, all_parses)
    for position, example in enumerate(examples):
        triage = judge(example.text, None, matches[position], guesses[position])
        predictions["keywords_only"][position] = {"intent": triage.intent, "urgency": triage.urgency}

    results = {
        "date": time.strftime("%Y-%m-%d"), "folds": args.folds, "examples": len(examples),
        "fingerprint": fingerprint, "reused_parses": saved is not None,
        "cross_validation": evaluate(examples, {k: v for k, v in predictions.items() if None not in v}),
        "plots": plot_confusion(examples, predictions["hotline"]),
    }
    if 0 < default_folds < len(folds):
        results["rasa_default_folds"] = compare_on_folds(examples, predictions, [folds[i][1] for i in range(default_folds)])
    elif not default_folds and (earlier := saved_baseline(fingerprint)):
        results["rasa_default_folds"] = earlier
    if args.spread_seeds:
        results["split_spread"] = split_spread(examples, args.folds, predictions["tfidf_lr"],
                                               [MAIN_SEED + 1 + n for n in range(args.spread_seeds)])
    results["held_out_lid"], results["held_out_lid_registers"] = held_out_lid()
    if not args.skip_external:
        corpora = {"own_everyday": own_everyday(examples), **({"oos": external_oos()} if EXTERNAL.exists() else {})}
        alarms = false_alarm_rates(corpora)
        results["own_everyday"] = alarms["own_everyday"]
        if EXTERNAL.exists():
            results["external"] = {"lid": external_lid(), "oos": alarms["oos"]}
    results["seconds"] = time.monotonic() - started
    save_full_run(results)


def last_full_run(fingerprint: str) -> dict | None:
    """The results of the last full run (``nlu.json``), if it was on the examples and folds of ``fingerprint``.

    :param fingerprint: the current ``data_fingerprint``
    """
    return _saved_on_same_test(RESULTS / "nlu.json", fingerprint)


def save_full_run(results: dict) -> None:
    """Keep ``results`` as ``nlu.json`` and write their summary to ``summary.md`` and the README."""
    (RESULTS / "nlu.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    summary = summary_markdown(results)
    (RESULTS / "summary.md").write_text(summary + "\n", encoding="utf-8")
    update_readme(summary)
    print(summary)


def publish_baseline(examples: list[Example], predictions: dict[str, list], test_indices: list, fingerprint: str,
                     started: float) -> None:
    """Keep a ``--baseline-only`` comparison and add it to the last full run's results when they share the test.

    :param examples: all examples, in fold order
    :param predictions: per system, one prediction per example (``None`` where it was not run)
    :param test_indices: the test indices of the folds the engine systems ran on
    :param fingerprint: the ``data_fingerprint`` of this run
    :param started: ``time.monotonic()`` at the start of the run
    """
    comparison = {**compare_on_folds(examples, predictions, test_indices), "fingerprint": fingerprint,
                  "command": "make bench-baseline", "date": time.strftime("%Y-%m-%d"),
                  "seconds": time.monotonic() - started}
    BASELINE.write_text(json.dumps(comparison, indent=2, ensure_ascii=False), encoding="utf-8")
    results = last_full_run(fingerprint)
    if results is None:
        print(f"kept in {BASELINE}; the last full run (nlu.json) was on other examples or folds, so its "
              "table shows the baseline after the next `make bench`", file=sys.stderr)
        return
    results["rasa_default_folds"] = comparison
    save_full_run(results)


def refresh_language_identification(fingerprint: str) -> None:
    """Measure language identification again into the last full run's results, without training anything.

    Triage takes only the language field from the identifier, so no other figure depends on it. The
    identifier also learns from the intent examples, so the full run must have been on the same ones.

    :param fingerprint: the current ``data_fingerprint``
    """
    results = last_full_run(fingerprint)
    if results is None:
        sys.exit("the last full run (nlu.json) was on other examples or folds: run `make bench`")
    results["held_out_lid"], results["held_out_lid_registers"] = held_out_lid()
    if EXTERNAL.exists() and "external" in results:
        results["external"]["lid"] = external_lid()
    results["lid_date"] = time.strftime("%Y-%m-%d")
    save_full_run(results)


if __name__ == "__main__":
    main()
