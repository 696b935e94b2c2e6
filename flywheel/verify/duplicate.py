"""Duplicate verifier: normalised question + perceptual hash against everything already accepted.

Two samples are near-duplicates when they ask the same question up to point names and the verb
of the ask (the question states every given, so the same text is the same problem however the
figure is turned or relabelled), when one question is an accepted one with sentences added and
the answer is the same (a fact appended to a solved problem that changes nothing a solver must
reason about: "… Point P lies on AC, and OP is drawn."), or when they have the
same answer to the same kind of task and figures within MAX_HAMMING bits of pHash (a perception
task and an instruction task on one figure may share an answer string by chance: they are
different tasks). The pHash search uses multi-index
hashing: the 64 bits are cut into MAX_HAMMING + 1 chunks, and by pigeonhole a near neighbour
shares at least one chunk exactly, so a check is a few table lookups at any catalog size.
Two figures of one generator drawn from different parameters (its recipe: numbers, data, what is
asked) are different problems however alike their thumbnails are: charts of one kind differ only
in details a 32×32 pHash does not see, so they are told apart by their recipes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re

import imagehash
import numpy as np

from flywheel.core.records import content_id
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


def _interaction(kind: str) -> bool:
    """An interaction task of any version (`duplicate_kind` adds ":version" to the kind)."""
    return kind.split(":", 1)[0] == "interaction"


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


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z∠△(])")


def recipe_digest(params: dict | str | None) -> str:
    """A digest of a sample's recipe (its params, as a dict or as the catalog's JSON): equal recipes of one
    generator draw one problem."""
    if isinstance(params, str):
        params = json.loads(params or "{}")
    return content_id(params or {})


def sentence_keys(question: str) -> frozenset[str]:
    """The question's sentences, each keyed like a whole question (point names and the ask's verb masked)."""
    return frozenset(question_key(s) for s in _SENTENCE_END.split(question.strip()) if s.strip())


def recipe_atoms(generator: str, params: dict | str | None) -> frozenset[str]:
    """A sample's recipe as a set: its generator, each parameter of its problem, and each evolution op
    without the op's own seed. A child that keeps an accepted sample's whole problem and only adds ops
    (a distractor, a surface variant) contains that sample's atoms, whichever sentence frame, wording or
    version of the text it ships: the frame-proof form of "an accepted question with sentences added"."""
    if isinstance(params, str):
        params = json.loads(params or "{}")
    if not generator or not params:
        return frozenset()
    ops = params.get("ops") or []
    return frozenset({f"r:generator={generator}"}
                     | {f"r:{k}={json.dumps(v, sort_keys=True)}" for k, v in params.items() if k != "ops"}
                     | {f"r:op={json.dumps(list(op[:-1]))}" for op in ops})


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


_M64 = 2**64 - 1


def _digest(text: str) -> int:
    """A 64-bit digest of a question key, (kind, answer) or recipe: Python's own string hash (SipHash,
    keyed per process, cached on the string). The index lives and dies in one process, so its digests
    never have to agree with another process's, and this is ~10× cheaper than hashlib per check."""
    return hash(text) & _M64


_GOLD, _C1, _C2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_SALT = [_digest(f"chunk {c}") for c in range(len(_CHUNKS))] + [_digest("question"), _digest("sentences")]
_Q_SALT, _S_SALT = _SALT[-2], _SALT[-1]


def _mix(a: int, b: int) -> int:
    """splitmix64 of (a, b): where a key's candidates start in a table (`_mix_np` on arrays)."""
    z = a ^ ((b * _GOLD) & _M64)
    z = ((z ^ (z >> 30)) * _C1) & _M64
    z = ((z ^ (z >> 27)) * _C2) & _M64
    return z ^ (z >> 31)


