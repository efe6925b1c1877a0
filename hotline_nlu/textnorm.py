"""Text normalisation shared by the engine's tokenizer and the app's rule layers."""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

THAI_CHAR = re.compile(r"[\u0E00-\u0E7F]")
THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")

# Danes without a Danish keyboard write æ/ø/å as ae/oe/aa or as a/o/a.
# Folding both spellings to one skeleton lets "hjælp", "hjaelp" and "hjalp" meet.
_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_DIGRAPHS = re.compile(r"ae|oe|aa")
_DIGRAPH_SKELETON = {"ae": "a", "oe": "o", "aa": "a"}


def fold(text: str) -> str:
    """Lower-case and fold Danish letters and Latin accents to a common skeleton.

    Thai vowel and tone marks are combining characters too, so only Latin
    letters lose their accents.

    :param text: any text
    """
    lowered = text.lower().translate(_DANISH_LETTERS)
    stripped = []
    for char in lowered:
        if ord(char) < 0x0250:
            decomposed = unicodedata.normalize("NFKD", char)
            stripped.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            stripped.append(char)
    return _DIGRAPHS.sub(lambda m: _DIGRAPH_SKELETON[m.group(0)], "".join(stripped))


def thai_share(text: str) -> float:
    """Share of non-space characters that are Thai script.

    :param text: any text
    """
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if THAI_CHAR.match(c)) / len(letters)


def split_words(text: str, split_other: Callable[[str], list[str]] = str.split, thai_engine: str = "newmm") -> list[str]:
    """The words of a message: Thai runs, written without spaces, cut by PyThaiNLP, the rest by ``split_other``.

    :param text: one message
    :param split_other: how to split everything that is not Thai script
    :param thai_engine: PyThaiNLP's word segmentation engine
    """
    from pythainlp.tokenize import word_tokenize  # only paid for when a message is actually split

    words: list[str] = []
    position = 0
    for run in THAI_RUN.finditer(text):
        words.extend(split_other(text[position:run.start()]))
        words.extend(word for word in word_tokenize(run.group(0), engine=thai_engine) if word.strip())
        position = run.end()
    words.extend(split_other(text[position:]))
    return words
