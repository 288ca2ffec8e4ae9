"""Made-up labelled texts for training test models: everyday topics, nothing sensitive.

Each text mixes a few topic phrases with filler, so some words belong to one label, some
are shared, and a few texts have two labels or none. Built from a fixed seed: the same
examples every run.
"""

from __future__ import annotations

import random

from bot.textmodel.train import Example

LABELS = ("fruit", "weather", "travel")
_TOPIC = {
    "fruit": ["ripe apples", "a bowl of pears", "sweet plums", "banana bread", "juicy oranges"],
    "weather": ["cold rain", "strong wind", "a sunny morning", "grey clouds", "thick fog"],
    "travel": ["the late bus", "a train ticket", "the ferry crossing", "my bike ride"],
}
_FILLER = ["today", "again", "honestly", "at the weekend", "with my mate", "as usual", "I think"]


def examples(count: int = 60, seed: int = 7) -> list[Example]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        labels = [label for label in LABELS if rng.random() < 0.4]
        parts = [rng.choice(_TOPIC[label]) for label in labels for _ in range(rng.randint(1, 2))]
        parts += rng.sample(_FILLER, rng.randint(1, 3))
        rng.shuffle(parts)
        out.append(Example(id=f"ex{n:03d}", text=" ".join(parts), labels=frozenset(labels)))
    return out
