"""Language identification for Danish, English, Thai and Nigerian Pidgin.

Thai is told by its script. Danish, English and Pidgin share the Latin
alphabet, and Pidgin shares most of its words with English, so a character and
word n-gram classifier decides between them; it learns from the project's own
everyday-language corpus (``bot/data/lid``) and its NLU training data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from bot import LANGUAGES
from hotline_nlu.textnorm import fold, thai_share

LID_DIR = Path(__file__).parent / "data" / "lid"
NLU_DIR = Path(__file__).resolve().parent.parent / "nlu_data"
LATIN_LANGUAGES = ("da", "en", "pcm")
THAI_SHARE_FOR_THAI = 0.3
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language with the classifier's probability for it."""

    language: str
    confidence: float


def strip_annotations(example: str) -> str:
    """Plain text of a Rasa training example: ``[took it](x)`` becomes ``took it``.

    :param example: one example line without its leading dash
    """
    return _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), example).strip()


def nlu_examples(nlu_dir: Path = NLU_DIR) -> list[tuple[str, str, str]]:
    """``(text, intent, language)`` for every training example under ``nlu_data/<lang>/``.

    :param nlu_dir: the training data folder
    """
    rows = []
    for language in LANGUAGES:
        for path in sorted((nlu_dir / language).glob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in document.get("nlu", []):
                if "intent" not in block:
                    continue
                for line in str(block.get("examples", "")).splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        rows.append((strip_annotations(line[2:]), block["intent"], language))
    return rows


def corpus_lines(path: Path) -> list[str]:
    """The sentences of a one-sentence-per-line corpus file, without blank lines and "#" comment lines.

    :param path: the text file
    """
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def lid_corpus(lid_dir: Path = LID_DIR, nlu_dir: Path = NLU_DIR) -> tuple[list[str], list[str]]:
    """Texts and labels the Latin-script classifier learns from.

    :param lid_dir: folder with ``<lang>.txt`` (and ``<lang>_*.txt``), one sentence per line
    :param nlu_dir: the NLU training data folder
    """
    texts, labels = [], []
    for language in LATIN_LANGUAGES:
        # <lang>.txt and any <lang>_<register>.txt beside it
        for path in sorted(lid_dir.glob(f"{language}.txt")) + sorted(lid_dir.glob(f"{language}_*.txt")):
            lines = corpus_lines(path)
            texts += lines
            labels += [language] * len(lines)
    for text, intent, language in nlu_examples(nlu_dir):
        # a request for another language ("English please" in the Danish file) says little about its own
        if language in LATIN_LANGUAGES and intent != "choose_language":
            texts.append(text)
            labels.append(language)
    return texts, labels


class LanguageIdentifier:
    """Tells da, en, th and pcm apart.

    :param texts: Latin-script training texts
    :param labels: their languages (da, en or pcm)
    """

    def __init__(self, texts: list[str], labels: list[str]):
        features = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=True,
                                      sublinear_tf=True, min_df=1)),
            ("words", TfidfVectorizer(analyzer="word", preprocessor=fold, token_pattern=r"(?u)\b\w+\b",
                                      ngram_range=(1, 2), sublinear_tf=True)),
        ])
        self.model = make_pipeline(features, LogisticRegression(C=20, max_iter=2000, class_weight="balanced"))
        self.model.fit(texts, labels)

    def identify(self, text: str) -> LanguageGuess:
        """The most likely language of ``text``.

        :param text: one message
        """
        return self.identify_many([text])[0]

    def identify_many(self, texts: list[str]) -> list[LanguageGuess]:
        """Like :meth:`identify` for many texts at once (one vectorisation pass).

        :param texts: messages
        """
        guesses: list[LanguageGuess | None] = [None] * len(texts)
        latin_positions = []
        for position, text in enumerate(texts):
            share = thai_share(text)
            if share >= THAI_SHARE_FOR_THAI:
                guesses[position] = LanguageGuess("th", round(min(1.0, 0.5 + share / 2), 3))
            else:
                latin_positions.append(position)
        if latin_positions:
            matrix = self.model.predict_proba([texts[p] for p in latin_positions])
            for position, probabilities in zip(latin_positions, matrix):
                best = int(probabilities.argmax())
                guesses[position] = LanguageGuess(str(self.model.classes_[best]), round(float(probabilities[best]), 3))
        return guesses  # type: ignore[return-value]


# One message of four words or more switches the chat when the identifier is this sure of it.
SWITCH_CONFIDENCE = 0.85
# Two messages in a row in the same other language switch it at this lower certainty.
RUN_CONFIDENCE = 0.6
RUN_MIN_WORDS = 2


@lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    """The identifier trained on the project's own corpus, built once per process."""
    return LanguageIdentifier(*lid_corpus())


def conversation_language(current: str | None, guess: LanguageGuess, requested: str | None,
                          word_count: int, previous: LanguageGuess | None = None) -> str:
    """The language to answer in, given the one so far and what this message shows.

    An explicit request always wins. Otherwise a conversation keeps its language
    unless a message of some length is clearly in another, or two messages in a
    row are in the same other language: one "ok" or a half-English Pidgin line
    must not flip the chat, but a person who goes on writing Danish is answered
    in Danish.

    :param current: the conversation's language so far, or None at the start
    :param guess: this message's detected language
    :param requested: a language the writer asked for, if any
    :param word_count: words in this message
    :param previous: the language detected in the person's message before this one, if any
    """
    if requested in LANGUAGES:
        return requested
    if current is None:
        return guess.language
    if guess.language == current:
        return current
    if guess.language == "th" or (word_count >= 4 and guess.confidence >= SWITCH_CONFIDENCE):
        return guess.language
    if (previous is not None and previous.language == guess.language and word_count >= RUN_MIN_WORDS
            and min(guess.confidence, previous.confidence) >= RUN_CONFIDENCE):
        return guess.language
    return current
