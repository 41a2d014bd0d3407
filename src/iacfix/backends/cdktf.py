"""CDK for Terraform in TypeScript and Python: one view, two syntaxes.

Both languages are parsed into the same view (docs/cdktf-view.md): TypeScript by the ts-morph
worker, Python by CPython's ast (libcst where ast cannot read it). Everything built on the view
— resources, Terraform settings, imports, edit placement — is shared; the subclasses only say
how each language spells things.
"""

from __future__ import annotations

import bisect
import keyword
import re
from copy import copy
from functools import cached_property
from pathlib import Path
from typing import Any

from iacfix.backends.base import BackendError, ParsedFile, Setting, SourceSyntaxError
from iacfix.backends.cdktf_view import Construction, Import, View
from iacfix.model import Edit, Prop, Resource, Value
from iacfix.textedit import camel_case, comments_start, indentation_at, line_end, removal_span, snake_case

# The provider packages' module layout says which Terraform type a class is:
#   @cdktf/provider-aws/lib/ecs-service         → aws_ecs_service
#   cdktf_cdktf_provider_aws.ecs_service        → aws_ecs_service
#   @cdktf/provider-aws/lib/data-aws-vpc        → data.aws_vpc
_TS_PROVIDER = re.compile(r"@cdktf/provider-(?P<provider>[a-z0-9]+)(?:/lib/(?P<module>[a-z0-9-]+))?(?:/index)?$")
_PY_PROVIDER = re.compile(r"cdktf_cdktf_provider_(?P<provider>[a-z0-9]+)(?:\.(?P<module>[a-z0-9_]+))?$")


def parse(language: str, path: Path, text: str) -> CdktfFile:
    if "\r" in text.replace("\r\n", ""):
        # Python and TypeScript break lines at a lone CR too; positions here count "\n" only.
        line = text.count("\n", 0, text.replace("\r\n", "\n\n").find("\r")) + 1
        raise BackendError(f"a line ends with a lone carriage return (CR), near line {line}: not read (use LF or CRLF)")
    if language == "python":
        return _parse_python(path, text)
    return _parse_typescript(path, text)


# TypeScript files whose view came from the parse cache, by path: the worker has not seen them.
# Before it answers a question about types, it gets every one (as it would have parsed them all),
# so that what it knows of the other files is the same.
_unsent: dict[Path, str] = {}


def _parse_typescript(path: Path, text: str) -> TypeScriptFile:
    from iacfix import parse_cache

    view = parse_cache.recall("typescript", text)
    if view is not None:
        _unsent[path] = text
        return TypeScriptFile(path, text, view)
    _unsent.pop(path, None)
    view = _worker_parse(path, text)
    parse_cache.keep("typescript", text, view)
    return TypeScriptFile(path, text, view)


def _worker_parse(path: Path, text: str) -> dict[str, Any]:
    from iacfix.backends.node import NodeUnavailable, WorkerError, get_worker

    try:
        view, errors = get_worker().parse(str(path), text)
    except (NodeUnavailable, WorkerError) as exc:
        raise BackendError(f"cannot parse TypeScript: {exc}") from None
    if errors:
        first = errors[0]
        raise SourceSyntaxError(first["line"], first["col"], first["message"])
    return view


def send_unsent() -> None:
    """Give the worker the TypeScript files it has not parsed (their views came from the cache)."""
    while _unsent:
        path, text = _unsent.popitem()
        _worker_parse(path, text)


def forget_unsent(paths) -> None:
    """A run is done with these files: the worker need never see them."""
    for path in paths:
        _unsent.pop(path, None)


