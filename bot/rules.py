"""spaCy rule layers: danger-now patterns, indicator evidence, role, exploitation, language and situation cues.

Patterns live in ``bot/rules/<lang>.yml`` in a small phrase syntax (see
``docs/content-guide.md``) that linguists can edit; this module compiles them
into one spaCy ``Matcher`` per language, on blank pipelines whose token norm is
the folded form (``hotline_nlu.textnorm.fold``), so Danish written without
æ/ø/å matches too. Every message is read by all four pipelines: people mix
languages, and a missed emergency is the worst error this system can make.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
import yaml
from pythainlp.corpus.common import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from bot import DANGER_CUES, EXPLOITATION, INDICATORS, LANGUAGES, ROLES, SITUATIONS
from hotline_nlu.textnorm import fold

RULES_DIR = Path(__file__).parent / "rules"
GAP = "..."
MAX_GAP = 3
FUZZY_MIN_LENGTH = 6
LAYERS = ("emergency", "danger", "indicators", "roles", "exploitation", "languages", "situation")
_LABELS = {
    "danger": set(DANGER_CUES),
    "indicators": set(INDICATORS),
    "roles": set(ROLES) - {"unknown"},
    "exploitation": set(EXPLOITATION) - {"unknown"},
    "languages": set(LANGUAGES),
    "situation": set(SITUATIONS),
}
# spaCy has no Nigerian Pidgin; it is English-lexified, so English tokenization fits.
_SPACY_LANG = {"da": "da", "en": "en", "th": "th", "pcm": "en"}
_SLOT = re.compile(r"^\((?P<inner>[^()]+)\)\?$|^(?P<plain>[^()]+)$")


class PatternSyntaxError(ValueError):
    """A phrase in a rules file does not follow the phrase syntax."""


@dataclass(frozen=True)
class RuleMatch:
    """Words in a message that a rule pattern found.

    :param layer: emergency, danger, indicators, roles, exploitation, languages or situation
    :param label: what it shows (an indicator code, a role, a language, ...)
    :param text: the matched words as written
    :param start: character offset of the match
    :param language: the language of the pattern that matched
    """

    layer: str
    label: str
    text: str
    start: int
    language: str


@dataclass(frozen=True)
class _Slot:
    alternatives: tuple[str, ...]
    optional: bool = False
    gap: bool = False


def parse_phrase(phrase: str) -> list[_Slot]:
    """Split a phrase into slots: ``a|b`` alternatives, ``x~`` prefixes, ``(..)?`` optional, ``...`` gaps.

    :param phrase: one pattern phrase from a rules file
    """
    slots = []
    for word in str(phrase).split():
        if word == GAP:
            slots.append(_Slot((), gap=True))
            continue
        found = _SLOT.match(word)
        if not found:
            raise PatternSyntaxError(f"cannot read slot {word!r} in phrase {phrase!r}")
        inner = found.group("inner") or found.group("plain")
        alternatives = tuple(a for a in inner.split("|") if a)
        if not alternatives or any(ch in inner for ch in "[]{}\\^$"):
            raise PatternSyntaxError(f"bad alternatives {word!r} in phrase {phrase!r}")
        slots.append(_Slot(alternatives, optional=found.group("inner") is not None))
    if not [s for s in slots if not s.gap and not s.optional]:
        raise PatternSyntaxError(f"phrase {phrase!r} has no required word")
    return slots


class ThaiDictTokenizer:
    """PyThaiNLP newmm with every pattern word added to its dictionary, so patterns survive segmentation."""

    def __init__(self, vocab, extra_words: set[str]):
        self.vocab = vocab
        self.trie = Trie(set(thai_words()) | extra_words)

    def __call__(self, text: str) -> Doc:
        pieces = word_tokenize(text, custom_dict=self.trie, engine="newmm", keep_whitespace=True)
        words, spaces = [], []
        for piece in pieces:
            if piece.isspace():
                if spaces:
                    spaces[-1] = True
                continue
            # newmm keeps Latin runs with their inner spaces; split them like white space.
            for part in piece.split():
                words.append(part)
                spaces.append(False)
            if piece != piece.rstrip() and spaces:
                spaces[-1] = True
        return Doc(self.vocab, words=words, spaces=spaces)


def _fold_norms(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = fold(token.text)
    return doc


def _token_variants(nlp: Language, slot: _Slot) -> list[list[dict]]:
    """Matcher token-pattern sequences that together match one slot."""
    if slot.gap:
        return [[{"OP": f"{{0,{MAX_GAP}}}"}]]
    prefixes, exact_short, exact_long, multi = [], [], [], []
    for alternative in slot.alternatives:
        if alternative.endswith("~") and len(alternative) > 1:
            prefixes.append(fold(alternative[:-1]))
            continue
        tokens = [fold(t.text) for t in nlp.make_doc(alternative)]
        if len(tokens) > 1:
            multi.append([{"NORM": t} for t in tokens])
        elif tokens[0].isascii() and tokens[0].isalpha() and len(tokens[0]) >= FUZZY_MIN_LENGTH:
            exact_long.append(tokens[0])
        else:
            exact_short.append(tokens[0])
    variants = list(multi)
    if exact_short:
        variants.append([{"NORM": {"IN": sorted(set(exact_short))}}])
    if exact_long:
        variants.append([{"NORM": {"FUZZY1": {"IN": sorted(set(exact_long))}}}])
    if prefixes:
        alternation = "|".join(re.escape(p) for p in sorted(set(prefixes)))
        variants.append([{"NORM": {"REGEX": f"^(?:{alternation})"}}])
    if slot.optional:
        variants.append([])
    return variants


def compile_phrase(nlp: Language, phrase: str) -> list[list[dict]]:
    """All Matcher patterns for one phrase (slots with multi-token alternatives multiply out).

    :param nlp: the language's blank pipeline, for tokenizing alternatives
    :param phrase: one pattern phrase
    """
    per_slot = [_token_variants(nlp, slot) for slot in parse_phrase(phrase)]
    patterns = []
    for combination in itertools.product(*per_slot):
        pattern = [token for variant in combination for token in variant]
        # a gap at either end adds nothing but length to the evidence
        while pattern and pattern[0].get("OP", "").startswith("{0"):
            pattern.pop(0)
        while pattern and pattern[-1].get("OP", "").startswith("{0"):
            pattern.pop()
        if pattern:
            patterns.append(pattern)
    return patterns


def load_rule_file(language: str, directory: Path = RULES_DIR) -> dict[str, dict[str, list[str]]]:
    """Phrases of one language by layer and label, checked against the contract's labels.

    :param language: da, en, th or pcm
    :param directory: folder with one YAML file per language
    """
    path = directory / f"{language}.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    layers: dict[str, dict[str, list[str]]] = {}
    for layer in LAYERS:
        section = document.get(layer) or {}
        if layer == "emergency":
            section = {"emergency": section}
        unknown = set(section) - _LABELS.get(layer, {"emergency"})
        if unknown:
            raise PatternSyntaxError(f"{path}: unknown {layer} labels {sorted(unknown)}")
        layers[layer] = {label: [str(p) for p in phrases or []] for label, phrases in section.items()}
    return layers


class RuleLayer:
    """Finds emergency, indicator, role, exploitation and language-name cues in text with spaCy.

    :param directory: folder with ``<lang>.yml`` rule files
    :param only: compile just these layers (checks of one layer run faster); all by default
    """

    def __init__(self, directory: Path = RULES_DIR, only: tuple[str, ...] = LAYERS):
        self.pipelines: dict[str, tuple[Language, Matcher]] = {}
        for language in LANGUAGES:
            if not (directory / f"{language}.yml").exists():
                continue
            layers = {layer: labels for layer, labels in load_rule_file(language, directory).items() if layer in only}
            nlp = spacy.blank(_SPACY_LANG[language])
            if language == "th":
                words = {
                    alternative
                    for phrases in (p for layer in layers.values() for p in layer.values())
                    for phrase in phrases
                    for slot in parse_phrase(phrase)
                    for alternative in slot.alternatives
                    if not alternative.endswith("~")
                }
                nlp.tokenizer = ThaiDictTokenizer(nlp.vocab, words)
            matcher = Matcher(nlp.vocab)
            for layer, labels in layers.items():
                for label, phrases in labels.items():
                    patterns = [p for phrase in phrases for p in compile_phrase(nlp, phrase)]
                    if patterns:
                        matcher.add(f"{layer}:{label}", patterns)
            self.pipelines[language] = (nlp, matcher)

    def analyse(self, text: str) -> list[RuleMatch]:
        """Every cue in ``text``; per layer and label the longest non-overlapping spans.

        :param text: one message
        """
        found: list[RuleMatch] = []
        for language, (nlp, matcher) in self.pipelines.items():
            doc = _fold_norms(nlp.make_doc(text))
            spans_by_key: dict[str, list] = {}
            for match_id, start, end in matcher(doc):
                spans_by_key.setdefault(nlp.vocab.strings[match_id], []).append(doc[start:end])
            for key, spans in spans_by_key.items():
                layer, label = key.split(":", 1)
                for span in filter_spans(spans):
                    found.append(RuleMatch(layer, label, span.text, span.start_char, language))
        found.sort(key=lambda m: (m.start, m.layer, m.label))
        return found


@lru_cache(maxsize=1)
def default_rule_layer() -> RuleLayer:
    """The rule layer built from the project's rule files, compiled once per process."""
    return RuleLayer()
