"""Cross-validation of the second opinion: one fold per author scores each author's answers
with a model that never saw that author's words."""

from bot.safeguarding.crossval import out_of_fold_scores
from bot.safeguarding.train import SETTINGS, Labelled


def answer(n: int, group: str, text: str, hold: bool) -> Labelled:
    return Labelled(
        id=f"{group}#{n}",
        source="fresh",
        text=text,
        outcome="hold" if hold else "share",
        categories=(),
        stored=False,
        group=group,
    )


def test_leaving_an_author_out_hides_the_words_only_they_use() -> None:
    answers: list[Labelled] = []
    for group in ("brief-A", "brief-B", "brief-C"):
        for n in range(10):
            answers.append(answer(n, group, f"he keeps hurting me at home {n}", True))
            answers.append(answer(n + 10, group, f"the meetings are boring and long {n}", False))
    # Only brief-C writes about zebras, always as a hold.
    answers += [answer(n + 20, "brief-C", f"zebra zebra stripes {n}", True) for n in range(10)]
    answers += [answer(n + 30, "brief-B", f"the bus was late again {n}", False) for n in range(10)]
    zebras = [i for i, a in enumerate(answers) if "zebra" in a.text]
    by_author = out_of_fold_scores(answers, SETTINGS, by_author=True)
    mixed = out_of_fold_scores(answers, SETTINGS)
    # Scored by a model that never read "zebra", a zebra line is judged on nothing it knows;
    # in mixed folds, the other zebra lines taught the model the word.
    assert max(by_author[i] for i in zebras) < min(mixed[i] for i in zebras)
