"""Duplicate verifier: perceptual hash + normalised question against everything already accepted.

Candidates are bucketed by normalised-question key, so a check costs one dict lookup and a few
Hamming distances however large the catalog grows.
"""

from __future__ import annotations

import hashlib
import re

import imagehash

MAX_HAMMING = 6


def question_key(question: str) -> str:
    norm = re.sub(r"[^a-z0-9]+", " ", question.lower()).strip()
    return hashlib.sha1(norm.encode()).hexdigest()[:16]


def phash_hex(image) -> str:
    return str(imagehash.phash(image))


class DuplicateIndex:
    """In-memory index of accepted samples: question key → list of 64-bit phashes."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def add(self, key: str, phash: str) -> None:
        self._by_key.setdefault(key, []).append(int(phash, 16))

    def check(self, key: str, phash: str) -> tuple[bool, str]:
        """(passed, reason): fails when the same question already exists with a near-identical figure."""
        h = int(phash, 16)
        for other in self._by_key.get(key, ()):
            dist = (h ^ other).bit_count()
            if dist <= MAX_HAMMING:
                return False, f"near-duplicate of an accepted sample (same question, phash distance {dist})"
        return True, "no accepted sample with the same question and a similar figure"
