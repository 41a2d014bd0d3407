"""The files around a CDKTF/Terraform project: `package.json` and GitHub Actions workflows.

They are parsed (so the engine's re-parse check drops a fix that would break one) and edited by
text spans only, so a file keeps its formatting, indentation and key order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iacfix.backends.base import ParsedFile, SourceSyntaxError
from iacfix.model import Edit, Span
from iacfix.textedit import indentation_at, line_number, line_start


def parse(language: str, path: Path, text: str) -> ParsedFile:
    return JsonFile(path, text) if language == "json" else YamlFile(path, text)


class JsonFile(ParsedFile):
    """A package.json: `data` is the parsed document."""

    language = "json"

    def __init__(self, path: Path, text: str):
        super().__init__(path, text)
        try:
            self.data: Any = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise SourceSyntaxError(exc.lineno, exc.colno, exc.msg) from None

    def section(self, key: str) -> dict[str, Any]:
        value = self.data.get(key) if isinstance(self.data, dict) else None
        return value if isinstance(value, dict) else {}

    def scripts(self) -> list[Script]:
        """The `scripts` commands, each spanning the string's content (between its quotes)."""
        span = _member_object_span(self.text, "scripts")
        if span is None:
            return []
        out = []
        for _, start, end in _members(self.text, *span):
            value_at = re.compile(r"\s*").match(self.text, self.text.index(":", _STRING.match(self.text, start).end()) + 1).end()
            if self.text[value_at] == '"':
                line, col = line_number(self.text, value_at), value_at - line_start(self.text, value_at) + 2
                out.append(Script(self.text[value_at + 1 : end - 1], (value_at + 1, end - 1), line, col))
        return out

    def declares(self, package: str) -> bool:
        return any(package in self.section(k) for k in DEPENDENCY_SECTIONS)

    def version_of(self, package: str) -> str | None:
        """The range the file declares for a package (None: not declared, or not a string)."""
        found = next((self.section(k)[package] for k in DEPENDENCY_SECTIONS if package in self.section(k)), None)
        return found if isinstance(found, str) else None

    def add_dependencies(self, key: str, entries: dict[str, str]) -> list[Edit]:
        """Add `"name": "version"` lines to the top-level object `key` (created after the last
        top-level member when missing), each in sorted position, in the file's own style."""
        if not isinstance(self.data, dict):
            return []
        span = _member_object_span(self.text, key)
        if span is None:
            return self._add_section(key, entries)
        return self._insert_sorted(span, entries)

    def _insert_sorted(self, span: Span, entries: dict[str, str]) -> list[Edit]:
        open_at, close_at = span  # the offsets of `{` and `}`
        members = list(_members(self.text, open_at, close_at))
        if not members:
            return self._fill_empty(open_at, close_at, entries)
        indent = indentation_at(self.text, members[0][1])
        inline = "\n" not in self.text[open_at:close_at]  # `{"a": "1"}`: the new member joins the line
        edits: list[Edit] = []
        for name, version in sorted(entries.items()):
            line = f'{"" if inline else indent}{json.dumps(name)}: {json.dumps(version)}'
            after = [m for m in members if m[0] > name]
            if inline:
                at = after[0][1] if after else members[-1][2]
                edits.append(Edit(self.path, at, at, line + ", " if after else ", " + line))
            elif after:  # before the first member that sorts after it: a line of its own
                at = line_start(self.text, after[0][1])
                edits.append(Edit(self.path, at, at, line + ",\n"))
            else:  # after the last member: it gains a comma
                end = members[-1][2]
                edits.append(Edit(self.path, end, end, ",\n" + line))
        return _merge(self.path, edits)

    def _fill_empty(self, open_at: int, close_at: int, entries: dict[str, str]) -> list[Edit]:
        outer = indentation_at(self.text, open_at)
        indent = outer + self._unit()
        body = ",\n".join(f"{indent}{json.dumps(n)}: {json.dumps(v)}" for n, v in sorted(entries.items()))
        return [Edit(self.path, open_at + 1, close_at, f"\n{body}\n{outer}")]

    def _add_section(self, key: str, entries: dict[str, str]) -> list[Edit]:
        top = self.text.find("{")
        close = self.text.rfind("}")
        members = list(_members(self.text, top, close))
        unit = self._unit()
        body = ",\n".join(f"{unit * 2}{json.dumps(n)}: {json.dumps(v)}" for n, v in sorted(entries.items()))
        block = f"{unit}{json.dumps(key)}: {{\n{body}\n{unit}}}"
        if not members:
            return [Edit(self.path, top + 1, close, f"\n{block}\n")]
        end = members[-1][2]
        return [Edit(self.path, end, end, ",\n" + block)]

    def _unit(self) -> str:
        """The file's indentation step (two spaces unless its first member says otherwise)."""
        match = re.search(r"\n([ \t]+)\"", self.text)
        return match.group(1) if match else "  "


