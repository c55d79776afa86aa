"""Near spellings of a word the index does not hold, from the words it does hold.

Only a word that is not in the index is corrected, and only towards words as the facts write
them (a stem is no word to correct towards). rapidfuzz is imported only then.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["common_prefix", "near_words"]

PREFIX_SIM = 0.8  # "tour" -> "tourism": a word the typed one begins


def _allowed_edits(word: str) -> int:
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


def near_words(word: str, vocabulary: Sequence[str], limit: int = 8) -> list[tuple[str, float]]:
    """(word, similarity) within a few edits ("yucum" -> "yucun", 0.85) or that the word
    begins ("tour" -> "tourism", 0.8), best first."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    found: dict[str, float] = {}
    edits = _allowed_edits(word)
    if edits:
        cutoff = max(edits, 2)
        for near, dist, _ in process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=cutoff, limit=20):
            if dist <= edits or (common_prefix(word, near) >= 3 and dist <= 2):
                found[near] = round(1.0 - 0.15 * dist, 3)
    if len(word) >= 4:
        for near in vocabulary:
            if near.startswith(word) and len(near) <= len(word) + 7:
                found.setdefault(near, PREFIX_SIM)
    return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
