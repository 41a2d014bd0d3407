"""Terraform's canonical layout, as `terraform fmt` makes it.

`terraform fmt` is two things (internal/command/fmt.go in Terraform): a few rewrites of its own
on the parsed file, then hclwrite's layout of the tokens (indentation, spaces, `=` and comment
alignment). The layout is HashiCorp's own code: hclwrite compiled to WebAssembly, run by the Node
worker (`TsWorker.fmt`, docs/cdktf-view.md). The rewrites are small and done here, on the HCL
backend's spans: `terraform_rewrites`.

Starting the worker costs about half a second and formatting a big file tens of milliseconds,
so the formatter is asked about a text once: `FmtCache` keeps its answers (by SHA-256, under the
user's cache folder), and a run over files whose every text it has answered never starts Node.
Only the formatter's own answers go into the cache, so it is never wrong about a text. After a
fix, only the top-level blocks it touched are sent (`top_level_chunks`): hclwrite lays each out
on its own.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from iacfix.backends.hcl import Block, HclFile
from iacfix.cache import store, user_cache_dir
from iacfix.model import Edit
from iacfix.textedit import line_number

# Part of the cache key: another formatter build (or what iacfix does around it) may lay text
# out differently.
FORMATTER = "hcl-tools-0.21.0+provider-functions"  # the second part: what _fmt adds to it

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
    return list(_rewrites(file, file.blocks, top_level=True))


def _rewrites(file: HclFile, blocks: list[Block], top_level: bool) -> Iterator[Edit]:
    for block in blocks:
        yield from _label_edits(file, block)
        for attr in block.attributes:
            value = attr.prop.value
            if top_level and block.type == "variable" and attr.key == "type":
                new = _LEGACY_TYPES.get(value.text) or _BARE_COLLECTIONS.get(value.text)
            else:
                new = _unwrapped(value.text) if value.kind == "template" else None
            if new is not None:
                yield Edit(file.path, value.span[0], value.span[1], new)
        yield from _rewrites(file, block.blocks, top_level=False)


def _unwrapped(text: str) -> str | None:
    """`x` for a string that is exactly one interpolation `"${x}"`, else None."""
    if not (text.startswith('"${') and text.endswith('}"')):
        return None
    from iacfix.backends import hcl_fast

    sole = hcl_fast.sole_interpolation(text)
    if sole is None:
        sole = _sole_interpolation_lark(text)
    if not sole:
        return None  # literal text, several interpolations or a directive: kept as a template
    inner = text[3:-2].strip(" \t\n")  # the blanks hclwrite would lay out again
    if "\n" in inner and not (inner.lstrip().startswith("(") and inner.rstrip().endswith(")")):
        return f"({inner})"
    return inner


def _sole_interpolation_lark(text: str) -> bool:
    """sole_interpolation by python-hcl2, where tree-sitter is not installed (about 10 ms)."""
    import hcl2
    from lark import Tree

    try:
        string = hcl2.parses_to_tree(f"x = {text}\n").children[0].children[0].children[2].children[0]
    except Exception:
        return False
    parts = [c for c in string.children if isinstance(c, Tree)]
    return len(parts) == 1 and bool(parts[0].children) and getattr(parts[0].children[0], "data", None) == "interpolation"


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


def canonical(file: HclFile, worker=None, original: str | None = None) -> Formatted:
    """The file as `terraform fmt` would write it (the worker is started when needed).

    `original` is the file's text before this run's fixes. When the cache knows it canonical,
    only the top-level blocks that changed since are sent to the formatter: hclwrite lays out
    each top-level block on its own (`top_level_chunks`), so the others are canonical already.
    """
    from iacfix.textedit import apply_edits

    cache = FmtCache.default()
    if cache.known(file.text):
        return Formatted(file.text, False, 1)
    if worker is None:
        from iacfix.backends.node import get_worker

        worker = get_worker()
    rewrites = terraform_rewrites(file)
    settled = _settled_chunks(original, cache)
    big = len(file.text) > PIECE_CHARS
    chunks = _rewritten_chunks(file, rewrites) if settled or big else None
    if chunks is None:
        chunks, settled = [apply_edits(file.text, rewrites)], set()
    elif not settled:  # a big file: the formatter is given pieces of it, not all of it at once
        chunks = _joined(chunks, PIECE_CHARS)
    laid_out, verify = [], []
    for chunk in chunks:
        out = chunk if chunk in settled else cache.formatted(chunk)
        if out is None:
            out = _fmt(worker, chunk)
            if _blanks_removed(out) != _blanks_removed(chunk):
                raise FormatterError("the formatter changed more than blanks; file left as it is")
            cache.remember(chunk, out)
        if out != chunk and not cache.known(out):
            verify.append(out)
        laid_out.append(out)
    text = "".join(laid_out)
    # What the formatter made is canonical once it leaves it as it is: asked once, remembered.
    for out in verify:
        again = _fmt(worker, out)
        cache.remember(out, again)
        if again != out:
            break
    else:
        cache.remember(text)
    if text == file.text:
        return Formatted(text, False, 1)
    return Formatted(text, True, _first_difference(file.text, text))


# A provider-defined function, `provider::terraform::encode_expr(...)` (Terraform 1.8): the
# hclwrite the worker runs predates the `::` token and writes `provider : : terraform : : ...`.
_PROVIDER_FUNCTION = re.compile(r"\bprovider::[A-Za-z_][\w-]*::[A-Za-z_][\w-]*")
_FILLERS = ("__", "_9", "9_", "99")  # what stands in for `::`, the same width, so the layout is the same


def _fmt(worker, text: str) -> str:
    """The worker's layout of `text`, with each provider function's name written as one
    identifier of the same width while hclwrite lays it out, then written back."""
    names = set(_PROVIDER_FUNCTION.findall(text))
    if not names:
        return worker.fmt(text)
    for filler in _FILLERS:
        stand_ins = {name.replace("::", filler): name for name in names}
        if not any(stand_in in text for stand_in in stand_ins):
            break
    else:
        raise FormatterError("cannot lay out its provider function names; file left as it is")
    pattern = re.compile("|".join(re.escape(s) for s in sorted(stand_ins, key=len, reverse=True)))
    laid_out = worker.fmt(_PROVIDER_FUNCTION.sub(lambda m: m.group().replace("::", filler), text))
    return pattern.sub(lambda m: stand_ins[m.group()], laid_out)


# A bigger file is given to the formatter in pieces of about this size (whole top-level blocks):
# hclwrite held about 120 bytes per byte of a 5 MB file given whole, in the Node worker.
PIECE_CHARS = 1 << 16


def _joined(chunks: list[str], size: int) -> list[str]:
    """Consecutive chunks joined into pieces of at least `size` characters (the last may be less)."""
    pieces, current = [], []
    length = 0
    for chunk in chunks:
        current.append(chunk)
        length += len(chunk)
        if length >= size:
            pieces.append("".join(current))
            current, length = [], 0
    if current:
        pieces.append("".join(current))
    return pieces


def top_level_chunks(file: HclFile) -> list[int]:
    """Where the file splits into pieces hclwrite lays out independently: after the line that
    ends each top-level block (its closing brace and any comment after it). The corpus's 8,250
    .tf texts (final sources, answer blocks, and the same with alignment removed) each came out
    the same formatted whole and formatted piece by piece."""
    text, bounds = file.text, []
    starts = [b.span[0] for b in file.blocks[1:]] + [len(text) + 1]
    for block, next_start in zip(file.blocks, starts):
        newline = text.find("\n", block.span[1])
        if 0 <= newline < next_start:
            bounds.append(newline + 1)
    return bounds


def _pieces(text: str, bounds: list[int]) -> list[tuple[int, int]]:
    """(start, end) of each piece of `text` cut at `bounds`."""
    edges = [0, *bounds, len(text)]
    return list(zip(edges, edges[1:]))


def _split(text: str, bounds: list[int]) -> list[str]:
    return [text[a:b] for a, b in _pieces(text, bounds)]


_settled: dict[str, frozenset[str]] = {}  # a canonical original text → its chunks


def _settled_chunks(original: str | None, cache: FmtCache) -> frozenset[str]:
    """The chunks of `original` when the cache knows it canonical (each is canonical then)."""
    if not original or not cache.known(original):
        return frozenset()
    if original not in _settled:
        from iacfix.backends.base import SourceSyntaxError
        from iacfix.backends.hcl import parse

        try:
            parsed = parse(Path("original.tf"), original)
        except SourceSyntaxError:
            return frozenset()
        _settled.clear()  # one file at a time: keep no more than the last
        _settled[original] = frozenset(_split(original, top_level_chunks(parsed)))
    return _settled[original]


def _rewritten_chunks(file: HclFile, rewrites: list[Edit]) -> list[str] | None:
    """The file's chunks with terraform fmt's rewrites applied (each lies inside one block), or
    None when a rewrite crosses a chunk boundary."""
    from iacfix.textedit import apply_edits

    bounds = top_level_chunks(file)
    if any(e.start < b < e.end for e in rewrites for b in bounds):
        return None
    end_of_text = len(file.text)
    pieces = []
    for start, end in _pieces(file.text, bounds):
        inside = [e for e in rewrites if start <= e.start < end or e.start == end == end_of_text]
        shifted = [Edit(e.path, e.start - start, e.end - start, e.text) for e in inside]
        pieces.append(apply_edits(file.text[start:end], shifted))
    return pieces


class FormatterError(RuntimeError):
    """The formatter's answer cannot be used."""


