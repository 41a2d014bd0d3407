"""The user's cache folder, shared by everything iacfix remembers between runs (parses, the
formatter's answers for TF001, the TypeScript worker's compiled code)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path


def user_cache_dir() -> Path | None:
    """$IACFIX_CACHE_DIR (empty: None, no caching), else $XDG_CACHE_HOME/iacfix, else the
    platform's user cache folder. Not created here: a cache that cannot be written is skipped."""
    environ = os.environ
    return _cache_dir(environ.get("IACFIX_CACHE_DIR"), environ.get("XDG_CACHE_HOME"),
                      environ.get("LOCALAPPDATA") if os.name == "nt" else None, environ.get("HOME"))


@lru_cache(maxsize=8)
def _cache_dir(configured: str | None, xdg: str | None, local_app_data: str | None, home: str | None) -> Path | None:
    # Asked for every .tf text TF001 formats: the folder (Path.home() and its joins) is worked
    # out once per set of variables it depends on.
    # `home` is only part of the key: Path.home() reads $HOME.
    if configured is not None:
        return Path(configured) if configured else None
    if xdg:
        return Path(xdg) / "iacfix"
    if local_app_data:
        return Path(local_app_data) / "iacfix" / "Cache"
    return Path.home() / ".cache" / "iacfix"


def store(entry: Path, data: bytes) -> None:
    """Write a cache entry by atomic rename, so a process running beside this one never reads
    half of it. A cache that cannot be written is skipped: only this process remembers."""
    written = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, prefix=".tmp-", delete=False) as tmp:
            written = tmp.name
            tmp.write(data)
        os.replace(written, entry)
    except OSError:
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)
