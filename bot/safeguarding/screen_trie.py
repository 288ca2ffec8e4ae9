"""The lexicon trie, frozen into a few flat arrays once it is built.

``screen_match`` builds the trie from linked nodes, one small object and dict per node
(55,000 of them for the shipped lexicon: about 20 MiB). Matching only ever reads it, so once
built it is frozen into ``Trie``: nodes are numbers (0 the root, then breadth first); a
node's children are one run of ``edge_keys``/``edge_to``, sorted by key number, from
``first[node]`` to ``first[node + 1]``; ``ends`` numbers each node's set of labels in
``label_sets`` (0 is the empty set); ``gaps`` maps the few nodes with a gap to it. The
arrays hold about 1 MiB and are read from the cache file straight into memory
(``screen_cache``), with no object per node.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Generic, Protocol, TypeVar

LabelT = TypeVar("LabelT", bound=tuple[int, int])  # what an entry is, and its category

INDEX = "I"  # typecode of every number array: unsigned, at least 32 bits
LABEL = "H"  # typecode of the label-set numbers (a few hundred sets)


class Node(Protocol[LabelT]):
    """What ``Trie.freeze`` reads from a built node."""

    @property
    def children(self) -> Mapping[str, Node[LabelT]]: ...

    @property
    def gap(self) -> Node[LabelT] | None: ...

    @property
    def ends(self) -> set[LabelT]: ...


class Trie(Generic[LabelT]):
    """A frozen trie: children by key number, a gap, and labels for every node."""

    __slots__ = ("edge_keys", "edge_to", "ends", "first", "gaps", "key_ids", "keys", "label_sets")

    def __init__(
        self,
        *,
        keys: Sequence[str],
        first: array[int],
        edge_keys: array[int],
        edge_to: array[int],
        ends: array[int],
        label_sets: Sequence[frozenset[LabelT]],
        gaps: Mapping[int, int],
    ) -> None:
        self.keys = tuple(keys)
        self.key_ids = {key: n for n, key in enumerate(self.keys)}
        self.first, self.edge_keys, self.edge_to, self.ends = first, edge_keys, edge_to, ends
        self.label_sets = tuple(label_sets)
        self.gaps = dict(gaps)
        self._check()

    @classmethod
    def freeze(cls, root: Node[LabelT]) -> Trie[LabelT]:
        """The trie below ``root``, numbered breadth first, its keys and label sets in
        sorted order (so equal tries freeze to equal arrays)."""
        nodes: list[Node[LabelT]] = [root]
        number = {id(root): 0}
        position = 0
        while position < len(nodes):
            node = nodes[position]
            position += 1
            for child in (*node.children.values(), *([node.gap] if node.gap else [])):
                number[id(child)] = len(nodes)
                nodes.append(child)
        keys = sorted({key for node in nodes for key in node.children})
        key_ids = {key: n for n, key in enumerate(keys)}
        first, edge_keys, edge_to = array(INDEX, [0]), array(INDEX), array(INDEX)
        ends = array(LABEL)
        label_sets: list[frozenset[LabelT]] = [frozenset()]
        set_number: dict[frozenset[LabelT], int] = {frozenset(): 0}
        gaps: dict[int, int] = {}
        for n, node in enumerate(nodes):
            for key_id, child in sorted((key_ids[k], c) for k, c in node.children.items()):
                edge_keys.append(key_id)
                edge_to.append(number[id(child)])
            first.append(len(edge_keys))
            if node.gap is not None:
                gaps[n] = number[id(node.gap)]
            labels = frozenset(node.ends)
            if labels not in set_number:
                set_number[labels] = len(label_sets)
                label_sets.append(labels)
            ends.append(set_number[labels])
        # Number the label sets by their sorted contents, so the arrays do not depend on the
        # order sets were met in.
        order_of = sorted(range(1, len(label_sets)), key=lambda i: sorted(label_sets[i]))
        renumber = array(LABEL, [0] * len(label_sets))
        for new, old in enumerate(order_of, start=1):
            renumber[old] = new
        return cls(
            keys=keys,
            first=first,
            edge_keys=edge_keys,
            edge_to=edge_to,
            ends=array(LABEL, (renumber[e] for e in ends)),
            label_sets=[frozenset(), *(label_sets[i] for i in order_of)],
            gaps=gaps,
        )

    def _check(self) -> None:
        """The arrays fit together (a ``ValueError`` if not): every link is a node, every
        key and label set exists. Cheap next to reading them."""
        count = len(self.ends)
        if count == 0 or len(self.first) != count + 1 or self.first[0] != 0:
            raise ValueError("the node table does not fit the label table")
        if self.first[-1] != len(self.edge_keys) or len(self.edge_to) != len(self.edge_keys):
            raise ValueError("the edge tables do not fit the node table")
        if not all(map(operator.le, self.first, islice(self.first, 1, None))):
            raise ValueError("the node table is not in order")
        if self.edge_to and max(self.edge_to) >= count:
            raise ValueError("an edge leads to no node")
        if self.edge_keys and max(self.edge_keys) >= len(self.keys):
            raise ValueError("an edge has no key")
        if max(self.ends) >= len(self.label_sets) or self.label_sets[0]:
            raise ValueError("a node has no label set")
        if any(not 0 <= n < count or not 0 < g < count for n, g in self.gaps.items()):
            raise ValueError("a gap leads to no node")

    def __len__(self) -> int:
        return len(self.ends)

    def child(self, node: int, key_id: int) -> int:
        """The node ``key_id`` leads to from ``node``, or -1."""
        first = self.first
        lo, hi = first[node], first[node + 1]
        if lo == hi:
            return -1
        edge_keys = self.edge_keys
        i = bisect_left(edge_keys, key_id, lo, hi)
        if i < hi and edge_keys[i] == key_id:
            return self.edge_to[i]
        return -1

    def labels(self, node: int) -> frozenset[LabelT]:
        return self.label_sets[self.ends[node]]

    def root_keys(self) -> frozenset[str]:
        """The keys that lead on from the root."""
        lo, hi = self.first[0], self.first[1]
        return frozenset(self.keys[k] for k in self.edge_keys[lo:hi])
