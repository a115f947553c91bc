"""Remember, in 8 bytes each, the asserted triples an inference rule could also conclude.

The inferred graph holds only what no other graph asserts. After a bulk load, asking the
store triple by triple reads through every file the load left (at 100k articles, over a
hundred per index: minutes for the pending inferences and the transitive closure), and the
parent cannot keep every asserted triple either. So each asserted triple of a shape some
rule concludes (about ten an article) is kept as a 64-bit digest: a candidate inference
whose digest matches none is surely not asserted and is added as it is; the few that match
are looked up in the store, so a digest collision costs one lookup, never a wrong answer.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b

from .inference import TYPE_TERM, Rules, Triple


def digest(triple: Triple) -> int:
    """Return the 64-bit digest of a triple of N-Triples terms."""
    s, p, o = triple
    return int.from_bytes(blake2b(f"{s} {p} {o}".encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Conclusions:
    """The shapes of triple the inference tables can conclude (N-Triples terms)."""

    classes: frozenset[str]  # C in `?x a C`
    predicates: frozenset[str]  # q in `?s q ?o`, transitive properties included

    @classmethod
    def of(cls, rules: Rules) -> Conclusions:
        """Collect the conclusions of the class, property and transitive tables."""
        properties = {q for _, q in rules.forward + rules.backward} | set(rules.transitive)
        return cls(
            frozenset(f"<{d}>" for _, d in rules.types),
            frozenset(f"<{q}>" for q in properties),
        )

    def __contains__(self, triple: object) -> bool:
        return bool(self.kept([triple]))  # type: ignore[list-item]

    def kept(self, triples: Iterable[Triple]) -> list[Triple]:
        """Return the triples of a shape some rule concludes."""
        predicates, classes = self.predicates, self.classes
        return [t for t in triples if t[1] in predicates or (t[1] == TYPE_TERM and t[2] in classes)]


def pack(triples: Iterable[Triple], conclusions: Conclusions) -> bytes:
    """Return the digests of the triples some rule could conclude, 8 bytes each."""
    return array("Q", [digest(t) for t in conclusions.kept(triples)]).tobytes()


class AssertedDigests:
    """The digests of every asserted triple some rule could conclude, in any graph."""

    def __init__(self) -> None:
        self.values = array("Q")

    def add(self, packed: bytes) -> None:
        """Add digests made by `pack`."""
        self.values.frombytes(packed)

    def add_triples(self, triples: Iterable[Triple], conclusions: Conclusions) -> None:
        """Add the digests of the triples some rule could conclude."""
        self.add(pack(triples, conclusions))

    def split(self, triples: Iterable[Triple]) -> tuple[list[Triple], list[Triple]]:
        """Return the triples that may be asserted (digest seen) and those surely not."""
        by_digest: dict[int, list[Triple]] = {}
        for triple in triples:
            by_digest.setdefault(digest(triple), []).append(triple)
        seen = {value for value in self.values if value in by_digest}
        maybe = [t for value in seen for t in by_digest.pop(value)]
        return maybe, [t for group in by_digest.values() for t in group]
