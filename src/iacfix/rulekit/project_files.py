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


def tsconfig_paths(root: Path) -> list[str]:
    """The module patterns the project's tsconfig.json maps elsewhere (`compilerOptions.paths`,
    following `extends` to a relative file): `@cdktf/provider-aws/lib/*` onto the local bindings
    `cdktf get` writes, say. An import they match is resolved there, not from node_modules."""
    patterns: list[str] = []
    config, seen = Path(root) / "tsconfig.json", set()
    while config.is_file() and config not in seen and len(seen) < 5:
        seen.add(config)
        data = _jsonc(config)
        paths = (data.get("compilerOptions") or {}).get("paths")
        if isinstance(paths, dict):
            patterns += [p for p in paths if isinstance(p, str) and p not in patterns]
        extends = data.get("extends")
        if not isinstance(extends, str) or not extends.startswith("."):
            break
        config = (config.parent / extends).resolve()
        if config.suffix != ".json":
            config = config.with_name(config.name + ".json")
    return patterns


def mapped(module: str, patterns: list[str]) -> bool:
    """Whether a tsconfig `paths` pattern (one `*` at most) matches the module."""
    for pattern in patterns:
        prefix, star, suffix = pattern.partition("*")
        if module == pattern or star and module.startswith(prefix) and module.endswith(suffix) and len(module) >= len(pattern) - 1:
            return True
    return False


def _jsonc(path: Path) -> dict:
    """A tsconfig file: JSON with comments and trailing commas."""
    import json
    import re

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    # strings are kept whole; comments outside them dropped
    text = re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
