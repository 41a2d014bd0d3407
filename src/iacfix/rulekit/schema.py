"""What the AWS provider's CDKTF bindings really export, read from the bundled schema.

`data/provider-aws.schema.json.gz` is generated from the jsii assemblies of @cdktf/provider-aws
and cdktf by scripts/gen_provider_schema.py (docs/provider-schema.md): nothing here is typed by
hand. It is loaded once, on first use.

Names: a class is called the same in TypeScript and Python (`S3BucketVersioningA`); a property
is camelCase in TypeScript (`versioningConfiguration`), its Python name is the snake_case of
that (`versioning_configuration`, `and_` for a keyword), and its Terraform name is usually the
same snake_case (`addressLine1` is `address_line_1` in Terraform, `address_line1` in Python).
"""

from __future__ import annotations

import gzip
import json
import keyword
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from iacfix.backends.cdktf_imports import PY_PROVIDER_MODULE, TS_PROVIDER_MODULE
from iacfix.model import Prop, Span, Value

DATA = "provider-aws.schema.json.gz"
TS_PACKAGE = "@cdktf/provider-aws"
SCALARS = ("string", "number", "boolean")


@lru_cache(maxsize=16384)  # asked for every property of every construction by several rules
def snake_case(name: str) -> str:
    """jsii's snake_case of a camelCase name: `ipv6CidrBlock` → `ipv6_cidr_block`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


@lru_cache(maxsize=16384)
def python_name(camel: str) -> str:
    name = snake_case(camel)
    return name + "_" if keyword.iskeyword(name) else name


@lru_cache(maxsize=16384)
def camel_case(name: str) -> str:
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@dataclass(frozen=True)
class Type:
    """`string`, `number`, `boolean`, `any`, a struct name, `list<T>` or `map<T>`."""

    text: str

    # Cached: the PRV rules ask these of every property of every config.
    @cached_property
    def is_list(self) -> bool:
        return self.text.startswith("list<")

    @cached_property
    def is_map(self) -> bool:
        return self.text.startswith("map<")

    @cached_property
    def element(self) -> Type | None:
        return Type(self.text[self.text.index("<") + 1 : -1]) if self.is_list or self.is_map else None

    @cached_property
    def is_scalar(self) -> bool:
        return self.text in SCALARS

    @cached_property
    def struct(self) -> str | None:
        """The struct name when the type is a struct (not a list of one)."""
        return None if self.is_list or self.is_map or self.is_scalar or self.text == "any" else self.text

    @cached_property
    def struct_list(self) -> str | None:
        """The element struct name when the type is a list of structs."""
        return self.element.struct if self.is_list and self.element else None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Property:
    name: str  # camelCase, as TypeScript spells it
    type: Type
    required: bool
    terraform: str  # the Terraform attribute / block name

    @cached_property
    def python(self) -> str:
        return python_name(self.name)


@dataclass
class Struct:
    name: str
    module: str
    props: dict[str, Property] = field(default_factory=dict)  # camelCase → property, bases included

    @cached_property
    def _by_other_name(self) -> dict[str, Property]:
        out: dict[str, Property] = {}
        for p in self.props.values():
            out.setdefault(p.python, p)
            out.setdefault(p.terraform, p)
            out.setdefault(snake_case(p.name), p)
        return out

    def prop(self, key: str) -> Property | None:
        """A property by its camelCase, Python or Terraform name."""
        return self.props.get(key) or self._by_other_name.get(key)


@dataclass(frozen=True)
class ClassInfo:
    name: str
    module: str  # the folder under lib/: `s3-bucket-versioning`
    py_module: str  # the Python submodule: `s3_bucket_versioning`
    kind: str  # resource / data / provider
    terraform_type: str | None  # aws_s3_bucket_versioning, data.aws_vpc, aws
    config: str | None  # the config struct's name
    attrs: tuple[str, ...]  # what an instance exposes (camelCase)


class ProviderSchema:
    def __init__(self, data: dict):
        self.data = data
        self.version: str = data["version"]
        self.package: str = data["package"]
        self.python_package: str = data["python_package"]
        self.terraform_provider: str | None = data.get("terraform_provider")
        self.cdktf_version: str = data["cdktf"]["version"]
        self.cdktf_exports: frozenset[str] = frozenset(data["cdktf"]["exports"])
        self._classes: dict[str, ClassInfo | None] = {}
        self._structs: dict[str, Struct] = {}

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    # -- classes --------------------------------------------------------------------------------
    def cls(self, name: str) -> ClassInfo | None:
        try:
            return self._classes[name]  # asked for every construction by several rules
        except KeyError:
            pass
        raw = self.data["classes"].get(name)
        info = None if raw is None else ClassInfo(
            name, raw["module"], raw["py"], raw["kind"], raw["tf"], raw["config"], tuple(raw["attrs"])
        )
        self._classes[name] = info
        return info

    @cached_property
    def _by_terraform_type(self) -> dict[str, str]:
        return {c["tf"]: name for name, c in self.data["classes"].items() if c["tf"]}

    def by_terraform_type(self, tf_type: str) -> ClassInfo | None:
        name = self._by_terraform_type.get(tf_type)
        return self.cls(name) if name else None

    @cached_property
    def _type_of_config(self) -> dict[str, str]:
        return {c["config"]: c["tf"] for c in self.data["classes"].values() if c["config"] and c["tf"]}

    def terraform_type_of_config(self, struct_name: str) -> str | None:
        """The Terraform type whose config struct this is (`EipConfig` → aws_eip)."""
        return self._type_of_config.get(struct_name)

    def config(self, class_name: str) -> Struct | None:
        info = self.cls(class_name)
        return self.struct(info.config) if info and info.config else None

    # -- modules --------------------------------------------------------------------------------
    @cached_property
    def _modules(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for name, c in self.data["classes"].items():
            out.setdefault(c["module"], set()).add(name)
        for name, s in self.data["structs"].items():
            if s["module"]:
                out.setdefault(s["module"], set()).add(name)
        return out

    @cached_property
    def _module_of(self) -> dict[str, str]:
        """Exported name → its module folder, for classes and the structs of the provider."""
        out = {name: s["module"] for name, s in self.data["structs"].items() if s["module"]}
        out.update({name: c["module"] for name, c in self.data["classes"].items()})
        return out

    @cached_property
    def _py_modules(self) -> dict[str, str]:
        """Python submodule → module folder."""
        return {c["py"]: c["module"] for c in self.data["classes"].values()}

    @property
    def python_modules(self) -> list[str]:
        """Every Python submodule (the snake_case of each jsii namespace)."""
        return list(self._py_modules)

    @cached_property
    def namespaces(self) -> dict[str, frozenset[str]]:
        """The namespaces the package root exports, by language: `s3_bucket` (Python),
        `s3Bucket` (TypeScript)."""
        python = frozenset(self._py_modules)
        return {"python": python, "typescript": frozenset(camel_case(m) for m in python)}

    def has_module(self, module: str) -> bool:
        return module in self._modules

    def module_of(self, name: str) -> str | None:
        """The module folder that exports a class or struct (`S3Bucket` → `s3-bucket`)."""
        return self._module_of.get(name)

    def module_exports(self, module: str) -> set[str]:
        return self._modules.get(module, set())

    def module_from_python(self, py_module: str) -> str | None:
        return self._py_modules.get(py_module)

    @cached_property
    def _python_module_of(self) -> dict[str, str]:
        """Module folder → its (first) Python submodule: _py_modules the other way round."""
        out: dict[str, str] = {}
        for py, module in self._py_modules.items():
            out.setdefault(module, py)
        return out

    def python_module(self, module: str) -> str:
        return self._python_module_of.get(module, module.replace("-", "_"))

    def ts_import(self, module: str) -> str:
        return f"{TS_PACKAGE}/lib/{module}"

    def py_import(self, module: str) -> str:
        return f"{self.python_package}.{self.python_module(module)}"

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self._module_of)

    # -- names the provider does not have ---------------------------------------------------------
    @cached_property
    def _by_type_key(self) -> dict[str, str]:
        """The Terraform type of each class as letters and digits (`aws_cloudtrail` → `cloudtrail`,
        `data.aws_vpc` → `dataawsvpc`) → the class. No two types share a key."""
        return {_type_key(c["tf"]): name for name, c in self.data["classes"].items() if c["tf"]}

    def meant_class(self, name: str, module: str | None = None) -> str | None:
        """The class a name the provider does not export stands for, derived from the schema (no
        table of names). In this order, the first that gives exactly one class:

        - the Terraform type written as a class name, in any case and with or without `Aws`:
          `ApiGatewayV2Api` → `Apigatewayv2Api` (aws_apigatewayv2_api), `AwsConfigConfigRule` →
          `ConfigConfigRule`, `S3BucketVersioning` → `S3BucketVersioningA`; a data source with no
          resource of that name: `IamPolicyDocument` → `DataAwsIamPolicyDocument`;
        - the same with a trailing `V2` dropped (Pulumi's names: `S3BucketVersioningV2`);
        - a one-word service followed by its own last word: `CloudtrailTrail` → `Cloudtrail`,
          `CodepipelinePipeline` → `Codepipeline`;
        - a class with an `A` the provider does not add: `S3BucketCorsConfigurationA`;
        - the only resource class that starts with the same word and has all the name's words in
          order, preferring the classes of the module it is imported from, then those that start
          with the same two words: `S3BucketEncryption` → `S3BucketServerSideEncryptionConfigurationA`;
        - when no one class has those words: a resource named by all but the first word, that word
          being the first of other classes (a service): `Ec2Instance` → `Instance`, `VpcFlowLog` →
          `FlowLog`;
        - a class or struct with the provider's `A` in another place or missing (`...RuleAApply
          ServerSideEncryptionByDefault` → `...RuleApplyServerSideEncryptionByDefaultA`);
        - imported from a module whose one class ends with the name: `Provider` from
          `lib/provider` is `AwsProvider`;
        - the resource named by the words' initials: `LoadBalancer` → `Lb`,
          `ApplicationLoadBalancer` → `Alb` (aws_alb, the same resource as aws_lb).

        None when the name is the provider's own, or nothing fits (`LoadBalancer`: many do).
        """
        if name in self.names or not name[:1].isupper():
            return None
        for candidate in (name, name[:-2] if name.endswith("V2") else None):
            if candidate:
                key = re.sub(r"[^a-z0-9]", "", candidate.lower())
                keys = (key, key[3:]) if key.startswith("aws") else (key,)
                for k in (*keys, *("dataaws" + k for k in keys)):
                    if k in self._by_type_key:
                        return self._by_type_key[k]
        if name.endswith("A") and self.cls(name[:-1]):
            return name[:-1]
        if module:  # `Provider` from lib/provider: the module's one class, named with more words
            own = [n for n in self.module_exports(module) if self.cls(n)]
            if len(own) == 1 and own[0].endswith(name) and own[0] != name:
                return own[0]
        words = re.findall(r"[A-Z][a-z0-9]*", name)
        if len(words) < 2 or "".join(words) != name:
            return None
        # the class named by the words' initials: `LoadBalancer` is `Lb`, `ApplicationLoadBalancer` `Alb`
        initials = words[0][0] + "".join(w[0] for w in words[1:]).lower()
        if len(words) >= 2 and self.cls(initials) is not None and self.cls(initials).kind == "resource":
            return initials
        if len(words) == 2 and words[0].lower().endswith(words[1].lower()) and self.cls(words[0]):
            return words[0]
        pattern = re.compile(r"^" + re.escape(words[0]) + "".join(rf"(?:[A-Z][a-z0-9]*)*?{re.escape(w)}(?![a-z0-9])" for w in words[1:]))
        found = [n for n, c in self.data["classes"].items() if c["kind"] == "resource" and pattern.match(n)]
        for narrower in (  # among several: the module's own, then those that start with the first two words
            [n for n in found if module and self.module_of(n) == module],
            [n for n in found if n.startswith(words[0] + words[1])],
        ):
            if narrower:
                found = narrower
        if len(found) == 1:
            return found[0]
        # a service word before a resource of the provider: `Ec2Instance`, `VpcFlowLog`
        rest = name[len(words[0]) :]
        info = self.cls(rest)
        if info is not None and info.kind == "resource" and words[0] in self._first_words:
            return rest
        # the provider's `A` in another place: `...RuleAApplyServerSideEncryptionByDefault`
        same = self._without_a.get(_drop_a(name), [])
        same = [n for n in same if module and self.module_of(n) == module] or same
        return same[0] if len(same) == 1 else None

    @cached_property
    def _first_words(self) -> frozenset[str]:
        return frozenset(re.match(r"[A-Z][a-z0-9]*", n).group() for n in self.data["classes"])

    @cached_property
    def _without_a(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name in self.names:
            out.setdefault(_drop_a(name), []).append(name)
        return out

    # -- structs --------------------------------------------------------------------------------
    def struct(self, name: str) -> Struct | None:
        if name in self._structs:
            return self._structs[name]
        raw = self.data["structs"].get(name)
        if raw is None:
            return None
        struct = Struct(name, raw["module"])
        for base in raw.get("bases", []):
            parent = self.struct(base)
            if parent:
                struct.props.update(parent.props)
        for camel, entry in raw["props"].items():
            type_text, required, *tf = entry
            struct.props[camel] = Property(camel, Type(type_text), bool(required), tf[0] if tf else snake_case(camel))
        self._structs[name] = struct
        return struct

    def resource_struct(self, tf_type: str) -> Struct | None:
        info = self.by_terraform_type(tf_type)
        return self.struct(info.config) if info and info.config else None


@lru_cache(maxsize=1)
def load() -> ProviderSchema:
    raw = resources.files("iacfix.data").joinpath(DATA).read_bytes()
    return ProviderSchema(json.loads(gzip.decompress(raw)))


# -- the schema applied to CDKTF code ----------------------------------------------------------------
def provider_module(file, module: str) -> tuple[bool, str | None]:
    """(is it the AWS provider package, the module folder it names or None for the root)."""
    return _provider_module(file.language == "python", module)


@lru_cache(maxsize=4096)  # asked for each construction by each PRV rule: a file imports a few modules
def _provider_module(python: bool, module: str) -> tuple[bool, str | None]:
    match = (PY_PROVIDER_MODULE if python else TS_PROVIDER_MODULE).match(module)
    if not match:
        return False, None
    sub = match.group("module")
    if sub and python:
        return True, load().module_from_python(sub) or sub.replace("_", "-")
    return True, sub


def _drop_a(name: str) -> str:
    """A name without the `A`s the provider inserts between its words (`RuleAApply` → `RuleApply`)."""
    return re.sub(r"(?<=[a-z0-9])A(?=[A-Z]|$)", "", name)


def _type_key(tf_type: str) -> str:
    return re.sub(r"[^a-z0-9]", "", tf_type.replace("data.aws_", "dataaws").removeprefix("aws_"))


def class_name_in_schema(name: str) -> str | None:
    """The schema's class or struct for a name as written: itself, or with the `A` the provider
    adds where a name would clash (`S3BucketVersioning` → `S3BucketVersioningA`)."""
    s = load()
    if name in s.names:
        return name
    if name + "A" in s.names:
        return name + "A"
    return None


def meant_name(name: str, module: str | None = None) -> str | None:
    """The schema's class or struct a name as written stands for: `class_name_in_schema`, else
    the class a wrong name means (`ProviderSchema.meant_class`: `CloudtrailTrail` → `Cloudtrail`),
    judged with the module folder it is imported from, if any."""
    return class_name_in_schema(name) or load().meant_class(name, module)


def constructed_name(file, callee: str) -> str | None:
    """The provider class or struct a construction's callee names (`S3Bucket`, `aws.s3Bucket.S3Bucket`,
    an alias), None when the callee is not the provider's."""
    head, *rest = callee.split(".")
    if head not in file.imported:
        return None
    module, imported_name = file.imported[head]
    is_provider, _ = provider_module(file, module)
    if not is_provider:
        return None
    # `S3BucketVersioningA as S3BucketVersioning`: the class is the imported one, not the alias
    return class_name_in_schema(imported_name if not rest and imported_name else callee.split(".")[-1])


@dataclass(frozen=True, slots=True)
class DottedName:
    """An `a.b.C` the file writes with `a` imported."""

    text: str
    span: Span
    line: int
    col: int
    built_with: int | None  # where the name is constructed: its positional arguments; else None


def dotted_names(file) -> list[DottedName]:
    """Every `a.b.C` the file writes with `a` imported: TypeScript's in any expression or type
    (the view's chains), Python's classes it builds."""
    view = file.typed_view
    built = {c.callee_span: c.arg_count for c in view.constructions}
    if view.chains is not None:
        return [
            DottedName(c.text, c.span, c.line, c.col, built.get(c.span))
            for c in view.chains
            if _DOTTED_NAME.fullmatch(c.text)
        ]
    return [
        DottedName(c.callee, c.callee_span, c.line, c.col, c.arg_count)
        for c in view.constructions
        if "." in c.callee and _DOTTED_NAME.fullmatch(c.callee)
    ]


def qualified_names(file) -> list[dict]:
    """`dotted_names` as {text, span, line, col, built}: for the rules not yet on the typed view."""
    return [
        {"text": d.text, "span": list(d.span), "line": d.line, "col": d.col, "built": d.built_with}
        for d in dotted_names(file)
    ]


_DOTTED_NAME = re.compile(r"[\w$]+(?:\.[\w$]+)+")


def constructed_struct(file, callee: str) -> Struct | None:
    """The struct whose properties a construction's config holds: the config of a provider
    class, or a Python struct class built with keywords. None when the callee is not one."""
    name = constructed_name(file, callee)
    if name is None:
        return None
    s = load()
    info = s.cls(name)
    if info is not None:
        return s.struct(info.config) if info.config else None
    return s.struct(name) if file.language == "python" else None


@dataclass
class TypedProp:
    """One key of an object whose struct is known: what the schema says of it."""

    prop: Prop
    owner: Struct
    spec: Property | None  # None: the struct has no such property under any spelling
    raw: bool  # Python: inside a list, where jsii passes a dict as is, so keys are camelCase
    container: Value
    depth: int  # 0: a construction's own config (kwargs in Python)


def typed_props(file) -> list[TypedProp]:
    """Every key of every provider config in the file, down through nested struct objects (read
    once per version of the file's text, shared by the PRV rules)."""
    return list(file.derived("typed_props", lambda f: list(_typed_props(f))))


def _typed_props(file) -> Iterator[TypedProp]:
    for cons in file.typed_view.constructions:
        if cons.config is None:
            continue
        struct = constructed_struct(file, cons.callee)
        if struct is None:
            continue
        yield from _walk(cons.config, struct, False, 0)


def _walk(obj: Value, struct: Struct, raw: bool, depth: int) -> Iterator[TypedProp]:
    s = load()
    for prop in obj.props:
        spec = struct.prop(prop.key)
        yield TypedProp(prop, struct, spec, raw, obj, depth)
        if spec is None:
            continue
        value = prop.value
        # Also through the wrong shapes (an object where a list is expected and the reverse), as
        # they will be once repaired: a nested fix is then found in the same run, not the next.
        if spec.type.struct:
            nested = s.struct(spec.type.struct)
            objects = [value] if value.kind == "object" else [i for i in value.items if i.kind == "object"]
            for item in objects if nested else []:
                yield from _walk(item, nested, raw, depth + 1)
        elif spec.type.struct_list:
            nested = s.struct(spec.type.struct_list)
            objects = [value] if value.kind == "object" else [i for i in value.items if i.kind == "object"]
            for item in objects if nested else []:
                yield from _walk(item, nested, True, depth + 1)


def walk_value(value: Value, spec: Property) -> Iterator[TypedProp]:
    """The keys of a value given to a struct-typed property (its objects), as typed_props walks
    them (depth counted from the value)."""
    s = load()
    nested = s.struct(spec.type.struct or spec.type.struct_list or "")
    if nested is None:
        return
    objects = [value] if value.kind == "object" else [i for i in value.items if i.kind == "object"]
    for item in objects:
        yield from _walk(item, nested, bool(spec.type.struct_list), 0)


def expected_key(file, spec: Property, raw: bool, depth: int) -> str:
    """How a property must be spelled where it stands: camelCase in TypeScript and in a Python
    dict that jsii passes as is; the Python name as a keyword or in a dict Python converts."""
    if file.language != "python" or raw:
        return spec.name
    return spec.python


# -- the project's provider version: which schema its code can be checked against ---------------------
_VERSION = re.compile(r"(\d+)(?:\.(\d+|x|\*))?")
PY_PACKAGE = "cdktf-cdktf-provider-aws"
_PY_PIN = re.compile(r"cdktf[-_]cdktf[-_]provider[-_]aws[\"']?\s*(?:=\s*[\"'])?\s*([~=<>!^ ]*\d[\w.*]*)")


def project_provider_version(root) -> tuple[str, str, int] | None:
    """(file, what it pins, major) of the prebuilt provider package a CDKTF app builds against,
    first found of: package.json (@cdktf/provider-aws), Pipfile.lock (the version installed),
    requirements*.txt / Pipfile / pyproject.toml (cdktf-cdktf-provider-aws). cdktf.json's
    `terraformProviders` is not one: it is what `cdktf get` generates local bindings from, which
    the code imports from .gen, not from the package."""
    from pathlib import Path

    root = Path(root)
    package = _json(root / "package.json")
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        spec = (package.get(section) or {}).get(TS_PACKAGE)
        if isinstance(spec, str) and _VERSION.search(spec):
            return "package.json", f"{TS_PACKAGE} {spec}", int(_VERSION.search(spec).group(1))
    lock = _json(root / "Pipfile.lock")
    for section in ("default", "develop"):
        spec = ((lock.get(section) or {}).get(PY_PACKAGE) or {}).get("version")
        if isinstance(spec, str) and _VERSION.search(spec):
            return "Pipfile.lock", f"{PY_PACKAGE} {spec}", int(_VERSION.search(spec).group(1))
    for name in ("requirements.txt", "requirements-dev.txt", "Pipfile", "pyproject.toml"):
        path = root / name
        if path.is_file():
            match = _PY_PIN.search(path.read_text(encoding="utf-8", errors="replace"))
            if match:
                return name, f"{PY_PACKAGE} {match.group(1).strip()}", int(_VERSION.search(match.group(1)).group(1))
    return None


def _json(path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (ValueError, OSError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _package_admits(what: str, major: int) -> bool:
    """Whether a package requirement (`^8.0.0`, `~=21.0`, `>=19`, `==5.0.50`) admits the
    major version `major`: a lower bound (`>=`, `>`) up to an upper one, else its own major."""
    spec = what.split(" ", 1)[1] if " " in what else what
    lower = re.match(r"\s*>=?\s*v?(\d+)", spec)
    if lower is None:
        return int(_VERSION.search(spec).group(1)) == major
    upper = re.search(r"<\s*=?\s*v?(\d+)", spec)
    return int(lower.group(1)) <= major and (upper is None or major < int(upper.group(1)) or "<=" in spec and major == int(upper.group(1)))


def terraform_provider_pins(ctx) -> list[tuple[str, str]]:
    """(file, constraint) of each `version` the project's Terraform code gives hashicorp/aws in
    `required_providers`, and the version its .terraform.lock.hcl selected."""
    pins = []
    for setting in ctx.settings():
        if setting.key != "terraform.required_providers.aws" or setting.value is None:
            continue
        value = setting.value
        if value.kind == "object":
            source, version = value.prop("source"), value.prop("version")
            if source is not None and source.value.kind == "string" and not source.value.value.lower().endswith("hashicorp/aws"):
                continue
            value = version.value if version is not None else None
        if value is not None and value.kind == "string" and value.value.strip():
            pins.append((setting.path.name, value.value))
    from pathlib import Path

    root = Path(ctx.project.root)
    lock = root / ".terraform.lock.hcl"
    if root.is_dir() and lock.is_file():
        match = re.search(r'provider\s+"registry\.terraform\.io/hashicorp/aws"\s*\{[^}]*?\bversion\s*=\s*"([^"]+)"', lock.read_text(encoding="utf-8", errors="replace"))
        if match:
            pins.append((lock.name, f"= {match.group(1)}"))
    return pins


def _terraform_admits(constraint: str, version: str) -> bool:
    from iacfix.tfversion import admits, parse_version

    wanted = parse_version(version)
    return wanted is None or admits(constraint, wanted)


_fits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def for_project(ctx) -> ProviderSchema | None:
    """The provider schema the project's code can be checked against, None when iacfix has none
    for the provider version the project pins: the PRV rules (and every fix that writes provider
    imports) then say nothing, since a name right for that version is not a failure.

    Today that is the bundled schema when the project pins no version, or pins the bundled
    package's major (a CDKTF app: package.json, Pipfile.lock, ...; `project_provider_version`),
    or requires a Terraform provider version range that holds the bundled one (a Terraform
    module: `required_providers`, .terraform.lock.hcl; `~> 5.0` and `>= 6.42` do not hold
    6.25). The one place that decides: with schemas per provider version, it returns the one
    shipped for the pinned version instead."""
    by_root = _fits.setdefault(ctx.workspace, {})
    key = (ctx.project.root, ctx.project.flavour)
    if key not in by_root:
        by_root[key] = _fits_project(ctx)
    return load() if by_root[key] else None


def _fits_project(ctx) -> bool:
    from pathlib import Path

    from iacfix.rulekit.project_files import mapped, tsconfig_paths

    s = load()
    if ctx.project.flavour == "terraform":
        bundled = (s.terraform_provider or "").rsplit(" ", 1)[-1]
        return all(_terraform_admits(constraint, bundled) for _, constraint in terraform_provider_pins(ctx))
    root = Path(ctx.project.root)
    if ctx.project.flavour == "cdktf-ts" and root.is_dir() and mapped(f"{TS_PACKAGE}/lib/vpc", tsconfig_paths(root)):
        # tsconfig `paths` send the package's imports to the bindings `cdktf get` generates from
        # cdktf.json's providers: their version is the Terraform provider's named there
        bundled = (s.terraform_provider or "").rsplit(" ", 1)[-1]
        constraint = cdktf_json_provider(root)
        return constraint is not None and _terraform_admits(constraint, bundled)
    found = project_provider_version(root)
    return found is None or _package_admits(found[1], s.major)


def cdktf_json_provider(root) -> str | None:
    """The version constraint cdktf.json's `terraformProviders` give hashicorp/aws (`aws@~> 5.26`)."""
    from pathlib import Path

    providers = _json(Path(root) / "cdktf.json").get("terraformProviders")
    for entry in providers if isinstance(providers, list) else []:
        if isinstance(entry, str):
            name, _, version = entry.partition("@")
        elif isinstance(entry, dict):
            name, version = str(entry.get("name", "")), str(entry.get("version", ""))
        else:
            continue
        if name.strip().lower() in ("aws", "hashicorp/aws") and version.strip():
            return version.strip()
    return None


# -- CACHE101's ElastiCache flags (PRV105 leaves what CACHE101 repairs alone) ---------------------------
ELASTICACHE_REPLICATION_GROUP = "aws_elasticache_replication_group"


@lru_cache(maxsize=1)
def elasticache_string_flags() -> tuple[str, ...]:
    """The replication group's string-typed properties that read as flags, from the provider
    schema: at_rest_encryption_enabled and auto_minor_version_upgrade (transit_encryption_enabled,
    right beside them, is a boolean)."""
    config = load().resource_struct(ELASTICACHE_REPLICATION_GROUP)
    return tuple(
        p.terraform for p in config.props.values() if p.type.text == "string" and p.name.endswith(("Enabled", "Upgrade"))
    )


def cache101_covers(struct_name: str, depth: int, spec: Property, value: Value) -> bool:
    """Whether CACHE101 repairs this value, so the generic coercion (PRV105) leaves it alone."""
    config = load().resource_struct(ELASTICACHE_REPLICATION_GROUP)
    return depth == 0 and struct_name == config.name and spec.terraform in elasticache_string_flags() and value.kind == "bool"


# -- nested blocks as the CDKTF bindings type them -----------------------------------------------------
def block_is_list(tf_type: str, *path: str) -> bool | None:
    """Whether the nested block at `path` (Terraform names: "rule", "filter") of a resource type
    is typed as a list of objects (True) or as one object (False) by the provider's CDKTF
    bindings; None when the schema does not know it. HCL writes both the same way."""
    struct = load().resource_struct(tf_type)
    for i, name in enumerate(path):
        spec = struct.prop(name) if struct is not None else None
        if spec is None:
            return None
        if i == len(path) - 1:
            return True if spec.type.struct_list else False if spec.type.struct else None
        struct = load().struct(spec.type.struct_list or spec.type.struct or "")
    return None


# -- the Terraform provider version a project's code declares -------------------------------------------
def terraform_provider_constraint(ctx, provider: str = "aws") -> str | None:
    """The version constraint the project declares for a Terraform provider: HCL
    `required_providers` (`aws = { version = "~> 4.9" }` or `aws = "~> 4.9"`), a CDKTF app's
    cdktf.json `terraformProviders` (`aws@~> 4.0`); None when it declares none."""
    for setting in ctx.settings():
        if setting.key != f"terraform.required_providers.{provider}" or setting.value is None:
            continue
        value = setting.value
        if value.kind == "string":
            return value.value
        version = value.prop("version")
        if version is not None and version.value.kind == "string":
            return version.value.value
    found = project_provider_version(ctx.project.root)
    if found is not None and found[0] == "cdktf.json" and found[1].startswith(f"{provider} "):
        return found[1].split(" ", 1)[1]
    return None


def provider_major_below(ctx, major: int, provider: str = "aws") -> bool:
    """Whether the project pins the provider to versions before `major` (`~> 4.9` is before 5, so
    are a lock file at 4.67.0 and `@cdktf/provider-aws` 15, built from 4.67.0): a fix that writes
    what `major` introduced would break it there."""
    from iacfix.rulekit import terraform_schema
    from iacfix.tfversion import highest_major

    judge = terraform_schema.judge(ctx, provider)
    if judge is not None and judge.primary is not None:  # the version the project gets, by its deciding pin
        return judge.primary.major < major
    constraint = terraform_provider_constraint(ctx, provider)
    highest = highest_major(constraint) if constraint else None
    return highest is not None and highest < major
