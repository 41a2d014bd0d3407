"""A Terraform provider schema derived from a prebuilt CDKTF provider package.

The package was generated from `terraform providers schema -json` (by cdktf's provider generator)
and keeps most of it, spread over three places:

- the jsii assembly: every config struct and its properties (camelCase), required or optional, a
  block's property documented as `<name> block.`, a list/set block of at most one item typed as
  one struct (not an array), the getters of computed attributes;
- the compiled JavaScript: `synthesizeHclAttributes()` and each `<struct>ToHclTerraform()` name
  every settable attribute and block by its Terraform name with its shape (`type`: simple / list
  / set / map / struct, `storageClassType`: `string`, `stringList`, a struct...), and
  `cdktf.listMapperHcl(f, true)` marks a list or set that is a block;
- the TypeScript in the source maps: one comment per attribute of each resource and each nested
  block, `// <name> - computed: <bool>, optional: <bool>, required: <bool>`.

What a derived schema cannot know (docs/provider-schema.md measures it against an exact one):
deprecation, sensitivity, min_items beyond "at least one", max_items other than 1, nested
attributes versus object-typed attributes (both become objects), attributes the generator
replaced by `any` (aws: quicksight `definition`, wafv2 `statement`: those become `dynamic`
attributes flagged `x`, opaque: an attribute or a block, of any content), and
structures it cut at a recursion (the deeper levels are left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import cdktf_package

# cdktf's classes; CDK Terrain (cdktn), its community fork, generates the same code under its own name
KINDS = {"TerraformResource": "resource", "TerraformDataSource": "data", "TerraformEphemeralResource": "ephemeral",
         "TerraformProvider": "provider"}
_CORE = re.compile(r"^cdkt[fn]\.")
_TF_LINK = re.compile(r"registry\.terraform\.io/providers/([\w-]+)/([\w-]+)/([\w.-]+)/docs/(?:resources|data-sources|ephemeral-resources)/\S+ (\w+)\}")
_PROVIDER_LINK = re.compile(r"registry\.terraform\.io/providers/([\w-]+)/([\w-]+)/([\w.-]+)/docs \w+\}")
_HCL_ENTRY = re.compile(
    r"^ +([a-z0-9_]+): \{\n\s+value: (.*),\n\s+isBlock: (?:true|false),\n\s+type: \"(\w+)\",\n\s+storageClassType: \"(\w+)\",",
    re.M,
)
_CHUNK = re.compile(r"^(?:function (\w+)ToHclTerraform\(|class (\w+) extends )", re.M)
_FLAGS = re.compile(r"// ([a-z0-9_]+) - computed: (true|false), optional: (true|false), required: (true|false)")
_TS_CLASS = re.compile(r"^export class (\w+) extends ", re.M)
_GETTER = re.compile(r"get (\w+)\(\) \{\n\s+return ([\w.(]*?)this\.get(\w*)Attribute\('([a-z0-9_]+)'\)")
# what a getter's `this.get<X>Attribute` returns (a set's getter wraps it in `cdktf.Fn.tolist`)
_GETTER_TYPES = {"String": "string", "Number": "number", "Boolean": "bool", "List": ["list", "string"],
                 "NumberList": ["list", "number"], "StringMap": ["map", "string"], "NumberMap": ["map", "number"],
                 "BooleanMap": ["map", "bool"], "AnyMap": ["map", "dynamic"]}
# `this._x = new XList(this, "x", true)` in a constructor, or `_x = new ...` as a class field (newer
# compilers); the `true`: a list that wraps a set
_STORED = re.compile(r"^\s+(?:this\.)?_(\w+) = new [\w.]+\(this, \"([a-z0-9_]+)\"(, true)?", re.M)
_PRIMITIVE = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}
_CDKTF_MAPS = {"cdktf.StringMap": ["map", "string"], "cdktf.NumberMap": ["map", "number"], "cdktf.BooleanMap": ["map", "bool"],
               "cdktf.AnyMap": ["map", "dynamic"], "cdktf.StringMapList": ["list", ["map", "string"]],
               "cdktf.NumberMapList": ["list", ["map", "number"]], "cdktf.BooleanMapList": ["list", ["map", "bool"]],
               "cdktf.AnyMapList": ["list", ["map", "dynamic"]], "cdktf.StringListMap": ["map", ["list", "string"]],
               "cdktf.NumberListMap": ["map", ["list", "number"]], "cdktf.BooleanListMap": ["map", ["list", "bool"]],
               "cdktf.AnyListMap": ["map", ["list", "dynamic"]]}


@dataclass
class HclEntry:
    value: str  # the expression, naming the camelCase property
    shape: str  # simple / list / set / map / struct
    storage: str  # string, stringList, <Struct>List, <Struct>, <Struct>Map, ...

    @property
    def camel(self) -> str | None:
        found = re.findall(r"(?:this\._|struct\.)(\w+)", self.value)
        return found[-1] if found else None

    @property
    def struct(self) -> str | None:
        """The struct a complex shape holds (`XList` and `XMap` hold X)."""
        if not self.storage[:1].isupper():
            return None
        return re.sub(r"(List|Map)$", "", self.storage) if self.shape in ("list", "set", "map") else self.storage


@dataclass
class ModuleCode:
    """What one module's generated code says, by class or struct name."""

    hcl: dict[str, dict[str, HclEntry]] = field(default_factory=dict)  # class / struct → Terraform name → entry
    flags: dict[str, dict[str, tuple[bool, bool, bool]]] = field(default_factory=dict)  # TS class → name → (computed, optional, required)
    getters: dict[str, dict[str, str]] = field(default_factory=dict)  # JS class → Terraform name → getter
    getter_types: dict[str, dict[str, object]] = field(default_factory=dict)  # JS class → Terraform name → cty type
    sets: dict[str, set[str]] = field(default_factory=dict)  # JS class → the Terraform names of lists that wrap a set

    @classmethod
    def read(cls, js: str, ts: str | None) -> ModuleCode:
        code = cls()
        starts = list(_CHUNK.finditer(js))
        for i, match in enumerate(starts):
            body = js[match.start(): starts[i + 1].start() if i + 1 < len(starts) else len(js)]
            if match.group(1):
                owner = match.group(1)[0].upper() + match.group(1)[1:]
                code.hcl[owner] = _hcl_entries(body)
            else:
                owner = match.group(2)
                hcl_at = body.find("synthesizeHclAttributes()")
                if hcl_at >= 0:
                    code.hcl[owner] = _hcl_entries(body[hcl_at:])
                getters = _GETTER.findall(body)
                names = {tf: getter for getter, _, _, tf in getters}
                stored = _STORED.findall(body)
                names.update({tf: camel for camel, tf, _ in stored})
                code.getters[owner] = names
                code.sets[owner] = {tf for _, tf, wraps_set in stored if wraps_set}
                code.getter_types[owner] = {tf: _getter_type(wrap, method) for _, wrap, method, tf in getters}
        if ts:
            classes = list(_TS_CLASS.finditer(ts))
            for i, match in enumerate(classes):
                body = ts[match.start(): classes[i + 1].start() if i + 1 < len(classes) else len(ts)]
                found = {name: (c == "true", o == "true", r == "true") for name, c, o, r in _FLAGS.findall(body)}
                if found:
                    code.flags[match.group(1)] = found
        return code


