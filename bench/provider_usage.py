#!/usr/bin/env python3
"""Which providers the corpus uses, and how it pins them: the list of shipped provider schemas
(docs/provider-schema.md) follows from these counts.

    python bench/provider_usage.py [CORPUS]      # default ../shared/corpus

For the final sources of each tree (not the markdown), counts the trees that name a provider in
`required_providers` (its `source`), in cdktf.json `terraformProviders`, as a prebuilt package
dependency (package.json `@cdktf/provider-*`, requirements / Pipfile / pyproject
`cdktf-cdktf-provider-*`), in an import of one, or by the prefix of a `resource` / `data` block type; and the version
constraints written for each provider (from the final sources and the models' answers alike).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

_SOURCE = re.compile(r'^\s*(\w+)\s*=\s*\{[^}]*?source\s*=\s*"([\w.-]+/[\w.-]+)"(?:[^}]*?version\s*=\s*"([^"]*)")?', re.M | re.S)
_IMPORT = re.compile(r"@cdkt[fn]/provider-([a-z0-9]+)|cdktf_cdktf_provider_([a-z0-9]+)|cdktn_provider_([a-z0-9]+)")
_TYPE = re.compile(r'^\s*(resource|data)\s+"([a-z0-9]+)_', re.M)
_PY = re.compile(r"(?:cdktf[-_]cdktf|cdktn)[-_]provider[-_]([a-z0-9]+)", re.I)


def tree_usage(task: Path) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """(how → providers, [(provider, constraint)]) for one tree."""
    usage: dict[str, set[str]] = defaultdict(set)
    constraints = []
    for path in task.rglob("*"):
        if not path.is_file() or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace") if path.suffix in (".tf", ".md", ".json", ".txt", ".toml", "") else ""
        final = path.suffix != ".md"
        if path.suffix in (".tf", ".md"):
            for _, source, version in _SOURCE.findall(text):
                if final:
                    usage["required_providers"].add(source.lower())
                if version:
                    constraints.append((source.lower(), version))
            if final:
                usage["resource type"] |= {prefix for _, prefix in _TYPE.findall(text)}
        if path.name == "cdktf.json":
            for entry in json.loads(text or "{}").get("terraformProviders", []):
                name = entry if isinstance(entry, str) else entry.get("source") or entry.get("name", "")
                usage["cdktf.json"].add(name.split("@")[0].rsplit("/", 1)[-1])
        if path.name == "package.json":
            deps = {**json.loads(text or "{}").get("dependencies", {}), **json.loads(text or "{}").get("devDependencies", {})}
            usage["prebuilt package"] |= {k.rsplit("provider-", 1)[1] for k in deps if re.match(r"@cdkt[fn]/provider-", k)}
        if path.suffix in (".ts", ".py") and final:
            text = path.read_text(encoding="utf-8", errors="replace")
            usage["imports a prebuilt package"] |= {"".join(m) for m in _IMPORT.findall(text)}
        if re.match(r"(requirements.*\.txt|Pipfile|pyproject\.toml)$", path.name):
            usage["prebuilt package"] |= {m.lower() for m in _PY.findall(text)}
    return usage, constraints


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    args = parser.parse_args(argv)
    trees: dict[str, Counter] = defaultdict(Counter)
    constraints: dict[str, Counter] = defaultdict(Counter)
    for task in sorted(p for p in args.corpus.glob("*/*") if p.is_dir()):
        usage, found = tree_usage(task)
        for how, providers in usage.items():
            trees[how].update(providers)
        for provider, constraint in found:
            constraints[provider][constraint] += 1
    for how in ("required_providers", "resource type", "cdktf.json", "prebuilt package", "imports a prebuilt package"):
        print(f"{how} (trees): " + (", ".join(f"{p} {n}" for p, n in trees[how].most_common()) or "none"))
    for provider in ("hashicorp/aws", "hashicorp/random", "hashicorp/archive"):
        counts = constraints[provider]
        print(f"{provider} constraints ({sum(counts.values())}): " + ", ".join(f"{c} {n}" for c, n in counts.most_common(8)))


if __name__ == "__main__":
    main()
