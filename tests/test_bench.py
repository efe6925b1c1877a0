"""The benchmark's own everyday corpus must never contain what intent training saw."""

import bench.nlu as bench
from bot import LANGUAGES


def test_own_everyday_leaves_out_lines_used_for_intent_training(tmp_path, monkeypatch):
    for language in LANGUAGES:
        (tmp_path / f"{language}.txt").write_text("", encoding="utf-8")
    (tmp_path / "pcm.txt").write_text("I dey save for my house rent!\nwho win the match\n\n", encoding="utf-8")
    monkeypatch.setattr(bench, "EVERYDAY", tmp_path)
    trained = bench.Example("i dey save for my house rent", "i dey save for my house rent",
                            "out_of_scope", "out_of_scope", "pcm", [])

    corpus = bench.own_everyday([trained])

    assert corpus["pcm"] == ["who win the match"]
    assert corpus["da"] == []


def test_every_language_keeps_a_held_out_everyday_corpus_of_at_least_300_lines():
    corpus = bench.own_everyday(bench.load_examples())
    assert min(len(corpus[language]) for language in LANGUAGES) >= 300