def _hcl_entries(body: str) -> dict[str, HclEntry]:
    end = body.find("};")
    return {name: HclEntry(value, shape, storage) for name, value, shape, storage in _HCL_ENTRY.findall(body[: end if end >= 0 else None])}


class Deriver:
    def __init__(self, folder: Path):
        self.folder = folder
        self.asm = cdktf_package.assembly(folder)
        self.types = self.asm["types"]
        self.by_name: dict[str, dict] = {}
        for t in self.types.values():
            self.by_name.setdefault(t["name"], t)
        self._modules: dict[str, ModuleCode] = {}
        self.versions: set[str] = set()

    def module(self, name: str) -> ModuleCode:
        if name not in self._modules:
            self._modules[name] = ModuleCode.read(*cdktf_package.module_sources(self.folder, name))
        return self._modules[name]

    # -- the schema ----------------------------------------------------------------------------------
    def lines(self) -> list[tuple[str, str, dict]]:
        out = []
        for t in self.types.values():
            kind = KINDS.get(_CORE.sub("", t.get("base", ""))) if t["kind"] == "class" and _CORE.match(t.get("base", "")) else None
            if kind is None:
                continue
            summary = t.get("docs", {}).get("summary", "")
            link = (_PROVIDER_LINK if kind == "provider" else _TF_LINK).search(summary)
            if not link:
                continue
            self.versions.add(f"{link.group(1)}/{link.group(2)} {link.group(3)}")
            name = "" if kind == "provider" else link.group(4)
            code = self.module(_module_of(t))
            block = self.block(code, t["name"], _config_struct(t), t["name"], path=())
            if kind == "provider":
                block.get("a", {}).pop("alias", None)  # the generator's: a meta-argument in Terraform
            out.append((kind, name, block))
        return out

    def block(self, code: ModuleCode, owner: str, struct: str | None, output_class: str, path: tuple[str, ...]) -> dict:
        """One block: `owner` names its HCL entries (a class or struct), `struct` its jsii config
        struct, `output_class` the class whose getters and comments describe all its attributes."""
        props = self._props(struct)
        flags = code.flags.get(output_class, {})
        attributes, blocks = {}, {}
        entries = code.hcl.get(owner, {})
        for tf_name, entry in entries.items():
            prop = props.get(entry.camel or "", {})
            computed, optional, required = flags.get(tf_name) or (False, bool(prop.get("optional", True)), not prop.get("optional", True))
            summary = prop.get("docs", {}).get("summary", "")
            # a list or set of objects is an attribute when mapped by `listMapperHcl(f, false)`; a block
            # of at most one item is not mapped as a list at all
            mapped = re.match(r"cdkt[fn]\.listMapperHcl\(\w+, (true|false)\)", entry.value)
            if entry.struct is None:
                is_block = False
            elif entry.shape in ("list", "set"):
                is_block = not mapped or mapped.group(1) == "true"
            else:
                is_block = summary == f"{tf_name} block."
            if is_block and entry.struct not in path:
                single = entry.shape in ("list", "set") and not mapped
                nesting = {"struct": "single"}.get(entry.shape, entry.shape)
                inner = self.block(code, entry.struct, self._fqn(entry.struct), entry.struct + "OutputReference", (*path, entry.struct))
                blocks[tf_name] = [nesting, 1 if required else 0, 1 if single and nesting in ("list", "set") else None, inner]
            elif entry.storage == "any":  # the generator replaced its whole structure by `any`
                attributes[tf_name] = ["dynamic", _flag_text(required, optional, computed) + "x"]
            else:
                cty = self.entry_type(code, entry, path) if not is_block else "dynamic"
                attributes[tf_name] = [cty, _flag_text(required, optional, computed)]
        # computed-only attributes: commented (or with a getter) but not settable
        getters = code.getters.get(output_class, {})
        names = flags if flags else {tf: None for tf in getters}
        for tf_name in names:
            if tf_name in entries or tf_name in attributes:
                continue
            computed, optional, required = flags.get(tf_name) or (True, False, False)
            if optional or required:
                continue  # settable, so in entries: unless the generator skipped it
            simple = code.getter_types.get(output_class, {}).get(tf_name)
            getter = getters.get(tf_name)
            prop = self._property(output_class, getter) if getter and simple is None else None
            cty = simple or (self.jsii_type(code, prop["type"], path) if prop else "dynamic")
            if isinstance(cty, list) and cty[0] == "list" and tf_name in code.sets.get(output_class, ()):
                cty = ["set", cty[1]]
            attributes[tf_name] = [cty, "c"]
        out: dict = {}
        if attributes:
            out["a"] = attributes
        if blocks:
            out["b"] = blocks
        return out

    # -- types -----------------------------------------------------------------------------------------
    def entry_type(self, code: ModuleCode, entry: HclEntry, path: tuple[str, ...]):
        """The cty type of a settable attribute."""
        if entry.struct:
            obj = self.object_type(code, entry.struct, path)
            return obj if entry.shape == "struct" else [entry.shape, obj]
        element = _storage_type(entry.storage)
        if entry.shape == "set" and isinstance(element, list) and element[0] == "list":
            element = ["set", element[1]]
        return element

    def object_type(self, code: ModuleCode, struct: str, path: tuple[str, ...]):
        if struct in path:
            return "dynamic"
        inner = self.block(code, struct, self._fqn(struct), struct + "OutputReference", (*path, struct))
        attrs = {name: a[0] for name, a in inner.get("a", {}).items()}
        attrs.update({name: _block_as_type(b) for name, b in inner.get("b", {}).items()})
        return ["object", attrs]

    def jsii_type(self, code: ModuleCode, ty: dict, path: tuple[str, ...]):
        """The cty type of a computed attribute's getter."""
        if "primitive" in ty:
            return _PRIMITIVE.get(ty["primitive"], "dynamic")
        if "collection" in ty:
            kind = "list" if ty["collection"]["kind"] == "array" else "map"
            return [kind, self.jsii_type(code, ty["collection"]["elementtype"], path)]
        if "union" in ty:
            kept = [t for t in ty["union"]["types"] if not _CORE.sub("", t.get("fqn", "")) == "IResolvable"]
            return self.jsii_type(code, kept[0], path) if len(kept) == 1 else "dynamic"
        fqn = _CORE.sub("cdktf.", ty.get("fqn", ""))
        if fqn in _CDKTF_MAPS:
            return _CDKTF_MAPS[fqn]
        name = fqn.rsplit(".", 1)[-1]
        for suffix, kind in (("OutputReference", None), ("List", "list"), ("Map", "map")):
            base = name.removesuffix(suffix)
            if name.endswith(suffix) and base + "OutputReference" in self.by_name:
                if base in path:
                    return "dynamic"
                obj = self.computed_object(code, base, path)
                return obj if kind is None else [kind, obj]
        return "dynamic"

    def computed_object(self, code: ModuleCode, struct: str, path: tuple[str, ...]):
        inner = self.block(code, struct, self._fqn(struct), struct + "OutputReference", (*path, struct))
        attrs = {name: a[0] for name, a in inner.get("a", {}).items()}
        attrs.update({name: _block_as_type(b) for name, b in inner.get("b", {}).items()})
        return ["object", attrs]

    # -- jsii ------------------------------------------------------------------------------------------
    def _fqn(self, name: str) -> str | None:
        t = self.by_name.get(name)
        return t["fqn"] if t else None

    def _props(self, fqn: str | None) -> dict[str, dict]:
        t = self.types.get(fqn or "")
        return {p["name"]: p for p in t.get("properties", [])} if t else {}

    def _property(self, class_name: str, getter: str) -> dict | None:
        t = self.by_name.get(class_name)
        return next((p for p in (t or {}).get("properties", []) if p["name"] == getter), None)


