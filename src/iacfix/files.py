"""Reading, finding and writing source files without losing anything.

Text is handed to the backends normalised (no BOM, `\\n` newlines) and restored on the way out,
so a CRLF file with a BOM stays a CRLF file with a BOM.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from iacfix.model import InputError

if TYPE_CHECKING:
    from iacfix.markdown import Block

BOM = "\ufeff"
SKIP_DIRS = frozenset({"node_modules", ".gen", "cdktf.out", ".terraform", ".git", "__pycache__", ".venv", "venv"})
LANGUAGE_BY_SUFFIX = {".tf": "hcl", ".ts": "typescript", ".py": "python"}
MARKDOWN_SUFFIXES = (".md", ".markdown")  # read only when named on the command line
# The files around a project that rules read and repair too (PKG*, CI* rules): its package.json
# files and the GitHub Actions workflows of its repository.
WORKFLOW_SUFFIXES = (".yml", ".yaml")


def language_of(path: Path) -> str | None:
    """The language iacfix reads a file as, None for a file it does not read."""
    if path.name == "package.json":
        return "json"
    if path.suffix in WORKFLOW_SUFFIXES:
        return "yaml"
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return "markdown"
    if path.name.endswith(".d.ts"):
        return None
    return LANGUAGE_BY_SUFFIX.get(path.suffix)


def is_workflow(path: Path) -> bool:
    return path.suffix in WORKFLOW_SUFFIXES and path.parent.name == "workflows" and path.parent.parent.name == ".github"


@dataclass
class BlockOrigin:
    """Where a file read from a markdown answer stands: which block of which answer."""

    markdown: SourceFile
    block: Block


@dataclass
class SourceFile:
    path: Path  # absolute (for a markdown block: a virtual path beside the answer)
    display: str  # as printed and in the diff (relative to the working directory when under it)
    language: str
    text: str  # normalised: no BOM, "\n" newlines
    bom: bool
    crlf: bool
    origin: BlockOrigin | None = None  # set for a code block of a markdown answer
    digest: bytes | None = None  # of the bytes read (None: not read from disk), to see they are still there when writing
    created = False  # a file the fixes create (engine.NewSourceFile)

    def locate(self, line: int, col: int = 1) -> tuple[str, int, int]:
        """(path, line, col) as the user sees them: a markdown block's lines are the answer's."""
        if self.origin is None:
            return self.display, line, col
        block = self.origin.block
        return self.origin.markdown.display, block.first_line + line - 1, col + len(block.indent)

    def encode(self, text: str) -> bytes:
        return self.restore(text).encode("utf-8")

    def restore(self, text: str) -> str:
        """The text as it is on disk (newline style and byte-order mark kept), for the diff:
        its context lines must match the file's own, the first one's mark included."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return BOM + text if self.bom else text


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def special_kind(mode: int) -> str | None:
    """What a file that is neither a regular file nor a folder is ("a FIFO", "a socket", ...):
    such a file is never opened (reading a FIFO waits for a writer forever, a device may do
    anything); None for a regular file or a folder."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """The content of a regular file (its first `limit` bytes), OSError for anything else,
    which is never opened: checked before opening (without blocking) and again once open."""
    mode = os.stat(path).st_mode
    kind = "a folder" if stat.S_ISDIR(mode) else special_kind(mode)
    if kind is None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return fh.read(limit)
        kind = "not a regular file"
    raise OSError(errno.EINVAL, f"{kind}, not a source file")


def read_source(path: Path, cwd: Path) -> SourceFile | InputError:
    """Read a source file (or a markdown answer, as language "markdown")."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        return InputError(path, 1, f"cannot read: {exc.strerror or exc}")
    if b"\0" in data[:8192]:
        return InputError(path, 1, "binary file, not a source file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return InputError(path, line, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    # Only a file whose every newline is CRLF is normalised; a mixed file is kept byte for byte.
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    language = language_of(path)
    return SourceFile(path, display_path(path, cwd), language, text, bom, crlf, digest=content_digest(data))


def read_markdown(answer: SourceFile) -> tuple[list[SourceFile], list[InputError]]:
    """The code blocks of a markdown answer as files of a virtual tree beside it.

    Block `lib/main.tf` of `answer.md` becomes `answer.md.d/lib/main.tf`; findings and errors
    in it are shown at the answer's own lines (SourceFile.locate).
    """
    from iacfix.markdown import assign_names, split_blocks

    blocks = split_blocks(answer.text)
    notes = [InputError(answer.path, b.first_line - 1, n, "note") for b, n in assign_names(blocks)]
    root = answer.path.parent / f"{answer.path.name}.d"
    files, problems = [], list(notes)
    for block in blocks:
        if block.language is None:
            continue
        if block.truncated:
            problems.append(
                InputError(
                    answer.path,
                    block.first_line - 1,
                    f"the ```{block.info or block.language} block {block.name} is cut off (its fence is never "
                    "closed): not repaired",
                )
            )
            continue
        path = root / block.name
        origin = BlockOrigin(answer, block)
        display = f"{answer.display}:{block.name}"
        files.append(SourceFile(path, display, block.language, block.content(answer.text), False, False, origin))
    return files, problems


# What writing fixes leaves beside the files (iacfix.writes): the new content of a file before it
# replaces it, and the journal of a project's replacements. A run that stops midway leaves them,
# and the next run over those folders finds them (discover) and finishes or removes them.
STAGED = re.compile(r"\.(?P<name>.+)\.iacfix-(?P<pid>\d+)-[0-9a-f]+\.tmp")
JOURNAL = re.compile(r"\.iacfix-journal-(?P<pid>\d+)-[0-9a-f]+\.json(?P<draft>\.draft)?")  # a draft: not committed
LEGACY_STAGED = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.iacfix")  # tempfile.mkstemp's, before journals


def is_leftover(name: str) -> bool:
    return name.startswith(".") and bool(STAGED.fullmatch(name) or JOURNAL.fullmatch(name) or LEGACY_STAGED.fullmatch(name))


# -- discovery ---------------------------------------------------------------------------------


class GitIgnore:
    """.gitignore rules of one folder tree, read the way git reads them (pathspec's gitwildmatch)."""

    def __init__(self) -> None:
        self._specs: dict[Path, object] = {}
        self._chains: dict[Path, list[tuple[Path, object]]] = {}  # folder → its .gitignore specs up to the root

    def _spec(self, folder: Path):
        if folder not in self._specs:
            import pathspec

            spec = None
            ignore = folder / ".gitignore"
            if ignore.is_file():
                try:
                    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
                    spec = pathspec.GitIgnoreSpec.from_lines(lines)
                except Exception:  # a malformed .gitignore line must not stop the run
                    spec = None
            self._specs[folder] = spec
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether any .gitignore between the repository root and the path's folder ignores it."""
        chain = self._chains.get(path.parent)
        if chain is None:  # the same for every file of the folder
            chain = [(f, spec) for f in _folders_up_to_repo_root(path.parent) if (spec := self._spec(f)) is not None]
            self._chains[path.parent] = chain
        for folder, spec in chain:
            rel = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
        return False


def _folders_up_to_repo_root(folder: Path) -> Iterator[Path]:
    while True:
        yield folder
        if (folder / ".git").exists() or folder.parent == folder:
            return
        folder = folder.parent


def discover(paths: Iterable[Path], leftovers: list[Path] | None = None) -> tuple[list[Path], list[InputError]]:
    """The source files named or found below the named folders, in a stable order.

    A file named on the command line is always taken; below a folder, only files of a known
    language that are not in SKIP_DIRS or git-ignored. TypeScript and Python files count only
    inside a CDKTF project (a cdktf.json above them) or when they mention cdktf. A folder that
    cannot be read and a special file (a FIFO, a socket, a device) where a source file would be
    are errors; nothing but regular files is ever opened. The walk follows no symbolic link to
    a folder (only a named one), so it ends however the folders link to each other.

    `leftovers`, when given, receives what stopped writes left in the folders of those files
    (`is_leftover`), for iacfix.writes.recover.
    """
    _cdktf_roots.clear()
    found: dict[Path, None] = {}
    errors: dict[Path, InputError] = {}  # by path: the companions' walk may meet the same folder
    ignore = GitIgnore()
    listed: dict[Path, list[str]] = {}  # folder → the names in it, as the walk saw them
    for given in paths:
        path = given.absolute()
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            errors[path] = InputError(path, 1, "no such file or folder")
            continue
        except OSError as exc:
            errors[path] = InputError(path, 1, f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(mode):
            for file in _walk(path, ignore, errors, listed):
                found[file] = None
        elif _special(path, errors):
            pass
        elif language_of(path) is not None:
            found[path] = None
        else:
            errors[path] = InputError(
                path, 1, "not a Terraform (.tf), CDKTF TypeScript (.ts) or Python (.py) file, nor a markdown answer (.md)"
            )
    # A CDKTF app's package.json files and its repository's workflows come with any of its files.
    roots = {root for file in found if file.suffix in (".ts", ".py") and (root := cdktf_root(file))}
    for root in sorted(roots):
        for file in project_companions(root, ignore, errors):
            found.setdefault(file, None)
    if leftovers is not None:
        for folder in sorted({file.parent for file in found}):
            if folder not in listed:
                try:
                    listed[folder] = os.listdir(folder)
                except OSError:
                    continue
            leftovers += [folder / name for name in listed[folder] if is_leftover(name)]
    return list(found), list(errors.values())


def project_companions(root: Path, ignore: GitIgnore, errors: dict[Path, InputError] | None = None) -> Iterator[Path]:
    """The package.json files of a CDKTF app (its own, its Lambda folders', those above it up to
    the repository root) and the GitHub Actions workflows of the nearest .github above it."""
    for folder, dirs, files in os.walk(root, onerror=_folder_error(errors)):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".") and not ignore.ignored(here / d, True))
        if "package.json" in files and not ignore.ignored(here / "package.json", False):
            yield here / "package.json"
    workflows_found = False
    for folder in _folders_up_to_repo_root(root):
        if folder != root and (folder / "package.json").is_file():
            yield folder / "package.json"
        workflows = folder / ".github" / "workflows"
        if not workflows_found and workflows.is_dir():
            workflows_found = True
            try:
                yield from sorted(p for p in workflows.iterdir() if p.suffix in WORKFLOW_SUFFIXES and p.is_file())
            except OSError as exc:
                _folder_error(errors)(exc)


