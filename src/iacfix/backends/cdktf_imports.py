"""Import statements in a CDKTF file: adding names to an import, or new statements, in the style
of the file's imports (what `CdktfFile.add_import` and the rules' import fixes render).

TypeScript imports go beside the file's imports of their kind in their style (quotes,
semicolons); Python imports where isort (ruff's I001) sorts them and wrapped as black wraps them.
"""

from __future__ import annotations

import re
import sys

from iacfix.backends.cdktf_view import Import
from iacfix.model import Edit
from iacfix.textedit import PY_LINE_LENGTH, indentation_at, line_end, line_start

CDKTF = "cdktf"

# the AWS provider package; its root is also reached as `@cdktf/provider-aws/lib` (its index),
# which models write too
TS_PROVIDER_MODULE = re.compile(r"^@cdktf/provider-aws(?:/lib(?:/(?!index(?:\.js)?$)(?P<module>[a-z0-9-]+))?)?(?:/index(?:\.js)?)?$")
PY_PROVIDER_MODULE = re.compile(r"^cdktf_cdktf_provider_aws(?:\.(?P<module>\w+))?$")


def is_provider_module(file, module: str) -> bool:
    """Whether `module` is (a module of) the AWS provider package, in the file's language."""
    return bool((PY_PROVIDER_MODULE if file.language == "python" else TS_PROVIDER_MODULE).match(module))


def import_edits(file, wanted: dict[str, list[str]]) -> list[Edit]:
    """The edits importing each module's names that the file does not import yet: added to an
    import from the same module, else new statements in the style of the file's imports.

    TypeScript: appended to the import's names; a new statement after the last import of its
    kind (provider modules after the last provider import, others after the last import).
    Python, as black and isort (ruff's I001) lay imports out: the names and the new statements
    sorted where they go, an import longer than 88 columns one name a line in parentheses.
    """
    wanted = {
        module: [n for n in dict.fromkeys(names) if n not in file.imported]
        for module, names in wanted.items()
    }
    wanted = {module: names for module, names in wanted.items() if names}
    if file.language == "python":
        return _python_imports(file, wanted)
    imports = file.typed_view.imports
    edits, statements = [], []
    for module, group in wanted.items():
        existing = next((i for i in imports if i.module == module and i.names), None)
        if existing is not None:
            at = existing.names[-1].span[1]
            edits.append(Edit(file.path, at, at, "".join(f", {n}" for n in group)))
        else:
            statements.append((module, ", ".join(group)))
    if not statements:
        return edits
    provider = [i for i in imports if is_provider_module(file, i.module)]
    anchors = provider if provider and all(is_provider_module(file, m) for m, _ in statements) else imports
    anchor = anchors[-1] if anchors else None
    text = "".join(_statement(file, anchor, module, group) + "\n" for module, group in statements)
    if anchor is None:
        return edits + [Edit(file.path, 0, 0, text)]
    at = min(line_end(file.text, anchor.span[1]) + 1, len(file.text))
    if at == len(file.text) and not file.text.endswith("\n"):
        text = "\n" + text.rstrip("\n")
    return edits + [Edit(file.path, at, at, text)]


# -- Python: where black and isort put an import ---------------------------------------------------

