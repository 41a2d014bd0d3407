"""Terraform's canonical layout, as `terraform fmt` makes it.

`terraform fmt` is two things (internal/command/fmt.go in Terraform): a few rewrites of its own
on the parsed file, then hclwrite's layout of the tokens (indentation, spaces, `=` and comment
alignment). The layout is HashiCorp's own code: hclwrite compiled to WebAssembly, run by the Node
worker (`TsWorker.fmt`, docs/cdktf-view.md). The rewrites are small and done here, on the HCL
backend's spans: `terraform_rewrites`.

Starting the worker costs about half a second, so a text already known to be canonical is not
sent again: `FmtCache` remembers the texts the formatter left unchanged (by SHA-256, one empty
file each under the user's cache folder), and a run over files that are canonical and that no
rule changed never starts Node. Only the formatter's own verdict goes into the cache, so it is
never wrong about a text; a text not in it is sent to the formatter.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from iacfix.backends.hcl import Block, HclFile
from iacfix.cache import user_cache_dir
from iacfix.model import Edit
from iacfix.textedit import line_number

# Part of the cache key: another formatter build may lay text out differently.
FORMATTER = "hcl-tools-0.21.0"

# `type = "string"` (Terraform 0.11 syntax) and a bare collection keyword, as terraform fmt
# rewrites them in a top-level `variable` block.
_LEGACY_TYPES = {'"string"': "string", '"list"': "list(string)", '"map"': "map(string)"}
_BARE_COLLECTIONS = {"list": "list(any)", "map": "map(any)", "set": "set(any)"}

_LABEL = re.compile(r'\s*(?:"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*)')


def terraform_rewrites(file: HclFile) -> list[Edit]:
    """The edits `terraform fmt` makes before hclwrite lays the file out:

    - an attribute whose whole value is one interpolation, `"${x}"`, becomes `x`
      (parenthesised when it spans lines and is not already);
    - in a top-level `variable` block, `type = "string"` / `"list"` / `"map"` becomes
      `string` / `list(string)` / `map(string)`, and a bare `list` / `map` / `set` gets `(any)`;
    - block labels are written quoted, with nothing but blanks between them.
    """
    edits: list[Edit] = []

    def walk(blocks: list[Block], outer: list[str]) -> None:
        for block in blocks:
            edits.extend(_label_edits(file, block))
            for attr in block.attributes:
                value = attr.prop.value
                if outer == [] and block.type == "variable" and attr.key == "type":
                    new = _LEGACY_TYPES.get(value.text) or _BARE_COLLECTIONS.get(value.text)
                else:
                    new = _unwrapped(value.text) if value.kind == "template" else None
                if new is not None:
                    edits.append(Edit(file.path, value.span[0], value.span[1], new))
            walk(block.blocks, [*outer, block.type])

    walk(file.blocks, [])
    return edits


def _unwrapped(text: str) -> str | None:
    """`x` for a string that is exactly one interpolation `"${x}"`, else None."""
    if not (text.startswith('"${') and text.endswith('}"')):
        return None
    import hcl2
    from lark import Tree

    try:
        string = hcl2.parses_to_tree(f"x = {text}\n").children[0].children[0].children[2].children[0]
    except Exception:
        return None
    parts = [c for c in string.children if isinstance(c, Tree)]
    if len(parts) != 1 or not parts[0].children or getattr(parts[0].children[0], "data", None) != "interpolation":
        return None  # literal text, several interpolations or a directive: kept as a template
    inner = text[3:-2].strip(" \t\n")  # the blanks hclwrite would lay out again
    if "\n" in inner and not (inner.lstrip().startswith("(") and inner.rstrip().endswith(")")):
        return f"({inner})"
    return inner


def _label_edits(file: HclFile, block: Block) -> list[Edit]:
    """Rewrite a block header whose labels are not all quoted and blank-separated."""
    start = block.span[0] + len(block.type)
    header = file.text[start : block.body_span[0] - 1]
    pos, quoted_only = 0, True
    for _ in block.labels:
        match = _LABEL.match(header, pos)
        if match is None:
            return []  # not what we expected: leave it to hclwrite
        quoted_only &= match.group().lstrip().startswith('"')
        pos = match.end()
    if quoted_only and not header[pos:].strip():
        return []
    labels = "".join(f" {file.literal(label)}" for label in block.labels)
    return [Edit(file.path, start, block.body_span[0] - 1, labels + " ")]


@dataclass
class Formatted:
    text: str  # the canonical text
    changed: bool
    line: int  # first line that differs (1 when unchanged)


def canonical(file: HclFile, worker=None) -> Formatted:
    """The file as `terraform fmt` would write it (the worker is started when needed)."""
    from iacfix.textedit import apply_edits

    cache = FmtCache.default()
    if cache.known(file.text):
        return Formatted(file.text, False, 1)
    if worker is None:
        from iacfix.backends.node import get_worker

        worker = get_worker()
    rewritten = apply_edits(file.text, terraform_rewrites(file))
    text = worker.fmt(rewritten)
    if _blanks_removed(text) != _blanks_removed(rewritten):
        raise FormatterError("the formatter changed more than blanks; file left as it is")
    if text == file.text:
        cache.remember(text)
        return Formatted(text, False, 1)
    if worker.fmt(text) == text:  # canonical now: the next run need not ask again
        cache.remember(text)
    return Formatted(text, True, _first_difference(file.text, text))


class FormatterError(RuntimeError):
    """The formatter's answer cannot be used."""


def _blanks_removed(text: str) -> str:
    return re.sub(r"[ \t\n\r]+", "", text)


def _first_difference(a: str, b: str) -> int:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return line_number(a, i)


class FmtCache:
    """Texts the formatter left unchanged, one empty file per SHA-256 of the text.

    Folder: hcl-fmt/<formatter>/ in `user_cache_dir()` (none: no cache). A cache that cannot be
    written is skipped.
    """

    _instances: dict[Path | None, FmtCache] = {}

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._known: set[str] = set()

    @classmethod
    def default(cls) -> FmtCache:
        folder = user_cache_dir()
        folder = folder / "hcl-fmt" / FORMATTER if folder is not None else None
        if folder not in cls._instances:
            cls._instances[folder] = cls(folder)
        return cls._instances[folder]

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def known(self, text: str) -> bool:
        key = self.key(text)
        if key in self._known:
            return True
        if self.folder is not None and (self.folder / key[:2] / key).is_file():
            self._known.add(key)
            return True
        return False

    def remember(self, text: str) -> None:
        key = self.key(text)
        self._known.add(key)
        if self.folder is None:
            return
        try:
            (self.folder / key[:2]).mkdir(parents=True, exist_ok=True)
            (self.folder / key[:2] / key).touch()
        except OSError:
            pass  # a read-only home: only this process remembers
