import pytest

from bot.language import LanguageGuess, conversation_language, default_identifier, nlu_examples, strip_annotations

SENTENCES = {
    "da": ["jeg kan ikke finde ud af hvor jeg skal tage hen", "hvad koster en billet til aarhus",
           "min chef siger jeg skal arbejde hele weekenden igen", "tak skal du have", "hvornaar aabner i"],
    "en": ["i dont know where to go tonight", "how much is a ticket to aarhus",
           "my manager says i have to work the whole weekend again", "thank you so much", "when do you open"],
    "pcm": ["i no know where i go sleep tonight", "abeg how much dem dey sell ticket to aarhus",
            "my oga talk say i go work all weekend again", "tank you well well", "wetin time una dey open"],
    "th": ["ไม่รู้จะไปนอนที่ไหนคืนนี้", "ตั๋วไปออฮุสเท่าไหร่คะ", "ขอบคุณมากค่ะ"],
}


# Pidgin in English-like spelling beside its English translation: only the grammar tells them apart.
PARALLEL = [
    ("so when i reach there ehn, the man come dey ask me wetin i want",
     "so when i got there, the man started asking me what i wanted"),
    ("the government don talk say the new road go finish before december",
     "the government has said that the new road will be finished before december"),
    ("my brother no fit come because e still dey for work",
     "my brother could not come because he is still at work"),
]


@pytest.fixture(scope="module")
def identifier():
    return default_identifier()


@pytest.mark.parametrize("language, text", [(lang, text) for lang, texts in SENTENCES.items() for text in texts])
def test_identifies_the_four_languages(identifier, language, text):
    assert identifier.identify(text).language == language


@pytest.mark.parametrize("pidgin, english", PARALLEL)
def test_pidgin_with_english_words_is_told_from_its_english_translation(identifier, pidgin, english):
    assert (identifier.identify(pidgin).language, identifier.identify(english).language) == ("pcm", "en")


def test_many_at_once_agrees_with_one_by_one(identifier):
    texts = [text for texts in SENTENCES.values() for text in texts]
    assert identifier.identify_many(texts) == [identifier.identify(text) for text in texts]


def test_conversation_keeps_its_language_on_short_or_unsure_messages():
    assert conversation_language(None, LanguageGuess("pcm", 0.7), None, 3) == "pcm"
    assert conversation_language("pcm", LanguageGuess("en", 0.95), None, 2) == "pcm"
    assert conversation_language("pcm", LanguageGuess("en", 0.6), None, 10) == "pcm"
    assert conversation_language("pcm", LanguageGuess("en", 0.95), None, 10) == "en"
    assert conversation_language("da", LanguageGuess("th", 0.9), None, 1) == "th"


def test_explicit_request_always_wins():
    assert conversation_language("da", LanguageGuess("da", 0.99), "pcm", 3) == "pcm"


def test_annotations_are_stripped_and_training_data_is_read():
    assert strip_annotations("my boss [took my passport](documents_confiscated) now") == "my boss took my passport now"
    rows = nlu_examples()
    assert {language for _, _, language in rows} == {"da", "en", "th", "pcm"}
    assert all("](" not in text for text, _, _ in rows)


def test_a_run_of_messages_in_another_language_switches():
    # one unsure Danish line keeps English; a second one in a row switches
    assert conversation_language("en", LanguageGuess("da", 0.7), None, 5) == "en"
    assert conversation_language("en", LanguageGuess("da", 0.7), None, 5, LanguageGuess("da", 0.75)) == "da"
    assert conversation_language("en", LanguageGuess("da", 0.7), None, 5, LanguageGuess("pcm", 0.75)) == "en"
    assert conversation_language("en", LanguageGuess("da", 0.7), None, 1, LanguageGuess("da", 0.9)) == "en"
    assert conversation_language("pcm", LanguageGuess("en", 0.5), None, 6, LanguageGuess("en", 0.9)) == "pcm"
