"""The linear intent model the engine blends with DIET (hotline_nlu/linear.py)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from scipy.sparse import hstack

from hotline_nlu.linear import ARRAYS_FILE, LinearIntentModel, LinearModelError, blend, rare_class_weights

DOCUMENTS = [
    "hej", "hej med dig", "hello there", "how far", "sawasdee ka",
    "they took my passport", "boss keep my passport", "jeg skylder dem penge og kan ikke gå",
    "i no fit leave the house", "help me please i am scared",
    "thank you", "tak skal du have", "thank you well well", "mange tak",
]
LABELS = ["greet"] * 5 + ["seek_help"] * 5 + ["thank"] * 4


@pytest.fixture(scope="module")
def model() -> LinearIntentModel:
    return LinearIntentModel.train(DOCUMENTS, LABELS)


def test_features_equal_scikit_learns_tfidf(model):
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", sublinear_tf=True).fit(DOCUMENTS)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), token_pattern=None, sublinear_tf=True).fit(DOCUMENTS)
    queries = ["my boss took passport passport", "tak hej", "ไม่มีคำนี้"]
    expected = hstack([words.transform(queries), chars.transform(queries)]).toarray()
    assert np.allclose(model.features(queries).toarray(), expected)


def test_probabilities_sum_to_one_and_follow_the_words(model):
    passport, thanks = model.probabilities(["the boss took my passport", "tak tak"])
    assert set(passport) == {"greet", "seek_help", "thank"}
    assert sum(passport.values()) == pytest.approx(1.0)
    assert max(passport, key=passport.get) == "seek_help"
    assert max(thanks, key=thanks.get) == "thank"
    assert model.probabilities([]) == []


def test_saved_model_gives_the_same_probabilities(model, tmp_path):
    model.save(tmp_path)
    loaded = LinearIntentModel.load(tmp_path)
    queries = ["help me", "hello", "ขอบคุณ"]
    for before, after in zip(model.probabilities(queries), loaded.probabilities(queries)):
        assert before == pytest.approx(after)


def test_saved_arrays_hold_no_pickled_objects(model, tmp_path):
    model.save(tmp_path)
    with np.load(tmp_path / ARRAYS_FILE, allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_two_intents_use_the_logistic_function():
    pair = LinearIntentModel.train(DOCUMENTS[:10], LABELS[:10])
    (probabilities,) = pair.probabilities(["passport"])
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert probabilities["seek_help"] > probabilities["greet"]


def test_training_and_loading_refuse_bad_input(tmp_path):
    with pytest.raises(LinearModelError, match="two intents"):
        LinearIntentModel.train(["a", "b"], ["greet", "greet"])
    with pytest.raises(LinearModelError, match="labels"):
        LinearIntentModel.train(["a", "b"], ["greet"])
    with pytest.raises(LinearModelError, match="no linear intent model"):
        LinearIntentModel.load(tmp_path)


def test_blend_weights_both_rankings_and_keeps_intents_only_one_knows():
    mixed = blend({"emergency": 1.0}, {"out_of_scope": 0.7, "emergency": 0.3}, second_weight=0.8)
    assert mixed[0][0] == "out_of_scope"
    assert dict(mixed) == pytest.approx({"out_of_scope": 0.56, "emergency": 0.44})
    assert blend({"greet": 0.9}, {"thank": 1.0}, 0.0)[0] == ("greet", 0.9)
    with pytest.raises(ValueError):
        blend({}, {}, 1.5)


def test_rare_intents_weigh_as_if_average_sized_except_the_exempt():
    labels = ["out_of_scope"] * 6 + ["greet"] * 2 + ["seek_help"] * 1
    weights = rare_class_weights(labels, exempt={"seek_help"})
    assert weights == {"out_of_scope": 1.0, "greet": pytest.approx(1.5), "seek_help": 1.0}


def test_class_weights_raise_the_weighted_intent():
    plain = LinearIntentModel.train(DOCUMENTS, LABELS).probabilities(["hej tak"])[0]
    weighted = LinearIntentModel.train(DOCUMENTS, LABELS, class_weights={"greet": 3.0}).probabilities(["hej tak"])[0]
    assert weighted["greet"] > plain["greet"]
