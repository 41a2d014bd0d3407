"""What a run prints, in one of four formats: text, json, sarif, github.

- text: findings and errors on stderr as `path:line:col: CODE message`, the diff on stdout.
- json: one document on stdout (findings, errors, the diff, the summary) for scripts.
- sarif: one SARIF 2.1.0 log on stdout, for code scanning (GitHub, Azure DevOps, IDEs).
- github: GitHub Actions workflow commands on stdout, which the runner shows as annotations on
  the lines of the pull request; the summary on stderr.

The exit code is the same in every format; only text and json carry the diff, because the other
two are read by machines that would choke on it.

Text is coloured on a terminal (paths, codes, the diff), as ruff colours it: NO_COLOR (any
value) turns colour off, FORCE_COLOR (any value but 0 or false) on where it would be off (a pipe).
"""

from __future__ import annotations

import json
import os
import re
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
    quiet: bool = False  # --quiet: the findings and the diff, no summary, notes or previews

    @property
    def read_nothing(self) -> bool:
        """No file was read: the paths hold none iacfix reads, or every one is ignored."""
        ws = self.result.workspace
        return not ws.sources and not ws.answers and not self.result.errors

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

    def message(self, finding: Finding) -> str:
        """The finding's message as the user reads it: rules word their fix as done ("added 3
        outputs"), which an unsafe fix left unapplied is not ("would add 3 outputs")."""
        return unapplied_wording(finding.message) if finding.preview else finding.message

    def end(self, finding: Finding) -> tuple[int, int] | None:
        """(line, col) where what the finding is about ends, as the user reads it (exclusive)."""
        if finding.end_line is None:
            return None
        _, line, col = self.locate(finding.path, finding.end_line, finding.end_col)
        return line, col

    def fix_edits(self, finding: Finding) -> list[dict] | None:
        """The finding's fix against the files as read: per edit the file, the range it replaces
        (1-based lines and columns, the end exclusive) and the new text, newlines as the file has
        them. None when there is no fix, or it cannot be said that way (it rewrites what an
        earlier fix wrote, creates a file, or is in a markdown answer's block)."""
        if not finding.original_edits:
            return None
        from iacfix.textedit import line_col

        out = []
        for edit in finding.original_edits:
            source = self.result.workspace.sources.get(edit.path)
            if source is None or source.origin is not None:
                return None
            (start_line, start_col), (end_line, end_col) = line_col(source.text, edit.start), line_col(source.text, edit.end)
            out.append(
                {
                    "path": source.display,
                    "start": {"line": start_line, "column": start_col},
                    "end": {"line": end_line, "column": end_col},
                    "content": source.restore(edit.text),
                }
            )
        return out

    def fingerprint(self, finding: Finding, seen: dict) -> str:
        """A key that follows the finding when lines are added above it: its code, file and the
        text of its line (not the line number), with a rank among findings that share them."""
        import hashlib

        path, line, _ = self.locate(finding.path, finding.line, finding.col)
        ws = self.result.workspace
        source = ws.sources.get(finding.path)
        if source is not None and source.origin is not None:
            source = source.origin.markdown
        lines = source.text.split("\n") if source is not None else []
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        key = f"{finding.code}\0{path}\0{text}"
        seen[key] = seen.get(key, 0) + 1
        return hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()[:32]

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
        if self.read_nothing:
            return "warning: No files found under the given paths."
        if not findings:
            return "No findings."
        if self.mode == "write":
            fixed, files = len(findings) - len(remaining), len(self.changes)
            unwritten = sum(f.fixable for f in remaining)  # their files could not be written
            human = len(remaining) - unwritten
            if not fixed and not unwritten:
                return f"Nothing fixed; {_plural(human, 'finding')} need{'s' * (human == 1)} a human."
            text = f"Fixed {_plural(fixed, 'finding')} in {_plural(files, 'file')}"
            if unwritten:
                text += f"; {unwritten} not written (see the errors above)"
            return text + (f"; {human} need a human." if human else ".")
        fixable = sum(f.fixable for f in findings)
        text = f"Found {len(findings)} finding{'s' * (len(findings) != 1)} ({fixable} fixable)."
        unsafe = sum(bool(f.preview) for f in findings)
        if unsafe:
            text += f" {unsafe} more fixable with --unsafe-fixes."
        return text + (" Run with --write to apply the fixes." if fixable else "")


