"""The virtual tree: every file's original and current text, parses of the current text, and
loading it from the paths a user names. Nothing here writes, save to finish what a stopped
`--write` left (iacfix.writes.recover) before anything is read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from iacfix.backends.base import BackendError, ParsedFile, SourceSyntaxError
from iacfix.engine import deep_input
from iacfix.engine.history import EditHistory
from iacfix.files import SourceFile, discover, read_markdown, read_source
from iacfix.model import InputError


def parse_source(language: str, path: Path, text: str) -> ParsedFile:
    """The backend's parse of one file's text. Raises SourceSyntaxError or BackendError and
    nothing else: whatever else a parser raises on one file is that file's error, not the run's."""
    try:
        return _parse(language, path, text)
    except (SourceSyntaxError, BackendError):
        raise
    except RecursionError:
        pass  # nested deeper than the recursion limit: once more, with room
    except Exception as exc:  # noqa: BLE001 - a parser's bug must not stop the other files
        raise BackendError(f"internal error while parsing it ({type(exc).__name__}: {exc}); please report") from None
    try:
        return deep_input.parse_with_room(lambda: _parse(language, path, text))
    except deep_input.TooDeep:
        raise BackendError(
            f"nested more than {deep_input.MAX_NESTING} levels deep (brackets, or operators chained in one "
            "expression): not read"
        ) from None
    except (SourceSyntaxError, BackendError):
        raise
    except Exception as exc:  # noqa: BLE001
        raise BackendError(f"internal error while parsing it ({type(exc).__name__}: {exc}); please report") from None


def _parse(language: str, path: Path, text: str) -> ParsedFile:
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

    def forget_parse(self, path: Path) -> None:
        """Drop the parse of the file's current text (`parsed` makes it again when asked)."""
        self._parsed.pop(path, None)

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
        """Done with the parses: they are dropped (`parsed` makes one again if asked: what is
        left to do, the diff and the writing, needs the texts only), and the TypeScript worker
        drops this tree's files (it would keep every file of a long sweep otherwise), and so do
        the cached views that point at them."""
        typescript = [p for p in self._parsed if self.sources.get(p) and self.sources[p].language == "typescript"]
        for path in [p for p in self._parsed if p not in typescript]:
            del self._parsed[path]
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
        source = NewSourceFile(path, display, language, "", False, False)
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

    created = True

    def restore(self, text: str) -> str | None:  # type: ignore[override]
        return None if text == "" else super().restore(text)


def load(paths: Sequence[Path], cwd: Path, parse: bool = True, progress=None) -> tuple[Workspace, list[InputError]]:
    """Read (and, unless parse=False, parse) every file the paths name; a file that cannot be
    read or parsed is reported and left out. A markdown answer is read as its code blocks."""
    leftovers: list[Path] = []
    files, errors = discover(paths, leftovers)
    if leftovers:  # what a stopped --write left: finished before anything is read
        from iacfix import writes

        errors += writes.recover(leftovers)
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
