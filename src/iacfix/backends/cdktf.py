"""CDK for Terraform in TypeScript and Python: one view, two syntaxes.

Both languages are parsed into the same view (docs/cdktf-view.md): TypeScript by the ts-morph
worker, Python by libcst. Everything built on the view — resources, Terraform settings, imports,
edit placement — is shared; the subclasses only say how each language spells things.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from iacfix.backends.base import BackendError, ParsedFile, Setting, SourceSyntaxError
from iacfix.model import Edit, Prop, Resource, Value
from iacfix.textedit import camel_case, indentation_at, line_end, removal_span, snake_case

# The provider packages' module layout says which Terraform type a class is:
#   @cdktf/provider-aws/lib/ecs-service         → aws_ecs_service
#   cdktf_cdktf_provider_aws.ecs_service        → aws_ecs_service
#   @cdktf/provider-aws/lib/data-aws-vpc        → data.aws_vpc
_TS_PROVIDER = re.compile(r"@cdktf/provider-(?P<provider>[a-z0-9]+)(?:/lib/(?P<module>[a-z0-9-]+))?(?:/index)?$")
_PY_PROVIDER = re.compile(r"cdktf_cdktf_provider_(?P<provider>[a-z0-9]+)(?:\.(?P<module>[a-z0-9_]+))?$")


def parse(language: str, path: Path, text: str) -> CdktfFile:
    if language == "python":
        from iacfix import testcode
        from iacfix.backends.python_view import PythonSyntaxError, read

        try:
            view, tree = read(text)
        except PythonSyntaxError as exc:
            raise SourceSyntaxError(exc.line, exc.col, exc.message) from None
        file = PythonFile(path, text, view)
        if tree is not None and testcode.is_test_file(path.name) and not text.startswith("\ufeff"):
            # The TEST rules read a test file's cases from the tree the view was built from,
            # rather than parse the file again (the tree is not kept: it is 40 times the text).
            try:
                file.derived("test_cases", lambda f: testcode.python_cases(text, tree))
            except Exception:  # noqa: BLE001 - asked again by the TEST rule, which reports it
                pass
        return file
    from iacfix.backends.node import NodeUnavailable, WorkerError, get_worker

    try:
        view, errors = get_worker().parse(str(path), text)
    except (NodeUnavailable, WorkerError) as exc:
        raise BackendError(f"cannot parse TypeScript: {exc}") from None
    if errors:
        first = errors[0]
        raise SourceSyntaxError(first["line"], first["col"], first["message"])
    return TypeScriptFile(path, text, view)


def _terraform_type(provider: str, submodule: str | None) -> str | None:
    if not submodule:
        return None
    name = submodule.replace("-", "_")
    data_prefix = f"data_{provider}_"
    if name.startswith(data_prefix):
        return f"data.{provider}_{name[len(data_prefix):]}"
    return f"{provider}_{name}"


def _is_module_class(class_name: str, submodule: str) -> bool:
    """`EcsService` is the class of module ecs-service; `S3BucketVersioningA` (the provider adds
    an A where a name would clash) of s3-bucket-versioning; `EcsServiceNetworkConfiguration`,
    a struct in the same module, is not."""
    flat = re.sub(r"[-_]", "", submodule).lower()
    name = class_name.lower()
    return name == flat or name == flat + "a"


class CdktfFile(ParsedFile):
    provider_pattern: re.Pattern[str]
    override_method: str  # addOverride / add_override
    key_value_separator: str  # ": " / "="
    self_name: str  # this / self
    _resources: list[Resource] | None = None
    _settings: list[Setting] | None = None

    def __init__(self, path: Path, text: str, view: dict[str, Any]):
        super().__init__(path, text)
        self.view = view

    # -- imports -------------------------------------------------------------------------------
    @cached_property
    def imported(self) -> dict[str, tuple[str, str | None]]:
        """local name → (module, imported name); a namespace import maps to (module, None)."""
        out: dict[str, tuple[str, str | None]] = {}
        for imp in self.view["imports"]:
            if imp.get("namespace"):
                out[imp["namespace"]] = (imp["module"], None)
            for name in imp["names"]:
                out[name["local"]] = (imp["module"], name["name"])
        return out

    def terraform_type(self, callee: str) -> str | None:
        """The Terraform type a constructed class stands for, from where it was imported.

        `EcsService` from `.../lib/ecs-service`, `aws.ecsService.EcsService` with `aws` the
        provider root, and `ecs_service.EcsService` with `ecs_service` imported from the root all
        name aws_ecs_service.
        """
        head, *rest = callee.split(".")
        if head not in self.imported:
            return None
        module, name = self.imported[head]
        match = self.provider_pattern.match(module)
        if not match:
            return None
        submodule = match.group("module")
        if submodule is None:  # imported from the provider root: the submodule is named next
            via = name if name is not None else (rest[0] if len(rest) >= 2 else None)
            submodule = snake_case(via) if via else None
        if submodule is None or not _is_module_class(callee.split(".")[-1], submodule):
            return None  # a struct or helper class of the module, not the resource itself
        return _terraform_type(match.group("provider"), submodule)

    # -- the neutral view ------------------------------------------------------------------------
    def resources(self) -> list[Resource]:
        # Built once per parse (a parse is one version of the file's text); rules get a copy.
        if self._resources is None:
            self._resources = self._build_resources()
        return list(self._resources)

    def _build_resources(self) -> list[Resource]:
        out = []
        for cons in self.view["constructions"]:
            rtype = self.terraform_type(cons["callee"])
            # a resource is always built as (scope, id, config)
            if rtype is None or cons.get("config") is None or len(cons["args"]) < 2:
                continue
            body = Value.from_view(cons["config"])
            args = cons["args"]
            name = args[1].get("value") if len(args) > 1 and args[1]["kind"] == "string" else None
            attrs = {snake_case(p.key): p for p in body.props}
            out.append(
                Resource(self.path, self.language, rtype, name, cons.get("var"), attrs, body, cons["line"], cons["col"])
            )
        return out

    def settings(self) -> list[Setting]:
        # Built once per parse (a parse is one version of the file's text); rules get a copy.
        if self._settings is None:
            self._settings = self._build_settings()
        return list(self._settings)

    def _build_settings(self) -> list[Setting]:
        out = []
        for call in self.view["calls"]:
            args = call["args"]
            if not call["callee"].endswith("." + self.override_method) or not args or args[0]["kind"] != "string":
                continue
            value = Value.from_view(args[1]) if len(args) > 1 else None
            out.append(Setting(self.path, args[0]["value"], value, tuple(call["statement_span"]), call["line"], call["col"]))
        return out

    # -- rendering edits -----------------------------------------------------------------------
    booleans: tuple[str, str]
    default_quote: str

    @cached_property
    def quote(self) -> str:
        """The quote the file mostly uses, so inserted strings look like their neighbours."""
        singles, doubles = self.text.count("'"), self.text.count('"')
        if singles == doubles:
            return self.default_quote
        return "'" if singles > doubles else '"'

    def literal(self, value: bool | int | float | str) -> str:
        if isinstance(value, bool):
            return self.booleans[value]
        if isinstance(value, (int, float)):
            return repr(value)
        q = self.quote
        return q + value.replace("\\", "\\\\").replace(q, "\\" + q).replace("\n", "\\n") + q

    def attr_key(self, name: str) -> str:
        return name

    def insert_attr(self, resource: Resource, name: str, value_text: str) -> list[Edit]:
        """Add `name: value` after the last property, in the layout the object already has."""
        body, text = resource.body, self.text
        entry = f"{self.attr_key(name)}{self.key_value_separator}{value_text}"
        if not body.props:
            return [self._insert_into_empty(body, entry)]
        last = body.props[-1]
        after = last.span[1]
        rest = text[after:]
        comma = after + (len(rest) - len(rest.lstrip(" \t"))) if rest.lstrip(" \t").startswith(",") else None
        multiline = "\n" in text[body.span[0] : last.span[0]]
        if not multiline:
            return [Edit(self.path, after, after, f", {entry}")]
        indent = indentation_at(text, last.span[0])
        if comma is not None:  # trailing-comma style: the new entry gets one too
            end = line_end(text, comma)
            return [Edit(self.path, end, end, f"\n{indent}{entry},")]
        # No trailing comma: put one after the old last entry, none after the new one (after a
        # comment that ends its line, if there is one).
        end = line_end(text, after)
        if end == after:
            return [Edit(self.path, after, after, f",\n{indent}{entry}")]
        return [Edit(self.path, after, after, ","), Edit(self.path, end, end, f"\n{indent}{entry}")]

    def _insert_into_empty(self, body: Value, entry: str) -> Edit:
        raise NotImplementedError

    def _remove_prop(self, prop: Prop) -> list[Edit]:
        """Delete a property / keyword argument together with its comma."""
        text = self.text
        start, end = prop.span
        after = text[end:]
        if after.lstrip(" \t").startswith(","):  # `a: 1, b` → take the comma and blanks that follow
            end += len(after) - len(after.lstrip(" \t")) + 1
            end += len(text[end:]) - len(text[end:].lstrip(" \t"))
        else:  # the last entry without a trailing comma: take the comma before it instead
            before = text[:start].rstrip()
            if before.endswith(","):
                start = len(before) - 1
        start, end = removal_span(text, start, end, comment_prefixes=self.comment_prefixes)
        return [Edit(self.path, start, end, "")]

    def replace_base(self, base_span: tuple[int, int], new_base: str) -> list[Edit]:
        return [Edit(self.path, base_span[0], base_span[1], new_base)]

    def import_names(self, module: str) -> list[str]:
        return [n["name"] for imp in self.view["imports"] if imp["module"] == module for n in imp["names"]]

    def add_import(self, module: str, name: str) -> list[Edit]:
        if name in self.import_names(module):
            return []
        existing = next((i for i in self.view["imports"] if i["module"] == module and i["names"]), None)
        if existing is not None:
            last = existing["names"][-1]["span"][1]
            return [Edit(self.path, last, last, f", {name}")]
        imports = self.view["imports"]
        at = line_end(self.text, imports[-1]["span"][1]) + 1 if imports else 0
        at = min(at, len(self.text))
        return [Edit(self.path, at, at, self.import_statement(module, name) + "\n")]

    def remove_import(self, module: str, local: str) -> list[Edit]:
        for imp in self.view["imports"]:
            if imp["module"] != module:
                continue
            names = imp["names"]
            for i, spec in enumerate(names):
                if spec["local"] != local:
                    continue
                if len(names) == 1:
                    start, end = removal_span(self.text, *imp["span"], comment_prefixes=self.comment_prefixes)
                    return [Edit(self.path, start, end, "")]
                if i + 1 < len(names):  # `A, B` → `B`: take the name and the separator after it
                    return [Edit(self.path, spec["span"][0], names[i + 1]["span"][0], "")]
                return [Edit(self.path, names[i - 1]["span"][1], spec["span"][1], "")]
        return []

    def import_statement(self, module: str, name: str) -> str:
        raise NotImplementedError

    def replace_import(self, imp: dict[str, Any], groups: list[tuple[str, list[str]]]) -> list[Edit]:
        """Replace a whole import statement by one statement per (module, specifiers), e.g.
        [("@cdktf/provider-aws/lib/vpc", ["Vpc"]), (".../lib/subnet", ["Subnet as Sn"])];
        no group at all removes the statement."""
        if not groups:
            start, end = removal_span(self.text, *imp["span"], comment_prefixes=self.comment_prefixes)
            return [Edit(self.path, start, end, "")]
        indent = indentation_at(self.text, imp["span"][0])
        text = ("\n" + indent).join(self.import_statement(module, ", ".join(names)) for module, names in groups)
        return [Edit(self.path, imp["span"][0], imp["span"][1], text)]

    def rename_key(self, prop: Prop, name: str) -> list[Edit]:
        """Spell an object key or keyword argument differently, keeping its quotes."""
        old = self.text[prop.key_span[0] : prop.key_span[1]]
        quote = old[0] if old[:1] in ("'", '"') else ""
        return [Edit(self.path, prop.key_span[0], prop.key_span[1], f"{quote}{name}{quote}")]

    def value_type(self, value: Value) -> str | None:
        """The static type of an expression ("boolean", "string", ...), None when unknown."""
        return value.type


class TypeScriptFile(CdktfFile):
    language = "typescript"
    comment_prefixes = ("//", "/*")
    provider_pattern = _TS_PROVIDER
    override_method = "addOverride"
    key_value_separator = ": "
    self_name = "this"
    booleans = ("false", "true")
    default_quote = "'"  # prettier's choice, the usual one in CDKTF TypeScript

    def to_string_expr(self, value: Value) -> str:
        return f"String({value.text})"

    def attr_key(self, name: str) -> str:
        return camel_case(name)

    def _insert_into_empty(self, body: Value, entry: str) -> Edit:
        # body is the object literal `{}` itself
        return Edit(self.path, body.span[0], body.span[1], "{ " + entry + " }")

    def import_statement(self, module: str, name: str) -> str:
        return f"import {{ {name} }} from {self.literal(module)};"

    def value_type(self, value: Value) -> str | None:
        if value.type is None and value.kind == "expr":
            from iacfix.backends.node import get_worker

            value.type = get_worker().types(str(self.path), [value.span])[0]
        return value.type


class PythonFile(CdktfFile):
    language = "python"
    comment_prefixes = ("#",)
    provider_pattern = _PY_PROVIDER
    override_method = "add_override"
    key_value_separator = "="
    self_name = "self"
    booleans = ("False", "True")
    default_quote = '"'  # black's choice

    def to_string_expr(self, value: Value) -> str:
        # str(True) is "True"; Terraform wants "true"
        return f"str({value.text}).lower()"

    def _insert_into_empty(self, body: Value, entry: str) -> Edit:
        # body spans the inside of the call's parentheses: add after the positional arguments
        return Edit(self.path, body.span[1], body.span[1], f", {entry}")

    def import_statement(self, module: str, name: str) -> str:
        return f"from {module} import {name}"