# The past tense the rules' messages give their fixes in, and the verb it comes from.
_DONE = {
    "added": "add", "declared": "declare", "made": "make", "moved": "move", "put": "put", "removed": "remove",
    "renamed": "rename", "replaced": "replace", "scoped": "scope", "set": "set", "suffixed": "suffix", "turned": "turn",
    "used": "use", "wrapped": "wrap",
}  # fmt: skip
_FIX_CLAUSE = re.compile(r"(?:(?<=; )|(?<=: )|^)(" + "|".join(_DONE) + r")\b")
_MORE_DONE = re.compile(r"\b(and|then) (" + "|".join(_DONE) + r")\b")


def unapplied_wording(message: str) -> str:
    """`...; added 3 outputs and used them` → `...; would add 3 outputs and use them`: the clause
    that says what the fix did (the last clause that starts with a verb of _DONE), said of a fix
    that was not applied."""
    clauses = list(_FIX_CLAUSE.finditer(message))
    if not clauses:
        return message
    found = clauses[-1]
    rest = _MORE_DONE.sub(lambda m: f"{m[1]} {_DONE[m[2]]}", message[found.end() :])
    return message[: found.start()] + f"would {_DONE[found[1]]}{rest}"


def report(outcome: Outcome, fmt: str = "text") -> None:
    """Print the outcome of a run in `fmt` (one of FORMATS)."""
    {"text": _text, "json": _json, "sarif": _sarif, "github": _github}[fmt](outcome)


# -- text -------------------------------------------------------------------------------------


def _text(outcome: Outcome) -> None:
    style = Style(colour_enabled(sys.stderr))
    for error in outcome.result.errors:
        severity = style.error(error.severity) if error.severity == "error" else style.note(error.severity)
        _err(f"{_where(outcome, error.path, error.line, style=style)} {severity}: {error.message}")
    for finding in outcome.ordered(outcome.remaining):
        _err(f"{_where(outcome, finding.path, finding.line, finding.col, style)} {style.code(finding.code)} {outcome.message(finding)}")
    previews = [f.preview for f in outcome.remaining if f.preview]
    if previews and outcome.mode != "check" and not outcome.quiet:
        _err("\nUnsafe fixes, not applied (they add infrastructure; apply them with --unsafe-fixes):")
        _err(style.diff("".join(previews).rstrip("\n")))
    diff = outcome.diff()
    if diff:
        diff = Style(colour_enabled(sys.stdout)).diff(diff)
        sys.stdout.buffer.write(diff.encode("utf-8"))  # bytes: a CRLF file's diff keeps its \r
        sys.stdout.flush()
        if outcome.diff_from_root():
            _err("The diff names its files from / (some are outside this folder): apply it there, `git -C / apply`.")
    if not outcome.quiet:
        _err(style.summary(outcome.summary()))


def _where(outcome: Outcome, path: Path, line: int, col: int | None = None, style: Style | None = None) -> str:
    """`path:line:col:` (the colon after it included), coloured as ruff colours it."""
    style = style or Style(False)
    shown, line, col = outcome.locate(path, line, col)
    sep = style.separator(":")
    return f"{style.path(shown)}{sep}{line}" + (f"{sep}{col}" if col is not None else "") + sep


