"""Content-addressed PNG store beside the catalog: images/ab/<sha256>.png."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ImageStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.png"

    def put(self, data: bytes, digest: str | None = None) -> str:
        """Write once (atomic rename); the same bytes always land at the same path."""
        digest = digest or sha256(data)
        dest = self.path(digest)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, dest)
        return digest

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()
