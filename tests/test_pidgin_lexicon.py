"""The import of real Pidgin from an openly licensed lexicon (scripts/import_pidgin_lexicon.py)."""

import importlib.util
from pathlib import Path

from bench.nlu import LID_HELD_OUT
from bot.language import LID_DIR, corpus_lines

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_pidgin_lexicon", ROOT / "scripts" / "import_pidgin_lexicon.py")
lexicon_import = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lexicon_import)


def test_usage_examples_keep_the_pidgin_and_drop_the_explanation_around_it():
    glosses = [
        "1.Severely e.g Di man wey moto jam wound bad bad. 2. Absolutely e.g She fain bad bad.",
        "Used in place of 'him' or 'her' in sentence e.g. 'Warn am O!'",
        "e.g. I no Kuku sabi am, meaning I really don't know him. Also Kukuma",
        "Intellectual",
    ]

    assert lexicon_import.usage_examples(glosses) == [
        "Di man wey moto jam wound bad bad", "She fain bad bad", "Warn am O!", "I no Kuku sabi am"]


def test_an_english_description_given_as_an_example_is_left_out():
    assert lexicon_import.usage_examples(["e.g. Those are men of Timber and calibre."]) == []


def test_headwords_made_only_of_english_words_or_an_acronym_are_left_out():
    english = {"acting", "big", "man", "appear", "all", "night", "na"}
    lexicon = {"Abeg": [], "Acting big man": [], "Appear": [], "ABU": [], "All night": [], "Abi na wetin!": [],
               "Afta much": []}

    assert lexicon_import.training_headwords(lexicon, english) == ["Abeg", "Abi na wetin!", "Afta much"]


def test_the_imported_files_carry_the_licence_and_keep_training_and_held_out_apart():
    training, held_out = LID_DIR / "pcm_lexicon.txt", LID_HELD_OUT / "pcm_lexicon.txt"
    for path in (training, held_out):
        assert "MIT licence" in path.read_text(encoding="utf-8")
    assert len(corpus_lines(training)) > 500 and len(corpus_lines(held_out)) > 150
    assert not {line.lower() for line in corpus_lines(training)} & {line.lower() for line in corpus_lines(held_out)}
