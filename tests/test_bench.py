"""The benchmark: its held-out corpora never hold training lines; its Rasa baseline trains Rasa's own default."""

import json
from pathlib import Path

import pytest

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


def test_held_out_lid_set_shares_no_line_with_what_the_identifier_learns_from():
    from bot.language import lid_corpus

    learned = {bench._comparable(text) for text in lid_corpus()[0]}
    held_out = bench.held_out_lid_rows()

    assert {language for _, language in held_out} == {"da", "en", "pcm"}
    assert [text for text, _ in held_out if bench._comparable(text) in learned] == []


def test_lid_accuracy_counts_hits_and_what_each_language_was_taken_for(tmp_path):
    (tmp_path / "da.txt").write_text("# comment\nhvornaar aabner i\n\nhvad koster en billet til aarhus\n", encoding="utf-8")
    (tmp_path / "th.txt").write_text("ขอบคุณมากค่ะ\nthank you so much\n", encoding="utf-8")

    scores = bench.lid_accuracy(bench.held_out_lid_rows(tmp_path))

    assert scores["da"] == {"accuracy": 1.0, "rows": 2, "predicted": {"da": 2}}
    assert scores["th"] == {"accuracy": 0.5, "rows": 2, "predicted": {"th": 1, "en": 1}}


def test_false_alarms_are_split_by_what_raised_them():
    judged = ([{"intent": "out_of_scope", "urgency": "low", "decided_by": "model"}] * 6
              + [{"intent": "emergency", "urgency": "emergency", "decided_by": "emergency_rule"}]
              + [{"intent": "seek_help", "urgency": "normal", "decided_by": "indicator_rule"}]
              + [{"intent": "report_suspicion", "urgency": "normal", "decided_by": "model"}] * 2)

    rates = bench._alarm_rates(judged)

    assert rates["false_alarm_rate"] == 0.4 and rates["emergency_rate"] == 0.1
    assert rates["by_cause"] == {"emergency_rule": 0.1, "danger_rule": 0.0, "semantic": 0.0, "indicator_rule": 0.1,
                                 "model": 0.2}
    assert ("xsid 0.400 (emergency 0.100, emergency rule 0.100, danger rule 0.000, semantic 0.000, "
            "indicator rule 0.100, model 0.200, 10)") \
        == bench._alarm_figures({"xsid": rates})


@pytest.mark.engine
def test_rasa_default_baseline_trains_rasa_s_own_default_pipeline(tmp_path):
    config = tmp_path / "default.yml"
    config.write_text(bench.RASA_DEFAULT_CONFIG, encoding="utf-8")
    greetings = ["hello", "hi there", "good morning", "hey hey", "hello friend", "hi", "good evening", "hey there"]
    farewells = ["bye", "goodbye", "see you later", "bye bye", "see you soon", "good night and bye", "later", "ciao"]
    train = [bench.Example(text, text, intent, intent, "en", [])
             for intent, texts in (("greet", greetings), ("goodbye", farewells)) for text in texts]

    log = bench.RESULTS / "engine_cv.log"
    logged_before = log.stat().st_size if log.exists() else 0

    parses = bench.run_engine_fold(str(config), train, ["hello hello", "bye bye see you"])

    assert [parse["intent"]["name"] for parse in parses] == ["greet", "goodbye"]
    with open(log, "rb") as handle:
        handle.seek(logged_before)
        assert b"bye bye see you" not in handle.read()
    # Rasa writes the pipeline it filled in back into the file: proof that its default, not ours, was trained.
    assert "DIETClassifier" in config.read_text(encoding="utf-8")
    assert "LinearIntentBlend" not in config.read_text(encoding="utf-8")


def _tiny_run():
    """Examples of every language and one full run's predictions, as a full run would keep them."""
    examples = [bench.Example(f"{language} line {i}", f"{language} line {i}", intent, intent, language, [])
                for language in LANGUAGES for i, intent in enumerate(["greet", "goodbye"] * 3)]
    ours = [{"intent": e.intent, "urgency": "low", "indicators": [], "spans": [], "rights_topic": None} for e in examples]
    tfidf = [{"intent": e.intent} for e in examples]
    return examples, ours, tfidf


def test_a_baseline_run_on_some_folds_is_compared_on_those_folds_only():
    examples = [bench.Example(f"line {i}", f"line {i}", intent, intent, "en", [])
                for i, intent in enumerate(["greet", "goodbye"] * 3)]
    everywhere = [{"intent": e.intent} for e in examples]
    first_fold_only = [{"intent": "greet"}, {"intent": "greet"}] + [None] * 4
    folds = [[0, 1], [2, 3], [4, 5]]

    compared = bench.compare_on_folds(examples, {"tfidf_lr": everywhere, "rasa_default": first_fold_only}, folds[:1])

    assert (compared["folds"], compared["examples"]) == (1, 2)
    assert compared["scores"]["tfidf_lr"]["en"]["intent_macro_f1"] == 1.0
    assert compared["scores"]["rasa_default"]["en"]["intent_accuracy"] == 0.5
    assert compared["scores"]["rasa_default"]["all"]["examples"] == 2


