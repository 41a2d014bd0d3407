"""The test files of a CDKTF app, for the TEST rules: which files are tests, and their test cases
(read by the backends: backends/test_cases.py)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from iacfix.backends.base import ParsedFile
from iacfix.backends.test_cases import (  # noqa: F401  (the TEST rules' API)
    Assertion,
    TestCase,
    code_without_comments,
    is_integration_test,
    is_test_file,
    test_cases,
)


def project_path(ctx, path: Path) -> str:
    """A file's path inside its project (for a markdown block: the block's name)."""
    source = ctx.workspace.sources[path]
    if source.origin is not None:
        return source.origin.block.name
    try:
        return path.relative_to(ctx.project.root).as_posix()
    except ValueError:
        return path.as_posix()


def test_files(ctx, integration: bool | None = None) -> list[ParsedFile]:
    """The project's TypeScript/Python test files (only integration ones, or only the others);
    not the tests of a third-party package vendored into the app (a Lambda's dependencies)."""
    out = []
    for file in ctx.files("typescript", "python"):
        rel = project_path(ctx, file.path)
        if is_test_file(rel) and (integration is None or is_integration_test(rel) == integration):
            if ctx.workspace.sources[file.path].origin is None and vendored(file.path, Path(ctx.project.root)):
                continue
            out.append(file)
    return out


def vendored(path: Path, root: Path) -> bool:
    """Whether a file belongs to a package installed into the project (`pip install -t`): a
    folder above it, below the project root, sits beside a `*.dist-info` / `*.egg-info`."""
    for folder in path.parents:
        if folder == root or root not in folder.parents:
            return False
        if _installed_here(folder.parent):
            return True
    return False


@lru_cache(maxsize=4096)  # a vendored tree holds many test files below the same folders
def _installed_here(folder: Path) -> bool:
    try:
        return any(p.suffix in (".dist-info", ".egg-info") and p.is_dir() for p in folder.iterdir())
    except OSError:
        return False
