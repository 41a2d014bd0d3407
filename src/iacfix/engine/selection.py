"""Which rules run on a project: the command line merged with the project's configuration,
ruff's way (`select` replaces the default selection, `extend-select` adds, `ignore` wins)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


def matches(code: str, prefixes: Sequence[str]) -> bool:
    """ruff-style selection: "ECS" selects ECS101, "ECS1" too, "ALL" everything."""
    return any(p == "ALL" or code.startswith(p) for p in prefixes)


@dataclass(frozen=True)
class ProjectSettings:
    """Options merged with the project's [tool.iacfix] / .iacfix.toml: the command line wins.

    As in ruff: `select` replaces the selection (None: the default rules, every rule whose
    `default` is true), `extend-select` adds to it, `ignore` wins over both. A `select` on the
    command line drops the config's selection, its `extend-select` included.
    """

    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    unsafe_fixes: bool
    extend_select: tuple[str, ...] = ()

    @classmethod
    def resolve(cls, options: Options, root: Path) -> ProjectSettings:
        config, _ = project_config(root, options.config)

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
        )

    def enables(self, rule) -> bool:
        selected = rule.default if self.select is None else matches(rule.code, self.select)
        return (selected or matches(rule.code, self.extend_select)) and not matches(rule.code, self.ignore)
