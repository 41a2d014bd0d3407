"""What a rule may know of the project's folder beyond its parsed files."""

from pathlib import Path

from iacfix.files import SKIP_DIRS  # noqa: F401  (folders a walk of the project leaves out)

EXAMPLE_DIRS = frozenset({"example", "examples"})


def in_examples(path: Path) -> bool:
    """Whether a file is part of a usage example: under an `examples/` (or `example/`) folder
    of its repository (looked for up to the nearest `.git`). Examples show a module's inputs
    with placeholders on purpose (account 123456789012, example.com)."""
    for folder in Path(path).parents:
        if folder.name.lower() in EXAMPLE_DIRS:
            return True
        if (folder / ".git").exists():
            return False
    return False
