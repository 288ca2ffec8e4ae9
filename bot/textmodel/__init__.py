"""A small linear text classifier: features, a pure-Python model read from JSON, training.

``features`` turns text into features; ``model`` loads a trained model from plain JSON
(checked by ``schema``) and scores texts in pure Python; ``train`` fits one with
scikit-learn (a development dependency, imported only while training) and writes it.
No pickles and no network: a model is data, and text never leaves the machine.
"""

from bot.textmodel.features import FeatureSettings, analyse
from bot.textmodel.model import LinearTextModel, Neighbour, load_model

__all__ = ["FeatureSettings", "LinearTextModel", "Neighbour", "analyse", "load_model"]
