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

    `files` are further files of the same project (path → text); `before` goes in the flavour's
    main file (lib/main.ts, lib/main.py, main.tf). `options` are engine options such as
    {"terraform_version": "1.10.0"}. `files_after` are the other files as the fix leaves them
    (a file the fix creates included). For a rule that only reports (fix = "none"), `after` is
    `before` itself: the finding is raised and nothing changes (unless `files_after` says how a
    fix changes the other files: a rule that repairs package.json, say). An unsafe rule's examples run
    with --unsafe-fixes.
    """

    flavour: str
    before: str
    after: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    codes: tuple[str, ...] = ()  # the codes the example must raise; defaults to the rule's own
    files_after: dict[str, str] = field(default_factory=dict)


class Rule:
    """Subclasses set the class attributes and implement check(); the docstring is the docs:
    what it does, why, and the fix (shown by `iacfix explain CODE`)."""

    code: ClassVar[str]
    name: ClassVar[str]
    flavours: ClassVar[tuple[str, ...]]
    # "safe": applied by --write; "unsafe": adds infrastructure (a scaffold with safe defaults),
    # applied only with --unsafe-fixes; "none": reported only, a human decides.
    fix: ClassVar[str] = "safe"
    # "fix" rules run first, in code order; "scaffold" rules after them; "format" rules last.
    phase: ClassVar[str] = "fix"  # or "scaffold" (after every fix) or "format"; see engine.PHASES
    # The rows of ../shared/seeds this rule answers, as "<seed number>#<row>" ("002#3"); the
    # seed → codes map in docs/seeds.md is generated from them (scripts/seed-map.py).
    seeds: ClassVar[tuple[str, ...]] = ()
    # False: an opt-in rule (ruff's rules outside the default selection). It runs only when a
    # selection names it: its code, a prefix of it or ALL in select / extend-select (command line
    # or config). For rules that are right about what they find but that much correct code
    # does on purpose (the docstring gives the corpus figures that made the rule opt-in).
    default: ClassVar[bool] = True
    examples: ClassVar[list[Example]] = []

    def check(self, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, at: Resource | Setting | Location, message: str, edits: Iterable[Edit] = ()) -> Finding:
        return Finding(self.code, message, at.path, at.line, at.col, list(edits))

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.docs().splitlines()[0] if cls.__doc__ else cls.name
