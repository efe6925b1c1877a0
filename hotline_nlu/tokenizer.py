"""A Rasa tokenizer for one model that reads Danish, English, Thai and Nigerian Pidgin."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from hotline_nlu.textnorm import fold, split_words


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class MultilingualTokenizer(WhitespaceTokenizer):
    """Splits Thai runs with PyThaiNLP (newmm) and everything else on white space.

    Each token's lemma is its folded form, so the count-vector featurizers see
    "hjælp", "hjaelp" and "hjalp" as one word.
    """

    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        return None

    @staticmethod
    def required_packages() -> List[Text]:
        return ["pythainlp"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**WhitespaceTokenizer.get_default_config(), "thai_engine": "newmm"}

    def _words(self, text: Text) -> List[Text]:
        return split_words(text, self._latin_words, self._config["thai_engine"])

    def _latin_words(self, text: Text) -> List[Text]:
        if not text.strip():
            return []
        probe = Message(data={"text": text})
        return [t.text.strip() for t in super().tokenize(probe, "text") if t.text.strip()]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        words = self._words(text) or [text]
        tokens = self._convert_words_to_tokens(words, text)
        for token in tokens:
            token.lemma = fold(token.text)
        return self._apply_token_pattern(tokens)
