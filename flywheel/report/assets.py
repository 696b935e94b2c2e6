"""The site's images: full PNGs linked (or copied) from the catalog's store, and thumbnails made once.

Both live under the site directory, named by content hash, so a rebuild into the same directory
makes only the thumbnails of images it has not seen; the catalog's own `images/` is never written
(`flywheel doctor` would call extra files there orphans).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

from flywheel.catalog.images import ImageStore

try:  # the [report] extra: OpenCV decodes a PNG and encodes a JPEG in ~70% of Pillow's CPU time
    import cv2
except ImportError:  # Pillow makes the same thumbnails (same box reduction, same libjpeg-turbo encoder)
    cv2 = None

THUMB_PX = 224  # the long side of a card's thumbnail (figures are 448 px): half, by box reduction
CHUNK = 64  # thumbnails per worker task


def image_href(digest: str) -> str:
    return f"img/{digest[:2]}/{digest}.png"


def thumb_href(digest: str) -> str:
    return f"thumb/{digest[:2]}/{digest}.jpg"


def link_images(store: ImageStore, digests: Iterable[str], site: Path) -> list[str]:
    """Hard-link every stored PNG into the site (a copy across file systems); returns the missing ones."""
    missing = []
    for d in digests:
        dest = site / image_href(d)
        if dest.exists():
            continue
        if not store.exists(d):
            missing.append(d)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not store.local:  # an object store: copy the bytes down
            dest.write_bytes(store.get(d))
            continue
        src = store.path(d)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)
    return missing


def make_thumbnails(site: Path, digests: list[str], workers: int, on_done: Callable[[int], None]) -> int:
    """Thumbnails of the site's images that have none yet, on `workers` processes; returns how many were made.

    A thumbnail counts as made once its hash is in `thumb/made.txt`, which each worker appends to
    after writing a whole chunk: a build killed mid-write leaves files that the next build makes
    again, without paying a temporary file and a rename per thumbnail (a third of the cost).
    """
    manifest = site / "thumb" / "made.txt"
    made = set(manifest.read_text().split()) if manifest.exists() else set()
    todo = [d for d in digests if d not in made and (site / image_href(d)).exists()]
    for prefix in {d[:2] for d in todo}:
        (site / "thumb" / prefix).mkdir(parents=True, exist_ok=True)
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        for c in chunks:
            on_done(_thumbs(str(site), c))
        return len(todo)
    with ProcessPoolExecutor(workers) as pool:
        for n in pool.map(_thumbs, [str(site)] * len(chunks), chunks):
            on_done(n)
    return len(todo)


def _thumbs(site: str, digests: list[str]) -> int:
    root = Path(site)
    if cv2 is not None:
        cv2.setNumThreads(1)  # one worker process per core already
    for d in digests:
        thumb(root / image_href(d), root / thumb_href(d))
    with open(root / "thumb" / "made.txt", "a", encoding="ascii") as f:  # one short append per chunk
        f.write("".join(f"{d}\n" for d in digests))
    return len(digests)


# OpenCV's reduced reads: a box (INTER_AREA) reduction by 2, 4 or 8 as the image is read.
_CV_REDUCED = {1: "IMREAD_COLOR", 2: "IMREAD_REDUCED_COLOR_2", 4: "IMREAD_REDUCED_COLOR_4", 8: "IMREAD_REDUCED_COLOR_8"}


def thumb(src: Path, dest: Path, use_cv2: bool = True) -> None:
    """A JPEG of `src` reduced by a whole factor to about THUMB_PX on its long side (thumbnails
    take four fifths of a large report's CPU: decoding the PNG is most of it)."""
    if use_cv2 and cv2 is not None:
        with Image.open(src) as im:  # reads the header only
            factor = max(1, round(max(im.size) / THUMB_PX))
        if factor in _CV_REDUCED:
            pixels = cv2.imread(str(src), getattr(cv2, _CV_REDUCED[factor]))  # BGR, alpha dropped as Pillow drops it
            if pixels is not None and cv2.imwrite(str(dest), pixels, [cv2.IMWRITE_JPEG_QUALITY, 85]):
                return
    with Image.open(src) as im:
        factor = max(1, round(max(im.size) / THUMB_PX))
        small = im.reduce(factor) if factor > 1 else im.copy()  # reduce first: converting fewer pixels
    if small.mode not in ("RGB", "L"):
        small = small.convert("RGB")
    small.save(dest, "JPEG", quality=85)