def _folder_error(errors: dict[Path, InputError] | None):
    """os.walk's onerror: a folder it cannot list is an error of the run (None: ignored)."""

    def report(exc: OSError) -> None:
        if errors is not None and exc.filename:
            path = Path(exc.filename)
            errors.setdefault(path, InputError(path, 1, f"cannot read folder: {exc.strerror or exc}"))

    return report


def _special(path: Path, errors: dict[Path, InputError]) -> bool:
    """Whether `path` is a FIFO, socket or device (an error of the run, never opened)."""
    try:
        kind = special_kind(os.stat(path).st_mode)
    except OSError:
        return False  # read, and its error reported, like any other file
    if kind is not None:
        errors.setdefault(path, InputError(path, 1, f"cannot read: {kind}, not a source file"))
    return kind is not None


def _walk(root: Path, ignore: GitIgnore, errors: dict[Path, InputError], listed: dict[Path, list[str]]) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root, onerror=_folder_error(errors)):
        here = Path(folder)
        listed[here] = files
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not ignore.ignored(here / d, True))
        for name in sorted(files):
            path = here / name
            if path.suffix not in LANGUAGE_BY_SUFFIX or name.endswith(".d.ts") or ignore.ignored(path, False):
                if is_workflow(path) and not ignore.ignored(path, False):
                    yield path
                continue
            if (path.suffix == ".tf" or _is_cdktf_source(path)) and not _special(path, errors):
                yield path


