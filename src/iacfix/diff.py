"""One unified diff for the whole run, in the form `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

NO_NEWLINE = "\\ No newline at end of file\n"


def diff_paths(paths: list[Path], cwd: Path) -> tuple[dict[Path, str], bool]:
    """How the diff names each file, and whether it names them from the root folder.

    `git apply` and `patch -p1` take a path relative to the folder they run in and refuse one
    that leaves it (`../x`) or starts at the root (`/x`). So the diff applies from the cwd when
    every file is below it; otherwise every file is named from the root, as git names an
    absolute path (`a/home/me/x/main.tf`), and the diff applies there (`git -C / apply`).
    A symbolic link is named by the file it points at, which is what --write changes (both
    refuse to patch a link).
    """
    resolved = {path: Path(os.path.realpath(path)) for path in paths}
    base = Path(os.path.realpath(cwd))
    try:
        return {path: real.relative_to(base).as_posix() for path, real in resolved.items()}, False
    except ValueError:
        return {path: real.as_posix().lstrip("/") for path, real in resolved.items()}, True


def unified_diff(display: str, before: str | None, after: str | None) -> str:
    """The diff of one file; paths are `a/<display>` and `b/<display>`, `/dev/null` for the side
    where the file does not exist (`before` None: a file the fixes create). What difflib's
    unified_diff writes, from opcodes found on the lines between the two sides' common start
    and end (`_opcodes`).

    A last line without newline would glue the next line of the diff onto it; git marks such a
    line with "\\ No newline at end of file", so we do the same.
    """
    old, new = _lines(before or ""), _lines(after or "")
    out = []
    for group in _Opcodes(_opcodes(old, new)).get_grouped_opcodes(CONTEXT):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in old[i1:i2]]
                continue
            out += ["-" + line for line in old[i1:i2]]
            out += ["+" + line for line in new[j1:j2]]
    if not out:
        return ""
    out = [line if line.endswith("\n") else line + "\n" + NO_NEWLINE for line in out]
    header = [f"diff --git a/{display} b/{display}\n"]
    if before is None:
        header.append("new file mode 100644\n")
    elif after is None:
        header.append("deleted file mode 100644\n")
    header.append(f"--- {'a/' + display if before is not None else '/dev/null'}\n")
    header.append(f"+++ {'b/' + display if after is not None else '/dev/null'}\n")
    return "".join(header + out)


CONTEXT = 3  # difflib's, and git's, lines of context


class _Opcodes(difflib.SequenceMatcher):
    """difflib's grouping of opcodes into hunks, over opcodes found elsewhere."""

    def __init__(self, opcodes: list[tuple[str, int, int, int, int]]):
        self.opcodes = opcodes

    def get_opcodes(self):
        return list(self.opcodes)


# Above this many lines, the lines both sides start and end with are left out of difflib's search.
TRIM_FROM_LINES = 2000


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes from `old` to `new`; for a long file, found only between the lines both
    sides start and end with: difflib compares every line with every other, and the preview of a
    fix a few lines long in a 5 MB file took it a minute. (The diff may then pair lines
    otherwise, where several pairings are right; a short file's diff is difflib's own.)"""
    limit = min(len(old), len(new)) if len(old) + len(new) > TRIM_FROM_LINES else 0
    head = _common_run(lambda i, step: old[i : i + step] == new[i : i + step], limit)
    tail = _common_run(lambda i, step: old[len(old) - i - step : len(old) - i] == new[len(new) - i - step : len(new) - i], limit - head)
    middle = difflib.SequenceMatcher(None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=True)
    codes = [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle.get_opcodes()]
    if head:
        codes.insert(0, ("equal", 0, head, 0, head))
    if tail:
        codes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    merged: list[tuple[str, int, int, int, int]] = []
    for code in codes:  # equal runs side by side are one, as difflib would have made them
        if merged and code[0] == "equal" == merged[-1][0]:
            code = ("equal", merged[-1][1], code[2], merged[-1][3], code[4])
            merged.pop()
        if code[1] != code[2] or code[3] != code[4]:
            merged.append(code)
    return merged


def _common_run(equal, limit: int) -> int:
    """The longest n <= limit with equal(0, n): the lines compared in blocks, in C."""
    found, step = 0, 1 << 12
    while step:
        if found + step <= limit and equal(found, step):
            found += step
        else:
            step //= 2
    return found


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (difflib's _format_range_unified)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def _lines(text: str) -> list[str]:
    # Not str.splitlines: it also splits on \x0c, \u2028 and others that git treats as text.
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
