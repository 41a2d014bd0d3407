"""Importing provider classes into a CDKTF file, as the file already imports its others.

PRV107 adds the import of a class that is used but never imported; a scaffold (NET101) that
builds new resources asks here how to name each class and which imports it needs; every other
import a fix adds (`CdktfFile.add_import`: `TerraformOutput`, `Fn`, `Construct`) comes here too.
TypeScript imports go beside the file's imports of their kind in their style (quotes,
semicolons, per-module `lib/<module>` imports or a root namespace `aws.eip.Eip`); Python
imports where isort (ruff's I001) sorts them and wrapped as black wraps them.
"""

from __future__ import annotations

import sys

from iacfix import schema
from iacfix.model import Edit
from iacfix.textedit import PY_LINE_LENGTH, indentation_at, line_end, line_start

CDKTF = "cdktf"


def import_module(file, name: str) -> str | None:
    """The module `name` is imported from in this file's language: the provider's module of the
    class (Python: of a struct too, as Python builds structs with a call), `cdktf` for a core
    class, None when the schema does not know the name."""
    s = schema.load()
    if s.cls(name) is not None or (file.language == "python" and s.struct(name) is not None):
        module = s.module_of(name)
        if module:
            return s.py_import(module) if file.language == "python" else s.ts_import(module)
    if name[:1].isupper() and name in s.cdktf_exports:
        return CDKTF
    return None


def _is_provider(file, module: str) -> bool:
    return schema.provider_module(file, module)[0]


def _root_namespace(file) -> str | None:
    """`aws` of `import * as aws from '@cdktf/provider-aws'` / `import cdktf_cdktf_provider_aws as aws`,
    when the file reaches its provider classes only through it (no named provider imports)."""
    named = [i for i in file.view["imports"] if i["names"] and _is_provider(file, i["module"])]
    roots = [i["namespace"] for i in file.view["imports"] if i.get("namespace") and schema.provider_module(file, i["module"]) == (True, None)]
    return roots[0] if roots and not named else None


def class_reference(file, name: str) -> str:
    """How new code of this file names a provider class: `Eip`, or `aws.eip.Eip` in a file that
    uses the root namespace only."""
    root = _root_namespace(file)
    if root is None or import_module(file, name) in (None, CDKTF):
        return name
    s = schema.load()
    py = s.python_module(s.module_of(name))
    return f"{root}.{py if file.language == 'python' else schema.camel_case(py)}.{name}"


def references(file, names: list[str]) -> tuple[dict[str, str], list[Edit]]:
    """For code a fix adds: how to name each class (`class_reference`) and the imports needed."""
    refs = {n: class_reference(file, n) for n in names}
    return refs, add_imports(file, [n for n in names if refs[n] == n])


def add_imports(file, names: list[str]) -> list[Edit]:
    """The edits importing `names` (bare names, known to the schema) that the file does not import
    yet (`import_edits`)."""
    wanted: dict[str, list[str]] = {}
    for name in names:
        module = import_module(file, name)
        if module is not None and name not in wanted.get(module, []):
            wanted.setdefault(module, []).append(name)
    return import_edits(file, wanted)


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
    imports = file.view["imports"]
    edits, statements = [], []
    for module, group in wanted.items():
        existing = next((i for i in imports if i["module"] == module and i["names"]), None)
        if existing is not None:
            at = existing["names"][-1]["span"][1]
            edits.append(Edit(file.path, at, at, "".join(f", {n}" for n in group)))
        else:
            statements.append((module, ", ".join(group)))
    if not statements:
        return edits
    provider = [i for i in imports if _is_provider(file, i["module"])]
    anchors = provider if provider and all(_is_provider(file, m) for m, _ in statements) else imports
    anchor = anchors[-1] if anchors else None
    text = "".join(_statement(file, anchor, module, group) + "\n" for module, group in statements)
    if anchor is None:
        return edits + [Edit(file.path, 0, 0, text)]
    at = min(line_end(file.text, anchor["span"][1]) + 1, len(file.text))
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
    top = [i for i in file.view["imports"] if not indentation_at(file.text, i["span"][0])]
    edits, new = [], []
    for module, names in wanted.items():
        existing = next((i for i in top if i["module"] == module and i["names"]), None)
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