def colour_enabled(stream) -> bool:
    """Colour for `stream`: NO_COLOR (any value) says no; FORCE_COLOR (any value but 0 or false)
    says yes; else only a terminal gets it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class Style:
    """ANSI colours for the text format, or none (every method returns its text as it is)."""

    BOLD, RED, GREEN, YELLOW, CYAN, RESET = "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[36m", "\x1b[0m"

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _paint(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{self.RESET}" if self.enabled and text else text

    def path(self, text: str) -> str:
        return self._paint(text, self.BOLD)

    def separator(self, text: str) -> str:
        return self._paint(text, self.CYAN)

    def code(self, text: str) -> str:
        return self._paint(text, self.BOLD, self.RED)

    def error(self, text: str) -> str:
        return self._paint(text, self.BOLD, self.RED)

    def note(self, text: str) -> str:
        return self._paint(text, self.BOLD, self.CYAN)

    def summary(self, text: str) -> str:
        if text.startswith("warning: "):
            return self._paint("warning", self.BOLD, self.YELLOW) + text[len("warning") :]
        return text

    def diff(self, text: str) -> str:
        """A unified diff with its headers bold, hunks cyan, additions green, removals red;
        each line's ending (\\r\\n kept) after the colour's end."""
        if not self.enabled:
            return text
        out = []
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            end = line[len(body) :]
            if body.startswith(("--- ", "+++ ")):
                body = self._paint(body, self.BOLD)
            elif body.startswith("@@"):
                body = self._paint(body, self.CYAN)
            elif body.startswith("+"):
                body = self._paint(body, self.GREEN)
            elif body.startswith("-"):
                body = self._paint(body, self.RED)
            out.append(body + end)
        return "".join(out)


# -- statistics -------------------------------------------------------------------------------


def statistics(outcome: Outcome) -> list[dict]:
    """The findings left, per rule, the most frequent first (ruff's --statistics)."""
    from iacfix.rules import all_rules

    names = {r.code: r.name for r in all_rules()}
    by_code: dict[str, list[Finding]] = {}
    for finding in outcome.remaining:
        by_code.setdefault(finding.code, []).append(finding)
    rows = [
        {"code": code, "name": names.get(code, ""), "count": len(found), "fixable": sum(f.fixable for f in found)}
        for code, found in by_code.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["code"]))


def report_statistics(outcome: Outcome, fmt: str = "text") -> None:
    """--statistics: a line per rule (count, code, [*] when every finding of it is fixable, the
    rule's name) on stdout instead of the findings and the diff; json: the same rows as a list."""
    rows = statistics(outcome)
    if fmt == "json":
        print(json.dumps(rows, indent=2))
        return
    style = Style(colour_enabled(sys.stdout))
    width = max((len(str(row["count"])) for row in rows), default=1)
    code_width = max((len(row["code"]) for row in rows), default=1)
    for row in rows:
        mark = "[*]" if row["fixable"] == row["count"] else "[-]" if row["fixable"] else "   "
        print(f"{row['count']:>{width}}\t{style.code(row['code'].ljust(code_width))}\t{mark} {row['name']}")
    for error in outcome.result.errors:
        _err(f"{_where(outcome, error.path, error.line)} {error.severity}: {error.message}")
    if not outcome.quiet:
        if any(row["fixable"] for row in rows):
            _err("[*]: every finding fixable, [-]: some (run with --write to apply the fixes)")
        _err(Style(colour_enabled(sys.stderr)).summary(outcome.summary()))


# -- json -------------------------------------------------------------------------------------


