"""The base of every rule in src/iacfix/rules/: a code, docs, examples that are also its tests, a check."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from iacfix.backends.base import Setting
from iacfix.model import Edit, Finding, Location, Resource

if TYPE_CHECKING:
    from iacfix.engine import Context

FLAVOURS = ("cdktf-ts", "cdktf-py", "terraform")


@dataclass(frozen=True)
class Example:
    """A before/after pair in one flavour; `after=None` means valid code the rule leaves alone.

    Write them with `Valid`, `Invalid` and `Reported` below. `files` are further files of the
    same project (path → text); `before` goes in the flavour's main file (lib/main.ts,
    lib/main.py, main.tf). `options` are engine options such as {"terraform_version": "1.10.0"}.
    `files_after` are the other files as the fix leaves them (a file the fix creates included).
    For a finding with nothing to fix, `after` is `before` itself: the finding is raised and
    nothing changes (unless `files_after` says how a fix changes the other files: a rule that
    repairs package.json, say). An unsafe fix's examples run with --unsafe-fixes.

    `message` and `line`, when given, are the exact message and the line (in the main file) of
    the example's one finding; `unsafe` says the fix is an unsafe one even in a rule whose other
    fixes are safe (fix safety belongs to a fix: `Rule.finding(..., safety=...)`).
    """

    flavour: str
    before: str
    after: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    codes: tuple[str, ...] = ()  # the codes the example must raise; defaults to the rule's own
    files_after: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    line: int | None = None
    unsafe: bool = False


def Valid(flavour: str, code: str, **more) -> Example:
    """Correct code: the rule raises nothing and changes nothing."""
    return Example(flavour, code, None, **more)


def Invalid(flavour: str, before: str, fixed: str, **more) -> Example:
    """Code the rule finds and repairs into `fixed` (for a fix that changes only other files of
    the project, `fixed` is `before` and `files_after` says what they become)."""
    return Example(flavour, before, fixed, **more)


def Reported(flavour: str, before: str, **more) -> Example:
    """Code the rule finds and leaves to a human: raised, nothing changed."""
    return Example(flavour, before, before, **more)


class Rule:
    """Subclasses set the class attributes and implement check(); the docstring is the docs:
    what it does, why, and the fix (shown by `iacfix explain CODE`)."""

    code: ClassVar[str]
    name: ClassVar[str]
    flavours: ClassVar[tuple[str, ...]]
    # "safe": applied by --write; "unsafe": adds infrastructure (a scaffold with safe defaults) or
    # may change meaning, applied only with --unsafe-fixes; "none": reported only, a human decides.
    # It is the rule's usual safety: a finding may carry its own (`finding(..., safety=...)`).
    fix: ClassVar[str] = "safe"
    # What a finding means for the code, as SARIF's level (code scanning's severity): "error" the
    # code does not compile, synth, init, validate or deploy, or deploys something that cannot
    # work; "warning" it works with a risk or a cost (security, a destroy that fails, deprecated);
    # "note" style and completeness (layout, tags, outputs, tests).
    severity: ClassVar[str] = "warning"
    # "names" rules (the provider's imports and class names) run first, then "fix" rules, in code
    # order; "scaffold" rules after them; then "format" rules, and "review" rules last, which look
    # at what the others did (IAC100); see engine.PHASES.
    phase: ClassVar[str] = "fix"
    # The rows of ../shared/seeds this rule answers, as "<seed number>#<row>" ("002#3"); the
    # seed → codes map in docs/seeds.md is generated from them (scripts/seed-map.py).
    seeds: ClassVar[tuple[str, ...]] = ()
    # False: an opt-in rule (ruff's rules outside the default selection). It runs only when a
    # selection names it: its code, a prefix of it or ALL in select / extend-select (command line
    # or config). For rules that are right about what they find but that much correct code
    # does on purpose (the docstring gives the corpus figures that made the rule opt-in).
    default: ClassVar[bool] = True
    # The convention the rule encodes (a key of iacfix.conventions.CONVENTIONS: "pipeline"), or
    # None for a failure on any project. A convention rule runs only on projects that follow
    # its convention (configured, or recognised from their layout); its docstring says why it
    # is one in a paragraph starting "Convention:".
    convention: ClassVar[str | None] = None
    examples: ClassVar[list[Example]] = []

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self, at: Resource | Setting | Location, message: str, edits: Iterable[Edit] = (), safety: str | None = None
    ) -> Finding:
        """A finding at `at` whose `edits` repair it. `safety` ("safe" / "unsafe") is this fix's
        own when it differs from the rule's usual one (`fix`): a rule may rewrite one case
        safely and offer only an unsafe fix for another."""
        if isinstance(at, Resource):
            end = at.body.span[1]
        elif isinstance(at, Setting):
            end = at.span[1]
        else:
            end = None
        return Finding(self.code, message, at.path, at.line, at.col, list(edits), safety=safety, end_offset=end)

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def convention_reason(cls) -> str:
        """The docs' "Convention (NAME): ..." paragraph, without its label: why the rule
        encodes a convention rather than a failure ("" for a rule of no convention)."""
        label = f"Convention ({cls.convention}):"
        for paragraph in cls.docs().split("\n\n"):
            if cls.convention and paragraph.startswith(label):
                return " ".join(paragraph[len(label) :].split())
        return ""

    @classmethod
    def summary(cls) -> str:
        return cls.docs().splitlines()[0] if cls.__doc__ else cls.name
