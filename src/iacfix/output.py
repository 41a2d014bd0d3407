"""What a run prints, in one of four formats: text, json, sarif, github.

- text: findings and errors on stderr as `path:line:col: CODE message`, the diff on stdout.
- json: one document on stdout (findings, errors, the diff, the summary) for scripts.
- sarif: one SARIF 2.1.0 log on stdout, for code scanning (GitHub, Azure DevOps, IDEs).
- github: GitHub Actions workflow commands on stdout, which the runner shows as annotations on
  the lines of the pull request; the summary on stderr.

The exit code is the same in every format; only text and json carry the diff, because the other
two are read by machines that would choke on it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from iacfix.engine import RunResult
    from iacfix.files import SourceFile
    from iacfix.model import Finding, InputError

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "SRCROOT"  # the uriBaseId of every relative path: the folder iacfix ran in


@dataclass
class Outcome:
    """One run as the formatters see it: what was found, what changes, what is left.

    mode is "dry-run", "write" or "check"; with --write, `remaining` are the findings that need a
    human, otherwise every finding.
    """

    result: RunResult
    changes: list[tuple[SourceFile, str]]
    remaining: list[Finding]
    mode: str = "dry-run"
    cwd: Path = field(default_factory=Path.cwd)

    def locate(self, path: Path, line: int, col: int | None = None) -> tuple[str, int, int | None]:
        """(path, line, col) as the user reads them: relative to the working directory, and a
        markdown block's lines counted in its answer."""
        from iacfix.files import display_path

        ws = self.result.workspace
        known = ws.sources.get(path) or ws.answers.get(path)
        if known is None:
            return display_path(path, self.cwd), line, col
        shown, line, col_ = known.locate(line, col or 1)
        return shown, line, col_ if col is not None else None

    def ordered(self, findings: list[Finding]) -> list[Finding]:
        return sorted(findings, key=lambda f: (self.locate(f.path, f.line, f.col), f.code))

    def diff(self) -> str:
        from iacfix.diff import diff_paths, unified_diff

        if self.mode != "dry-run":
            return ""
        shown, _ = diff_paths([s.path for s, _ in self.changes], self.cwd)
        return "".join(unified_diff(shown[s.path], s.restore(s.text), s.restore(text)) for s, text in self.changes)

    def diff_from_root(self) -> bool:
        """Whether the diff names its files from the root folder (some are outside the cwd)."""
        from iacfix.diff import diff_paths

        return self.mode == "dry-run" and diff_paths([s.path for s, _ in self.changes], self.cwd)[1]

    def fixed(self) -> list[Finding]:
        if self.mode != "write":
            return []
        left = {id(f) for f in self.remaining}
        return [f for f in self.result.findings if id(f) not in left]

    def summary(self) -> str:
        findings, remaining = self.result.findings, self.remaining
        if self.mode == "write":
            fixed, files = len(findings) - len(remaining), len(self.changes)
            text = f"Fixed {fixed} finding{'s' * (fixed != 1)} in {files} file{'s' * (files != 1)}"
            unwritten = sum(f.fixable for f in remaining)  # their files could not be written
            if unwritten:
                text += f"; {unwritten} not written (see the errors above)"
            human = len(remaining) - unwritten
            return text + (f"; {human} need a human." if human else ".")
        if not findings:
            return "No findings."
        fixable = sum(f.fixable for f in findings)
        text = f"Found {len(findings)} finding{'s' * (len(findings) != 1)} ({fixable} fixable)."
        unsafe = sum(bool(f.preview) for f in findings)
        if unsafe:
            text += f" {unsafe} more fixable with --unsafe-fixes."
        return text + (" Run with --write to apply the fixes." if fixable else "")


def report(outcome: Outcome, fmt: str = "text") -> None:
    """Print the outcome of a run in `fmt` (one of FORMATS)."""
    {"text": _text, "json": _json, "sarif": _sarif, "github": _github}[fmt](outcome)


# -- text -------------------------------------------------------------------------------------


def _text(outcome: Outcome) -> None:
    for error in outcome.result.errors:
        _err(f"{_where(outcome, error.path, error.line)}: {error.severity}: {error.message}")
    for finding in outcome.ordered(outcome.remaining):
        _err(f"{_where(outcome, finding.path, finding.line, finding.col)}: {finding.code} {finding.message}")
    previews = [f.preview for f in outcome.remaining if f.preview]
    if previews and outcome.mode != "check":
        _err("\nUnsafe fixes, not applied (they add infrastructure; apply them with --unsafe-fixes):")
        _err("".join(previews).rstrip("\n"))
    diff = outcome.diff()
    if diff:
        sys.stdout.buffer.write(diff.encode("utf-8"))  # bytes: a CRLF file's diff keeps its \r
        sys.stdout.flush()
        if outcome.diff_from_root():
            _err("The diff names its files from / (some are outside this folder): apply it there, `git -C / apply`.")
    _err(outcome.summary())


def _where(outcome: Outcome, path: Path, line: int, col: int | None = None) -> str:
    shown, line, col = outcome.locate(path, line, col)
    return f"{shown}:{line}" + (f":{col}" if col is not None else "")