def as_json(outcome: Outcome) -> dict:
    """The run as plain data: every finding (with whether it was fixed), every error, the diff."""
    from iacfix import __version__

    fixed = {id(f) for f in outcome.fixed()}

    safety = {r.code: r.fix for r in _rules()}

    def finding(f: Finding) -> dict:
        path, line, col = outcome.locate(f.path, f.line, f.col)
        end = outcome.end(f) or (line, col)
        fix = None
        if f.fixable:
            fix = {"safety": f.safety or safety.get(f.code, "safe"), "applied": id(f) in fixed, "edits": outcome.fix_edits(f)}
        return {
            "path": path,
            "line": line,
            "column": col,
            "end_line": end[0],
            "end_column": end[1],
            "code": f.code,
            "message": outcome.message(f),
            "fixable": f.fixable,
            "fixed": id(f) in fixed,
            "fix": fix,  # its edits against the files as read (null: not expressible so)
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
    from iacfix import __version__, rule_docs
    from iacfix.rules import all_rules

    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    level = {r.code: r.severity for r in rules}

    def artifact(shown: str) -> dict:
        if Path(shown).is_absolute():  # outside the working directory: no base to be relative to
            return {"uri": Path(shown).as_uri()}
        return {"uri": quote(shown), "uriBaseId": SRCROOT}

    def location(path: Path, line: int, col: int | None = None, end: tuple[int, int] | None = None) -> dict:
        shown, line, col = outcome.locate(path, line, col)
        region = {"startLine": line} | ({"startColumn": col} if col is not None else {})
        if end is not None and end >= (line, col or 1):
            region |= {"endLine": end[0], "endColumn": end[1]}
        return {"physicalLocation": {"artifactLocation": artifact(shown), "region": region}}

    def fixes(f: Finding) -> list[dict]:
        edits = outcome.fix_edits(f)
        if not edits:
            return []
        by_file: dict[str, list[dict]] = {}
        for edit in edits:
            start, end = edit["start"], edit["end"]
            by_file.setdefault(edit["path"], []).append(
                {
                    "deletedRegion": {
                        "startLine": start["line"], "startColumn": start["column"],
                        "endLine": end["line"], "endColumn": end["column"],
                    },
                    "insertedContent": {"text": edit["content"]},
                }
            )  # fmt: skip
        changes = [{"artifactLocation": artifact(path), "replacements": replacements} for path, replacements in by_file.items()]
        return [{"description": {"text": f"iacfix {f.code}: {outcome.message(f)}"}, "artifactChanges": changes}]

    seen: dict = {}

    def result(f: Finding) -> dict:
        out = {
            "ruleId": f.code,
            "level": level.get(f.code, "warning"),
            "message": {"text": outcome.message(f)},
            "locations": [location(f.path, f.line, f.col, outcome.end(f))],
            "partialFingerprints": {"iacfixFindingHash/v1": outcome.fingerprint(f, seen)},
            "properties": {"fixable": f.fixable},
        }
        if f.code in index:
            out["ruleIndex"] = index[f.code]
        found_fixes = fixes(f)
        if found_fixes:
            out["fixes"] = found_fixes
        return out

    descriptors = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary()},
            "fullDescription": {"text": r.docs() or r.summary()},
            "help": {"text": f"{r.docs()}\n\nFix: {r.fix} (`iacfix explain {r.code}`)."},
            "helpUri": rule_docs.url(r.code),
            "defaultConfiguration": {"level": r.severity},
            "properties": {
                "fix": r.fix,
                "flavours": list(r.flavours),
                "tags": ["infrastructure-as-code", *r.flavours],
                # code scanning's severity of a non-security rule comes from the level; this one
                # orders them (error > warning > note)
                "problem.severity": {"error": "error", "warning": "warning", "note": "recommendation"}[r.severity],
            },
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
    """Workflow commands (`::error file=...,line=...::message`): GitHub turns each into an
    annotation on those lines of the pull request's diff and of the run's summary; the level is
    the rule's severity (note: notice)."""
    lines = []
    for error in outcome.result.errors:
        path, line, _ = outcome.locate(error.path, error.line)
        level = "error" if error.severity == "error" else "notice"
        lines.append(_command(level, {"file": path, "line": line, "title": "iacfix"}, error.message))
    level = {r.code: {"error": "error", "warning": "warning", "note": "notice"}[r.severity] for r in _rules()}
    for finding in outcome.ordered(outcome.remaining):
        path, line, col = outcome.locate(finding.path, finding.line, finding.col)
        title = f"iacfix {finding.code}" + (" (fixable: iacfix --write)" if finding.fixable else "")
        # at its first line only: GitHub shows a multi-line annotation at its last line
        where = {"file": path, "line": line, "col": col, "title": title}
        lines.append(_command(level.get(finding.code, "warning"), where, outcome.message(finding)))
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


def _rules():
    from iacfix.rules import all_rules

    return all_rules()


def _plural(n: int, one: str) -> str:
    return f"{n} {one}{'s' * (n != 1)}"


def _err(line: str) -> None:
    print(line, file=sys.stderr)
