#!/usr/bin/env python3
"""Generate a Terraform provider's schema (src/iacfix/data/terraform/*.jsonl.gz).

What `terraform validate` knows of a provider: for the provider's configuration and for every
resource, data source and ephemeral resource, the block schema — attributes (cty type;
required / optional / computed; deprecated, sensitive, write-only) and nested block types
(nesting mode, min_items, max_items, their own block). Descriptions are dropped.

    # exact: `terraform providers schema -json` with the provider from a local mirror, offline
    python scripts/gen_terraform_schema.py terraform hashicorp/aws 5.100.0 --plugin-mirror /opt/tf-plugins
    # exact, from a saved `terraform providers schema -json` output
    python scripts/gen_terraform_schema.py json schema.json --version 5.100.0
    # derived (not exact) from a prebuilt CDKTF provider package, where no provider binary is at hand
    python scripts/gen_terraform_schema.py cdktf @cdktf/provider-aws 21.22.1

The output is JSON Lines, gzipped: a header object, then one `[kind, name, block]` line per
schema (kind: provider / resource / data / ephemeral), sorted. One line per schema lets the
loader parse only the blocks it is asked for: json.loads of a whole provider (about 6 MB of
JSON for aws) costs 0.5-0.9 s here, decompressing and indexing the lines about 13 ms; the few
huge schemas are in a second gzip member, decompressed only when asked for (`write`).
Deterministic: sorted keys, fixed gzip mtime. See docs/provider-schema.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

FORMAT = 1
OUT_DIR = Path(__file__).resolve().parent.parent / "src" / "iacfix" / "data" / "terraform"
REGISTRY = "registry.terraform.io"

# attribute flags, in this order: r required, o optional, c computed, d deprecated, s sensitive, w write-only
# (a derived schema adds x, opaque: its structure is not known, see cdktf_derive.py)
_FLAGS = (("required", "r"), ("optional", "o"), ("computed", "c"), ("deprecated", "d"), ("sensitive", "s"), ("write_only", "w"))
_KINDS = (("resource_schemas", "resource"), ("data_source_schemas", "data"), ("ephemeral_resource_schemas", "ephemeral"))


# -- the compact block format ---------------------------------------------------------------------
def compact_attribute(attr: dict) -> list:
    """`[cty type, flags]`, or `[null, flags, [nesting mode, block]]` for an attribute with nested
    attributes (protocol 6 `nested_type`)."""
    flags = "".join(letter for key, letter in _FLAGS if attr.get(key))
    nested = attr.get("nested_type")
    if nested:
        return [None, flags, [nested["nesting_mode"], compact_block({"attributes": nested["attributes"]})]]
    return [attr["type"], flags]


def compact_block(block: dict) -> dict:
    """`{"a": {name: attribute}, "b": {name: [nesting, min_items, max_items, block]}, "d": 1}`,
    each key only when there is something to say (`d`: the whole block is deprecated)."""
    out: dict = {}
    if block.get("attributes"):
        out["a"] = {name: compact_attribute(a) for name, a in block["attributes"].items()}
    if block.get("block_types"):
        out["b"] = {
            name: [bt["nesting_mode"], bt.get("min_items", 0), bt.get("max_items", 0), compact_block(bt.get("block", {}))]
            for name, bt in block["block_types"].items()
        }
    if block.get("deprecated"):
        out["d"] = 1
    return out


def from_provider_json(source: str, version: str, schema: dict, origin: dict) -> tuple[dict, list[tuple[str, str, dict]]]:
    """(header, lines) from one provider of `terraform providers schema -json`."""
    lines = [("provider", "", compact_block(schema["provider"]["block"]))]
    counts = {}
    for key, kind in _KINDS:
        found = schema.get(key) or {}
        counts[kind] = len(found)
        lines += [(kind, name, compact_block(s["block"])) for name, s in found.items()]
    header = {
        "format": FORMAT,
        "source": source,
        "version": version,
        "exact": True,
        "origin": origin,
        "counts": counts,
        "functions": sorted(schema.get("functions") or {}),
    }
    return header, lines


# -- running terraform ------------------------------------------------------------------------------
def terraform_schema(source: str, version: str, plugin_mirror: Path | None) -> tuple[dict, dict]:
    """(`terraform providers schema -json` of that provider, terraform's version), run offline
    against the mirror in a scratch folder, with a CLI config of its own."""
    namespace, name = source.split("/")[-2:]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "main.tf").write_text(
            "terraform {\n  required_providers {\n"
            f'    {name} = {{\n      source  = "{namespace}/{name}"\n      version = "{version}"\n    }}\n'
            "  }\n}\n"
        )
        rc = work / "terraformrc"
        rc.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{plugin_mirror}"\n  }}\n}}\n' if plugin_mirror else ""
        )
        env = {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
        env.pop("TF_PLUGIN_CACHE_DIR", None)
        subprocess.run(["terraform", "init", "-backend=false", "-input=false", "-no-color"], cwd=work, env=env,
                       check=True, capture_output=True)
        out = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=work, env=env,
                             check=True, capture_output=True).stdout
        tf_version = json.loads(subprocess.run(["terraform", "version", "-json"], cwd=work, env=env,
                                               check=True, capture_output=True).stdout)["terraform_version"]
    return json.loads(out), tf_version


def provider_entry(schemas: dict, source: str) -> tuple[str, dict]:
    """The full source address and schema of one provider of `terraform providers schema -json`."""
    wanted = source if source.count("/") == 2 else f"{REGISTRY}/{source}"
    providers = schemas["provider_schemas"]
    if wanted not in providers:
        raise SystemExit(f"{wanted} is not in the schema output (it has {', '.join(providers)})")
    return wanted, providers[wanted]


# -- writing ------------------------------------------------------------------------------------------
def file_name(source: str, version: str) -> str:
    """`registry.terraform.io/hashicorp/aws` 5.100.0 → `hashicorp-aws-5.100.0.jsonl.gz`."""
    namespace, name = source.split("/")[-2:]
    return f"{namespace}-{name}-{version}.jsonl.gz"


# a schema this large (aws: QuickSight's and WAFv2's six, 4.3 of 5.7 MB) goes to a second gzip member
DEFERRED_OVER = 64_000


def write(header: dict, lines: list[tuple[str, str, dict]], out: Path) -> None:
    """Two gzip members, one file (zcat reads both): the header and every schema, except those of
    more than DEFERRED_OVER characters, which follow in the second member, named in the header's
    `deferred`. The loader decompresses the second member only when one of them is asked for."""
    out.parent.mkdir(parents=True, exist_ok=True)
    dump = lambda value: json.dumps(value, sort_keys=True, separators=(",", ":"))  # noqa: E731
    texts = [(kind, name, dump([kind, name, block])) for kind, name, block in sorted(lines, key=lambda x: x[:2])]
    deferred = [(kind, name, text) for kind, name, text in texts if len(text) > DEFERRED_OVER]
    header = {**header, "deferred": [[kind, name] for kind, name, _ in deferred]}
    main_text = "\n".join([dump(header), *(t for _, _, t in texts if len(t) <= DEFERRED_OVER)]) + "\n"
    rest_text = "".join(t + "\n" for _, _, t in deferred)
    buf = io.BytesIO()
    for text in (main_text, rest_text) if rest_text else (main_text,):
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(text.encode())
    out.write_bytes(buf.getvalue())
    print(f"{out}: {', '.join(f'{n} {k}' for k, n in header['counts'].items())}, "
          f"{len(main_text) / 1e6:.1f} MB raw (+{len(rest_text) / 1e6:.1f} MB deferred), "
          f"{out.stat().st_size / 1e6:.2f} MB gzipped", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    tf = sub.add_parser("terraform", help="run `terraform providers schema -json` (offline with --plugin-mirror)")
    tf.add_argument("source", help="namespace/name, e.g. hashicorp/aws")
    tf.add_argument("version", help="an exact version, e.g. 5.100.0")
    tf.add_argument("--plugin-mirror", type=Path, help="a filesystem mirror holding the provider")
    saved = sub.add_parser("json", help="read a saved `terraform providers schema -json` output")
    saved.add_argument("path", type=Path)
    saved.add_argument("--source", help="which provider of the file (default: its only one)")
    saved.add_argument("--version", required=True, help="the provider version the output was made with")
    derived = sub.add_parser("cdktf", help="derive from a prebuilt CDKTF provider package (npm pack; see cdktf_derive.py)")
    derived.add_argument("package", help="e.g. @cdktf/provider-aws")
    derived.add_argument("version", help="the package version, e.g. 21.22.1")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    if args.mode == "terraform":
        schemas, tf_version = terraform_schema(args.source, args.version, args.plugin_mirror)
        source, version = args.source, args.version
        origin = {"kind": "terraform", "tool": f"terraform {tf_version} providers schema -json"}
    elif args.mode == "cdktf":
        import cdktf_derive
        import cdktf_package

        header, lines = cdktf_derive.derive(cdktf_package.fetch(args.package, args.version))
        write(header, lines, args.out_dir / file_name(header["source"], header["version"]))
        return
    else:
        schemas = json.loads(args.path.read_text(encoding="utf-8"))
        source = args.source or next(iter(schemas["provider_schemas"]))
        version = args.version
        origin = {"kind": "terraform", "tool": "terraform providers schema -json"}
    source, schema = provider_entry(schemas, source)
    header, lines = from_provider_json(source, version, schema, origin)
    write(header, lines, args.out_dir / file_name(source, version))


if __name__ == "__main__":
    main()
