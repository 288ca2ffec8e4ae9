"""The feature function: normalisation, and n-grams that match scikit-learn's char_wb."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.textmodel.features import Analyser, FeatureSettings, analyse, normalise


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("  Hello\t\n  THERE  ", "  hello\t\n  there  "),
        ("ＨＥＬＬＯ", "hello"),  # full-width letters
        ("k\u200bi\u200dll", "kill"),  # zero-width space and joiner
        ("don’t", "dont"),
        ("ѕаd", "sad"),  # Cyrillic look-alikes
        ("k1ll h3lp l0st", "kill help lost"),
        ("10pm 2nd m8 7", "10pm 2nd m8 7"),  # digits not between letters stay digits
        ("@buse my$elf", "abuse myself"),
        ("email me @ 5", "email me @ 5"),  # a lone symbol is not a letter
        ("sooooo baaad", "soo baad"),
    ],
)
def test_normalise_undoes_common_disguises(written: str, read: str) -> None:
    assert normalise(written) == read


def test_words_and_adjacent_pairs_are_features() -> None:
    features = analyse("Cold, cold RAIN!", FeatureSettings(char_ngrams=None))
    assert features == ["w:cold", "w:cold", "w:rain", "b:cold cold", "b:cold rain"]


def test_words_only_when_pairs_are_off() -> None:
    assert analyse("cold rain", FeatureSettings(word_ngrams=1, char_ngrams=None)) == [
        "w:cold",
        "w:rain",
    ]


@pytest.mark.parametrize("span", [(3, 5), (2, 4), (1, 1), (4, 8)])
def test_character_ngrams_are_sklearns_char_wb_on_the_normalised_words(
    span: tuple[int, int],
) -> None:
    import sklearn.feature_extraction.text as text_module

    text = "It's a rainy day in Leeds, innit?? a b cd Sooooo long-awaited!"
    ours = Counter(
        f[2:] for f in analyse(text, FeatureSettings(char_ngrams=span)) if f.startswith("c:")
    )
    words = " ".join(re.findall(r"[^\W_]+", normalise(text)))
    theirs = text_module.CountVectorizer(analyzer="char_wb", ngram_range=span).build_analyzer()
    assert ours == Counter(theirs(words))


def test_the_analyser_is_analyse_with_fixed_settings() -> None:
    settings = FeatureSettings(word_ngrams=1, char_ngrams=(2, 3))
    text = "Grey clouds again"
    assert Analyser(settings)(text) == analyse(text, settings)


def test_settings_round_trip_through_their_stored_form() -> None:
    settings = FeatureSettings(word_ngrams=1, char_ngrams=(2, 6))
    assert FeatureSettings.from_dict(settings.to_dict()) == settings
    none = FeatureSettings(char_ngrams=None)
    assert FeatureSettings.from_dict(none.to_dict()) == none


@pytest.mark.parametrize(
    "kwargs", [{"word_ngrams": 3}, {"char_ngrams": (4, 3)}, {"char_ngrams": (0, 2)}]
)
def test_impossible_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FeatureSettings(**kwargs)  # type: ignore[arg-type]


def test_settings_from_another_features_version_are_refused() -> None:
    stored = FeatureSettings().to_dict() | {"version": 999}
    with pytest.raises(ValueError, match="rebuild the model"):
        FeatureSettings.from_dict(stored)