def _parse_python(path: Path, text: str) -> PythonFile:
    from iacfix import parse_cache
    from iacfix.backends import test_cases as testcode
    from iacfix.backends.python_view import PythonSyntaxError, read

    kept = parse_cache.recall("python", text)
    if kept is not None:  # (view, test cases or None: the TEST rules then read them as they would)
        file = PythonFile(path, text, kept[0])
        if kept[1] is not None:
            file.derived("test_cases", lambda f: kept[1])
        return file
    try:
        view, tree = read(text)
    except PythonSyntaxError as exc:
        raise SourceSyntaxError(exc.line, exc.col, exc.message) from None
    file = PythonFile(path, text, view)
    cases = None
    if tree is not None and testcode.is_test_file(path.name) and not text.startswith("\ufeff"):
        # The TEST rules read a test file's cases from the tree the view was built from,
        # rather than parse the file again (the tree is not kept: it is 40 times the text).
        try:
            cases = file.derived("test_cases", lambda f: testcode.python_cases(text, tree))
        except Exception:  # noqa: BLE001 - asked again by the TEST rule, which reports it
            pass
    parse_cache.keep("python", text, (view, cases))
    return file


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
    self_name: str  # this / self
    _resources: list[Resource] | None = None
    _settings: list[Setting] | None = None

    def __init__(self, path: Path, text: str, view: dict[str, Any]):
        super().__init__(path, text)
        # The view as the backend answered it (JSON-shaped dicts): what the parse cache keeps,
        # and what rules not yet moved to `typed_view` still read.
        self.view = view

    @cached_property
    def typed_view(self) -> View:
        """The view as records (backends/cdktf_view.py), built once per parse."""
        return View.from_json(self.view)

    # -- imports -------------------------------------------------------------------------------
    @cached_property
    def imported(self) -> dict[str, tuple[str, str | None]]:
        """local name → (module, imported name); a namespace import maps to (module, None)."""
        out: dict[str, tuple[str, str | None]] = {}
        for imp in self.typed_view.imports:
            if imp.namespace:
                out[imp.namespace] = (imp.module, None)
            for name in imp.names:
                out[name.local] = (imp.module, name.name)
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
    def config_value(self, cons: dict[str, Any]) -> Value:
        """Compatibility for rules still on the dict view: the config of the construction
        (a dict of `view["constructions"]`), the typed view's Value (treat it as read-only)."""
        return self.construction_at(tuple(cons["span"])).config

    def construction_at(self, span: tuple[int, int]) -> Construction | None:
        """The construction written at exactly `span`."""
        return self._constructions_by_span.get(tuple(span))

    def config_at(self, span: tuple[int, int]) -> Value | None:
        """The config of the construction written at `span` (a Python struct class's keyword
        arguments: `Wafv2WebAclRule(name=..., priority=1)`), None when none is there."""
        cons = self.construction_at(span)
        return cons.config if cons is not None else None

    def resources(self) -> list[Resource]:
        # Built once per parse (a parse is one version of the file's text); rules get a copy.
        if self._resources is None:
            self._resources = self._build_resources()
        return list(self._resources)

    def _build_resources(self) -> list[Resource]:
        out = []
        for cons in self.typed_view.constructions:
            rtype = self.terraform_type(cons.callee)
            # a resource is always built as (scope, id, config)
            if rtype is None or cons.config is None or len(cons.args) < 2:
                continue
            body = self._resolved(cons.config, top=True)
            construct_id = cons.args[1]
            name = construct_id.value if construct_id.kind == "string" else None
            attrs = {snake_case(p.key): p for p in body.props}
            out.append(
                Resource(
                    self.path, self.language, rtype, name, cons.assigned_to, attrs, body, cons.line, cons.col, construct_id.text
                )
            )
        return out

    def _resolved(self, value: Value, top: bool = False, raw: bool = False) -> Value:
        """A resource's config as the model gives it: a copy of the view's value in which each
        object says how its entries are written (Value.syntax) and a Python struct class
        (`S3BucketLifecycleConfigurationRule(id="x")`) is the object of its keyword arguments."""
        if self.language != "python":
            return value  # TypeScript writes every object alike (syntax None): the view's own
        if value.kind == "object":
            out = copy(value)
            out.props = [Prop(p.key, p.key_span, self._resolved(p.value, raw=raw), p.span) for p in value.props]
            out.syntax = "call" if top else "raw-dict" if raw else "dict"
            return out
        if value.kind == "array":
            out = copy(value)
            out.items = [self._resolved(i, raw=True) for i in value.items]
            return out
        if value.kind == "expr":
            cons = self.construction_at(value.span)
            if cons is not None:
                inner = cons.config
                out = copy(value)
                out.kind, out.syntax, out.callee = "object", "call", cons.callee
                out.props = [Prop(p.key, p.key_span, self._resolved(p.value), p.span) for p in inner.props] if inner else []
                out.span = inner.span if inner else _call_interior(self.text, value.span)
                out.text = self.text[out.span[0] : out.span[1]]
                return out
        return value

    @cached_property
    def _constructions_by_span(self) -> dict[tuple[int, int], Construction]:
        # (Python: the calls of a capitalised callee, struct classes among them)
        return {c.span: c for c in self.typed_view.constructions}

    def read_reference(self, value: Value) -> tuple[str, str, str | None] | None:
        match = _MEMBER.fullmatch(value.text) if value.kind == "expr" else None
        return (match.group(1), snake_case(match.group(2)), None) if match else None

    def reference(self, ref: str, *path: str | int) -> str:
        """An element of a list attribute is `.get(i)` (cdktf's complex lists)."""
        python = self.language == "python"
        parts = [f".get({p})" if isinstance(p, int) else "." + (_python_keyword(snake_case(camel_case(p))) if python else camel_case(p)) for p in path]
        return ref + "".join(parts)

    def entry_key(self, container: Value, name: str) -> str:
        """camelCase in TypeScript and in a Python dict jsii passes as it is; elsewhere in
        Python, jsii's Python name (the snake_case of the camelCase, `_` after a keyword)."""
        if self.language == "python" and container.syntax != "raw-dict":
            return _python_keyword(snake_case(camel_case(name)))
        return camel_case(name)

    def insert_entry(self, container: Value, name: str, value_text: str) -> list[Edit]:
        key = self.entry_key(container, name)
        if container.syntax in ("dict", "raw-dict"):
            key = self.literal(key)
            entry = f"{key}: {value_text}"
        else:
            entry = f"{key}{self.key_value_separator}{value_text}"
        return self._insert_entry_text(container, entry)

    def insert_block(self, container: Value, name: str, entries: list[tuple[str, str]] = (), as_list: bool = False) -> list[Edit]:
        if self.language == "python":
            inner_syntax = "raw-dict" if as_list or container.syntax == "raw-dict" else "dict"
            holder = Value("object", "", (0, 0), 0, 0, syntax=inner_syntax)
            items = ", ".join(f"{self.literal(self.entry_key(holder, k))}: {v}" for k, v in entries)
            obj = "{" + items + "}"
        else:
            items = ", ".join(f"{camel_case(k)}: {v}" for k, v in entries)
            obj = "{ " + items + " }" if items else "{}"
        return self.insert_entry(container, name, f"[{obj}]" if as_list else obj)

    def rename_entry(self, container: Value, prop: Prop, name: str) -> list[Edit]:
        key = self.entry_key(container, name)
        return self.rename_key(prop, key)

    def remove_entry(self, container: Value, prop: Prop) -> list[Edit]:
        return self._remove_prop(prop)

    def replace_entry(self, container: Value, prop: Prop, entries: list[tuple[str, str]]) -> list[Edit]:
        if container.syntax in ("dict", "raw-dict"):
            texts = [f"{self.literal(self.entry_key(container, k))}: {v}" for k, v in entries]
        else:
            texts = [f"{self.entry_key(container, k)}{self.key_value_separator}{v}" for k, v in entries]
        multiline = "\n" in self.text[container.span[0] : container.span[1]]
        separator = ",\n" + indentation_at(self.text, prop.span[0]) if multiline else ", "
        return [Edit(self.path, prop.span[0], prop.span[1], separator.join(texts))]

    def settings(self) -> list[Setting]:
        # Built once per parse (a parse is one version of the file's text); rules get a copy.
        if self._settings is None:
            self._settings = self._build_settings()
        return list(self._settings)

    def _build_settings(self) -> list[Setting]:
        out = []
        for call in self.typed_view.calls:
            if not call.callee.endswith("." + self.override_method):
                continue
            args = call.args
            if not args or args[0].kind != "string":
                continue
            value = args[1] if len(args) > 1 else None
            out.append(Setting(self.path, args[0].value, value, call.statement_span, call.line, call.col))
        return out

    def remove_setting(self, setting: Setting) -> list[Edit]:
        # an escape-hatch statement: its comment goes with it
        return self.remove_statement(setting.span)

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

    def insert_attr(self, resource: Resource, name: str, value_text: str) -> list[Edit]:
        """Add `name: value` after the last property, in the layout the object already has."""
        return self._insert_entry_text(resource.body, self.attr_entry(name, value_text))

    def _insert_entry_text(self, body: Value, entry: str) -> list[Edit]:
        text = self.text
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

    def add_import(self, module: str, name: str) -> list[Edit]:
        """Import `name` from `module` unless the file does (cdktf_imports.import_edits)."""
        from iacfix.backends.cdktf_imports import import_edits

        return import_edits(self, {module: [name]})

    def remove_import(self, module: str, local: str) -> list[Edit]:
        for imp in self.typed_view.imports:
            if imp.module != module:
                continue
            names = imp.names
            for i, spec in enumerate(names):
                if spec.local != local:
                    continue
                if len(names) == 1:
                    start, end = removal_span(self.text, *imp.span, comment_prefixes=self.comment_prefixes)
                    return [Edit(self.path, start, end, "")]
                if i + 1 < len(names):  # `A, B` → `B`: take the name and the separator after it
                    return [Edit(self.path, spec.span[0], names[i + 1].span[0], "")]
                return [Edit(self.path, names[i - 1].span[1], spec.span[1], "")]
        return []

    def import_statement(self, module: str, name: str) -> str:
        raise NotImplementedError

    def replace_import(self, imp: Import | dict[str, Any], groups: list[tuple[str, list[str]]]) -> list[Edit]:
        """Replace a whole import statement by one statement per (module, specifiers), e.g.
        [("@cdktf/provider-aws/lib/vpc", ["Vpc"]), (".../lib/subnet", ["Subnet as Sn"])];
        no group at all removes the statement. (`imp` a dict: a rule still on the dict view.)"""
        start, end = imp.span if isinstance(imp, Import) else imp["span"]
        if not groups:
            start, end = removal_span(self.text, start, end, comment_prefixes=self.comment_prefixes)
            return [Edit(self.path, start, end, "")]
        indent = indentation_at(self.text, start)
        text = ("\n" + indent).join(self.import_statement(module, ", ".join(names)) for module, names in groups)
        return [Edit(self.path, start, end, text)]

    def rename_key(self, prop: Prop, name: str) -> list[Edit]:
        """Spell an object key or keyword argument differently, keeping its quotes."""
        old = self.text[prop.key_span[0] : prop.key_span[1]]
        quote = old[0] if old[:1] in ("'", '"') else ""
        return [Edit(self.path, prop.key_span[0], prop.key_span[1], f"{quote}{name}{quote}")]

    def value_type(self, value: Value) -> str | None:
        """The static type of an expression ("boolean", "string", ...), None when unknown."""
        return value.type

    # -- string literals and where statements go ---------------------------------------------
    # The view stops at calls and conditionals (`JSON.stringify({...})`, `a ? 'x' : 'y'`), so a rule
    # that rewrites strings wherever they are in a construction's arguments reads the literals
    # from the text (ParsedFile.literals: every string literal, template literal and f-string
    # outside comments), and the literal is rewritten here.
    def interpolate(self, span: tuple[int, int], parts: list[tuple[int, int]], expr: str) -> str | None:
        """The literal at `span` rewritten so that each of its `parts` (file offsets, in order) is
        the value of `expr`: a template literal / f-string. None when it cannot be (a bytes
        literal, an object key, a part already inside an interpolation)."""
        text = self.text[span[0] : span[1]]
        rel = [(a - span[0], b - span[0]) for a, b in parts]
        hole = self.hole.format(expr)
        if not self._is_template(text):
            return self._to_template(span, text, rel, hole)
        if not all(self._in_template_text(text, a) for a, _ in rel):
            return None
        for a, b in reversed(rel):
            text = text[:a] + hole + text[b:]
        return text

    hole: str  # an interpolation of `{}` in a template literal / f-string

    def _is_template(self, literal: str) -> bool:
        raise NotImplementedError

    def _in_template_text(self, literal: str, at: int) -> bool:
        """Whether offset `at` of a template literal / f-string is in its text, not in an interpolation."""
        raise NotImplementedError

    def _to_template(self, span: tuple[int, int], literal: str, parts: list[tuple[int, int]], hole: str) -> str | None:
        """A plain string literal as a template with `hole` in place of each of its `parts`."""
        raise NotImplementedError

    def function_header(self, function: str) -> re.Pattern[str]:
        """Where a function, method or constructor named `function` is defined."""
        raise NotImplementedError

    def statement_start(self, offset: int, function: str, comments: bool = True) -> tuple[int, str] | None:
        """Where a statement goes that must run before the code at `offset` in the body of
        `function` (the view's `enclosing_function`): the start of the line of the body's
        top-level statement that holds `offset` (a loop, a call, an assignment), and the body's
        indentation; with `comments`, above the comment lines that introduce the statement.
        None when the layout does not say (no header found, an odd indentation)."""
        text = self.text
        for header in reversed(list(self.function_header(function).finditer(text, 0, offset))):
            head = len(indentation_at(text, header.start()))
            params = text.find("(", header.start(), offset)
            close = _closing_paren(text, params) if params >= 0 else None
            if close is None or close >= offset:
                continue
            lines = self._code_lines(close, offset)
            if not lines or len(lines[0][1]) <= head:
                continue
            body = lines[0][1]
            if any(len(ind) < len(body) for _, ind in lines):
                continue  # `offset` is past the end of this function
            start = max(at for at, ind in lines if ind == body)
            if comments:
                start = comments_start(text, start, self.comment_prefixes)
            return start, body
        return None

    def _code_lines(self, start: int, end: int) -> list[tuple[int, str]]:
        """(line start, indentation) of the lines from the one after `start` to the one of `end`,
        skipping blank and comment-only lines and the lines inside a multi-line literal (a
        user-data script at column 0 says nothing of the code's layout)."""
        out = []
        spans = self.literals()
        firsts = [a for a, _ in spans]
        pos = line_end(self.text, start) + 1
        while pos <= end and pos < len(self.text):
            stop = line_end(self.text, pos)
            line = self.text[pos:stop]
            stripped = line.lstrip(" \t")
            i = bisect.bisect_left(firsts, pos) - 1
            inside = i >= 0 and spans[i][1] > pos
            if stripped and not inside and not stripped.startswith(self.comment_prefixes) and not stripped.startswith("*"):
                out.append((pos, line[: len(line) - len(stripped)]))
            pos = stop + 1
        return out


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

    hole = "${{{}}}"

    def _lex(self):
        literals: list[tuple[int, int]] = []
        comments: list[tuple[int, int]] = []
        _ts_scan(self.text, 0, literals, nested=False, comments=comments)
        return literals, comments

    def _is_template(self, literal):
        return literal.startswith("`")

    def bound_value(self, name, at):
        # the worker's bindings know each declaration's scope and reads (docs/cdktf-view.md)
        for binding in self.view.get("bindings", ()):
            if (binding["kind"] == "variable" and binding["name"] == name and binding["init"]
                    and self.text.startswith("const", binding["statement"][0])
                    and any(a <= at < b for a, b in binding["refs"])):
                return self.text[binding["init"][0] : binding["init"][1]]
        return None

    def _in_template_text(self, literal, at):
        i = 1
        while i < at:
            if literal.startswith("${", i):
                i = _ts_scan(literal, i + 2, None, nested=True)
                if i > at:
                    return False
            else:
                i += 2 if literal[i] == "\\" else 1
        return True

    def _to_template(self, span, literal, parts, hole):
        if self.text[: span[0]].rstrip().endswith(("{", ",")) and self.text[span[1] :].lstrip().startswith(":"):
            return None  # an object key: a template literal there would need brackets
        out, prev = [], 1
        for a, b in parts:
            out += [_ts_template_text(literal[prev:a]), hole]
            prev = b
        return "`" + "".join(out) + _ts_template_text(literal[prev:-1]) + "`"

    def function_header(self, function):
        name = re.escape(function)
        if function == "constructor":
            return re.compile(r"^[ \t]*(?:(?:public|private|protected)\s+)?constructor\s*\(", re.M)
        return re.compile(
            rf"^[ \t]*(?:(?:export|default|public|private|protected|static|async|override)\s+)*"
            rf"(?:function\s*\*?\s*{name}\s*[(<]|{name}\s*[(<]|(?:const|let|var)\s+{name}\b)",
            re.M,
        )

    def value_type(self, value: Value) -> str | None:
        if value.type is None and value.kind == "expr":
            from iacfix.backends.node import get_worker

            send_unsent()
            value.type = get_worker().types(str(self.path), [value.span])[0]
        return value.type