def _blanks_removed(text: str) -> str:
    return re.sub(r"[ \t\n\r]+", "", text)


def _first_difference(a: str, b: str) -> int:
    """The line of `a` where `b` first differs from it (a bisection of prefixes compared in C:
    a character-by-character loop took a second on a 5 MB file)."""
    low, high = 0, min(len(a), len(b))  # a[:low] == b[:low]; the first difference is at or before high
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return line_number(a, low)


class FmtCache:
    """The formatter's answers: for each text it was given (by SHA-256), what it made of it.

    One file per text under hcl-fmt/<formatter>/ in `user_cache_dir()` (none: this process
    only): empty when the text was canonical, else the formatted text, zlib-compressed (written
    by `cache.store`).
    """

    _instances: dict[Path | None, FmtCache] = {}

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._answers: dict[str, str | None] = {}  # key → formatted text (None: unchanged)

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

    def formatted(self, text: str) -> str | None:
        """What the formatter made of `text`, or None when it never saw it."""
        key = self.key(text)
        if key not in self._answers:
            if self.folder is None:
                return None
            try:
                data = (self.folder / key[:2] / key).read_bytes()
                self._answers[key] = zlib.decompress(data).decode("utf-8") if data else None
            except (OSError, zlib.error, UnicodeDecodeError):
                return None
        answer = self._answers[key]
        return text if answer is None else answer

    def known(self, text: str) -> bool:
        """The formatter left `text` as it was."""
        return self.formatted(text) == text

    def remember(self, text: str, formatted: str | None = None) -> None:
        """The formatter made `formatted` of `text` (None or the same text: left it as it was)."""
        key = self.key(text)
        answer = None if formatted is None or formatted == text else formatted
        self._answers[key] = answer
        if self.folder is None:
            return
        store(self.folder / key[:2] / key, zlib.compress(answer.encode("utf-8")) if answer is not None else b"")
