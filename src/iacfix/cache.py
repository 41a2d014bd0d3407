"""The user's cache folder, shared by everything iacfix remembers between runs (TF001's canonical
texts, the TypeScript worker's compiled code)."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path | None:
    """$IACFIX_CACHE_DIR (empty: None, no caching), else $XDG_CACHE_HOME/iacfix, else the
    platform's user cache folder. Not created here: a cache that cannot be written is skipped."""
    configured = os.environ.get("IACFIX_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "iacfix"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "iacfix" / "Cache"
    return Path.home() / ".cache" / "iacfix"
