"""Content-addressed PNG store: <root>/ab/<sha256>.png, the root a local directory (images/ beside the
catalog by default, or any path, a shared file system's included) or an fsspec URL (`s3://bucket/run`,
`gs://…`, `memory://…` in tests) for a store every node of a cluster reaches without a shared mount."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from flywheel.core.errors import FlywheelError

# Stores that live inside one process: workers elsewhere cannot write into them, so the driver does.
PROCESS_LOCAL = {"memory"}


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


def store_root(location: str | Path) -> str:
    """The store's root as the catalog records it: an absolute local path, or the URL as given (a
    `file://` URL is a local path). Unknown protocols and missing optional packages are FlywheelErrors."""
    text = str(location)
    protocol = text.split("://", 1)[0] if "://" in text else ""
    if protocol in ("", "file"):
        return str(Path(text.removeprefix("file://")).expanduser().resolve())
    _filesystem(text)
    return text.rstrip("/")


def _filesystem(url: str):
    """(fsspec file system, path inside it) of a store URL, with one-line errors for what users get wrong."""
    import fsspec
    from fsspec.registry import known_implementations

    protocol = url.split("://", 1)[0]
    if protocol not in fsspec.available_protocols():
        raise FlywheelError(f"image store {url}: unknown protocol {protocol!r} (use a local path, file://, "
                            "s3://, gs://, memory:// or another fsspec protocol)")
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError:
        hint = known_implementations.get(protocol, {}).get("err") or f"install fsspec's {protocol} support"
        raise FlywheelError(f"image store {url}: {protocol}:// needs an optional package: {hint}") from None


class ImageStore:
    def __init__(self, root: str | Path) -> None:
        self.url = store_root(root)
        self.local = "://" not in self.url
        # A local store keeps Path-based writes (atomic rename); a URL store writes whole objects.
        self.root = Path(self.url) if self.local else None
        self.fs, self._base = (None, "") if self.local else _filesystem(self.url)
        # Whether workers in other processes (or on other nodes) can write into this store themselves.
        self.shared = self.local or self.url.split("://", 1)[0] not in PROCESS_LOCAL

    @property
    def worker_root(self) -> str | None:
        """What a task carries as its image root: workers write PNGs straight into a store they reach;
        for a process-local one (None) they send them back and the driver writes them with the rows."""
        return self.url if self.shared else None

    def path(self, digest: str) -> Path | str:
        """Where the PNG of `digest` lives: a local path, or its URL in the store."""
        if self.local:
            return self.root / digest[:2] / f"{digest}.png"
        return f"{self.url}/{digest[:2]}/{digest}.png"

    def _key(self, digest: str) -> str:
        return f"{self._base.rstrip('/')}/{digest[:2]}/{digest}.png"

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists() if self.local else self.fs.exists(self._key(digest))

    def put(self, data: bytes, digest: str | None = None) -> str:
        """Write once (atomic rename, or one object put); the same bytes always land at the same path."""
        digest = digest or sha256(data)
        if not self.local:
            try:
                if not self.fs.exists(self._key(digest)):
                    self.fs.pipe_file(self._key(digest), data)
            except OSError as exc:
                raise StoreError(f"cannot write image {self.path(digest)}: {exc.strerror or exc}", exc.errno) from None
            return digest
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
        if self.local:
            self.path(digest).unlink(missing_ok=True)
        elif self.fs.exists(self._key(digest)):
            self.fs.rm_file(self._key(digest))

    def get(self, digest: str) -> bytes:
        """The PNG stored under `digest`, checked: a missing or altered file is a StoreError."""
        path = self.path(digest)
        try:
            data = path.read_bytes() if self.local else self.fs.cat_file(self._key(digest))
        except (OSError, FileNotFoundError) as exc:
            raise StoreError(f"image {path} cannot be read: {getattr(exc, 'strerror', None) or exc}",
                             getattr(exc, "errno", None)) from None
        if sha256(data) != digest:
            raise StoreError(f"image {path} is damaged: its bytes do not hash to its name")
        return data

    def names(self) -> Iterator[str]:
        """The file names under the store's prefix directories (`<sha>.png`, and `*.tmp` debris locally)."""
        if self.local:
            if self.root.exists():
                yield from sorted(f.name for f in self.root.glob("*/*"))
        elif self.fs.exists(self._base):
            yield from sorted(p.rsplit("/", 1)[-1] for p in self.fs.find(self._base))
