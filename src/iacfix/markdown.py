"""A model's markdown answer as a project: its fenced code blocks are the files.

Each block is named by what names it in practice: a first-line comment (`// lib/tap-stack.ts`,
`# main.tf - the network`), or the nearest line above it (a heading `### lib/tap-stack.ts`, a bold
line `**Path:** \\`lib/eks.tf\\``, or a sentence ending in a colon that names a file). A block with no
name gets one from its language and position, and a note says so. Only the text between the
fences is ever changed, so prose, block order and fences survive a rewrite.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Fence info strings and file suffixes, to the language iacfix reads (others are kept verbatim).
LANGUAGE_BY_INFO = {
    "ts": "typescript", "typescript": "typescript",
    "py": "python", "python": "python",
    "hcl": "hcl", "terraform": "hcl", "tf": "hcl",
}
SUFFIX_BY_LANGUAGE = {"typescript": ".ts", "python": ".py", "hcl": ".tf"}
LANGUAGE_BY_SUFFIX = {v: k for k, v in SUFFIX_BY_LANGUAGE.items()}

_LINE_COMMENT = {"typescript": "//", "python": "#", "hcl": "#"}
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
_FILE_NAME = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.(?:ts|py|tf))(?![\w.-])")
_COMMENT_NAME = re.compile(r"^\s*(?://|#)\s*(?:File:\s*)?`?((?:[\w.-]+/)*[\w.-]+\.(?:ts|py|tf))`?(?:\s|$|:)")


@dataclass
class Block:
    index: int  # 0-based among all fenced blocks of the answer
    info: str  # the fence's info string ("typescript", "hcl", ...)
    language: str | None  # "typescript" / "python" / "hcl", None for anything else
    name: str | None  # relative file name, None when nothing names it
    start: int  # character offset of the content's first line in the markdown
    end: int  # character offset just after the content's last newline
    first_line: int  # 1-based markdown line of the content's first line
    indent: str  # the fence's indentation, stripped from and restored to content lines
    truncated: bool  # the fence is never closed: the answer was cut off
    created: bool = False  # a block a fix adds to the answer (`new_block`): start == end, where it goes
    lead: str = "\n"  # created: what separates it from the text before (a blank line) ...
    trail: str = ""  # ... and from the text after

    def content(self, markdown: str) -> str:
        lines = markdown[self.start : self.end].split("\n")
        return "\n".join(line[len(self.indent) :] if line.startswith(self.indent) else line for line in lines)

    def render(self, content: str) -> str:
        """Content back as it stands between the fences (the fence's indentation restored); for
        a created block, the whole block: its name on a bold line, then the fenced content."""
        if self.created:
            fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", content))])
            body = content if content.endswith("\n") else content + "\n"
            if name_line_end(body):  # a first-line comment naming a file would name the block
                body = f"{_LINE_COMMENT[self.language]} {self.name}\n{body}"
            return f"{self.lead}**{self.name}**\n\n{fence}{self.info}\n{body}{fence}\n{self.trail}"
        if not self.indent:
            return content
        return "\n".join(self.indent + line if line else line for line in content.split("\n"))


def new_block(markdown: str, name: str, language: str) -> Block:
    """A block to add to an answer, for a fix that creates a file (the provider.tf an answer
    lacks): appended after the answer's last fenced block, so that no block before it changes
    its place or its `block-<n>` name (an answer cut off inside a block gets it just before that
    block, whose content is not read anyway), with the info string of the answer's last block of
    that language, and named by a bold line above it, which `split_blocks` reads back as its
    name. Its content starts empty; `render` writes the whole block."""
    blocks = split_blocks(markdown)
    info = next((b.info for b in reversed(blocks) if b.language == language and b.info), None)
    info = info or next(k for k, v in LANGUAGE_BY_INFO.items() if v == language)
    lead, trail = "\n", ""
    if blocks and blocks[-1].truncated:  # before the cut-off block's opening fence
        at = markdown.rfind("\n", 0, blocks[-1].start - 1) + 1
        lead, trail = "", "\n"
    elif blocks:
        newline = markdown.find("\n", blocks[-1].end)
        at = len(markdown) if newline < 0 else newline + 1
    else:
        at = len(markdown)
    if at == len(markdown) and markdown and not markdown.endswith("\n"):
        lead = "\n\n"  # the answer's last line has no newline
    # the content's first line: after the lead, the bold name, a blank line and the fence
    first_line = markdown.count("\n", 0, at) + 1 + lead.count("\n") + 3
    return Block(len(blocks), info, language, name, at, at, first_line, "", False, created=True, lead=lead, trail=trail)


def split_blocks(markdown: str) -> list[Block]:
    lines = markdown.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening or not _opens(opening):
            i += 1
            continue
        fence, indent = opening.group("fence"), opening.group("indent")
        close = next(
            (j for j in range(i + 1, len(lines)) if re.match(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", lines[j])),
            None,
        )
        content_end = close if close is not None else len(lines)
        info = opening.group("info").strip().split()[0].lower() if opening.group("info").strip() else ""
        start = min(offsets[i + 1], len(markdown))
        end = min(offsets[content_end], len(markdown)) if close is not None else len(markdown)
        block = Block(len(blocks), info, LANGUAGE_BY_INFO.get(info), None, start, end, i + 2, indent, close is None)
        block.name = _name(lines, i, block.content(markdown))
        if block.language is None and block.name:
            block.language = LANGUAGE_BY_SUFFIX.get("." + block.name.rsplit(".", 1)[-1])
        if block.language is None and not block.truncated:
            _project_file(block, lines, i, block.content(markdown))
        if block.language == "hcl" and block.name is None and not block.truncated and _values_only(block.content(markdown)):
            block.name, block.language = f"block-{block.index + 1}.tfvars", None
        blocks.append(block)
        i = content_end + 1
    return blocks


_PROJECT_FILE_NAME = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*(?:package\.json|[\w.-]+\.ya?ml))(?![\w.-])")
_WORKFLOW = re.compile(r"^jobs:\s*$", re.M)


def _project_file(block: Block, lines: list[str], fence_line: int, content: str) -> None:
    """A package.json block, or a GitHub Actions workflow block, is a file of the project too
    (read by the PKG / CI rules); other JSON and YAML blocks stay prose."""
    if block.info not in ("json", "jsonc", "yaml", "yml", ""):
        return
    first = next((l for l in content.split("\n") if l.strip()), "")
    names = _PROJECT_FILE_NAME.findall(first) if first.lstrip().startswith(("#", "//")) else []
    for line in reversed(lines[max(0, fence_line - 3) : fence_line]):
        if names or not line.strip():
            continue
        if line.strip().startswith(("#", "**")) or line.strip().endswith(":"):
            names = _PROJECT_FILE_NAME.findall(line)
        break
    name = names[-1].removeprefix("./") if names else None  # keeps the dot of .github/
    if block.info in ("json", "jsonc", "") and content.lstrip().startswith("{"):
        if name and name.endswith("package.json") or not name and re.search(r'"(?:dev)?[dD]ependencies"\s*:', content):
            found = name or "package.json", "json"
        else:
            return
    elif block.info in ("yaml", "yml", "") and _WORKFLOW.search(content) and "steps:" in content:
        if name is not None and not name.endswith((".yml", ".yaml")):
            return
        found = name or f".github/workflows/block-{block.index + 1}.yml", "yaml"
    else:
        return
    if _parses(found[1], content):  # a sketch with comments or "..." is prose, not a file
        block.name, block.language = found


def _parses(language: str, content: str) -> bool:
    import json

    import yaml

    try:
        if language == "json":
            json.loads(content)
        else:
            yaml.safe_load(content)
    except (ValueError, yaml.YAMLError):
        return False
    return True


def _opens(match: re.Match[str]) -> bool:
    # A backtick fence's info string may not contain a backtick (CommonMark); `_FENCE` already
    # excludes it, so every match opens a block.
    return True


def _name(lines: list[str], fence_line: int, content: str) -> str | None:
    first = next((l for l in content.split("\n") if l.strip()), "")
    match = _COMMENT_NAME.match(first)
    if match:
        return _clean(match.group(1))
    for line in reversed(lines[max(0, fence_line - 3) : fence_line]):
        text = line.strip()
        if not text:
            continue
        if text.startswith("#") or text.startswith("**") or text.endswith(":"):
            names = _FILE_NAME.findall(text)
            if names:
                return _clean(names[-1])
        break  # the nearest non-blank line says nothing: the block is unnamed
    return None


def name_line_end(content: str) -> int:
    """Where the comment line that names a block ends (`// lib/tap-stack.ts`, `# main.tf`), 0
    when its first line names nothing: a fix that removes the code below it must keep it, or
    the block loses its name."""
    first = next((line for line in content.split("\n") if line.strip()), "")
    if not _COMMENT_NAME.match(first):
        return 0
    end = content.index(first) + len(first)
    return min(end + 1, len(content))


_BLOCK_OPENING = re.compile(r'^[A-Za-z_][\w-]*(?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*\s*\{', re.M)
_VALUE_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*=", re.M)


def _values_only(content: str) -> bool:
    """An HCL block that only sets values (`environment = "prod"`, no block): a terraform.tfvars
    the answer names in a way not read (`(/lib/terraform.tfvars)`), or not at all. Read as a .tf
    file, each of its lines is an argument Terraform rejects, and a fix writing a reference or a
    `data` block into it breaks the values file it is: it gets `block-<n>.tfvars`, not read."""
    return bool(_VALUE_LINE.search(content)) and not _BLOCK_OPENING.search(content)


def _clean(name: str) -> str:
    return name.lstrip("./")


def assign_names(blocks: list[Block]) -> list[str]:
    """Unnamed blocks of a known language get `block-<n>.<suffix>`; a name used again by a later
    block (a revised version of the file) keeps the latest block and marks earlier ones."""
    notes = []
    for block in blocks:
        if block.language and not block.name:
            block.name = f"block-{block.index + 1}{SUFFIX_BY_LANGUAGE[block.language]}"
            if not block.truncated:  # a cut-off block is reported as such
                notes.append((block, f"unnamed ```{block.info or block.language} block read as {block.name}"))
        elif block.name == f"block-{block.index + 1}.tfvars":  # split_blocks: _values_only
            notes.append((block, f"unnamed ```{block.info} block of values only taken for a .tfvars file: not read"))
    counts = Counter(b.name for b in blocks if b.language)
    seen: Counter[str] = Counter()
    for block in blocks:
        if block.language and counts[block.name] > 1:
            seen[block.name] += 1
            if seen[block.name] < counts[block.name]:
                notes.append((block, f"an earlier version of {block.name}: only the last one is repaired"))
                block.language = None
    return notes
