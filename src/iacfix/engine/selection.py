"""Which rules run on a project: the command line merged with the project's configuration,
ruff's way (`select` replaces the default selection, `extend-select` adds, `ignore` wins)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iacfix import conventions
from iacfix.config import project_config


@dataclass
class Options:
    """What the command line says; None means "as the project's config says"."""

    terraform_version: str | None = None  # --terraform-version
    select: Sequence[str] | None = None
    extend_select: Sequence[str] | None = None  # added to the selection (rules or config) without replacing it
    ignore: Sequence[str] | None = None
    unsafe_fixes: bool | None = None  # apply the "unsafe" fixes (scaffolds) too
    config: Path | None = None  # --config: this file's settings for every project, not the nearest
    conventions: Sequence[str] | None = None  # --conventions: the ones the projects follow (none: [])


def matches(code: str, prefixes: Sequence[str]) -> bool:
    """ruff-style selection: "ECS" selects ECS101, "ECS1" too, "ALL" everything."""
    return any(p == "ALL" or code.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class ProjectSettings:
    """Options merged with the project's [tool.iacfix] / .iacfix.toml: the command line wins.

    As in ruff: `select` replaces the selection (None: the default rules, every rule whose
    `default` is true), `extend-select` adds to it, `ignore` wins over both. A `select` on the
    command line drops the config's selection, its `extend-select` included.

    `conventions`: the conventions the project follows (iacfix.conventions): `--conventions`,
    else the config's `conventions`, else those its layout shows. A rule of a convention runs
    only where it holds, however it is selected: selection says which checks a user wants,
    the convention whether the project is one they apply to (as ruff's preview mode gates its
    preview rules).
    """

    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    unsafe_fixes: bool
    extend_select: tuple[str, ...] = ()
    # `per-file-ignores`: (pattern, codes) pairs, the patterns as in .gitignore, relative to
    # `config_folder` (the config file's folder)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    config_folder: Path | None = None
    conventions: frozenset[str] = frozenset()

    @classmethod
    def resolve(cls, options: Options, root: Path) -> ProjectSettings:
        config, config_file = project_config(root, options.config)

        def codes(value) -> tuple[str, ...] | None:
            if isinstance(value, str):  # `select = "SG101,S3"` in a config: one list, not its letters
                value = value.split(",")
            return None if value is None else tuple(str(c).strip().upper() for c in value if str(c).strip())

        if options.select is not None:
            select, extend = codes(options.select), codes(options.extend_select) or ()
        else:
            select = codes(config.get("select"))
            extend = (codes(config.get("extend-select")) or ()) + (codes(options.extend_select) or ())
        return cls(
            select=select,
            ignore=codes(options.ignore if options.ignore is not None else config.get("ignore")) or (),
            unsafe_fixes=bool(options.unsafe_fixes if options.unsafe_fixes is not None else config.get("unsafe-fixes")),
            extend_select=extend,
            per_file_ignores=per_file_ignores(config.get("per-file-ignores")),
            config_folder=config_file.parent if config_file is not None else None,
            conventions=_conventions(options, config, root),
        )

    def ignores_in_file(self, code: str, path: Path) -> bool:
        """`per-file-ignores` names `code` (or a prefix of it) for a pattern `path` matches."""
        if not self.per_file_ignores or self.config_folder is None:
            return False
        try:
            relative = path.relative_to(self.config_folder).as_posix()
        except ValueError:
            return False  # outside the config's folder: its patterns do not reach it
        return any(matches(code, codes) and _pattern(pattern).match_file(relative) for pattern, codes in self.per_file_ignores)

    def enables(self, rule) -> bool:
        selected = rule.default if self.select is None else matches(rule.code, self.select)
        if rule.convention is not None and rule.convention not in self.conventions:
            return False
        return (selected or matches(rule.code, self.extend_select)) and not matches(rule.code, self.ignore)


def per_file_ignores(value) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`per-file-ignores = { "tests/*.tf" = ["TF001"], "legacy/**" = ["ALL"] }` (ruff's shape) as
    (pattern, codes) pairs; a string of codes is split at its commas. The value was checked when
    its file was read (config.KEYS)."""
    pairs = []
    for pattern, codes in (value or {}).items():
        if isinstance(codes, str):
            codes = codes.split(",")
        pairs.append((pattern, tuple(c.strip().upper() for c in codes if c.strip())))
    return tuple(pairs)


@lru_cache(maxsize=256)
def _pattern(pattern: str):
    """A per-file-ignores pattern, matched as .gitignore matches: no slash, any folder; a
    leading or inner slash, from the config's folder; `**` any depth."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([pattern])


def _conventions(options: Options, config: dict, root: Path) -> frozenset[str]:
    """The conventions a project follows: named on the command line, else in its config
    (`conventions = ["pipeline"]`, `[]` for none; checked when its file was read), else recognised
    from its layout."""
    if options.conventions is not None:
        return conventions.named(options.conventions)  # the CLI has checked the names
    if "conventions" in config:
        return conventions.named(config["conventions"])
    return conventions.detect(root)
