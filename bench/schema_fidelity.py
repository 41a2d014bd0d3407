#!/usr/bin/env python3
"""How faithful a derived provider schema is: compare it with an exact one of the same version.

    python bench/schema_fidelity.py EXACT.jsonl.gz DERIVED.jsonl.gz [--examples 5]

Both files are in scripts/gen_terraform_schema.py's format. Every resource and data source of
the exact schema is looked up in the derived one; inside those present both, every attribute and
block type, at every depth, is compared on what a validity checker asks of it:

- present: the name exists in the derived block (an unknown-argument check would otherwise cry wolf);
- block vs attribute: `x { }` versus `x = ...` (an opaque attribute, flag `x`, admits both);
- required: an attribute's required flag, a block's min_items > 0;
- computed-only: set by the provider, not configurable;
- nesting (blocks), max_items == 1 (blocks), cty type (attributes).

Rates are over the exact schema's items (the denominator is printed), plus items the derived
schema has that the exact one does not.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter, defaultdict


def read(path: str) -> tuple[dict, dict[tuple[str, str], dict]]:
    header, *lines = gzip.decompress(open(path, "rb").read()).decode().splitlines()
    return json.loads(header), {(k, n): b for k, n, b in map(json.loads, lines)}


def compare(exact: dict, derived: dict, where: str, counts: Counter, examples: dict) -> None:
    def miss(what: str, detail: str) -> None:
        counts[what] += 1
        examples[what].append(f"{where}{detail}")

    for name, (cty, flags, *_) in exact.get("a", {}).items():
        counts["attributes"] += 1
        if name in derived.get("b", {}):
            miss("attribute seen as block", f".{name}")
            continue
        other = derived.get("a", {}).get(name)
        if other is None:
            miss("attribute missing", f".{name}")
            continue
        if ("r" in flags) != ("r" in other[1]):
            miss("attribute required differs", f".{name} ({flags} vs {other[1]})")
        computed_only = lambda f: "c" in f and "o" not in f and "r" not in f  # noqa: E731
        if computed_only(flags) != computed_only(other[1]):
            miss("computed-only differs", f".{name} ({flags} vs {other[1]})")
        if "c" in flags and "o" in flags and "c" not in other[1]:
            miss("optional+computed seen as optional", f".{name}")
        if cty is not None and cty != other[0]:
            miss("attribute type differs", f".{name} ({json.dumps(cty)[:80]} vs {json.dumps(other[0])[:80]})")
        if "d" in flags:
            counts["deprecated attributes"] += 1
            if "d" not in other[1]:
                miss("deprecation not known", f".{name}")
    for name, (nesting, min_items, max_items, inner) in exact.get("b", {}).items():
        counts["blocks"] += 1
        if name in derived.get("a", {}):
            opaque = "x" in derived["a"][name][1]
            miss("block seen as opaque attribute" if opaque else "block seen as attribute", f".{name}")
            continue
        other = derived.get("b", {}).get(name)
        if other is None:
            miss("block missing", f".{name}")
            continue
        if nesting != other[0]:
            miss("nesting differs", f".{name} ({nesting} vs {other[0]})")
        if (min_items > 0) != (other[1] > 0):
            miss("block required differs", f".{name} (min {min_items} vs {other[1]})")
        if (max_items == 1) != (other[2] == 1):
            miss("max_items 1 differs", f".{name} (max {max_items} vs {other[2]})")
        compare(inner, other[3], f"{where}.{name}", counts, examples)
    for name in derived.get("a", {}):
        if name not in exact.get("a", {}) and name not in exact.get("b", {}):
            miss("extra attribute", f".{name}")
    for name in derived.get("b", {}):
        if name not in exact.get("b", {}) and name not in exact.get("a", {}):
            miss("extra block", f".{name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exact")
    parser.add_argument("derived")
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args(argv)
    (eh, exact), (dh, derived) = read(args.exact), read(args.derived)
    print(f"exact: {eh['source']} {eh['version']} ({eh['origin']})\nderived: {dh['source']} {dh['version']} ({dh['origin']})")
    counts: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for (kind, name), block in sorted(exact.items()):
        if kind == "ephemeral":
            continue
        counts[f"{kind} schemas"] += 1
        other = derived.get((kind, name))
        if other is None:
            counts[f"{kind} schemas missing"] += 1
            examples[f"{kind} schemas missing"].append(name)
            continue
        compare(block, other, f"{kind} {name}", counts, examples)
    for kind, name in derived:
        if (kind, name) not in exact:
            counts[f"{kind} schemas extra"] += 1
    totals = {"resource": counts["resource schemas"], "data": counts["data schemas"], "provider": counts["provider schemas"]}
    for what in sorted(counts):
        if what.endswith(" schemas") or what in ("attributes", "blocks"):
            continue
        base = (totals.get(what.split()[0]) if what.endswith(("schemas missing", "schemas extra"))
                else counts["deprecated attributes"] if what == "deprecation not known"
                else counts["blocks"] if what.startswith(("block", "nesting", "max_items", "extra block"))
                else counts["attributes"])
        rate = f"{100 * counts[what] / base:6.2f}% of {base}" if base else ""
        print(f"{what:40} {counts[what]:6}  {rate}")
        for example in examples[what][: args.examples]:
            print(f"    {example}")
    print(f"compared: {counts['resource schemas']} resources, {counts['data schemas']} data sources, "
          f"{counts['attributes']} attributes, {counts['blocks']} blocks")


if __name__ == "__main__":
    main()
