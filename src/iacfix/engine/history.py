"""The fixes applied to each file during a run, batch by batch, so that an edit made against a
file's current text can be said against the text as it was read: what SARIF's `fixes` and the
JSON report give, for a tool that applies one fix to the file on disk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from iacfix.model import Edit


class EditHistory:
    def __init__(self) -> None:
        # path → the batches applied to it, in order, each sorted, against the text before it
        self._batches: dict[Path, list[list[Edit]]] = defaultdict(list)

    def record(self, path: Path, edits: Sequence[Edit]) -> None:
        self._batches[path].append(sorted(edits, key=lambda e: (e.start, e.end)))

    def to_original(self, edits: Sequence[Edit]) -> list[Edit] | None:
        """`edits` against the texts as read; None if one of them touches text an earlier batch
        wrote (it has no place in the file as read)."""
        out = []
        for edit in edits:
            start, end = edit.start, edit.end
            for batch in reversed(self._batches.get(edit.path, ())):
                mapped = _through(batch, start, end)
                if mapped is None:
                    return None
                start, end = mapped
            out.append(Edit(edit.path, start, end, edit.text))
        return out


def _through(batch: list[Edit], start: int, end: int) -> tuple[int, int] | None:
    """[start, end) of the text after `batch`, in the text before it; None when it overlaps
    what the batch wrote (or holds a place where the batch deleted something)."""
    delta = 0  # how much the batch's earlier edits moved the text
    old_start = old_end = None
    for edit in batch:
        new_start = edit.start + delta
        new_end = new_start + len(edit.text)
        if new_start < end and new_end > start and (new_end > new_start or start < new_start):
            return None  # the range and what this edit wrote (or where it deleted) meet
        if old_start is None and start <= new_start:
            old_start = start - delta
        if old_end is None and end <= new_start:
            old_end = end - delta
        delta += len(edit.text) - (edit.end - edit.start)
    return (start - delta if old_start is None else old_start, end - delta if old_end is None else old_end)