def _python_place(file, top: list[dict], module: str) -> tuple[int, str, str]:
    """Where a new `from module import ...` goes: (offset, text before it, text after it)."""
    runs = _python_runs(file, top)
    run = next((r for r in runs if any(_cdktf(file, i) for i in r)), None)
    run = run or next((r for r in runs if any(_section(file, i) == "third-party" for i in r)), None)
    if run is None:  # no third-party import yet: a section of its own, before the project's own
        local = next((r for r in runs if all(_section(file, i) == "local" for i in r)), None)
        if local is not None:
            return line_start(file.text, local[0]["span"][0]), "", "\n\n"
        if not top:
            return 0, "", "\n"
        return line_end(file.text, top[-1]["span"][1]), "\n\n", ""
    froms = [i for i in run if i["names"]]
    keys = [_module_key(i["module"]) for i in froms]
    # in a sorted section before the first import that sorts after it; else after the section's
    # last third-party import (a section that is not sorted may end with a stray `import json`)
    after = next((i for i, k in zip(froms, keys) if k > _module_key(module)), None) if keys == sorted(keys) else None
    if after is not None:
        return line_start(file.text, after["span"][0]), "", "\n"
    last = [i for i in run if _section(file, i) == "third-party"] or run
    return line_end(file.text, last[-1]["span"][1]), "\n", ""


def _python_from_import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= PY_LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def _python_runs(file, top: list[dict]) -> list[list[dict]]:
    """The top-level imports in runs with no blank line or code between them: isort's sections."""
    runs: list[list[dict]] = []
    for imp in top:
        between = file.text[runs[-1][-1]["span"][1] : imp["span"][0]] if runs else None
        if between is not None and not between.strip() and "\n\n" not in between.replace(" ", "").replace("\t", ""):
            runs[-1].append(imp)
        else:
            runs.append([imp])
    return runs


def _cdktf(file, imp: dict) -> bool:
    return imp["module"].split(".")[0] in (CDKTF, "constructs") or _is_provider(file, imp["module"])


def _section(file, imp: dict) -> str:
    """isort's section of an import: "stdlib", "third-party", or "local" (relative, or a package
    of the project: a folder or module next to the file or up to three folders above it)."""
    root = imp["module"].split(".")[0]
    if not root:
        return "local"
    if root in sys.stdlib_module_names:
        return "stdlib"
    for folder in list(file.path.parents)[:4]:
        if (folder / root).is_dir() or (folder / f"{root}.py").is_file():
            return "local"
    return "third-party"


def _python_add_names(file, imp: dict, names: list[str]) -> list[Edit]:
    """`names` added to a `from` import, each before the first name that sorts after it when the
    names are sorted (at the end when they are not); one a line when the import is written so."""
    text, have = file.text, imp["names"]
    keys = [_member_key(n["name"]) for n in have]
    slots: dict[int, list[str]] = {}  # index of the name each goes before (len(have): at the end)
    for name in sorted(names, key=_member_key):
        slot = next((k for k, key in enumerate(keys) if key > _member_key(name)), len(have))
        slots.setdefault(slot if keys == sorted(keys) else len(have), []).append(name)
    first, last = have[0]["span"][0], have[-1]["span"][1]
    if "\n" in text[imp["span"][0] : imp["span"][1]]:  # parenthesized, one name a line
        edits = []
        for slot, group in slots.items():
            if slot < len(have):
                at = have[slot]["span"][0]
                indent = indentation_at(text, at)
                edits.append(Edit(file.path, at, at, "".join(f"{n},\n{indent}" for n in group)))
            else:
                indent = indentation_at(text, last)
                edits.append(Edit(file.path, last, last, "".join(f",\n{indent}{n}" for n in group)))
        return edits
    items = []
    for k, n in enumerate(have):
        items += slots.get(k, []) + [text[n["span"][0] : n["span"][1]]]
    items += slots.get(len(have), [])
    line = text[line_start(text, imp["span"][0]) : first] + ", ".join(items) + text[last : line_end(text, last)]
    if len(line.rstrip()) <= PY_LINE_LENGTH:
        return [Edit(file.path, first, last, ", ".join(items))]
    return [Edit(file.path, imp["span"][0], imp["span"][1], _python_from_import(imp["module"], items))]


def _statement(file, anchor: dict | None, module: str, names: str) -> str:
    if file.language == "python":
        return f"from {module} import {names}"
    quote, semicolon = "'", ";"
    if anchor is not None:
        written = file.text[anchor["span"][0] : anchor["span"][1]]
        quote = '"' if written.rstrip(" ;").endswith('"') else "'"
        semicolon = ";" if written.rstrip().endswith(";") else ""
    else:
        quote = file.quote
    return f"import {{ {names} }} from {quote}{module}{quote}{semicolon}"
