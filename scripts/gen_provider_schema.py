#!/usr/bin/env python3
"""Generate src/iacfix/data/provider-aws.schema.json.gz from the published jsii assemblies.

The provider package (@cdktf/provider-aws) and the cdktf core each ship their jsii assembly, a
`.jsii` JSON file that describes every class, struct and property exactly as the TypeScript and
Python bindings expose them. This script reads the two assemblies and keeps what the rules need:

- every resource / data source / provider class: its module (`lib/<module>`), its Terraform type,
  its config struct and the attributes an instance exposes;
- every struct (config and nested blocks): its module and its properties, each with its type
  (`string`, `number`, `boolean`, `any`, a struct name, `list<T>`, `map<T>`), whether it is
  required and, when it is not the plain snake_case of the property, its Terraform name;
- the cdktf core's exported names and structs (`TerraformResourceLifecycle`, ...).

    python scripts/gen_provider_schema.py                          # npm pack the pinned versions
    python scripts/gen_provider_schema.py --provider-version 22.0.0 --cdktf-version 0.21.0
    python scripts/gen_provider_schema.py --node-modules /path/to/node_modules  # already installed

The output is deterministic (sorted keys, fixed gzip mtime): regenerating from the same versions
gives the same bytes. See docs/provider-schema.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PROVIDER_PACKAGE = "@cdktf/provider-aws"
PROVIDER_VERSION = "21.22.1"
CDKTF_VERSION = "0.21.0"
FORMAT = 1
OUT = Path(__file__).resolve().parent.parent / "src" / "iacfix" / "data" / "provider-aws.schema.json.gz"

_KIND_BY_BASE = {
    "cdktf.TerraformResource": "resource",
    "cdktf.TerraformDataSource": "data",
    "cdktf.TerraformProvider": "provider",
}
# `{@link https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/s3_bucket aws_s3_bucket}`
_TF_LINK = re.compile(r"registry\.terraform\.io/providers/([\w-]+)/([\w-]+)/([\w.-]+)/docs/(resources|data-sources)/\S+ (\w+)\}")
_PROVIDER_LINK = re.compile(r"registry\.terraform\.io/providers/([\w-]+)/([\w-]+)/([\w.-]+)/docs \w+\}")
# `{@link https://.../docs/resources/s3_bucket#force_destroy S3Bucket#force_destroy}`
_ATTR_ANCHOR = re.compile(r"#(\w+) \w+#\1\}")


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


# -- reading the assemblies ------------------------------------------------------------------------
def packed_assembly(package: str, version: str, workdir: Path) -> dict:
    """`npm pack` the package (the registry's tarball, no install scripts) and read its .jsii."""
    out = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--silent", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    with tarfile.open(workdir / out) as tar:
        member = tar.extractfile("package/.jsii")
        assert member is not None, f"{package}@{version} ships no .jsii"
        data = member.read()
    (workdir / out).unlink()
    return _decompress(json.loads(data), lambda name: _read_member(workdir, package, version, name))


def _read_member(workdir: Path, package: str, version: str, name: str) -> bytes:
    raise SystemExit(f"{package}@{version}: compressed assembly {name} is not supported; use --node-modules")


def installed_assembly(node_modules: Path, package: str) -> dict:
    folder = node_modules / package
    data = json.loads((folder / ".jsii").read_text(encoding="utf-8"))
    return _decompress(data, lambda name: (folder / name).read_bytes())


def _decompress(data: dict, read) -> dict:
    """A `.jsii` may be a redirect to a gzipped assembly (jsii's `compress` option)."""
    if data.get("schema") == "jsii/file-redirect":
        return json.loads(gzip.decompress(read(data["filename"])))
    return data


# -- types ------------------------------------------------------------------------------------------
def type_text(ty: dict) -> str:
    """The jsii type as the schema spells it; cdktf's IResolvable escape hatch is left out."""
    if "primitive" in ty:
        return {"string": "string", "number": "number", "boolean": "boolean"}.get(ty["primitive"], "any")
    if "collection" in ty:
        kind = "list" if ty["collection"]["kind"] == "array" else "map"
        return f"{kind}<{type_text(ty['collection']['elementtype'])}>"
    if "union" in ty:
        kept = [t for t in ty["union"]["types"] if t.get("fqn") != "cdktf.IResolvable"]
        return type_text(kept[0]) if len(kept) == 1 else "any"
    fqn = ty["fqn"]
    return fqn.rsplit(".", 1)[-1]


def is_struct(t: dict) -> bool:
    return t["kind"] == "interface" and bool(t.get("datatype"))


def module_of(t: dict) -> str:
    """`src/s3-bucket/index.ts` → `s3-bucket` (the folder under lib/ that exports it)."""
    parts = t["locationInModule"]["filename"].split("/")
    return parts[1] if len(parts) > 2 else ""


def struct_props(t: dict) -> dict:
    props = {}
    for p in t.get("properties", []):
        entry = [type_text(p["type"]), 0 if p.get("optional") else 1]
        docs = " ".join(str(v) for v in p.get("docs", {}).values())
        anchor = _ATTR_ANCHOR.search(docs)
        if anchor and anchor.group(1) != snake_case(p["name"]):
            entry.append(anchor.group(1))
        props[p["name"]] = entry
    return props


def inherited(t: dict) -> list[str]:
    """Names of the structs a struct extends (TerraformMetaArguments for every config)."""
    return sorted(i.rsplit(".", 1)[-1] for i in t.get("interfaces", []))


def build(provider: dict, core: dict) -> dict:
    types = provider["types"]
    classes, structs = {}, {}
    versions = set()
    for fqn, t in types.items():
        if t["kind"] == "class" and t.get("base") in _KIND_BY_BASE:
            kind = _KIND_BY_BASE[t["base"]]
            summary = t.get("docs", {}).get("summary", "")
            if kind == "provider":
                link = _PROVIDER_LINK.search(summary)
                tf_type = link.group(2) if link else None
            else:
                link = _TF_LINK.search(summary)
                tf_type = link.group(5) if link else None
                if tf_type and kind == "data":
                    tf_type = "data." + tf_type
            if link:
                versions.add(f"{link.group(1)}/{link.group(2)} {link.group(3)}")
            config = next((p["type"]["fqn"] for p in t["initializer"]["parameters"] if p["name"] == "config"), None)
            attrs = sorted(
                p["name"]
                for p in t.get("properties", [])
                if not p.get("static") and not p["name"].endswith("Input") and p.get("locationInModule")
            )
            classes[t["name"]] = {
                "module": module_of(t),
                "py": snake_case(t["namespace"]),
                "kind": kind,
                "tf": tf_type,
                "config": config.rsplit(".", 1)[-1] if config else None,
                "attrs": attrs,
            }
        elif is_struct(t):
            structs[t["name"]] = {"module": module_of(t), "props": struct_props(t)}
            bases = inherited(t)
            if bases:
                structs[t["name"]]["bases"] = bases
    core_types = core["types"]
    core_structs = {}
    for t in core_types.values():
        if is_struct(t) and "namespace" not in t:  # cdktf's own, not cdktf.testingMatchers
            core_structs[t["name"]] = {"module": "", "props": struct_props(t)}
            if inherited(t):
                core_structs[t["name"]]["bases"] = inherited(t)
    clash = set(core_structs) & set(structs)
    assert not clash, f"struct names in both assemblies: {sorted(clash)[:5]}"
    structs.update(core_structs)
    (terraform_provider,) = versions or {None}
    return {
        "format": FORMAT,
        "package": provider["name"],
        "version": provider["version"],
        "terraform_provider": terraform_provider,
        "python_package": provider["targets"]["python"]["module"],
        "cdktf": {
            "version": core["version"],
            "exports": sorted(t["name"] for t in core_types.values() if "namespace" not in t),
        },
        "classes": classes,
        "structs": structs,
    }


def write(schema: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(schema, sort_keys=True, separators=(",", ":")).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    out.write_bytes(buf.getvalue())
    print(f"{out}: {len(schema['classes'])} classes, {len(schema['structs'])} structs, "
          f"{len(raw) / 1e6:.1f} MB raw, {out.stat().st_size / 1e6:.2f} MB gzipped", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider-version", default=PROVIDER_VERSION)
    parser.add_argument("--cdktf-version", default=CDKTF_VERSION)
    parser.add_argument("--node-modules", type=Path, help="read the assemblies from an installed node_modules instead")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.node_modules:
        provider = installed_assembly(args.node_modules, PROVIDER_PACKAGE)
        core = installed_assembly(args.node_modules, "cdktf")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            provider = packed_assembly(PROVIDER_PACKAGE, args.provider_version, Path(tmp))
            core = packed_assembly("cdktf", args.cdktf_version, Path(tmp))
    for name, assembly, wanted in (
        (PROVIDER_PACKAGE, provider, args.provider_version),
        ("cdktf", core, args.cdktf_version),
    ):
        if assembly["version"] != wanted:
            raise SystemExit(f"{name} is {assembly['version']}, not the requested {wanted}")
    write(build(provider, core), args.out)


if __name__ == "__main__":
    main()