# -- json -------------------------------------------------------------------------------------


def as_json(outcome: Outcome) -> dict:
    """The run as plain data: every finding (with whether it was fixed), every error, the diff."""
    from iacfix import __version__

    fixed = {id(f) for f in outcome.fixed()}

    def finding(f: Finding) -> dict:
        path, line, col = outcome.locate(f.path, f.line, f.col)
        return {
            "path": path,
            "line": line,
            "column": col,
            "code": f.code,
            "message": f.message,
            "fixable": f.fixable,
            "fixed": id(f) in fixed,
            "unsafe_fix": f.preview or None,  # the diff --unsafe-fixes would apply
        }

    def error(e: InputError) -> dict:
        path, line, _ = outcome.locate(e.path, e.line)
        return {"path": path, "line": line, "severity": e.severity, "message": e.message}

    return {
        "tool": {"name": "iacfix", "version": __version__},
        "mode": outcome.mode,
        "findings": [finding(f) for f in outcome.ordered(outcome.result.findings)],
        "errors": [error(e) for e in outcome.result.errors],
        "changed_files": [s.display for s, _ in outcome.changes],
        "diff": outcome.diff() or None,
        "summary": outcome.summary(),
    }


def _json(outcome: Outcome) -> None:
    print(json.dumps(as_json(outcome), indent=2, ensure_ascii=False))


# -- sarif ------------------------------------------------------------------------------------


def as_sarif(outcome: Outcome) -> dict:
    """A SARIF 2.1.0 log of one run: the rules as the driver's reportingDescriptors, the findings
    left as results, unreadable files as tool execution notifications."""
    from iacfix import __version__
    from iacfix.rules import all_rules

    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}

    def location(path: Path, line: int, col: int | None = None) -> dict:
        shown, line, col = outcome.locate(path, line, col)
        region = {"startLine": line} | ({"startColumn": col} if col is not None else {})
        if Path(shown).is_absolute():  # outside the working directory: no base to be relative to
            artifact = {"uri": Path(shown).as_uri()}
        else:
            artifact = {"uri": quote(shown), "uriBaseId": SRCROOT}
        return {"physicalLocation": {"artifactLocation": artifact, "region": region}}

    def result(f: Finding) -> dict:
        out = {
            "ruleId": f.code,
            "level": "warning",
            "message": {"text": f.message},
            "locations": [location(f.path, f.line, f.col)],
            "properties": {"fixable": f.fixable},
        }
        if f.code in index:
            out["ruleIndex"] = index[f.code]
        return out

    descriptors = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary()},
            "fullDescription": {"text": r.docs() or r.summary()},
            "help": {"text": f"{r.docs()}\n\nFix: {r.fix} (`iacfix explain {r.code}`)."},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"fix": r.fix, "flavours": list(r.flavours), "tags": ["infrastructure-as-code", *r.flavours]},
        }
        for r in rules
    ]
    notifications = [
        {
            "level": "error" if e.severity == "error" else "note",
            "message": {"text": e.message},
            "locations": [location(e.path, e.line)],
        }
        for e in outcome.result.errors
    ]
    run = {
        "tool": {"driver": {"name": "iacfix", "version": __version__, "semanticVersion": __version__, "rules": descriptors}},
        "originalUriBaseIds": {SRCROOT: {"uri": outcome.cwd.absolute().as_uri().rstrip("/") + "/"}},
        "invocations": [
            {
                "executionSuccessful": not any(e.severity == "error" for e in outcome.result.errors),
                "toolExecutionNotifications": notifications,
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": [result(f) for f in outcome.ordered(outcome.remaining)],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _sarif(outcome: Outcome) -> None:
    print(json.dumps(as_sarif(outcome), indent=2, ensure_ascii=False))


# -- github -----------------------------------------------------------------------------------


def github_annotations(outcome: Outcome) -> list[str]:
    """Workflow commands (`::warning file=...,line=...::message`): GitHub turns each into an
    annotation on that line of the pull request's diff and of the run's summary."""
    lines = []
    for error in outcome.result.errors:
        path, line, _ = outcome.locate(error.path, error.line)
        level = "error" if error.severity == "error" else "notice"
        lines.append(_command(level, {"file": path, "line": line, "title": "iacfix"}, error.message))
    for finding in outcome.ordered(outcome.remaining):
        path, line, col = outcome.locate(finding.path, finding.line, finding.col)
        title = f"iacfix {finding.code}" + (" (fixable: iacfix --write)" if finding.fixable else "")
        lines.append(_command("warning", {"file": path, "line": line, "col": col, "title": title}, finding.message))
    return lines


def _command(level: str, properties: dict, message: str) -> str:
    # The escaping GitHub's runner undoes: % and newlines everywhere, and : and , in properties
    # (they separate them).
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    props = ",".join(f"{k}={prop(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{level} {props}::{data(message)}"


def _github(outcome: Outcome) -> None:
    for line in github_annotations(outcome):
        print(line)
    _err(outcome.summary())


def _err(line: str) -> None:
    print(line, file=sys.stderr)
