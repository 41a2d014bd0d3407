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