_PY_LEXEME = re.compile(
    r"(?P<comment>#[^\r\n]*)"
    r"|(?P<string>(?:[rRbBuUfF]{1,2})?(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^'\\\r\n])*'|\"(?:\\.|[^\"\\\r\n])*\"))"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])",
    re.S,
)


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
        if body.syntax in ("dict", "raw-dict"):  # `{}`
            return Edit(self.path, body.span[0], body.span[1], "{" + entry + "}")
        # body spans the inside of the call's parentheses: add after the positional arguments
        if not self.text[body.span[0] : body.span[1]].strip():
            return Edit(self.path, body.span[0], body.span[1], entry)
        return Edit(self.path, body.span[1], body.span[1], f", {entry}")

    def import_statement(self, module: str, name: str) -> str:
        return f"from {module} import {name}"

    hole = "{{{}}}"

    def bound_value(self, name, at):
        from iacfix.backends.python_names import bound_value

        return bound_value(self, name, at)

    def _lex(self):
        # One regular expression over comments, strings (every prefix and triple quote) and
        # brackets, the bracket depth telling a statement's start: tokenize gave the same spans on
        # the corpus's 942 Python files at three times the cost.
        literals, comments = [], []
        text, depth = self.text, 0
        for m in _PY_LEXEME.finditer(text):
            kind = m.lastgroup
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth = max(depth - 1, 0)
            elif kind == "comment":
                comments.append(m.span())
            else:
                start, end = m.span()
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                after = text[end : len(text) if line_end < 0 else line_end].strip()
                continued = line_start and text[: line_start - 1].rstrip(" \t\r").endswith("\\")
                # a string that is a whole statement is a docstring: documentation, like a comment
                alone = depth == 0 and not text[line_start:start].strip() and not continued and (not after or after[0] == "#")
                (comments if alone else literals).append((start, end))
        return literals, sorted(comments)

    @staticmethod
    def _prefix(literal: str) -> str:
        return re.match(r"[A-Za-z]*", literal).group()

    def _is_template(self, literal):
        return "f" in self._prefix(literal).lower()

    def _in_template_text(self, literal, at):
        before = literal[len(self._prefix(literal)) : at].replace("{{", "").replace("}}", "")
        return before.count("{") == before.count("}")

    def _to_template(self, span, literal, parts, hole):
        prefix = self._prefix(literal)
        if "b" in prefix.lower() or ("\\N{" in literal and "r" not in prefix.lower()):
            return None  # bytes have no f-string; a named escape's braces must stay single

        def braces(part: str) -> str:
            return part.replace("{", "{{").replace("}", "}}")

        out, prev = [prefix.replace("u", "").replace("U", "") + "f"], len(prefix)
        for a, b in parts:
            out += [braces(literal[prev:a]), hole]
            prev = b
        return "".join(out) + braces(literal[prev:])

    def function_header(self, function):
        return re.compile(rf"^[ \t]*(?:async\s+)?def\s+{re.escape(function)}\s*\(", re.M)