def test_summary_shows_a_baseline_trained_on_some_folds_with_the_scores_it_is_compared_on():
    examples, ours, tfidf = _tiny_run()
    default = [{"intent": "greet"} if i % 3 == 0 else None for i in range(len(examples))]
    first_fold = [i for i in range(len(examples)) if i % 3 == 0]
    results = {
        "folds": 3, "examples": len(examples), "date": "2026-11-23", "seconds": 1.0,
        "cross_validation": bench.evaluate(examples, {"hotline": ours, "tfidf_lr": tfidf}),
        "rasa_default_folds": bench.compare_on_folds(
            examples, {"hotline": ours, "tfidf_lr": tfidf, "rasa_default": default}, [first_fold]),
    }

    summary = bench.summary_markdown(results)

    assert "`make bench-full`" in summary
    assert "first 1 of the 3 folds (8 test examples" in summary
    assert "| 1.000 | 0.333 | not run |" in summary  # TF-IDF+LR, Rasa default, model-only (not in this run)
    assert "da 1.000 / 1.000 / 0.333" in summary


def test_split_spread_scores_the_main_split_as_given_and_retrains_the_baseline_on_other_splits():
    words = {"greet": ["hello there", "hi friend", "good morning"], "goodbye": ["bye now", "see you later", "farewell"]}
    examples = [bench.Example(f"{text} {n}", f"{text} {n}", intent, intent, language, [])
                for language in ("da", "en") for intent, texts in words.items() for text in texts for n in range(3)]
    # the main split's predictions are given: here every one says greet
    main = [{"intent": "greet"} for _ in examples]

    spread = bench.split_spread(examples, 3, main, [8, 9])

    assert set(spread) == {"da", "en"}
    for scores in spread.values():
        assert set(scores["by_seed"]) == {"7", "8", "9"}
        assert scores["main"] == scores["min"] == pytest.approx(1 / 3, abs=1e-3)  # greet F1 2/3, goodbye 0
        assert scores["by_seed"]["8"] == scores["max"] == 1.0  # the retrained baseline tells the words apart
        assert scores["min"] <= scores["mean"] <= scores["max"]


def test_summary_states_the_fold_split_spread():
    examples, ours, _ = _tiny_run()
    results = {
        "folds": 3, "examples": len(examples), "date": "2026-12-03", "seconds": 1.0,
        "cross_validation": bench.evaluate(examples, {"hotline": ours}),
        "split_spread": {"en": {"main": 0.86, "min": 0.85, "max": 0.9, "mean": 0.875,
                                "by_seed": {"7": 0.86, "8": 0.85, "9": 0.9, "10": 0.89}}},
    }

    summary = bench.summary_markdown(results)

    assert "on 4 different 3-fold splits" in summary
    assert "en 0.850–0.900 (0.875; 0.860)" in summary


def test_the_fingerprint_changes_with_a_label_a_line_or_the_folds():
    examples, _, _ = _tiny_run()
    relabelled = [bench.Example(e.text, e.annotated, "greet", "greet", e.language, []) for e in examples]

    fingerprint = bench.data_fingerprint(examples, 3)

    assert fingerprint == bench.data_fingerprint(list(examples), 3)
    assert fingerprint != bench.data_fingerprint(relabelled, 3)
    assert fingerprint != bench.data_fingerprint(examples[1:], 3)
    assert fingerprint != bench.data_fingerprint(examples, 5)


def test_a_baseline_only_run_joins_the_full_run_of_the_same_test_and_no_other(tmp_path, monkeypatch):
    examples, ours, tfidf = _tiny_run()
    fingerprint = bench.data_fingerprint(examples, 3)
    readme = tmp_path / "README.md"
    readme.write_text("before\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n", encoding="utf-8")
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setattr(bench, "BASELINE", tmp_path / "rasa_default.json")
    monkeypatch.setattr(bench, "README", readme)
    full_run = {"folds": 3, "examples": len(examples), "fingerprint": fingerprint, "date": "2026-12-04", "seconds": 9.0,
                "cross_validation": bench.evaluate(examples, {"hotline": ours, "tfidf_lr": tfidf})}
    (tmp_path / "nlu.json").write_text(json.dumps(full_run), encoding="utf-8")
    first_fold = [i for i in range(len(examples)) if i % 3 == 0]
    default = [{"intent": "greet"} if i in first_fold else None for i in range(len(examples))]
    fold_only = [row if i in first_fold else None for i, row in enumerate(ours)]

    bench.publish_baseline(examples, {"hotline": fold_only, "tfidf_lr": tfidf, "rasa_default": default},
                           [first_fold], fingerprint, started=0.0)

    kept = json.loads((tmp_path / "rasa_default.json").read_text(encoding="utf-8"))
    assert kept["command"] == "make bench-baseline" and kept["examples"] == len(first_fold)
    assert bench.saved_baseline(fingerprint) == kept
    assert bench.saved_baseline(bench.data_fingerprint(examples, 5)) is None
    summary = readme.read_text(encoding="utf-8")
    assert "(`make bench`, 2026-12-04, 9 s)" in summary  # the table's own figures still come from the full run
    assert "first 1 of the 3 folds (8 test examples; `make bench-baseline`" in summary
    assert "| 1.000 | 0.333 | not run |" in summary
    assert summary.startswith("before\n") and summary.endswith("after\n")

    (tmp_path / "nlu.json").write_text(json.dumps({**full_run, "fingerprint": "other data"}), encoding="utf-8")
    readme.write_text("<!-- bench:start -->\nold\n<!-- bench:end -->\n", encoding="utf-8")
    bench.publish_baseline(examples, {"hotline": fold_only, "tfidf_lr": tfidf, "rasa_default": default},
                           [first_fold], fingerprint, started=0.0)
    assert "old" in readme.read_text(encoding="utf-8")
    assert "rasa_default_folds" not in json.loads((tmp_path / "nlu.json").read_text(encoding="utf-8"))


