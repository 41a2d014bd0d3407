"""`iacfix PATH...`: findings on stderr, one unified diff on stdout, --write to apply.

Exit codes: 0 nothing to fix, 1 findings remain, 2 bad input or usage.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from iacfix import __version__, cli_options

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _version(value: bool) -> None:
    if value:
        print(f"iacfix {__version__}")
        raise typer.Exit()


EPILOG = """\b
Commands (iacfix COMMAND --help):
  rules    List the rules: code, fix (safe, unsafe or none), flavours, name.
  explain  Print a rule's documentation and examples: iacfix explain CODE.
  bot      Open or update a pull request with the fixes of a branch.

\b
A folder named like a command is checked by its path: iacfix ./rules
(or iacfix -- rules).
"""


@app.command(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
def main_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to repair.", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print findings and the diff; change nothing (default).")] = False,
    write: Annotated[bool, typer.Option("--write", help="Apply the fixes to the files.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Print findings only.")] = False,
    terraform_version: cli_options.TerraformVersion = None,
    select: cli_options.Select = None,
    extend_select: cli_options.ExtendSelect = None,
    ignore: cli_options.Ignore = None,
    unsafe_fixes: cli_options.UnsafeFixes = None,
    config: cli_options.ConfigFile = None,
    conventions: cli_options.Conventions = None,
    extract: Annotated[
        Optional[Path],
        typer.Option(
            "--extract",
            help="For markdown answers: write their code blocks out as files under this folder (repaired, unless --check).",
            metavar="DIR",
        ),
    ] = None,
    output_format: Annotated[
        Literal["text", "json", "sarif", "github"],
        typer.Option(
            "--output-format",
            help="text: findings on stderr, diff on stdout; json, sarif (2.1.0) or github (Actions annotations): on stdout.",
        ),
    ] = "text",
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print the number of findings per rule instead of the findings (text, json).")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when findings remain (bad input still exits 2).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the findings and the diff, nothing else.")] = False,
    no_cache: cli_options.NoCache = False,
    jobs: cli_options.Jobs = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="After the fixes, run the real checkers where present (terraform validate, the app's tsc, a Python "
            "that imports cdktf) on a copy of the repaired tree and report what they still find (code VERIFY).",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Find the failures language models make in Terraform and CDK for Terraform code, and fix them."""
    from iacfix import engine
    from iacfix.config import ConfigError

    if dry_run + write + check > 1:
        raise typer.BadParameter("choose one of --dry-run, --write and --check")
    if statistics and output_format not in ("text", "json"):
        raise typer.BadParameter("--statistics is printed as text or json", param_hint="--output-format")
    options = cli_options.engine_options(
        select, extend_select, ignore, terraform_version, unsafe_fixes, config, no_cache, conventions
    )

    cwd = Path.cwd()
    try:
        with _ProgressBar(enabled=not quiet) as progress:
            result = engine.run(paths, options, cwd, jobs=jobs, progress=progress)
        result.fixed_tree = not check
    except ConfigError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None

    if verify:
        from iacfix import verify as verifier

        found, notes = verifier.verify(result, repaired=not check)
        result.findings += found
        result.errors += notes
    from iacfix import writes

    applied = writes.apply(result, write=write)
    changes = applied.changes
    remaining = result.findings
    if write:
        result.errors += applied.errors
        unwritten = {id(f) for f in applied.unwritten}
        remaining = [f for f in result.findings if not f.fixable or id(f) in unwritten]

    if extract is not None:
        _extract(result, extract, quiet)

    from iacfix import output

    mode = "write" if write else "check" if check else "dry-run"
    outcome = output.Outcome(result, changes, remaining, mode, cwd, quiet=quiet)
    if statistics:
        output.report_statistics(outcome, output_format)
    else:
        output.report(outcome, output_format)
    if any(e.severity == "error" for e in result.errors):
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if remaining and not exit_zero else EXIT_CLEAN)


def _extract(result, folder: Path, quiet: bool = False) -> None:
    """Write the blocks of the markdown answers as files: folder/<block name>, one folder per
    answer when several are given. --check extracts them as written, otherwise as repaired."""
    from iacfix.engine import NewSourceFile

    tree = [(s, t) for s, t in result.tree() if result.fixed_tree or not isinstance(s, NewSourceFile)]
    answers = {s.origin.markdown.path for s, _ in tree}
    for source, text in tree:
        answer = source.origin.markdown
        target = folder / (answer.path.stem if len(answers) > 1 else "") / source.origin.block.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if result.fixed_tree else source.text, encoding="utf-8")
    if not quiet:
        _err(f"Extracted {len(tree)} file{'s' * (len(tree) != 1)} to {folder}.")


def _err(line: str) -> None:
    print(line, file=sys.stderr)


