"""Rasa components that blend a neural ranking (DIET's intents, the ResponseSelector's rights topics) with a linear TF-IDF model."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY, RESPONSE_SELECTOR_UTTER_ACTION_KEY, TOKENS_NAMES,
)
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from hotline_nlu.linear import LinearIntentModel, LinearModelError, blend, rare_class_weights

logger = logging.getLogger(__name__)


def tokenized_document(message: Message) -> Text:
    """The message's folded tokens joined by spaces (Thai segmented by the tokenizer).

    :param message: a message the tokenizer has processed
    """
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    words = [token.lemma or token.text for token in tokens]
    return " ".join(words) if words else (message.get(TEXT) or "")


class _LinearBlend(GraphComponent):
    """Trains a linear model on the tokenized examples and blends its probabilities into a ranking.

    Measured by cross-validation on this project's data, TF-IDF with logistic
    regression beats the small neural classifiers that two cores can train, and
    their blend beats both. Subclasses say what is learnt and which ranking is blended.
    """

    RESPONSES_FILE = "responses.json"

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "scipy"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # linear_weight and C were chosen by 3-fold cross-validation on the training data
        return {"linear_weight": 0.8, "C": 20.0, "upweight_rare": False, "not_upweighted": []}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearIntentModel] = None, responses: Optional[Dict[Text, Any]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._responses = responses or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "_LinearBlend":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "_LinearBlend":
        try:
            with model_storage.read_from(resource) as directory:
                model = LinearIntentModel.load(directory)
                responses_path = directory / cls.RESPONSES_FILE
                responses = json.loads(responses_path.read_text(encoding="utf-8")) if responses_path.exists() else {}
        except (ValueError, LinearModelError) as error:
            # the neural ranking then passes through unchanged
            logger.warning("no linear model in the trained model: %s", error)
            model, responses = None, {}
        return cls(config, model_storage, resource, model, responses)

    def _training_pairs(self, training_data: TrainingData) -> List[Tuple[Message, Text]]:
        raise NotImplementedError

    def _responses_to_keep(self, training_data: TrainingData) -> Dict[Text, Any]:
        return {}

    def _apply(self, message: Message, linear: Dict[Text, float]) -> None:
        raise NotImplementedError

    def _weight(self, previous: Dict[Text, float]) -> float:
        return self._config["linear_weight"] if previous else 1.0

    def train(self, training_data: TrainingData) -> Resource:
        pairs = self._training_pairs(training_data)
        labels = [label for _, label in pairs]
        self._responses = self._responses_to_keep(training_data)
        if len(set(labels)) < 2:
            logger.warning("fewer than two labels: the linear model is not trained")
            return self._resource
        weights = rare_class_weights(labels, self._config["not_upweighted"]) if self._config["upweight_rare"] else None
        self._model = LinearIntentModel.train(
            [tokenized_document(message) for message, _ in pairs], labels, self._config["C"], weights)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
            if self._responses:
                (directory / self.RESPONSES_FILE).write_text(json.dumps(self._responses, ensure_ascii=False),
                                                             encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message, linear in zip(messages, self._model.probabilities([tokenized_document(m) for m in messages])):
            self._apply(message, linear)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentBlend(_LinearBlend, IntentClassifier):
    """Replaces the intent ranking by a blend of the previous classifier's (DIET's) and a linear model's.

    DIET keeps its entities; the blend decides the intent.
    """

    def _training_pairs(self, training_data: TrainingData) -> List[Tuple[Message, Text]]:
        return [(e, e.get(INTENT)) for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]

    def _apply(self, message: Message, linear: Dict[Text, float]) -> None:
        previous = {item[INTENT_NAME_KEY]: float(item[PREDICTED_CONFIDENCE_KEY])
                    for item in message.get(INTENT_RANKING_KEY) or [] if item.get(INTENT_NAME_KEY)}
        ranking = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                   for name, confidence in blend(previous, linear, self._weight(previous))]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearResponseBlend(_LinearBlend):
    """Replaces a ResponseSelector's ranking (the rights topic) by its blend with a linear model's.

    On 3-fold cross-validation a logistic regression over the 12 rights topics
    alone beat the ResponseSelector in every language. Put it after the
    ResponseSelector of the same ``retrieval_intent``, with ``ranking_length: 0`` there.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**_LinearBlend.get_default_config(), "retrieval_intent": "ask_rights"}

    def _responses_to_keep(self, training_data: TrainingData) -> Dict[Text, Any]:
        # the selector's output carries the chosen topic's responses, as the ResponseSelector's does
        prefix = f"utter_{self._config['retrieval_intent']}/"
        return {name: responses for name, responses in (training_data.responses or {}).items()
                if name.startswith(prefix)}

    def _training_pairs(self, training_data: TrainingData) -> List[Tuple[Message, Text]]:
        retrieval_intent = self._config["retrieval_intent"]
        return [(e, e.get(INTENT_RESPONSE_KEY)) for e in training_data.intent_examples
                if e.get(INTENT) == retrieval_intent and e.get(INTENT_RESPONSE_KEY) and e.get(TEXT)]

    def _apply(self, message: Message, linear: Dict[Text, float]) -> None:
        selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        selector = selectors.get(self._config["retrieval_intent"])
        if not selector:
            return
        previous = {item[INTENT_RESPONSE_KEY]: float(item[PREDICTED_CONFIDENCE_KEY])
                    for item in selector.get(RESPONSE_SELECTOR_RANKING_KEY) or [] if item.get(INTENT_RESPONSE_KEY)}
        ranking = [{INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: confidence}
                   for key, confidence in blend(previous, linear, self._weight(previous))]
        key, confidence = ranking[0][INTENT_RESPONSE_KEY], ranking[0][PREDICTED_CONFIDENCE_KEY]
        utter_action = f"utter_{key}"
        selector[RESPONSE_SELECTOR_RANKING_KEY] = ranking
        selector[RESPONSE_SELECTOR_PREDICTION_KEY] = {
            RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(utter_action) or [{TEXT: key}],
            PREDICTED_CONFIDENCE_KEY: confidence,
            INTENT_RESPONSE_KEY: key,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
