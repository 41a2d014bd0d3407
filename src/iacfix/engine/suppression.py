"""Silencing findings: comments in the code, per-file ignores in the config, and the comments
that silence nothing (IAC100, ruff's RUF100).

A comment `iacfix: ignore[CODE, PREFIX]` (`#` or `//`; no brackets: every code) silences
- the line it ends, when code precedes it on that line;
- the next line of code, when it stands on a line of its own (a run of such comments all
  apply to the line after them);
- the whole block (a resource, a construct, any HCL block) when that line is the block's first.
checkov's spelling, `checkov:skip=CODE:reason`, silences the block it is written in (anywhere
inside, as checkov reads it), or is a line comment outside any block; only IDs that are iacfix
codes are read (a CKV_AWS_20 is checkov's).

Blocks come from the parse: the neutral model's resources (their first line to the end of their
body) and, in Terraform, every block with its nested blocks. A run records which comment
silenced which finding, so IAC100 can tell, after every other rule, which ones silenced nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from iacfix.backends.base import BackendError, SourceSyntaxError
from iacfix.engine.projects import Project
from iacfix.engine.selection import ProjectSettings, matches
from iacfix.engine.workspace import Workspace
from iacfix.model import Edit, Finding
from iacfix.textedit import line_starts

_DIRECTIVE = re.compile(
    r"(?P<marker>#|//)[ \t]*(?:"
    r"iacfix:[ \t]*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]*)\])?"
    r"|checkov:skip=(?P<checkov>[A-Za-z0-9_]+)(?::[^\n]*)?"
    r")"
)


@dataclass(frozen=True)
class Directive:
    """One suppression comment of a file, as it stands in the file's current text."""

    path: Path
    line: int
    col: int
    comment: tuple[int, int]  # the comment: its marker to the end of its line
    text: str  # the directive as written (`# iacfix: ignore[ECS101]`)
    codes: tuple[str, ...] | None  # None: every code
    codes_span: tuple[int, int] | None  # the codes between the brackets
    scope: tuple[int, int]  # the lines it silences, first and last
    checkov: bool
    key: tuple  # the same comment across the edits of a run (its text and rank among equal ones)

    def covers(self, finding: Finding) -> str | None:
        """The code (or prefix; "*" for a bare directive) that silences `finding`, if one does."""
        if not self.scope[0] <= finding.line <= self.scope[1]:
            return None
        if self.codes is None:
            return "*"
        return next((c for c in self.codes if matches(finding.code, [c])), None)


@dataclass(frozen=True)
class Unused:
    """A directive, or some of its codes, that silenced nothing: what IAC100 reports."""

    directive: Directive
    reasons: tuple[str, ...]
    edits: tuple[Edit, ...]

    @property
    def message(self) -> str:
        return f"`{self.directive.text}` is unused: {'; '.join(self.reasons)}"


