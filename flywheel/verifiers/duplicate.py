"""Duplicate verifier: perceptual hash + normalised question against everything already accepted.

Candidates are bucketed by normalised-question key, so a check costs one dict lookup and a few
Hamming distances however large the catalog grows.
"""

from __future__ import annotations

import hashlib
import re

import imagehash
import numpy as np

MAX_HAMMING = 6


def question_key(question: str) -> str:
    norm = re.sub(r"[^a-z0-9]+", " ", question.lower()).strip()
    return hashlib.sha1(norm.encode()).hexdigest()[:16]


def _dct_matrix(n: int = 32) -> np.ndarray:
    """Unnormalised DCT-II as a matrix: the transform scipy.fftpack.dct applies, as one matmul."""
    k, i = np.arange(n)[:, None], np.arange(n)[None, :]
    return 2 * np.cos(np.pi * k * (2 * i + 1) / (2 * n))


_DCT = _dct_matrix()


def phash_hex(rgb: np.ndarray) -> str:
    """pHash (imagehash's algorithm and hex format) of a figure, computed from its pixels.

    The 32×32 thumbnail is a box filter (block means), and the DCT a matrix product: ~30× cheaper
    than resizing with PIL and calling imagehash.phash, which matters at tens of samples/s/core.
    """
    grey = rgb[..., 1] if rgb.ndim == 3 else rgb  # green: black ink and red marks both show
    h, w = grey.shape
    bh, bw = h // 32, w // 32
    thumb = np.floor(grey[: bh * 32, : bw * 32].reshape(32, bh, 32, bw).mean(axis=(1, 3)))
    low = (_DCT @ thumb @ _DCT.T)[:8, :8]
    return str(imagehash.ImageHash(low > np.median(low)))


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