class _ProgressBar:
    """`parsing [#####.....] 120/240` on stderr while a run over many files goes on: only on a
    terminal, only past MIN_ITEMS files or projects, and only once the run has taken a moment,
    so a small run never flashes one. The line is cleared when the run ends."""

    MIN_ITEMS = 20
    AFTER_SECONDS = 0.3
    WIDTH = 30

    def __init__(self, enabled: bool = True) -> None:
        import time

        self.clock = time.monotonic
        self.start = self.clock()
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False
        self.last = 0.0

    def __enter__(self):
        return self if self.enabled else None

    def __call__(self, done: int, total: int, what: str) -> None:
        now = self.clock()
        if total < self.MIN_ITEMS and what == "parsing" or now - self.start < self.AFTER_SECONDS:
            return
        if what == "rules" and not self.shown:
            return  # a bar for the rules only when the files had one
        if now - self.last < 0.05 and done < total:
            return
        self.last = now
        filled = self.WIDTH * done // max(total, 1)
        sys.stderr.write(f"\r{what:<8} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def __exit__(self, *exc) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


# `iacfix PATH...` is the main command, so the other commands are picked by their first word,
# spelled exactly: a folder named like one is checked by any other spelling of its path
# (`iacfix ./rules`, `iacfix rules/`) or after `--` (`iacfix -- rules`). Each maps to a typer app.
SUBCOMMANDS = ("rules", "explain", "bot")


def _subcommands() -> dict[str, typer.Typer]:
    from iacfix.bot import bot_app  # here, not at the top: `iacfix --version` need not load it

    return {"rules": rules_app, "explain": explain_app, "bot": bot_app}


rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
explain_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


@rules_app.command(context_settings={"help_option_names": ["-h", "--help"]})
def rules_command() -> None:
    """List the rules: code, fix (safe, unsafe or none), flavours, name and summary; "(opt-in)"
    marks a rule that runs only when selected (--select CODE or --extend-select CODE),
    "(convention: NAME)" one that runs only on projects that follow that convention."""
    from iacfix.rules import all_rules

    for rule in all_rules():
        flavours = ",".join(rule.flavours)
        marks = ("" if rule.default else " (opt-in)") + (f" (convention: {rule.convention})" if rule.convention else "")
        print(f"{rule.code:<9} {rule.fix:<6} {flavours:<28} {rule.name}{marks}: {rule.summary()}")


@explain_app.command(context_settings={"help_option_names": ["-h", "--help"]})
def explain_command(code: Annotated[str, typer.Argument(help="A rule code, e.g. ECS101.")]) -> None:
    """Print a rule's documentation and its examples."""
    from iacfix.rules import all_rules

    rule = next((r for r in all_rules() if r.code == code.upper()), None)
    if rule is None:
        raise typer.BadParameter(f"no rule {code!r}; `iacfix rules` lists them", param_hint="CODE")
    print(f"{rule.code} ({rule.name}) — fix: {rule.fix}; flavours: {', '.join(rule.flavours)}")
    if not rule.default:
        print(
            f"Opt-in: not in the default selection. Enable it with `--extend-select {rule.code}` (or "
            f'`extend-select = ["{rule.code}"]` under [tool.iacfix]); `--select {rule.code}` runs it alone.'
        )
    if rule.convention:
        from iacfix.conventions import CONVENTIONS

        convention = CONVENTIONS[rule.convention]
        print(
            f"Convention: {convention.name}, {convention.summary}. It runs only on projects that follow it: "
            f"recognised from {convention.recognised}, or named by `conventions = [\"{convention.name}\"]` under "
            f"[tool.iacfix] or `--conventions {convention.name}`."
        )
        print("Why this rule is one:", rule.convention_reason())
    print()
    print(rule.docs())
    for example in rule.examples:
        label = "valid" if example.after is None else "before"
        print(f"\n--- {example.flavour}, {label}:\n{example.before.rstrip()}")
        if example.after is not None:
            print(f"--- {example.flavour}, after:\n{example.after.rstrip()}")


def main() -> None:
    import os

    argv = sys.argv[1:]
    command = _subcommands()[argv[0]] if argv and argv[0] in SUBCOMMANDS else None
    if command is not None and Path(argv[0]).exists():
        _err(f"note: `iacfix {argv[0]}` is the command {argv[0]}; to check the folder {argv[0]}, run `iacfix ./{argv[0]}`")
    try:
        if command is not None:
            command(argv[1:], prog_name=f"iacfix {argv[0]}")
        else:
            app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug in iacfix: one clear line, the traceback only on request
        if os.environ.get("IACFIX_DEBUG"):
            raise
        _err(f"iacfix: internal error: {type(exc).__name__}: {exc} (set IACFIX_DEBUG=1 for the traceback; please report)")
        sys.exit(EXIT_ERROR)