# folder → its cdktf_root: asked of every source file several times a run (discovery, project
# grouping), each a walk up the folders. Emptied when a run's discovery starts: a run sees the
# folders as they are then.
_cdktf_roots: dict[Path, Path | None] = {}


def cdktf_root(path: Path) -> Path | None:
    """The nearest folder above `path` holding a cdktf.json."""
    try:
        return _cdktf_roots[path.parent]
    except KeyError:
        pass
    root = next((folder for folder in path.parents if (folder / "cdktf.json").is_file()), None)
    _cdktf_roots[path.parent] = root
    return root


@lru_cache(maxsize=None)
def cdktf_language(root: Path) -> str | None:
    """The `language` of a CDKTF app's cdktf.json ("typescript", "python", ...)."""
    try:
        return json.loads((root / "cdktf.json").read_text(encoding="utf-8")).get("language")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return None


def _is_cdktf_source(path: Path) -> bool:
    root = cdktf_root(path)
    # In a CDKTF app, the files of the app's language; a file of another language (a Python
    # Lambda handler in a TypeScript app) only if it uses cdktf itself.
    if root is not None and cdktf_language(root) in (None, LANGUAGE_BY_SUFFIX[path.suffix]):
        return True
    try:
        return b"cdktf" in read_bytes(path, 65536)
    except OSError:
        return False
