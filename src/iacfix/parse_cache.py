"""Parses remembered between runs: a text iacfix has read before is not parsed again.

Parsing is most of a run (tree-sitter and the walk that builds an HCL file's blocks; CPython's
`ast` and the view of a Python file), and what it builds depends on the text and on iacfix's own
code only. So it is kept under the user's cache folder, in parse/<fingerprint of iacfix's code>/,
one file per text (keyed by the SHA-256 of language and text), and read back when the same text
comes again: the next run over unchanged files, or the same fixes made again. Reading a pickle is
3 (HCL) to 15 (Python) times faster than parsing; a TypeScript view read back spares the Node
worker, which is given the files only if a rule asks it about types (cdktf.send_unsent).

Any change to iacfix's code changes the fingerprint, so an entry is only ever read by the code
that wrote it. An entry that cannot be read is parsed again; one that cannot be written is
skipped; entries are written by atomic rename, so a process running beside this one never reads
half of one. The folder of another fingerprint is removed once unused for a week.
`IACFIX_CACHE_DIR=""` turns the cache off (as it does the formatter's cache).
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from iacfix.cache import store, user_cache_dir


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Of every module of the iacfix package and of the TypeScript worker that builds a view
    (name, size, modification time): what builds a parse. A stat per file, not a read: about a
    millisecond."""
    import iacfix

    root = Path(iacfix.__file__).parent
    digest = hashlib.sha256(iacfix.__version__.encode())
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.js")]):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


# Folders of other fingerprints (older iacfix versions, edited checkouts) are removed once
# unused for this long: their entries can never be read again.
STALE_SECONDS = 7 * 24 * 3600


@lru_cache(maxsize=None)
def _used(folder: Path) -> None:
    """Mark the folder in use (once a process) and remove the stale ones beside it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "last-used").touch()
        now = time.time()
        for other in folder.parent.iterdir():
            marker = other / "last-used"
            if other != folder and (not marker.exists() or marker.stat().st_mtime < now - STALE_SECONDS):
                if not marker.exists() and other.stat().st_mtime >= now - STALE_SECONDS:
                    continue  # being created right now by another process
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        pass


def _folder() -> Path | None:
    folder = user_cache_dir()
    if folder is None:
        return None
    folder = folder / "parse" / _fingerprint()
    _used(folder)
    return folder


_suspended = 0  # > 0: neither read nor written (see suspended)


@contextmanager
def suspended() -> Iterator[None]:
    """No entry is read or written inside: for a parse made with a higher recursion limit
    (engine.deep_input), whose entry would be read back where that limit no longer holds."""
    global _suspended
    _suspended += 1
    try:
        yield
    finally:
        _suspended -= 1


# A longer text is neither kept nor looked for: pickling a 5 MB Terraform file's parse doubled the
# memory and the time of each of its parses, and most versions of such a text (one after each
# rule's fix) are never read again.
MAX_CHARS = 1_000_000


def _entry(language: str, text: str) -> Path | None:
    if _suspended or len(text) > MAX_CHARS:
        return None
    folder = _folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"{language}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    return folder / key[:2] / key


def known(language: str, text: str) -> bool:
    """Whether the text has an entry (without reading it)."""
    entry = _entry(language, text)
    return entry is not None and entry.is_file()


def recall(language: str, text: str) -> Any | None:
    """What `keep` was given for this text, or None."""
    entry = _entry(language, text)
    if entry is None:
        return None
    try:
        return pickle.loads(zlib.decompress(entry.read_bytes()))
    except Exception:  # noqa: BLE001 - none yet, or a damaged one: parse
        return None


def keep(language: str, text: str, parsed: Any) -> None:
    """Remember what parsing the text built (anything pickle takes)."""
    entry = _entry(language, text)
    if entry is None:
        return
    try:
        # zlib at its fastest: a third of the size (a Python view is 2.5 times its text)
        data = zlib.compress(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL), 1)
    except (pickle.PicklingError, RecursionError):
        return  # a parse too deep to pickle: only this run has it
    store(entry, data)
