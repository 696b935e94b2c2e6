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
shares at least one chunk exactly, so a check is a few dict lookups at any catalog size.
Two figures of one generator drawn from different parameters (its recipe: numbers, data, what is
asked) are different problems however alike their thumbnails are: charts of one kind differ only
in details a 32×32 pHash does not see, so they are told apart by their recipes.
"""

from __future__ import annotations

import hashlib
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


class DuplicateIndex:
    """In-memory index of accepted samples: question keys, sentence sets by (answer, a sentence), and
    pHash chunks → (hash, answer)."""

    def __init__(self) -> None:
        self._questions: set[str] = set()
        # An accepted interaction question's sentence set, filed under (duplicate kind, answer, its smallest
        # sentence key): a version's text is compared only with texts of that version (vision texts drop sentences).
        # a question that contains it contains that sentence, so a check looks in one bucket per sentence.
        self._sentences: dict[tuple[str, str, str], list[frozenset[str]]] = {}
        # Keyed by (chunk value, kind, answer): a near-duplicate needs the same answer to the same kind
        # of task, so a bucket holds only such figures and stays small however large the catalog grows.
        self._chunks: list[dict[tuple[int, str, str], list[tuple[int, str, str]]]] = [{} for _ in _CHUNKS]
        self.size = 0

    def __len__(self) -> int:
        return self.size

    @staticmethod
    def _parts(h: int) -> list[int]:
        return [(h >> off) & ((1 << width) - 1) for off, width in _CHUNKS]

    def add_many(self, rows) -> None:
        """Add the catalog's accepted rows (question key, pHash, answer, kind[, question, generator,
        params]) as a run loads them."""
        for key, ph, answer, kind, *rest in rows:
            if rest:
                question, generator, params = rest
                self.add(key, ph, answer, kind, question, generator, recipe_digest(params), params)
            else:
                self.add(key, ph, answer, kind)

    def add(self, key: str, phash: str, answer: str, kind: str = "interaction", question: str = "",
            generator: str = "", recipe: str = "", params: dict | str | None = None) -> None:
        self._questions.add(key)
        # Two sets per interaction sample in one store: its sentences (the same frame) and its recipe atoms
        # (any frame); "r:" keeps the two kinds of element apart, so a set is only ever inside one of its kind.
        for sents in self._extension_sets(question, kind, generator, params):
            self._sentences.setdefault((kind, answer, min(sents)), []).append(sents)
        h = int(phash, 16)
        for table, part in zip(self._chunks, self._parts(h), strict=True):
            table.setdefault((part, kind, answer), []).append((h, generator, recipe))
        self.size += 1

    @staticmethod
    def _extension_sets(question: str, kind: str, generator: str = "", params: dict | str | None = None):
        if not _interaction(kind):
            return []
        sets = [sentence_keys(question) if question else frozenset(), recipe_atoms(generator, params)]
        return [s for s in sets if s]

    def extends_accepted(self, question: str, answer: str, kind: str = "interaction", generator: str = "",
                         params: dict | str | None = None) -> bool:
        """Whether the sample is an accepted one of the same version with something added and the same answer:
        its question with sentences added (same frame), or its whole recipe with ops added (any frame).
        Interaction samples only: perception and instruction questions are set phrases by design."""
        return any(other < sents for sents in self._extension_sets(question, kind, generator, params)
                   for s in sents for other in self._sentences.get((kind, answer, s), ()))

    def check(self, key: str, phash: str, answer: str, kind: str = "interaction", question: str = "",
              generator: str = "", recipe: str = "", params: dict | str | None = None) -> tuple[bool, str]:
        """(passed, reason). `generator` and `recipe` (a digest of its parameters) tell apart look-alike
        figures of one generator drawn from different parameters; `params` (the recipe itself) finds an
        accepted problem with evolution ops added."""
        if key in self._questions:
            return False, "near-duplicate: an accepted sample asks the same question"
        if self.extends_accepted(question, answer, kind, generator, params):
            return False, "near-duplicate: an accepted question with sentences added, and the same answer"
        h = int(phash, 16)
        for table, part in zip(self._chunks, self._parts(h), strict=True):
            for other, gen, rec in table.get((part, kind, answer), ()):
                if generator and gen == generator and rec != recipe:
                    continue
                dist = (h ^ other).bit_count()
                if dist <= MAX_HAMMING:
                    return False, f"near-duplicate: same answer and a near-identical figure (pHash distance {dist})"
        return True, "no accepted sample with the same question, or the same answer and figure"