class Suppressions:
    """What silences findings in one project's run, and what each comment silenced."""

    def __init__(self, workspace: Workspace, project: Project, settings: ProjectSettings):
        self.workspace = workspace
        self.project = project
        self.settings = settings
        self.flavour = project.flavour
        self.ran: set[str] = set()  # the codes of the rules that ran on the project so far
        self.used: dict[tuple, set[str]] = {}  # directive key → the codes it silenced
        self._directives: dict[Path, tuple[str, list[Directive]]] = {}

    def silences(self, finding: Finding) -> bool:
        if self.settings.ignores_in_file(finding.code, self._real_path(finding.path)):
            return True
        for directive in self.directives(finding.path):
            if (finding.line, finding.col) == (directive.line, directive.col):
                continue  # what is said of the comment itself (IAC100) is not its to silence
            code = directive.covers(finding)
            if code is not None:
                self.used.setdefault(directive.key, set()).add(code)
                return True
        return False

    def directives(self, path: Path) -> list[Directive]:
        text = self.workspace.text.get(path)
        if text is None or ("iacfix" not in text and "checkov:skip" not in text):
            return []
        cached = self._directives.get(path)
        if cached is None or cached[0] is not text:
            cached = (text, self._read(path, text))
            self._directives[path] = cached
        return cached[1]

    def unused(self) -> list[Unused]:
        """Every directive of the project's files with codes that silenced nothing, judged only
        where it can be: a code whose rules (for this flavour) did not all run is kept."""
        registry = _registry()
        # the rules that can silence something here: this flavour's, and not the reviewers (IAC100
        # itself runs now, after all of them)
        known = [r for r in registry if self.flavour in r.flavours and r.phase != "review"]
        out = []
        for path in self.project.files:
            for directive in self.directives(path):
                found = self._judge(directive, registry, known)
                if found is not None:
                    out.append(found)
        return out

    # -- reading directives ---------------------------------------------------------------------

    def _read(self, path: Path, text: str) -> list[Directive]:
        registry_codes = [r.code for r in _registry()]
        starts = line_starts(text)
        blocks: list[tuple[int, int]] | None = None
        seen: dict[str, int] = {}
        out = []
        for match in _DIRECTIVE.finditer(text):
            checkov = match["checkov"]
            if checkov is not None and not any(code.startswith(checkov.upper()) for code in registry_codes):
                continue  # a check of checkov's own
            start = match.start()
            line = bisect.bisect_right(starts, start)
            line_begin = starts[line - 1]
            line_end = text.find("\n", start)
            line_end = len(text) if line_end == -1 else line_end
            if blocks is None:
                blocks = self._blocks(path, starts)
            own_line = not text[line_begin:start].strip()
            if checkov is not None:
                codes, codes_span = (checkov.upper(),), (match.start("checkov"), match.end("checkov"))
                holder = _outermost_holding(blocks, line)
                scope = holder if holder is not None else self._line_scope(text, starts, line, own_line, blocks)
            else:
                raw = match["codes"]
                codes = None if raw is None else tuple(c.strip().upper() for c in raw.split(",") if c.strip())
                codes_span = None if raw is None else (match.start("codes"), match.end("codes"))
                scope = self._line_scope(text, starts, line, own_line, blocks)
            written = text[start : match.end()].rstrip()
            seen[written] = seen.get(written, 0) + 1
            out.append(
                Directive(
                    path, line, start - line_begin + 1, (start, line_end), written, codes, codes_span, scope,
                    checkov is not None, (path, written, seen[written]),
                )
            )  # fmt: skip
        return out

    @staticmethod
    def _line_scope(text: str, starts: list[int], line: int, own_line: bool, blocks) -> tuple[int, int]:
        """The lines a line directive silences: its own line, or (alone on its line) the next
        line of code; to the block's end when that line starts a block."""
        target = line
        if own_line:
            target = line + 1
            while target <= len(starts) and _is_blank_or_comment(text, starts, target):
                target += 1
            if target > len(starts):
                return (line, line)
        ends = [end for first, end in blocks if first == target]
        return (line, max(ends)) if ends else (line, target)

    def _blocks(self, path: Path, starts: list[int]) -> list[tuple[int, int]]:
        """(first line, last line) of every block of the file's parse."""
        try:
            parsed = self.workspace.parsed(path)
        except (SourceSyntaxError, BackendError):  # no blocks: its line directives still work
            return []

        def last_line(end_offset: int) -> int:
            return bisect.bisect_right(starts, max(end_offset - 1, 0))

        spans = [(r.line, last_line(r.body.span[1])) for r in parsed.resources() if r.path == path]
        pending = list(getattr(parsed, "blocks", ()))  # Terraform: every block, nested ones too
        while pending:
            block = pending.pop()
            spans.append((block.line, last_line(block.span[1])))
            pending += block.blocks
        return spans

    # -- judging --------------------------------------------------------------------------------

    def _judge(self, directive: Directive, registry: Sequence, known: Sequence) -> Unused | None:
        used = self.used.get(directive.key, set())
        if directive.codes is None:
            # the default rules that apply here (a convention rule the project does not follow never runs)
            default = [r for r in known if r.default and (r.convention is None or r.convention in self.settings.conventions)]
            if used or not all(r.code in self.ran for r in default):
                return None
            return Unused(directive, ("it silenced nothing",), (self._remove(directive),))
        reasons, unused = [], []
        for code in directive.codes:
            if code in used:
                continue
            if not any(matches(r.code, [code]) for r in registry):
                reasons.append(f"{code} is not a rule code")
            elif not (rules := [r for r in known if matches(r.code, [code])]):
                reasons.append(f"{code} does not check {self.flavour}")
            elif all(r.code in self.ran for r in rules):
                reasons.append(f"{code} silenced nothing")
            else:
                continue  # a rule it names did not run: nothing to say
            unused.append(code)
        if not unused:
            return None
        left = [c for c in directive.codes if c not in unused]
        if left and directive.codes_span is not None and not directive.checkov:
            start, end = directive.codes_span
            edit = Edit(directive.path, start, end, ", ".join(left))
        else:
            edit = self._remove(directive)
        return Unused(directive, tuple(reasons), (edit,))

    def _remove(self, directive: Directive) -> Edit:
        """Delete the comment: with its line when it stands alone, else with the blanks before it."""
        text = self.workspace.text[directive.path]
        start, end = directive.comment
        line_begin = text.rfind("\n", 0, start) + 1
        if not text[line_begin:start].strip():
            return Edit(directive.path, line_begin, min(end + 1, len(text)), "")
        while start > line_begin and text[start - 1] in " \t":
            start -= 1
        return Edit(directive.path, start, end, "")

    def _real_path(self, path: Path) -> Path:
        """A markdown block's findings are matched against its answer's path."""
        source = self.workspace.sources.get(path)
        return source.origin.markdown.path if source is not None and source.origin is not None else path


def _is_blank_or_comment(text: str, starts: list[int], line: int) -> bool:
    begin = starts[line - 1]
    end = text.find("\n", begin)
    stripped = text[begin : len(text) if end == -1 else end].strip()
    return not stripped or stripped.startswith(("#", "//"))


def _outermost_holding(blocks: list[tuple[int, int]], line: int) -> tuple[int, int] | None:
    holding = [b for b in blocks if b[0] <= line <= b[1]]
    return min(holding, key=lambda b: (b[0], -b[1])) if holding else None


def _registry() -> Sequence:
    """Every rule iacfix has: what a code in a directive can name (checkov IDs that name none are
    checkov's own), whatever rules this run was given."""
    from iacfix.rules import all_rules

    return all_rules()
