"""Content-addressed PNG store beside the catalog: images/ab/<sha256>.png."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flywheel.core.errors import FlywheelError


class StoreError(FlywheelError):
    """An image that cannot be written or read back intact; the message names the file.

    `errno` is the OSError's when there was one, so a run can tell a full disk (every later write
    fails the same way) from one bad file.
    """

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


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
            tmp = dest.with_suffix(f".{os.getpid()}.tmp")
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(data)
                os.replace(tmp, dest)
            except OSError as exc:
                tmp.unlink(missing_ok=True)  # a full disk must not leave debris behind
                raise StoreError(f"cannot write image {dest}: {exc.strerror or exc}", exc.errno) from None
        return digest

    def remove(self, digest: str) -> None:
        """Delete the PNG stored under `digest` (none there is fine). The caller checks that no sample
        references it: the store is content-addressed, so one file can be several samples' image."""
        self.path(digest).unlink(missing_ok=True)

    def get(self, digest: str) -> bytes:
        """The PNG stored under `digest`, checked: a missing or altered file is a StoreError."""
        path = self.path(digest)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"image {path} cannot be read: {exc.strerror or exc}", exc.errno) from None
        if sha256(data) != digest:
            raise StoreError(f"image {path} is damaged: its bytes do not hash to its name")
        return data
