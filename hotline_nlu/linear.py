"""A linear intent model (TF-IDF word and character n-grams, logistic regression) kept as plain arrays.

Pure NumPy, SciPy and scikit-learn, no Rasa: the engine's classifier component
wraps it, and the app's tests check it directly. A trained model is stored as
JSON and ``.npz`` arrays, never pickled, and the same arithmetic scores it in
either environment whatever their scikit-learn versions.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Mapping, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

VOCABULARY_FILE = "linear_vocabulary.json"
ARRAYS_FILE = "linear_arrays.npz"
# Word uni- and bigrams over the tokenizer's folded words (Thai already segmented),
# character n-grams inside words for typos, missing æ/ø/å and Pidgin spellings.
NGRAMS = {"word": (1, 2), "char_wb": (1, 5)}


class LinearModelError(Exception):
    """A linear intent model cannot be trained or loaded."""


def _vectorizer_settings(analyzer: str) -> dict:
    """One analyzer's settings, shared by training (TF-IDF) and scoring (counts on a fixed vocabulary)."""
    # the documents are already tokenized and joined by spaces, so a word is anything between spaces
    return {"analyzer": analyzer, "ngram_range": NGRAMS[analyzer], "lowercase": True,
            "token_pattern": r"\S+" if analyzer == "word" else None}


def _tfidf_block(counts: csr_matrix, idf: np.ndarray) -> csr_matrix:
    """Sublinear term frequency times idf, each row scaled to unit length (as TfidfVectorizer does)."""
    weighted = counts.astype(np.float64).tocsr()
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted.multiply(idf.reshape(1, -1)).tocsr()
    return normalize(weighted, norm="l2", copy=False)


@dataclass
class LinearIntentModel:
    """Intent probabilities from TF-IDF features and a multinomial logistic regression."""

    word_vocabulary: dict[str, int]
    char_vocabulary: dict[str, int]
    word_idf: np.ndarray
    char_idf: np.ndarray
    classes: list[str]
    coefficients: np.ndarray  # (classes, features), or (1, features) for two classes
    intercepts: np.ndarray
    # built once: a vectorizer checks its whole vocabulary on first use, about 20 ms
    _counters: tuple[CountVectorizer, CountVectorizer] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def train(cls, documents: Sequence[str], labels: Sequence[str], regularisation: float = 20.0,
              class_weights: Mapping[str, float] | None = None) -> "LinearIntentModel":
        """Fit the model on tokenized documents.

        :param documents: one string per example, its tokens joined by spaces
        :param labels: the intent of each document
        :param regularisation: inverse regularisation strength ``C`` of the logistic regression
        :param class_weights: intent → weight of each of its examples (1 where missing)
        """
        if len(documents) != len(labels):
            raise LinearModelError(f"{len(documents)} documents but {len(labels)} labels")
        if len(set(labels)) < 2:
            raise LinearModelError("training needs at least two intents")
        words, chars = (TfidfVectorizer(**_vectorizer_settings(analyzer), sublinear_tf=True) for analyzer in ("word", "char_wb"))
        features = hstack([words.fit_transform(documents), chars.fit_transform(documents)]).tocsr()
        regression = LogisticRegression(C=regularisation, max_iter=3000)
        weights = np.array([(class_weights or {}).get(label, 1.0) for label in labels], dtype=np.float64)
        regression.fit(features, list(labels), sample_weight=weights)
        return cls(
            word_vocabulary={term: int(index) for term, index in words.vocabulary_.items()},
            char_vocabulary={term: int(index) for term, index in chars.vocabulary_.items()},
            word_idf=np.asarray(words.idf_, dtype=np.float64),
            char_idf=np.asarray(chars.idf_, dtype=np.float64),
            classes=[str(label) for label in regression.classes_],
            coefficients=np.asarray(regression.coef_, dtype=np.float32),
            intercepts=np.asarray(regression.intercept_, dtype=np.float32),
        )

    def features(self, documents: Sequence[str]) -> csr_matrix:
        """The TF-IDF feature rows of ``documents``, in the training vocabulary.

        :param documents: tokenized documents, as for :meth:`train`
        """
        if self._counters is None:
            self._counters = (CountVectorizer(**_vectorizer_settings("word"), vocabulary=self.word_vocabulary),
                              CountVectorizer(**_vectorizer_settings("char_wb"), vocabulary=self.char_vocabulary))
        words, chars = (counter.transform(documents) for counter in self._counters)
        return hstack([_tfidf_block(words, self.word_idf), _tfidf_block(chars, self.char_idf)]).tocsr()

    def probabilities(self, documents: Sequence[str]) -> list[dict[str, float]]:
        """Each document's probability for every intent.

        :param documents: tokenized documents, as for :meth:`train`
        """
        if not documents:
            return []
        scores = (self.coefficients @ self.features(documents).T).T + self.intercepts
        scores = np.asarray(scores)
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            table = np.column_stack([1.0 - positive, positive])
        else:
            scores -= scores.max(axis=1, keepdims=True)
            table = np.exp(scores)
            table /= table.sum(axis=1, keepdims=True)
        return [dict(zip(self.classes, map(float, row))) for row in table]

    def save(self, directory: Path) -> None:
        """Write the model as JSON and arrays into ``directory``.

        :param directory: an existing directory
        """
        (directory / VOCABULARY_FILE).write_text(json.dumps({
            "words": self.word_vocabulary, "chars": self.char_vocabulary, "classes": self.classes,
        }, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(directory / ARRAYS_FILE, word_idf=self.word_idf, char_idf=self.char_idf,
                            coefficients=self.coefficients, intercepts=self.intercepts)

    @classmethod
    def load(cls, directory: Path) -> "LinearIntentModel":
        """Read a model written by :meth:`save`.

        :param directory: the directory it was saved in
        """
        try:
            vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
            with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
                return cls(vocabulary["words"], vocabulary["chars"], arrays["word_idf"], arrays["char_idf"],
                           vocabulary["classes"], arrays["coefficients"], arrays["intercepts"])
        except (OSError, KeyError, ValueError) as error:
            raise LinearModelError(f"no linear intent model in {directory}: {error}") from error


def rare_class_weights(labels: Sequence[str], exempt: Collection[str] = ()) -> dict[str, float]:
    """Weights that let every intent with fewer examples than average count as if it had the average.

    Larger intents keep weight 1, and so do the ``exempt`` ones: raising the
    case intents would turn more everyday chatter into cases.

    :param labels: the intent of each training example
    :param exempt: intents that always keep weight 1
    """
    counts = Counter(labels)
    average = len(labels) / len(counts) if counts else 0.0
    return {label: 1.0 if label in exempt else max(1.0, average / count) for label, count in counts.items()}


def blend(first: Mapping[str, float], second: Mapping[str, float], second_weight: float) -> list[tuple[str, float]]:
    """Weighted average of two intent distributions, best first; an intent missing from one counts 0 there.

    :param first: intent → probability from one classifier (e.g. DIET's ranking)
    :param second: intent → probability from the other
    :param second_weight: the second classifier's share, between 0 and 1
    """
    if not 0.0 <= second_weight <= 1.0:
        raise ValueError(f"second_weight must lie between 0 and 1, not {second_weight}")
    names: Iterable[str] = dict.fromkeys([*first, *second])
    mixed = {name: (1.0 - second_weight) * first.get(name, 0.0) + second_weight * second.get(name, 0.0)
             for name in names}
    return sorted(mixed.items(), key=lambda item: (-item[1], item[0]))
