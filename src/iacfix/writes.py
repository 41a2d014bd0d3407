"""Writing the fixes: a project's files all change or none does, through the links users have,
and never over what someone else wrote since the run read it.

`apply` writes a run's changes project by project (`write_together`):

1. every file's new content is written beside the file it replaces (its real path: a symbolic
   link stays a link and the file it points at is fixed) under a name that says which process
   wrote it (`.main.tf.iacfix-<pid>-<token>.tmp`), and flushed to disk;
2. every file is read again: one that no longer holds what the run read (edited meanwhile) stops
   the project, and nothing of it is written;
3. a journal listing what replaces what is written beside the first file (`.iacfix-journal-<pid>-
   <token>.json`): from here on the project's change is decided;
4. each file is replaced: renamed over (atomic), or, for a file with other hard links, written
   in place (a rename would leave the other links on the old content); then the journal goes.

Interrupts and termination signals wait for step 4 to end, so only a hard kill (or a crash)
can stop it midway. What such a run leaves, the next run over those files finds (files.discover
lists them) and `recover` finishes: a journal's replacements are completed (each file that still
holds what the journal says was there before, or part of what was written in place), and the
files a dead process staged but never committed are removed.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import signal
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from iacfix.files import JOURNAL, LEGACY_STAGED, STAGED, content_digest, read_bytes
from iacfix.model import Finding, InputError

if TYPE_CHECKING:
    from iacfix.engine import RunResult
    from iacfix.files import SourceFile

LEGACY_AGE_SECONDS = 3600  # a staged file without a process id is someone's for at most this long


@dataclass
class Applied:
    """What `apply` did: the changes written, and the findings whose fix is not on disk."""

    changes: list[tuple[SourceFile, str]]  # written (all of them on a dry run)
    unwritten: list[Finding] = field(default_factory=list)  # fixable, but their project was not written
    errors: list[InputError] = field(default_factory=list)


def apply(result: RunResult, write: bool = True) -> Applied:
    """Write the run's changes, one project at a time (write=False: write nothing and report
    every change as if written, for a preview). A project that cannot be written entirely is
    not written at all, and its fixes are reported as not fixed."""
    if not write:
        return Applied(result.changes())
    applied = Applied([])
    failed: set[Path] = set()
    for group in result.changes_by_project():
        errors = write_together([(source, source.encode(text)) for source, text in group])
        if errors:
            applied.errors += errors
            failed.update(source.path for source, _ in group)
        else:
            applied.changes += group
    applied.changes.sort(key=lambda change: change[0].path)
    applied.unwritten = [f for f in result.findings if f.fixable and _on_disk(result, f) & failed]
    return applied


def _on_disk(result: RunResult, finding: Finding) -> set[Path]:
    """The files on disk a finding's edits change (a markdown block's: its answer)."""
    sources = result.workspace.sources
    paths = set()
    for edit in finding.edits:
        source = sources.get(edit.path)
        paths.add(source.origin.markdown.path if source is not None and source.origin is not None else edit.path)
    return paths


# -- writing one project ----------------------------------------------------------------------


@dataclass
class _Replacement:
    source: SourceFile
    target: Path  # the real file (symbolic links resolved)
    staged: Path
    old: str | None  # digest of what the run read, hex (None: a file the fixes create)
    new: str
    in_place: bool  # other hard links share the file: its content is overwritten, not renamed over

    def as_json(self) -> dict:
        return {"target": str(self.target), "staged": str(self.staged), "old": self.old, "new": self.new, "in_place": self.in_place}


def write_together(files: Sequence[tuple[SourceFile, bytes]]) -> list[InputError]:
    """Replace each file's content with its bytes, all of them or, on any error, none: the
    errors say why (nothing was written then)."""
    with _termination_as_exception():
        return _write_together(files)


def _write_together(files: Sequence[tuple[SourceFile, bytes]]) -> list[InputError]:
    replacements: list[_Replacement] = []
    decided = False
    try:
        for source, data in files:
            replacements.append(_stage(source, data))
        errors = [e for r in replacements if (e := _changed_since_read(r)) is not None]
        if errors:
            _discard(replacements)
            return errors
        with _signals_held():
            journal = _write_journal(replacements)
            decided = True
            for replacement in replacements:
                _replace(replacement)
            journal.unlink()
    except OSError as exc:
        if decided:  # the journal stays: the next run over these files finishes the project
            return [InputError(Path(exc.filename or files[0][0].path), 1, f"cannot write: {exc.strerror or exc}; "
                               "the next iacfix run over it finishes writing its project")]
        _discard(replacements)
        failing = files[min(len(replacements), len(files) - 1)][0].path
        return [InputError(failing, 1, f"cannot write: {exc.strerror or exc}; nothing of its project was written")]
    except BaseException:
        if not decided:
            _discard(replacements)
        raise
    return []


def _stage(source: SourceFile, data: bytes) -> _Replacement:
    """Write `data` beside the file it will replace, flushed to disk, with the file's mode."""
    created = source.created
    target = Path(os.path.realpath(source.path))
    if created:
        mode, in_place = 0o666 & ~_umask(), False
    else:
        info = os.stat(target)
        mode, in_place = stat.S_IMODE(info.st_mode), info.st_nlink > 1
        if in_place and not os.access(target, os.W_OK):  # known now, not halfway through the commit
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    staged = target.parent / f".{target.name}.iacfix-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(staged, mode)
        if not created:
            _keep_owner(staged, info)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    old = None if created else (source.digest or b"").hex()
    return _Replacement(source, target, staged, old, content_digest(data).hex(), in_place)


