"""The virtual tree: every file's original and current text, parses of the current text, and
loading it from the paths a user names. Nothing here touches the disk but reading."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from iacfix.backends.base import BackendError, ParsedFile, SourceSyntaxError
from iacfix.engine.history import EditHistory
from iacfix.files import SourceFile, discover, read_markdown, read_source
from iacfix.model import InputError


def parse_source(language: str, path: Path, text: str) -> ParsedFile:
    """The backend's parse of one file's text (raises SourceSyntaxError, BackendError)."""
    if language == "hcl":
        from iacfix.backends import hcl

        return hcl.parse(path, text)
    if language in ("json", "yaml"):
        from iacfix.backends import project_files

        return project_files.parse(language, path, text)
    from iacfix.backends import cdktf

    return cdktf.parse(language, path, text)


class Workspace:
    """The virtual tree: every file's original and current text, and parses of the current text."""

    def __init__(self, sources: Iterable[SourceFile], answers: Iterable[SourceFile] = ()):
        self.sources: dict[Path, SourceFile] = {s.path: s for s in sources}
        self.answers: dict[Path, SourceFile] = {a.path: a for a in answers}  # markdown answers whose blocks are in `sources`
        self.text: dict[Path, str] = {p: s.text for p, s in self.sources.items()}
        self._parsed: dict[Path, tuple[str, ParsedFile]] = {}
        self.history = EditHistory()  # the fixes applied, to state a fix against the files as read

    def parsed(self, path: Path) -> ParsedFile:
        text = self.text[path]
        cached = self._parsed.get(path)
        if cached is None or cached[0] is not text:
            cached = (text, parse_source(self.sources[path].language, path, text))
            self._parsed[path] = cached
        return cached[1]

    def adopt(self, path: Path, text: str, parsed: ParsedFile) -> None:
        self.text[path] = text
        self._parsed[path] = (text, parsed)

    def changed(self) -> list[Path]:
        return [p for p, s in self.sources.items() if self.text[p] != s.text]

    def drop(self, path: Path) -> SourceFile:
        """Leave a file out of the run (it does not parse): no rule sees it, nothing writes it."""
        self.text.pop(path, None)
        self._parsed.pop(path, None)
        return self.sources.pop(path)

    def parse_all(self, progress=None) -> list[InputError]:
        """Parse every file; one that cannot be parsed is reported and left out."""
        errors: list[InputError] = []
        for i, path in enumerate(list(self.sources)):
            if progress:
                progress(i, len(self.sources), "parsing")
            try:
                self.parsed(path)
            except (SourceSyntaxError, BackendError) as exc:
                line, message = (exc.line, f"syntax error: {exc.message}") if isinstance(exc, SourceSyntaxError) else (1, str(exc))
                source = self.drop(path)
                if source.origin is not None:
                    block = source.origin.block
                    path, line, message = source.origin.markdown.path, block.first_line + line - 1, f"{block.name}: {message}"
                errors.append(InputError(path, line, message))
        return errors

    def release(self) -> None:
        """Done with the parses: the TypeScript worker drops this tree's files (it would keep
        every file of a long sweep otherwise), and so do the cached views that point at them."""
        typescript = [p for p in self._parsed if self.sources.get(p) and self.sources[p].language == "typescript"]
        if not typescript:
            return
        from iacfix.backends.cdktf import forget_unsent
        from iacfix.backends.node import WorkerError, get_worker

        forget_unsent(typescript)
        for path in typescript:
            del self._parsed[path]
        try:
            get_worker().forget(typescript)
        except WorkerError:
            pass  # a dead worker holds nothing

    def create_file(self, path: Path, language: str, display: str) -> SourceFile:
        """Add a file that is not on disk yet (the variables.tf a fix declares a variable in).

        It starts empty; once edits give it text, the diff shows it as a new file (`--- /dev/null`)
        and --write creates it. A created file nobody writes into is never reported or written.
        """
        source = NewSourceFile(_UnwrittenPath(path), display, language, "", False, False)
        self.sources[path] = source
        self.text[path] = ""
        return source


    def create_block(self, beside: Path, name: str) -> SourceFile:
        """Add a file to the markdown answer that the block `beside` comes from: a new fenced
        block named `name` (a path relative to the answer, as block names are), in `beside`'s
        language, appended after the answer's last block (markdown.new_block).

        As with create_file it starts empty; once edits give it text, RunResult.changes writes
        the whole block into the answer, and a created block nobody writes into is left out.
        """
        from iacfix.files import BlockOrigin
        from iacfix.markdown import new_block

        sibling = self.sources[beside]
        answer = sibling.origin.markdown
        block = new_block(answer.text, name, sibling.language)
        path = answer.path.parent / f"{answer.path.name}.d" / name
        source = NewSourceFile(path, f"{answer.display}:{name}", sibling.language, "", False, False, BlockOrigin(answer, block))
        self.sources[path] = source
        self.text[path] = ""
        return source


class NewSourceFile(SourceFile):
    """A file a fix creates: its text before the fixes is no file at all (None in the diff)."""

    def restore(self, text: str) -> str | None:  # type: ignore[override]
        return None if text == "" else super().restore(text)


class _UnwrittenPath(type(Path())):  # type: ignore[misc]  # PosixPath or WindowsPath
    """The path of a file a fix creates. files.write_atomic keeps the mode of the file it
    replaces; until this one exists, its stat() gives the mode a newly created file gets."""

    def stat(self, *, follow_symlinks: bool = True):
        try:
            return super().stat(follow_symlinks=follow_symlinks)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            return os.stat_result((stat.S_IFREG | (0o666 & ~umask), 0, 0, 0, 0, 0, 0, 0, 0, 0))


def load(paths: Sequence[Path], cwd: Path, parse: bool = True, progress=None) -> tuple[Workspace, list[InputError]]:
    """Read (and, unless parse=False, parse) every file the paths name; a file that cannot be
    read or parsed is reported and left out. A markdown answer is read as its code blocks."""
    files, errors = discover(paths)
    sources, answers = [], []
    for path in files:
        source = read_source(path, cwd)
        if isinstance(source, InputError):
            errors.append(source)
        elif source.language == "markdown":
            blocks, problems = read_markdown(source)
            answers.append(source)
            sources += blocks
            errors += problems
        else:
            sources.append(source)
    workspace = Workspace(sources, answers)
    if parse:
        errors += workspace.parse_all(progress)
    return workspace, errors
