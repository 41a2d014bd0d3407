"""The options that decide what a run checks and fixes, declared once for `iacfix PATH...` and
`iacfix bot` (the GitHub Action passes its `args` to both, so the bot never commits a fix the
check was told to skip), and turned into the engine's Options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

Select = Annotated[
    Optional[str],
    typer.Option("--select", help="Only these rule codes or prefixes, comma-separated (ALL: every rule, opt-in ones included)."),
]
ExtendSelect = Annotated[
    Optional[str],
    typer.Option("--extend-select", help="Add these rule codes or prefixes to the selection (opt-in rules, say)."),
]
Ignore = Annotated[Optional[str], typer.Option("--ignore", help="Skip these rule codes or prefixes, comma-separated.")]
TerraformVersion = Annotated[
    Optional[str], typer.Option("--terraform-version", help="Target Terraform version, e.g. 1.9.8.", metavar="X.Y.Z")
]
UnsafeFixes = Annotated[
    Optional[bool],
    typer.Option(
        "--unsafe-fixes/--no-unsafe-fixes",
        help="Also apply unsafe fixes (scaffolds that add infrastructure).",
        show_default=False,
    ),
]
ConfigFile = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help="Read the settings from this file (a .iacfix.toml, or a pyproject.toml's [tool.iacfix]) instead of the nearest one.",
        metavar="FILE",
    ),
]
Conventions = Annotated[
    Optional[str],
    typer.Option(
        "--conventions",
        help="The conventions the projects follow, comma-separated (pipeline), or none; default: as configured, "
        "else recognised from the layout.",
        metavar="NAMES",
    ),
]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write iacfix's cache (as IACFIX_CACHE_DIR= does).")
]
Jobs = Annotated[
    Optional[int],
    typer.Option("--jobs", "-j", help="Processes for the projects of a big tree (default: one per core when it pays).", min=1),
]


def engine_options(
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    terraform_version: str | None,
    unsafe_fixes: bool | None,
    config: Path | None,
    no_cache: bool,
    conventions: str | None = None,
):
    """The engine's Options for these option values; a bad value is a usage error (exit 2)."""
    from iacfix import conventions as known_conventions
    from iacfix import engine, rules, tfversion

    if terraform_version is not None and tfversion.parse_version(terraform_version) is None:
        raise typer.BadParameter(f"not a version: {terraform_version!r}", param_hint="--terraform-version")
    selected, extended, ignored = codes(select), codes(extend_select), codes(ignore)
    known = {r.code for r in rules.all_rules()} if selected or extended or ignored else set()
    for code in (selected or []) + (extended or []) + (ignored or []):
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise typer.BadParameter(f"no rule code starts with {code!r}", param_hint="--select/--extend-select/--ignore")
    try:
        followed = sorted(known_conventions.named(conventions)) if conventions is not None else None
    except known_conventions.UnknownConvention as exc:
        raise typer.BadParameter(str(exc), param_hint="--conventions") from None
    if config is not None and not config.is_file():
        raise typer.BadParameter(f"no such file: {config}", param_hint="--config")
    if no_cache:
        # Read wherever a cache is (the parse cache, TF001's formatter, the worker's code cache),
        # in this process and in the pool's: one switch for all of them.
        os.environ["IACFIX_CACHE_DIR"] = ""
    return engine.Options(
        terraform_version=terraform_version,
        select=selected,
        extend_select=extended,
        ignore=ignored,
        unsafe_fixes=unsafe_fixes,
        config=config.absolute() if config is not None else None,
        conventions=followed,
    )


def codes(value: str | None) -> list[str] | None:
    return [c.strip().upper() for c in value.split(",") if c.strip()] if value else None
