"""New resources written in a file's own language, for the rules that scaffold infrastructure.

A scaffold is a list of `New` resources whose attribute values are already expressions of the
target language (`Ref` builds references to the new ones). `render` lays them out as HCL
blocks, TypeScript `const x = new X(scope, 'id', {...});` or Python `x = X(scope, "id", ...)`
(`python_call` lays a Python call out as black does, for any rule that writes one), and `place`
finds where new statements go in a CDKTF function so that everything they refer to already
exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iacfix.textedit import PY_LINE_LENGTH, camel_case, line_end, line_start


@dataclass
class New:
    type: str  # Terraform type: aws_eip
    label: str  # HCL label and, with dashes, the CDKTF construct id: nat_eip / nat-eip
    attrs: list[tuple[str, str]] = field(default_factory=list)  # (terraform name, expression text)
    cls: str = ""  # the CDKTF class reference (`Eip`, `aws.eip.Eip`)
    each: tuple[str, str, str] | None = None  # CDKTF: (collection, item var, index var): one per item
    bare: bool = False  # CDKTF: not assigned to a variable (nothing refers to it)
    id: str = ""  # CDKTF: the construct id, when not the label with dashes

    def var(self, language: str) -> str:
        return camel_case(self.label) if language == "typescript" else self.label

    def ref(self, language: str, attr: str = "id") -> str:
        if language == "hcl":
            return f"{self.type}.{self.label}.{attr}"
        return f"{self.var(language)}.{camel_case(attr) if language == 'typescript' else attr}"


def unique_label(label: str, taken: set) -> str:
    """`label`, or `label_2`, `label_3`...: the first that neither it nor its dashed form (a CDKTF
    construct id) is in `taken`."""
    out, n = label, 2
    while out in taken or out.replace("_", "-") in taken:
        out, n = f"{label}_{n}", n + 1
    return out


def render(file, items: list[New], indent: str, scope: str = "") -> str:
    """The text of the new resources, each ending with a newline, separated by blank lines."""
    blocks = [_render_one(file, item, indent, scope) for item in items]
    return "\n".join(blocks)


def _render_one(file, item: New, indent: str, scope: str) -> str:
    lang = file.language
    if lang == "hcl":
        width = max((len(k) for k, _ in item.attrs), default=0)
        body = "".join(f"{indent}  {k.ljust(width)} = {v}\n" for k, v in item.attrs)
        return f'{indent}resource "{item.type}" "{item.label}" {{\n{body}{indent}}}\n'
    ident = item.id or item.label.replace("_", "-")
    inner = indent + ("  " if lang == "typescript" else "    ") if item.each else indent
    if item.each:
        ident_text = f"`{ident}-${{{item.each[2]}}}`" if lang == "typescript" else f'f"{ident}-{{{item.each[2]}}}"'
    else:
        ident_text = file.literal(ident)
    if not item.attrs and not item.each:  # a construct without configuration: one line
        if lang == "typescript":
            assign = "" if item.bare else f"const {item.var(lang)} = "
            return f"{indent}{assign}new {item.cls}({scope or 'this'}, {ident_text});\n"
        assign = "" if item.bare else f"{item.var(lang)} = "
        return python_call(indent, f"{assign}{item.cls}", [scope or "self", ident_text])
    if lang == "typescript":
        props = "".join(f"{inner}  {camel_case(k)}: {v},\n" for k, v in item.attrs)
        assign = "" if item.bare or item.each else f"const {item.var(lang)} = "
        stmt = f"{inner}{assign}new {item.cls}({scope or 'this'}, {ident_text}, {{\n{props}{inner}}});\n"
        if item.each:
            coll, var, index = item.each
            return f"{indent}{coll}.forEach(({var}, {index}) => {{\n{stmt}{indent}}});\n"
        return stmt
    args = "".join(f"{inner}    {k}={v},\n" for k, v in item.attrs)
    assign = "" if item.bare or item.each else f"{item.var(lang)} = "
    stmt = f"{inner}{assign}{item.cls}(\n{inner}    {scope or 'self'},\n{inner}    {ident_text},\n{args}{inner})\n"
    if item.each:
        coll, var, index = item.each
        return f"{indent}for {index}, {var} in enumerate({coll}):\n{stmt}"
    return stmt


def python_call(indent: str, callee: str, args: list[str]) -> str:
    """The Python statement `callee(args)` (`callee` may be `x = Cls`) laid out as black lays it
    out: on one line when it fits in 88 columns; else the arguments on a line of their own when
    that fits; else one argument a line, with a trailing comma. Ends with a newline."""
    line = f"{indent}{callee}({', '.join(args)})"
    if len(line) <= PY_LINE_LENGTH:
        return line + "\n"
    inner = indent + "    "
    if len(inner) + len(", ".join(args)) <= PY_LINE_LENGTH:
        return f"{indent}{callee}(\n{inner}{', '.join(args)}\n{indent})\n"
    return f"{indent}{callee}(\n" + "".join(f"{inner}{arg},\n" for arg in args) + f"{indent})\n"


def place(text: str, after: int, indent: str) -> int:
    """Where statements at `indent` go once the code up to offset `after` has run: the end of
    the last non-blank line before the first line after it that is indented no deeper than
    `indent` and does not close a bracket (the rest of a loop or a call is skipped)."""
    pos = line_end(text, after)
    last = pos
    while pos < len(text):
        start = pos + 1
        end = line_end(text, start)
        line = text[start:end]
        stripped = line.strip()
        pos = end
        if not stripped:
            continue
        depth = len(line) - len(line.lstrip(" \t"))
        if depth > len(indent) or (depth == len(indent) and stripped[0] in ")]}"):
            last = end
            continue
        break
    return last


def statement_indent(text: str, offset: int) -> str:
    start = line_start(text, offset)
    line = text[start : line_end(text, start)]
    return line[: len(line) - len(line.lstrip(" \t"))]
