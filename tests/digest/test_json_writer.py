"""The streaming JSON writer writes exactly what ``json.dumps(indent=2, ensure_ascii=False)``
would, so the JSON digest reads the same byte for byte however it is made."""

from __future__ import annotations

import enum
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.digest.build import end_check_result
from bot.digest.json_export import digest_data, json_bytes
from bot.digest.json_writer import write_json
from bot.digest.model import Digest

from .sample import TRICKY_TEXTS


class Colour(enum.StrEnum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 3


VALUES: list[Any] = [
    {},
    [],
    "",
    0,
    -12345678901234567890,
    1.5,
    float("nan"),
    float("-inf"),
    True,
    False,
    None,
    Colour.RED,
    Size.BIG,
    ("a", 1),
    {"empty list": [], "empty dict": {}, "nested": [[], [{}], [[1, [2, {"x": None}]]]]},
    [{"k": v, "more": [v, v]} for v in TRICKY_TEXTS.values()],
    {text: text for text in TRICKY_TEXTS.values()},
    {"control": "\x00\x01\x1f\x7f\u2028\u2029 \ufeff", "emoji": "👍🏽‍♀️", "quote": '"\\/'},
]


def _written(value: Any) -> str:
    out = io.BytesIO()
    write_json(value, out)
    return out.getvalue().decode("utf-8")


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_writes_what_json_dumps_writes(value: Any) -> None:
    assert _written(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_list_may_be_an_iterator_read_one_item_at_a_time() -> None:
    made: list[int] = []

    def items() -> Iterator[dict[str, int]]:
        for n in range(3):
            made.append(n)
            yield {"n": n}

    assert _written({"items": items(), "none": iter(())}) == json.dumps(
        {"items": [{"n": 0}, {"n": 1}, {"n": 2}], "none": []}, indent=2
    )
    assert made == [0, 1, 2]


def test_a_long_list_goes_out_in_pieces_that_join_up() -> None:
    value = [{"text": f"answer {n} 👍", "n": n} for n in range(20_000)]
    assert _written(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("value", [object(), {1: "int key"}, {"set": {1}}])
def test_what_json_cannot_write_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        _written(value)


def _listed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _listed(v) for k, v in value.items()}
    if isinstance(value, list | tuple | Iterator):
        return [_listed(v) for v in value]
    return value


def test_the_json_digest_is_json_dumps_of_its_data(digest: Digest) -> None:
    full = replace(digest, label="Policy group", audience="Board", end_check=end_check_result({}))
    for one in (digest, full):
        expected = json.dumps(_listed(digest_data(one)), ensure_ascii=False, indent=2) + "\n"
        assert json_bytes(one) == expected.encode("utf-8")
