"""Text-level helpers shared by every backend: applying span edits and whole-line removals."""

from __future__ import annotations

from collections.abc import Iterable

from iacfix.model import Edit


class OverlappingEdits(ValueError):
    pass


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits of one file (given in any order)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos:
            raise OverlappingEdits(f"edits overlap at offset {edit.start}")
        out.append(text[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def overlaps(a: Edit, b: Edit) -> bool:
    if a.path != b.path:
        return False
    # Two insertions at the same point are a conflict too: their order would be arbitrary.
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """Offset of the newline ending the line that holds `offset` (len(text) on the last line)."""
    end = text.find("\n", offset)
    return len(text) if end == -1 else end


def indentation_at(text: str, offset: int) -> str:
    start = line_start(text, offset)
    line = text[start : line_end(text, start)]
    return line[: len(line) - len(line.lstrip(" \t"))]


def line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def removal_span(text: str, start: int, end: int, comment_prefixes: tuple[str, ...] = ()) -> tuple[int, int]:
    """The span to delete so that text[start:end] disappears cleanly.

    When the code is alone on its line(s) (only blanks before it, only blanks or a trailing
    comment after it) the whole lines go, newline included, so no empty line is left behind;
    otherwise just the span.
    """
    first = line_start(text, start)
    last = line_end(text, end)
    before = text[first:start]
    after = text[end:last].strip()
    alone = not before.strip() and (not after or after.startswith(comment_prefixes))
    if not alone:
        return start, end
    return first, min(last + 1, len(text))


def snake_case(name: str) -> str:
    """`atRestEncryptionEnabled` → `at_rest_encryption_enabled` (already snake stays as it is)."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper():
            if i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
                out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def camel_case(name: str) -> str:
    """`desired_count` → `desiredCount`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