DEPENDENCY_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def _merge(path: Path, edits: list[Edit]) -> list[Edit]:
    """Several insertions at one point become one edit (the engine refuses colliding edits)."""
    merged: dict[int, str] = {}
    for edit in edits:
        merged[edit.start] = merged.get(edit.start, "") + edit.text
    return [Edit(path, at, at, text) for at, text in merged.items()]


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _skip_value(text: str, i: int) -> int:
    """The offset just after the JSON value starting at `i` (the text is known to parse)."""
    if text[i] == '"':
        return _STRING.match(text, i).end()
    if text[i] in "{[":
        depth = 0
        while True:
            ch = text[i]
            if ch == '"':
                i = _STRING.match(text, i).end()
                continue
            if ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
    return re.compile(r"[^\s,}\]]+").match(text, i).end()


def _members(text: str, open_at: int, close_at: int) -> Iterator[tuple[str, int, int]]:
    """(key, start of the key, end of the value) of each member of the object at open_at."""
    i = open_at + 1
    while True:
        match = re.compile(r'[\s,]*').match(text, i)
        i = match.end()
        if i >= close_at or text[i] != '"':
            return
        key_match = _STRING.match(text, i)
        key = json.loads(key_match.group())
        colon = text.index(":", key_match.end())
        value_at = re.compile(r"\s*").match(text, colon + 1).end()
        end = _skip_value(text, value_at)
        yield key, i, end
        i = end


def _member_object_span(text: str, key: str) -> Span | None:
    """The `{`..`}` offsets of the top-level member `key` when it is an object."""
    top = text.find("{")
    for name, start, end in _members(text, top, text.rfind("}")):
        if name == key:
            open_at = text.index(":", start) + 1
            open_at = re.compile(r"\s*").match(text, open_at).end()
            return (open_at, end - 1) if text[open_at] == "{" else None
    return None


@dataclass
class Script:
    """A command a workflow step runs (a `run:` value), where it is written."""

    text: str  # the source text of the value (for a block scalar: with its `|` header)
    span: Span
    line: int
    col: int


class YamlFile(ParsedFile):
    """A YAML file (a GitHub Actions workflow). PyYAML's composer gives each node its character
    offsets, so rules find values in the tree and edit the exact source text."""

    language = "yaml"
    comment_prefixes = ("#",)

    def __init__(self, path: Path, text: str):
        super().__init__(path, text)
        import yaml  # PyYAML: the maintained, widely packaged YAML parser with source marks

        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            raise SourceSyntaxError(line, col, str(getattr(exc, "problem", None) or exc)) from None

    def scripts(self) -> list[Script]:
        """Every `run:` value of the file, in order."""
        out = []
        for node in _run_values(self.root):
            start, end = node.start_mark.index, node.end_mark.index
            out.append(Script(self.text[start:end], (start, end), node.start_mark.line + 1, node.start_mark.column + 1))
        return out

    def offset_location(self, offset: int) -> tuple[int, int]:
        return line_number(self.text, offset), offset - line_start(self.text, offset) + 1


def _run_values(node: Any) -> Iterator[Any]:
    """The scalar nodes under a `run:` key, anywhere in a composed YAML document, in order."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "run" and isinstance(value, yaml.ScalarNode):
                yield value
            else:
                yield from _run_values(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _run_values(item)