def _member_key(name: str) -> tuple:
    """isort's order of the names of a `from` import (order_by_type, case-insensitive):
    CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def _module_key(module: str) -> tuple:
    return module.lower(), module


def _python_imports(file, wanted: dict[str, list[str]]) -> list[Edit]:
    top = [i for i in file.typed_view.imports if not indentation_at(file.text, i.span[0])]
    edits, new = [], []
    for module, names in wanted.items():
        existing = next((i for i in top if i.module == module and i.names), None)
        if existing is not None:
            edits += _python_add_names(file, existing, names)
        else:
            new.append((module, names))
    # new statements that go to the same place are one insertion, in order
    at_point: dict[int, list[tuple[str, str, str]]] = {}
    for module, names in sorted(new, key=lambda m: _module_key(m[0])):
        at, before, after = _python_place(file, top, module)
        at_point.setdefault(at, []).append((before, _python_from_import(module, sorted(names, key=_member_key)), after))
    for at, parts in at_point.items():
        before, after = parts[0][0], parts[0][2]
        edits.append(Edit(file.path, at, at, before + "\n".join(statement for _, statement, _ in parts) + after))
    return edits


def _python_place(file, top: list[Import], module: str) -> tuple[int, str, str]:
    """Where a new `from module import ...` goes: (offset, text before it, text after it)."""
    runs = _python_runs(file, top)
    run = next((r for r in runs if any(_cdktf(file, i) for i in r)), None)
    run = run or next((r for r in runs if any(_section(file, i) == "third-party" for i in r)), None)
    if run is None:  # no third-party import yet: a section of its own, before the project's own
        local = next((r for r in runs if all(_section(file, i) == "local" for i in r)), None)
        if local is not None:
            return line_start(file.text, local[0].span[0]), "", "\n\n"
        if not top:
            return 0, "", "\n"
        return line_end(file.text, top[-1].span[1]), "\n\n", ""
    froms = [i for i in run if i.names]
    keys = [_module_key(i.module) for i in froms]
    # in a sorted section before the first import that sorts after it; else after the section's
    # last third-party import (a section that is not sorted may end with a stray `import json`)
    after = next((i for i, k in zip(froms, keys) if k > _module_key(module)), None) if keys == sorted(keys) else None
    if after is not None:
        return line_start(file.text, after.span[0]), "", "\n"
    last = [i for i in run if _section(file, i) == "third-party"] or run
    return line_end(file.text, last[-1].span[1]), "\n", ""


def _python_from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= PY_LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def _python_runs(file, top: list[Import]) -> list[list[Import]]:
    """The top-level imports in runs with no blank line or code between them: isort's sections."""
    runs: list[list[Import]] = []
    for imp in top:
        between = file.text[runs[-1][-1].span[1] : imp.span[0]] if runs else None
        if between is not None and not between.strip() and "\n\n" not in between.replace(" ", "").replace("\t", ""):
            runs[-1].append(imp)
        else:
            runs.append([imp])
    return runs


def _cdktf(file, imp: Import) -> bool:
    return imp.module.split(".")[0] in (CDKTF, "constructs") or is_provider_module(file, imp.module)


def _section(file, imp: Import) -> str:
    """isort's section of an import: "stdlib", "third-party", or "local" (relative, or a package
    of the project: a folder or module next to the file or up to three folders above it)."""
    root = imp.module.split(".")[0]
    if not root:
        return "local"
    if root in sys.stdlib_module_names:
        return "stdlib"
    for folder in list(file.path.parents)[:4]:
        if (folder / root).is_dir() or (folder / f"{root}.py").is_file():
            return "local"
    return "third-party"


def _python_add_names(file, imp: Import, names: list[str]) -> list[Edit]:
    """`names` added to a `from` import, each before the first name that sorts after it when the
    names are sorted (at the end when they are not); one a line when the import is written so."""
    text, have = file.text, imp.names
    keys = [_member_key(n.name) for n in have]
    slots: dict[int, list[str]] = {}  # index of the name each goes before (len(have): at the end)
    for name in sorted(names, key=_member_key):
        slot = next((k for k, key in enumerate(keys) if key > _member_key(name)), len(have))
        slots.setdefault(slot if keys == sorted(keys) else len(have), []).append(name)
    first, last = have[0].span[0], have[-1].span[1]
    if "\n" in text[imp.span[0] : imp.span[1]]:  # parenthesized, one name a line
        edits = []
        for slot, group in slots.items():
            if slot < len(have):
                at = have[slot].span[0]
                indent = indentation_at(text, at)
                edits.append(Edit(file.path, at, at, "".join(f"{n},\n{indent}" for n in group)))
            else:
                indent = indentation_at(text, last)
                edits.append(Edit(file.path, last, last, "".join(f",\n{indent}{n}" for n in group)))
        return edits
    items = []
    for k, n in enumerate(have):
        items += slots.get(k, []) + [text[n.span[0] : n.span[1]]]
    items += slots.get(len(have), [])
    line = text[line_start(text, imp.span[0]) : first] + ", ".join(items) + text[last : line_end(text, last)]
    if len(line.rstrip()) <= PY_LINE_LENGTH:
        return [Edit(file.path, first, last, ", ".join(items))]
    return [Edit(file.path, imp.span[0], imp.span[1], _python_from_import(imp.module, items))]


def _statement(file, anchor: Import | None, module: str, names: str) -> str:
    if file.language == "python":
        return f"from {module} import {names}"
    quote, semicolon = "'", ";"
    if anchor is not None:
        written = file.text[anchor.span[0] : anchor.span[1]]
        quote = '"' if written.rstrip(" ;").endswith('"') else "'"
        semicolon = ";" if written.rstrip().endswith(";") else ""
    else:
        quote = file.quote
    return f"import {{ {names} }} from {quote}{module}{quote}{semicolon}"