def _mix_np(a: np.ndarray | int, b: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = np.asarray(a, dtype=np.uint64) ^ (b * np.uint64(_GOLD))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(_C1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(_C2)
        return z ^ (z >> np.uint64(31))


class _Column:
    """A growable numpy array (capacity doubles): a per-sample field without a Python object per sample."""

    def __init__(self, dtype: type) -> None:
        self.a, self.n = np.zeros(1024, dtype=dtype), 0
        self.at = memoryview(self.a)  # item lookups: ~5× cheaper than ndarray.item from Python

    def append(self, value: int) -> None:
        if self.n == len(self.a):
            self.extend(np.zeros(0, dtype=self.a.dtype), spare=1)
        self.at[self.n] = value
        self.n += 1

    def extend(self, values: np.ndarray, spare: int = 0) -> None:
        if self.n + len(values) + spare > len(self.a):
            grown = np.zeros(1 << (self.n + len(values) + spare).bit_length(), dtype=self.a.dtype)
            grown[: self.n] = self.a[: self.n]
            self.a, self.at = grown, memoryview(grown)
        self.a[self.n : self.n + len(values)] = values
        self.n += len(values)

    @property
    def values(self) -> np.ndarray:
        return self.a[: self.n]


class _Slots:
    """An open-addressing table of row numbers (uint32, row + 1; 0 is empty) with linear probing, at a
    load of at most ½: 8 bytes or less a row. It stores no keys: a lookup walks the rows from where a key's
    hash lands to the next empty slot, and the caller keeps those whose own fields match (so a hash
    collision costs a comparison, never a wrong answer)."""

    def __init__(self) -> None:
        self.clear(0)

    def fits(self, more: int) -> bool:
        return 2 * (self.n + more) <= len(self.slots)

    def clear(self, rows: int) -> None:
        self.slots, self.n = np.zeros(max(1024, 1 << (2 * rows - 1).bit_length()), dtype=np.uint32), 0
        self.at = memoryview(self.slots)

    def rows(self, h: int) -> list[int]:
        at, mask, found = self.at, len(self.slots) - 1, []
        i = h & mask
        while row := at[i]:
            found.append(row - 1)
            i = (i + 1) & mask
        return found

    def put(self, h: int, row: int) -> None:
        """One row, as `place` puts many (the caller checked that it `fits`)."""
        at, mask = self.at, len(self.slots) - 1
        i = h & mask
        while at[i]:
            i = (i + 1) & mask
        at[i] = row + 1
        self.n += 1

    def place(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """Linear probing for many rows at once: each pass puts every row whose slot is free (one per
        slot) and moves the rest one slot on, as inserting them one by one would."""
        mask = np.uint64(len(self.slots) - 1)
        slot, vals = hashes & mask, rows.astype(np.uint32) + np.uint32(1)
        self.n += len(vals)
        while len(vals):
            _, first = np.unique(slot, return_index=True)
            take = np.zeros(len(vals), dtype=bool)
            take[first] = True
            take &= self.slots[slot] == 0
            self.slots[slot[take]] = vals[take]
            vals, slot = vals[~take], (slot[~take] + np.uint64(1)) & mask


def _recipe_row(question: str, generator: str, params: dict | str | None) -> tuple[str, str, str, dict | None]:
    """A catalog row's (question, generator, recipe digest, params), its JSON params decoded once for both
    the digest and the recipe atoms."""
    if isinstance(params, str):
        params = json.loads(params or "{}")
    return question, generator, recipe_digest(params), params


def _extension_sets(question: str, kind: str, generator: str = "",
                    params: dict | str | None = None) -> list[list[int]]:
    """An interaction sample's two sets as sorted 64-bit keys: its sentences (found again in the same frame)
    and its recipe atoms (in any frame). Sentence keys are hex digests and atoms are hashed, so a set is only
    ever inside one of its own kind. Perception and instruction questions are set phrases by design: none."""
    if not _interaction(kind):
        return []
    sets = [sorted(int(k, 16) for k in sentence_keys(question)) if question else [],
            sorted(_digest(a) for a in recipe_atoms(generator, params))]
    return [x for x in sets if x]


class DuplicateIndex:
    """Index of accepted samples in numpy arrays: no Python object per sample, so ~100 bytes a sample
    (`flywheel bench dedup`), and each rule a few O(1) table probes.

    Per sample: its question digest, pHash, (kind, answer) digest, generator number and recipe digest.
    Tables of row numbers find the samples with the probe's question, and those with one of its pHash
    chunks and its (kind, answer) (one table per chunk). An interaction question's sentence keys are
    kept sorted in one pool, the set filed under its (kind, answer) and its smallest key. Every decision
    is the one the rules in the module docstring give on the stored fields; strings are compared by
    64-bit digests (question and sentence keys already are 64-bit digests), so two distinct answers or
    recipes are confused with a chance of ~2⁻⁶⁴ a pair.
    """

    def __init__(self) -> None:
        self._q, self._ph, self._ans, self._rec = (_Column(np.uint64) for _ in range(4))
        self._gen = _Column(np.uint32)
        self._generators: dict[str, int] = {"": 0}  # a handful of generator names, numbered
        self._q_slots, self._chunk_slots = _Slots(), [_Slots() for _ in _CHUNKS]
        self._set_ans, self._set_start, self._pool = _Column(np.uint64), _Column(np.uint64), _Column(np.uint64)
        self._set_len = _Column(np.uint32)
        self._set_slots = _Slots()

    def __len__(self) -> int:
        return self._q.n

    @property
    def size(self) -> int:
        return self._q.n

    @property
    def nbytes(self) -> int:
        """Memory the index holds (its numpy arrays, with their spare capacity)."""
        cols = (self._q, self._ph, self._ans, self._rec, self._gen, self._set_ans, self._set_start, self._pool,
                self._set_len)
        return sum(c.a.nbytes for c in cols) + sum(
            s.slots.nbytes for s in (self._q_slots, self._set_slots, *self._chunk_slots))

    def add_many(self, rows) -> None:
        """Add the catalog's accepted rows (question key, pHash, answer, kind[, question, generator,
        params]) as a run loads them, in slices, so the rows never exist as Python objects all at once."""
        rows = iter(rows)
        while part := list(itertools.islice(rows, 65536)):
            self._add_rows([(key, ph, answer, kind, *(_recipe_row(*rest) if rest else ("", "", "", None)))
                            for key, ph, answer, kind, *rest in part])

    def add(self, key: str, phash: str, answer: str, kind: str = "interaction", question: str = "",
            generator: str = "", recipe: str = "", params: dict | str | None = None) -> None:
        """One accepted sample, as a run adds them: plain Python writes into the arrays (a few µs), unless
        a table must grow (then `_add_rows` places every row again)."""
        sets = _extension_sets(question, kind, generator, params)
        if not (all(s.fits(1) for s in (self._q_slots, *self._chunk_slots)) and self._set_slots.fits(len(sets))):
            self._add_rows([(key, phash, answer, kind, question, generator, recipe, params)])
            return
        row, q, h, a = self._q.n, _digest(key), int(phash, 16), _digest(f"{kind}\0{answer}")
        for col, value in ((self._q, q), (self._ph, h), (self._ans, a), (self._rec, _digest(recipe)),
                           (self._gen, self._generators.setdefault(generator, len(self._generators)))):
            col.append(value)
        self._q_slots.put(_mix(_Q_SALT, q), row)
        for slots, (off, width), salt in zip(self._chunk_slots, _CHUNKS, _SALT, strict=False):
            slots.put(_mix(a ^ salt, (h >> off) & ((1 << width) - 1)), row)
        for sents in sets:
            self._set_slots.put(_mix(a ^ _S_SALT, sents[0]), self._set_ans.n)
            self._set_ans.append(a)
            self._set_start.append(self._pool.n)
            self._set_len.append(len(sents))
            for s in sents:
                self._pool.append(s)

    def _add_rows(self, rows: list[tuple[str, str, str, str, str, str, str, dict | str | None]]) -> None:
        first, n = self._q.n, len(rows)
        gens = self._generators
        self._q.extend(np.fromiter((_digest(r[0]) for r in rows), np.uint64, n))
        self._ph.extend(np.fromiter((int(r[1], 16) for r in rows), np.uint64, n))
        self._ans.extend(np.fromiter((_digest(f"{r[3]}\0{r[2]}") for r in rows), np.uint64, n))
        self._gen.extend(np.fromiter((gens.setdefault(r[5], len(gens)) for r in rows), np.uint32, n))
        self._rec.extend(np.fromiter((_digest(r[6]) for r in rows), np.uint64, n))
        sets = [(row, s) for row, r in enumerate(rows, first) for s in _extension_sets(r[4], r[3], r[5], r[7])]
        first_set = self._set_ans.n
        if sets:
            lens = np.fromiter((len(s) for _, s in sets), np.uint32, len(sets))
            self._set_ans.extend(self._ans.a[[row for row, _ in sets]])
            self._set_start.extend(self._pool.n + np.cumsum(lens, dtype=np.uint64) - lens)
            self._set_len.extend(lens)
            self._pool.extend(np.fromiter(itertools.chain.from_iterable(s for _, s in sets), np.uint64))
        if all(s.fits(n) for s in (self._q_slots, *self._chunk_slots)):
            self._place_rows(first, self._q.n)
        else:  # a larger table: every row placed again
            for s in (self._q_slots, *self._chunk_slots):
                s.clear(self._q.n)
            self._place_rows(0, self._q.n)
        if self._set_slots.fits(self._set_ans.n - first_set):
            self._place_sets(first_set, self._set_ans.n)
        else:
            self._set_slots.clear(self._set_ans.n)
            self._place_sets(0, self._set_ans.n)

    def _place_rows(self, lo: int, hi: int) -> None:
        rows = np.arange(lo, hi, dtype=np.uint64)
        self._q_slots.place(_mix_np(_Q_SALT, self._q.values[lo:hi]), rows)
        ph, ans = self._ph.values[lo:hi], self._ans.values[lo:hi]
        for slots, (off, width), salt in zip(self._chunk_slots, _CHUNKS, _SALT, strict=False):
            part = (ph >> np.uint64(off)) & np.uint64((1 << width) - 1)
            slots.place(_mix_np(ans ^ np.uint64(salt), part), rows)

    def _place_sets(self, lo: int, hi: int) -> None:
        smallest = self._pool.values[self._set_start.values[lo:hi].astype(np.int64)]
        self._set_slots.place(_mix_np(self._set_ans.values[lo:hi] ^ np.uint64(_S_SALT), smallest),
                              np.arange(lo, hi, dtype=np.uint64))

    def extends_accepted(self, question: str, answer: str, kind: str = "interaction", generator: str = "",
                         params: dict | str | None = None) -> bool:
        """Whether the sample is an accepted one of the same version with something added and the same answer:
        its question with sentences added (same frame), or its whole recipe with ops added (any frame).
        Interaction samples only: perception and instruction questions are set phrases by design."""
        a = _digest(f"{kind}\0{answer}")
        set_ans, start, length, pool = (c.at for c in (self._set_ans, self._set_start, self._set_len, self._pool))
        for probe in _extension_sets(question, kind, generator, params):
            sents = set(probe)
            for s in probe:  # a set contained in this one has its smallest key among these
                for i in self._set_slots.rows(_mix(a ^ _S_SALT, s)):
                    at, n = start[i], length[i]
                    if set_ans[i] == a and pool[at] == s and n < len(sents) and all(
                            pool[j] in sents for j in range(at + 1, at + n)):
                        return True
        return False

    def check(self, key: str, phash: str, answer: str, kind: str = "interaction", question: str = "",
              generator: str = "", recipe: str = "", params: dict | str | None = None) -> tuple[bool, str]:
        """(passed, reason). `generator` and `recipe` (a digest of its parameters) tell apart look-alike
        figures of one generator drawn from different parameters."""
        q = _digest(key)
        if any(self._q.at[i] == q for i in self._q_slots.rows(_mix(_Q_SALT, q))):
            return False, "near-duplicate: an accepted sample asks the same question"
        if self.extends_accepted(question, answer, kind, generator, params):
            return False, "near-duplicate: an accepted question with sentences added, and the same answer"
        h, a = int(phash, 16), _digest(f"{kind}\0{answer}")
        gen = self._generators.get(generator, -1) if generator else -1  # -1: no sample is told apart by recipe
        rec = _digest(recipe)
        ph, ans, gens, recs = (c.at for c in (self._ph, self._ans, self._gen, self._rec))
        for slots, (off, width), salt in zip(self._chunk_slots, _CHUNKS, _SALT, strict=False):
            for i in slots.rows(_mix(a ^ salt, (h >> off) & ((1 << width) - 1))):
                if ans[i] != a or (gens[i] == gen and recs[i] != rec):
                    continue
                dist = (h ^ ph[i]).bit_count()
                if dist <= MAX_HAMMING:
                    return False, f"near-duplicate: same answer and a near-identical figure (pHash distance {dist})"
        return True, "no accepted sample with the same question, or the same answer and figure"
