"""Importing provider classes into a CDKTF file, as the file already imports its others.

PRV107 adds the import of a class that is used but never imported; a scaffold (NET101) that
builds new resources asks here how to name each class and which imports it needs; every other
import a fix adds (`CdktfFile.add_import`: `TerraformOutput`, `Fn`, `Construct`) is rendered by the
same backend code (backends/cdktf_imports.py). New code names a class as the file does: by
per-module `lib/<module>` imports, or through a root namespace (`aws.eip.Eip`).
"""

from __future__ import annotations

from iacfix.backends.cdktf_imports import CDKTF, import_edits
from iacfix.model import Edit
from iacfix.rulekit import schema


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
    imports = file.typed_view.imports
    named = [i for i in imports if i.names and _is_provider(file, i.module)]
    roots = [i.namespace for i in imports if i.namespace and schema.provider_module(file, i.module) == (True, None)]
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
