"""Duplicate verifier: normalised question + perceptual hash against everything already accepted.

Two samples are near-duplicates when they ask the same question up to point names and the verb
of the ask (the question states every given, so the same text is the same problem however the
figure is turned or relabelled), or when they have the
same answer to the same kind of task and figures within MAX_HAMMING bits of pHash (a perception
task and an instruction task on one figure may share an answer string by chance: they are
different tasks). The pHash search uses multi-index
hashing: the 64 bits are cut into MAX_HAMMING + 1 chunks, and by pigeonhole a near neighbour
shares at least one chunk exactly, so a check is a few dict lookups at any catalog size.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable

import imagehash
import numpy as np

from flywheel.verify.registry import VERIFIERS, VerifierSpec

MAX_HAMMING = 4
MINUS = "−"
_CHUNKS = [(i * 13, 13 if i < 4 else 12) for i in range(MAX_HAMMING + 1)]  # bit offset, width


# The commit writes this verdict (run/stream.py) against everything accepted so far, so no worker
# runs it per sample; registered without a function, its verdicts still have a role like every other.
VERIFIERS.add("duplicate", VerifierSpec(None, "duplicate", None))


def duplicate_kind(kind: str, version: str = "") -> str:
    """The kind of task the near-duplicate check compares: each MathVerse version of a problem is its
    own task (its siblings share figure and answer by design); catalog/schema.py::DUPLICATE_KIND in SQL."""
    return kind if version in ("", "text_dominant") else f"{kind}:{version}"


def question_key(question: str) -> str:
    """The question up to point names and the verb of the ask: relabelling a problem or turning
    "Find AC." into "Determine PR." does not make it a new one."""
    q = re.sub(r"(?<![A-Za-z])[A-Z]+\d*(?![a-z])", "X", question)
    q = re.sub(r"\b(Find|Determine|Compute|Work out)\b", "find", q)
    # Signs and powers are part of the problem: y = x² − 5x/2 − 3/2 and y = −x² − 5x/2 + 3/2 differ.
    q = q.replace(MINUS, "-")
    norm = re.sub(r"[^a-z0-9+\-=/^²³ˣ√π]+", " ", q.lower()).strip()
    norm = re.sub(r" ?([+\-=/^]) ?", r"\1", norm)  # spacing around an operator is not a new problem
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


def _digest(text: str) -> int:
    """A nonzero 64-bit digest: how the index stores question keys and (kind, answer) pairs."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") or 1


_MIX_INT = [0x9E3779B97F4A7C15 * (c + 1) % 2**64 for c in range(len(_CHUNKS))]
_MIX = np.array(_MIX_INT, dtype=np.uint64)