# -- TypeScript literals ----------------------------------------------------------------------------

# Before a `/` that starts a regular expression literal (not a division).
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}


# `logGroup.name`, `this.logGroup.name`, `self.log_group.name`: a member of a variable
_MEMBER = re.compile(r"((?:this\.|self\.)?[A-Za-z_$][\w$]*)\.([A-Za-z_][\w]*)")


def _call_interior(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The inside of a call's parentheses, from the call's span."""
    end = span[1] - 1 if text[span[1] - 1 : span[1]] == ")" else span[1]
    depth, i = 0, end - 1
    while i >= span[0]:  # the "(" that closes at `end`
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                return i + 1, end
            depth -= 1
        i -= 1
    return end, end


def _python_keyword(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


_TS_PLAIN = re.compile(r"[^/'\"`{}]+")
_TS_TEMPLATE_PLAIN = re.compile(r"[^\\`$]+")


def _ts_scan(text: str, i: int, out: list | None, nested: bool, template: bool = False, comments: list | None = None) -> int:
    """Skip TypeScript code from `i`, recording the spans of string and template literals in
    `out` (and of comments in `comments`), regular expressions skipped. With `nested`, stop after
    the `}` that closes an interpolation `${...}` (or, with `template`, at the end of a template's
    text part) and return where the scan stopped; literals inside interpolations are not recorded."""
    n, depth, prev = len(text), 0, ""
    while i < n:
        # a run of characters none of the branches below looks at is skipped at once (a character
        # loop over every file was most of the cost of lexing)
        plain = (_TS_TEMPLATE_PLAIN if template else _TS_PLAIN).match(text, i)
        if plain is not None:
            if not template:
                run = plain.group().rstrip()
                if run:
                    prev = run[-1]
            i = plain.end()
            continue
        c = text[i]
        if template:  # the text part of a template literal: only `${` and the closing backtick count
            if c == "\\":
                i += 2
            elif c == "`":
                return i
            elif text.startswith("${", i):
                i = _ts_scan(text, i + 2, None, nested=True)
            else:
                i += 1
            continue
        if text.startswith("//", i) or text.startswith("/*", i):
            start = i
            if text[i + 1] == "/":
                i = n if text.find("\n", i) < 0 else text.find("\n", i)
            else:
                i = n if text.find("*/", i + 2) < 0 else text.find("*/", i + 2) + 2
            if comments is not None:
                comments.append((start, i))
            continue
        if c in "'\"":
            j = i + 1
            while j < n and text[j] not in (c, "\n"):
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            if out is not None:
                out.append((i, j))
            i, prev = j, "a"
            continue
        if c == "`":
            j = min(_ts_scan(text, i + 1, None, nested=True, template=True) + 1, n)
            if out is not None:
                out.append((i, j))
            i, prev = j, "a"
            continue
        if c == "/" and prev in _REGEX_AFTER:
            j, in_class = i + 1, False
            while j < n and text[j] != "\n" and (text[j] != "/" or in_class):
                if text[j] == "\\":
                    j += 1
                elif text[j] in "[]":
                    in_class = text[j] == "["
                j += 1
            i, prev = j + 1, "a"
            continue
        if nested and c == "{":
            depth += 1
        elif nested and c == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        if not c.isspace():
            prev = c
        i += 1
    return n


def _closing_paren(text: str, at: int) -> int | None:
    """The offset of the `)` that closes the `(` at `at` (parameter lists: no literals counted)."""
    depth = 0
    for i in range(at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def _ts_template_text(part: str) -> str:
    """The source text of a quoted string's part, as the text of a template literal: its escapes
    kept, a backtick and a `${` escaped."""
    out, i = [], 0
    while i < len(part):
        if part[i] == "\\":
            out.append(part[i : i + 2])
            i += 2
            continue
        if part[i] == "`" or part.startswith("${", i):
            out.append("\\")
        out.append(part[i])
        i += 1
    return "".join(out)
