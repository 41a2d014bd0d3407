"""The test files of a CDKTF app, for the TEST rules: which files are tests, and their test cases
(read by the backends: backends/test_cases.py)."""

from __future__ import annotations

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
    """The project's TypeScript/Python test files (only integration ones, or only the others)."""
    out = []
    for file in ctx.files("typescript", "python"):
        rel = project_path(ctx, file.path)
        if is_test_file(rel) and (integration is None or is_integration_test(rel) == integration):
            out.append(file)
    return out