def _bucket_keys(phashes: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """(samples, chunks) uint64 bucket keys: a splitmix64 of (chunk number, chunk value, answer digest),
    so the same key means the same chunk of the same figure position with the same answer and kind."""
    with np.errstate(over="ignore"):
        parts = np.stack([(phashes >> np.uint64(off)) & np.uint64((1 << w) - 1) for off, w in _CHUNKS], axis=1)
        z = answers[:, None] ^ _MIX[None, :] ^ (parts * np.uint64(0xBF58476D1CE4E5B9))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return np.where(z == 0, np.uint64(1), z)


class _Table:
    """An open-addressing multimap of nonzero uint64 keys to uint64 values in two numpy arrays.

    16 bytes a slot at a load of at most 1/2: ~32 bytes an entry however many there are, against
    a few hundred for Python dicts of tuples; a lookup probes a few slots (O(1) expected).
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.vals = np.zeros(capacity, dtype=np.uint64)
        self.n = 0

    def get(self, key: int) -> list[int]:
        item, mask = self.keys.item, len(self.keys) - 1
        i, found = key & mask, []
        while (k := item(i)) != 0:
            if k == key:
                found.append(self.vals.item(i))
            i = (i + 1) & mask
        return found

    def add(self, key: int, val: int) -> None:
        if 2 * (self.n + 1) > len(self.keys):
            self._grow(2 * (self.n + 1))
        mask = len(self.keys) - 1
        i = key & mask
        while self.keys[i] != 0:
            i = (i + 1) & mask
        self.keys[i], self.vals[i] = key, val
        self.n += 1

    def add_many(self, keys: np.ndarray, vals: np.ndarray) -> None:
        if 2 * (self.n + len(keys)) > len(self.keys):
            self._grow(2 * (self.n + len(keys)))
        self._place(keys, vals)

    def _grow(self, need: int) -> None:
        used = self.keys != 0
        old_k, old_v = self.keys[used], self.vals[used]
        cap = max(1024, 1 << (need - 1).bit_length())
        self.keys, self.vals, self.n = np.zeros(cap, dtype=np.uint64), np.zeros(cap, dtype=np.uint64), 0
        self._place(old_k, old_v)

    def _place(self, keys: np.ndarray, vals: np.ndarray) -> None:
        """Linear probing for many keys at once: each pass puts every key whose slot is free (one per
        slot) and moves the rest one slot on, as inserting them one by one would."""
        mask = np.uint64(len(self.keys) - 1)
        slot = keys & mask
        self.n += len(keys)
        while len(keys):
            free = self.keys[slot] == 0
            _, first = np.unique(slot, return_index=True)
            take = np.zeros(len(keys), dtype=bool)
            take[first] = True
            take &= free
            self.keys[slot[take]], self.vals[slot[take]] = keys[take], vals[take]
            keys, vals, slot = keys[~take], vals[~take], (slot[~take] + np.uint64(1)) & mask


class DuplicateIndex:
    """Index of accepted samples: question keys, and pHash chunks → pHashes, in compact numpy tables.

    A bucket is (chunk, kind, answer): a near-duplicate needs the same answer to the same kind of
    task, so a bucket holds only such figures and stays small however large the catalog grows. Keys
    are 64-bit digests, so memory is ~200 bytes a sample (`flywheel bench dedup` at 1M samples);
    the pHash distance is always computed exactly on the stored hashes.
    """

    def __init__(self) -> None:
        self._questions = _Table()
        self._chunks = _Table()
        self.size = 0

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        """Memory the index holds (its numpy tables)."""
        return sum(t.keys.nbytes + t.vals.nbytes for t in (self._questions, self._chunks))

    @staticmethod
    def _keys(phash: str, answer: str, kind: str) -> tuple[int, list[int]]:
        """One sample's pHash and bucket keys: _bucket_keys in Python ints (no array set-up per check)."""
        h, a, m = int(phash, 16), _digest(f"{kind}\0{answer}"), 2**64 - 1
        keys = []
        for (off, w), mix in zip(_CHUNKS, _MIX_INT, strict=True):
            z = a ^ mix ^ ((((h >> off) & ((1 << w) - 1)) * 0xBF58476D1CE4E5B9) & m)
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
            keys.append((z ^ (z >> 31)) or 1)
        return h, keys

    def add(self, key: str, phash: str, answer: str, kind: str = "interaction") -> None:
        self._questions.add(_digest(key), 0)
        h, buckets = self._keys(phash, answer, kind)
        for b in buckets:
            self._chunks.add(b, h)
        self.size += 1

    def add_many(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """Add (question key, pHash, answer, kind) rows at once: how a run loads a large catalog
        (in slices, so the rows never exist as Python objects all at the same time)."""
        rows = iter(rows)
        while part := tuple(itertools.islice(rows, 65536)):
            self._add_slice(part)

    def _add_slice(self, rows: tuple[tuple[str, str, str, str], ...]) -> None:
        q = np.fromiter((_digest(k) for k, *_ in rows), dtype=np.uint64, count=len(rows))
        h = np.fromiter((int(p, 16) for _, p, *_ in rows), dtype=np.uint64, count=len(rows))
        a = np.fromiter((_digest(f"{kind}\0{ans}") for *_, ans, kind in rows), dtype=np.uint64, count=len(rows))
        self._questions.add_many(q, np.zeros(len(rows), dtype=np.uint64))
        buckets = _bucket_keys(h, a)
        self._chunks.add_many(buckets.ravel(), np.repeat(h, len(_CHUNKS)))
        self.size += len(rows)

    def check(self, key: str, phash: str, answer: str, kind: str = "interaction") -> tuple[bool, str]:
        """(passed, reason)."""
        if self._questions.get(_digest(key)):
            return False, "near-duplicate: an accepted sample asks the same question"
        h, buckets = self._keys(phash, answer, kind)
        for b in buckets:
            for other in self._chunks.get(b):
                dist = (h ^ other).bit_count()
                if dist <= MAX_HAMMING:
                    return False, f"near-duplicate: same answer and a near-identical figure (pHash distance {dist})"
        return True, "no accepted sample with the same question, or the same answer and figure"