def _changed_since_read(replacement: _Replacement) -> InputError | None:
    source = replacement.source
    if replacement.old is None:
        if os.path.lexists(replacement.target):
            return InputError(source.path, 1, "was created by someone else during the run: not written (nor the rest of its project)")
        return None
    try:
        now = content_digest(read_bytes(replacement.target)).hex()
    except OSError as exc:
        return InputError(source.path, 1, f"cannot read it again before writing: {exc.strerror or exc}; not written (nor the rest of its project)")
    if now != replacement.old:
        return InputError(source.path, 1, "changed since iacfix read it: not written (nor the rest of its project); run iacfix again")
    return None


def _write_journal(replacements: list[_Replacement]) -> Path:
    """The commit point: once this file exists, the replacements are decided."""
    folder = replacements[0].target.parent
    journal = folder / f".iacfix-journal-{os.getpid()}-{secrets.token_hex(4)}.json"
    draft = journal.with_name(journal.name + ".draft")
    data = json.dumps({"pid": os.getpid(), "replacements": [r.as_json() for r in replacements]}).encode("utf-8")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(draft, journal)
    _sync_folder(folder)
    return journal


def _replace(replacement: _Replacement) -> None:
    if replacement.in_place:
        _copy_in_place(replacement.staged, replacement.target)
        replacement.staged.unlink()
    else:
        os.replace(replacement.staged, replacement.target)
    _sync_folder(replacement.target.parent)


def _copy_in_place(staged: Path, target: Path) -> None:
    """Overwrite `target`'s content with `staged`'s, keeping its inode (and so its other hard
    links): truncated first, so that at any moment it holds a prefix of the new content."""
    data = staged.read_bytes()
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "wb") as out:
        out.truncate(0)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _discard(replacements: list[_Replacement]) -> None:
    for replacement in replacements:
        try:
            replacement.staged.unlink(missing_ok=True)
        except OSError:
            pass


def _keep_owner(path: Path, info: os.stat_result) -> None:
    """The replacement belongs to whom the file belonged (possible when running as root)."""
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(path, info.st_uid, info.st_gid)
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """A rename is durable once its folder is flushed (POSIX; elsewhere there is no such call)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_HELD = tuple(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Interrupt and termination signals wait until the block ends (where the platform allows)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while files were being written."""


@contextmanager
def _termination_as_exception() -> Iterator[None]:
    """SIGTERM and SIGHUP raise inside the block, so that what it staged is removed before the
    process ends by that signal, as it would have at once (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise _Terminated(signum)

    numbers = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {number: signal.signal(number, terminate) for number in numbers}
    try:
        yield
    except _Terminated as stop:
        for number, handler in previous.items():
            signal.signal(number, handler)
        os.kill(os.getpid(), stop.args[0])  # as the signal would have, had it found no handler
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# -- what a stopped run left ------------------------------------------------------------------


def recover(leftovers: Sequence[Path]) -> list[InputError]:
    """Finish what stopped runs left (files.discover finds it): complete each journal's
    replacements, then remove the files a dead process staged. A live process's files are left
    to it. Returns notes saying what was done."""
    notes: list[InputError] = []
    for path in sorted(leftovers, key=lambda p: not JOURNAL.fullmatch(p.name)):  # journals first
        journal = JOURNAL.fullmatch(path.name)
        if journal and not _alive(int(journal["pid"])):
            if journal["draft"]:  # stopped before its commit point: nothing was replaced
                _remove(path)
            else:
                notes += _finish(path)
        staged = STAGED.fullmatch(path.name)
        if staged and not _alive(int(staged["pid"])) or LEGACY_STAGED.fullmatch(path.name) and _older_than(path, LEGACY_AGE_SECONDS):
            _remove(path)
    return notes


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _finish(journal: Path) -> list[InputError]:
    try:
        replacements = json.loads(journal.read_text(encoding="utf-8"))["replacements"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    notes = []
    for entry in replacements:
        target, staged = Path(entry["target"]), Path(entry["staged"])
        if not staged.exists():
            continue  # replaced before the run stopped
        try:
            now = content_digest(read_bytes(target)).hex() if os.path.lexists(target) else None
            new = staged.read_bytes()
            partly = entry["in_place"] and now is not None and new.startswith(read_bytes(target))
            if now == entry["old"] or partly:
                if entry["in_place"]:
                    _copy_in_place(staged, target)
                    staged.unlink()
                else:
                    os.replace(staged, target)
                notes.append(InputError(target, 1, "written now: an iacfix run stopped while writing its project's fixes", "note"))
            else:  # already the new content, or changed by someone since
                staged.unlink()
        except OSError:
            continue
    try:
        journal.unlink()
    except OSError:
        pass
    return notes


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would end it: trust the age of the files instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's
    return True


def _older_than(path: Path, seconds: float) -> bool:
    import time

    try:
        return path.stat().st_mtime < time.time() - seconds
    except OSError:
        return False
