"""Text-level helpers shared by every backend: applying span edits and whole-line removals."""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate, repeat

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


def line_starts(text: str) -> list[int]:
    """The offset where each line starts (for bisect: many offsets of one text to lines): the
    running sum of the lines' lengths, each with its newline, summed in C (a loop over
    str.find took twice as long)."""
    return list(accumulate(map(operator.add, map(len, text.split("\n")[:-1]), repeat(1)), initial=0))


def line_col_at(starts: list[int], offset: int) -> tuple[int, int]:
    """`line_col` by bisection over the text's `line_starts`: for many offsets into one text."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` (where a finding points)."""
    return line_number(text, offset), offset - text.rfind("\n", 0, offset)


PY_LINE_LENGTH = 88  # black's: Python that a fix writes is laid out to it


def _whole_lines(text: str, start: int, end: int, comment_prefixes: tuple[str, ...]) -> tuple[int, int] | None:
    """The lines of text[start:end], newline included, when it is alone on them (only blanks
    before it, only blanks or a trailing comment after it); None when it shares them with code."""
    first = line_start(text, start)
    last = line_end(text, end)
    after = text[end:last].strip()
    if text[first:start].strip() or (after and not after.startswith(comment_prefixes)):
        return None
    return first, min(last + 1, len(text))


def removal_span(text: str, start: int, end: int, comment_prefixes: tuple[str, ...] = ()) -> tuple[int, int]:
    """The span to delete so that text[start:end] disappears cleanly.

    When the code is alone on its line(s) (only blanks before it, only blanks or a trailing
    comment after it) the whole lines go, newline included, so no empty line is left behind;
    otherwise just the span.
    """
    return _whole_lines(text, start, end, comment_prefixes) or (start, end)


def comments_start(text: str, offset: int, comment_prefixes: tuple[str, ...]) -> int:
    """The start of the comment lines that introduce the line holding `offset` (that line's start
    when there are none): whole-line comments right above it, no blank line between, at its own
    indentation. With "/*" among the prefixes a block comment counts from its first line."""
    line_comments = tuple(p for p in comment_prefixes if p != "/*")
    blocks = "/*" in comment_prefixes
    start = line_start(text, offset)
    indent = indentation_at(text, start)
    while start > 0:
        above = line_start(text, start - 1)
        stripped = text[above : start - 1].strip()
        if stripped.startswith(line_comments) or (blocks and stripped.startswith("/*") and stripped.endswith("*/")):
            pass
        elif blocks and stripped.endswith("*/"):  # the last line of a block comment: go to its first
            opening = text.rfind("/*", 0, text.rfind("*/", above, start))
            if opening < 0 or text[line_start(text, opening) : opening].strip():
                break  # code before the comment on its first line: the comment is not alone
            above = line_start(text, opening)
        else:
            break
        if indentation_at(text, above) != indent:
            break
        start = above
    return start


_CLOSERS = ("}", ")", "]")


def statement_removal_span(text: str, start: int, end: int, comment_prefixes: tuple[str, ...]) -> tuple[int, int]:
    """The span to delete so that the statement (or block) text[start:end] disappears together
    with the comment lines that introduce it (`comments_start`; a comment after a blank line is
    not its own), leaving blank lines as a formatter would: one where it stood between two blank
    lines, none at the start or the end of a body or file. A statement that shares its line with
    other code is removed as `removal_span` removes it.
    """
    lines = _whole_lines(text, start, end, comment_prefixes)
    if lines is None:
        return start, end
    first, last = comments_start(text, lines[0], comment_prefixes), lines[1]
    indent = len(indentation_at(text, start))

    def blank(at: int) -> bool:
        return not text[line_start(text, at) : line_end(text, at)].strip()

    above = first - 1 if first > 0 else None  # the newline that ends the line above
    # the line above opens the body (it is less indented: `{`, `def f():`)
    opens = above is None or (not blank(above) and len(indentation_at(text, above)) < indent)
    # the line below closes it (`}`, `)`), or the file ends
    closes = last >= len(text) or text[last:line_end(text, last)].lstrip(" \t").startswith(_CLOSERS)
    if last < len(text) and blank(last) and (opens or blank(above)):
        last = min(line_end(text, last) + 1, len(text))  # the blank line after it
    elif above is not None and blank(above) and closes:
        first = line_start(text, above)  # the blank line before it
    return first, last


def snake_case(name: str) -> str:
    """`atRestEncryptionEnabled` → `at_rest_encryption_enabled` (already snake stays as it is)."""
    if name.islower():  # no capital to split at: every Python keyword argument, for one
        return name
    return _split_camel(name)


@lru_cache(maxsize=8192)  # a resource's attributes are keyed by it: the same few hundred names
def _split_camel(name: str) -> str:
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
