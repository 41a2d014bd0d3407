"""One unified diff for the whole run, in the form `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(display: str, before: str, after: str) -> str:
    """The diff of one file; paths are `a/<display>` and `b/<display>`.

    difflib leaves a last line without newline as it is, which would glue the next line of the
    diff onto it; git marks such a line with "\\ No newline at end of file", so we do the same.
    """
    out = []
    lines = difflib.unified_diff(
        _lines(before),
        _lines(after),
        fromfile=f"a/{display}",
        tofile=f"b/{display}",
    )
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    if out:
        out.insert(0, f"diff --git a/{display} b/{display}\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    # Not str.splitlines: it also splits on \x0c, \u2028 and others that git treats as text.
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