def _module_of(t: dict) -> str:
    parts = t["locationInModule"]["filename"].split("/")
    return parts[1] if len(parts) > 2 else ""


def _config_struct(t: dict) -> str | None:
    params = t.get("initializer", {}).get("parameters", [])
    return next((p["type"].get("fqn") for p in params if p["name"] == "config"), None)


def _getter_type(wrap: str, method: str):
    cty = _GETTER_TYPES.get(method, "dynamic")
    return ["set", cty[1]] if "tolist" in wrap and isinstance(cty, list) else cty


def _flag_text(required: bool, optional: bool, computed: bool) -> str:
    return ("r" if required else "") + ("o" if optional else "") + ("c" if computed else "")


def _storage_type(storage: str):
    """`string` → string, `stringList` → list(string), `stringMapList` → list(map(string))."""
    for suffix, kind in (("List", "list"), ("Map", "map")):
        if storage.endswith(suffix):
            return [kind, _storage_type(storage[: -len(suffix)])]
    return _PRIMITIVE.get(storage, "dynamic")


def _block_as_type(block: list):
    """A nested block seen as an attribute's type (inside an object type)."""
    nesting, _, _, inner = block
    attrs = {name: a[0] for name, a in inner.get("a", {}).items()}
    attrs.update({name: _block_as_type(b) for name, b in inner.get("b", {}).items()})
    obj = ["object", attrs]
    return obj if nesting == "single" else [nesting, obj]


def derive(folder: Path) -> tuple[dict, list[tuple[str, str, dict]]]:
    """(header, lines) in gen_terraform_schema's format, from an unpacked package folder."""
    deriver = Deriver(folder)
    lines = deriver.lines()
    meta = cdktf_package.package_json(folder)
    provider = meta.get("cdktf", {}).get("provider", {})
    (linked,) = deriver.versions or {None}
    source = provider.get("name") or f"registry.terraform.io/{linked.split()[0]}"
    version = provider.get("version") or linked.split()[1]
    counts = {kind: sum(1 for k, _, _ in lines if k == kind) for kind in ("resource", "data", "ephemeral")}
    header = {
        "format": 1,
        "source": source,
        "version": version,
        "exact": False,
        "origin": {"kind": "cdktf", "package": meta["name"], "package_version": meta["version"]},
        "counts": counts,
        "functions": [],
    }
    return header, lines
