"""One unified diff for the whole run, in the form `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(display: str, before: str | None, after: str | None) -> str:
    """The diff of one file; paths are `a/<display>` and `b/<display>`, `/dev/null` for the side
    where the file does not exist (`before` None: a file the fixes create).

    difflib leaves a last line without newline as it is, which would glue the next line of the
    diff onto it; git marks such a line with "\\ No newline at end of file", so we do the same.
    """
    out = []
    lines = difflib.unified_diff(
        _lines(before or ""),
        _lines(after or ""),
        fromfile=f"a/{display}" if before is not None else "/dev/null",
        tofile=f"b/{display}" if after is not None else "/dev/null",
    )
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    if out:
        if before is None:
            out.insert(0, "new file mode 100644\n")
        elif after is None:
            out.insert(0, "deleted file mode 100644\n")
        out.insert(0, f"diff --git a/{display} b/{display}\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    # Not str.splitlines: it also splits on \x0c, \u2028 and others that git treats as text.
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