def test_a_baseline_only_run_judges_only_its_folds_and_leaves_no_config_behind(tmp_path, monkeypatch):
    examples, _, _ = _tiny_run()
    configs, judged = [], []

    def engine_fold(config, train, texts):
        configs.append(config)
        return [{"intent": {"name": "greet", "confidence": 0.9}, "intent_ranking": [], "entities": [], "text": text}
                for text in texts]

    class CountingRules:
        def analyse(self, text):
            judged.append(text)
            return []

    readme = tmp_path / "README.md"
    readme.write_text("<!-- bench:start -->\nold\n<!-- bench:end -->\n", encoding="utf-8")
    for name, value in (("RESULTS", tmp_path), ("BASELINE", tmp_path / "rasa_default.json"), ("README", readme),
                        ("DOCS", tmp_path), ("load_examples", lambda: examples), ("run_engine_fold", engine_fold),
                        ("default_rule_layer", CountingRules)):
        monkeypatch.setattr(bench, name, value)

    bench.main(["--rasa-default-folds", "1", "--baseline-only"])

    first_fold = bench.fold_splits(examples, 3, bench.MAIN_SEED)[0][1]
    assert sorted(judged) == sorted(examples[i].text for i in first_fold)
    assert len(configs) == 2 and not Path(configs[1]).exists()
    assert json.loads((tmp_path / "rasa_default.json").read_text(encoding="utf-8"))["examples"] == len(first_fold)


def test_lid_only_refuses_the_options_it_would_ignore(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--lid-only", "--skip-external"])
    assert "--lid-only measures language identification alone" in capsys.readouterr().err


def test_baseline_only_refuses_to_run_without_its_folds(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--baseline-only"])
    assert "--baseline-only needs --rasa-default-folds K" in capsys.readouterr().err


def test_lid_only_measures_language_identification_again_into_the_full_run_of_the_same_examples(tmp_path, monkeypatch):
    examples, ours, _ = _tiny_run()
    fingerprint = bench.data_fingerprint(examples, 3)
    readme = tmp_path / "README.md"
    readme.write_text("<!-- bench:start -->\nold\n<!-- bench:end -->\n", encoding="utf-8")
    held_out = tmp_path / "held_out"
    held_out.mkdir()
    (held_out / "en.txt").write_text("where is the nearest train station\n", encoding="utf-8")
    (held_out / "pcm.txt").write_text("abeg wetin dey happen for market today\n", encoding="utf-8")
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setattr(bench, "README", readme)
    monkeypatch.setattr(bench, "EXTERNAL", tmp_path / "absent")
    monkeypatch.setattr(bench, "LID_HELD_OUT", held_out)
    full_run = {"folds": 3, "examples": len(examples), "fingerprint": fingerprint, "date": "2026-12-04", "seconds": 9.0,
                "cross_validation": bench.evaluate(examples, {"hotline": ours}),
                "held_out_lid": {"en": {"accuracy": 0.5, "rows": 2, "predicted": {"en": 1, "pcm": 1}}}}
    (tmp_path / "nlu.json").write_text(json.dumps(full_run), encoding="utf-8")

    bench.refresh_language_identification(fingerprint)

    kept = json.loads((tmp_path / "nlu.json").read_text(encoding="utf-8"))
    assert kept["held_out_lid"]["en"] == {"accuracy": 1.0, "rows": 1, "predicted": {"en": 1}}
    assert kept["held_out_lid"]["pcm"]["accuracy"] == 1.0
    assert kept["held_out_lid_registers"] == {"en": {"accuracy": 1.0, "rows": 1}, "pcm": {"accuracy": 1.0, "rows": 1}}
    assert "by register: en 1.000 (1), pcm 1.000 (1)" in readme.read_text(encoding="utf-8")
    assert kept["cross_validation"] == full_run["cross_validation"]
    assert "measured again on" in readme.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        bench.refresh_language_identification(bench.data_fingerprint(examples, 5))
