#!/usr/bin/env python3
"""Generate src/iacfix/data/terraform/releases.json: which Terraform provider versions each major of
a prebuilt CDKTF provider package was built from, and each provider's newest known release.

Every published @cdktf/provider-<name> (and @cdktn/provider-<name>, CDK Terrain's, the community
fork that goes on since cdktf stopped) says in its package.json which provider version it was
generated from (`cdktf.provider`: name and version) and its Python distribution's name
(`jsii.targets.python.distName`). One `npm view` per package reads them for every version:

- `packages`: per package, its Python distribution and `majors`: package major → [oldest,
  newest] provider version built into it. A project that pins `@cdktf/provider-aws ^19` (or
  `cdktf-cdktf-provider-aws~=19.0`) runs hashicorp/aws 5.31.0-5.99.1;
- `newest`: the newest provider version any package was built from, the release `terraform init`
  picks for an unpinned provider (as far as the packages have followed the provider).

    python scripts/gen_provider_releases.py            # the providers below
    python scripts/gen_provider_releases.py aws random  # some of them

Deterministic for the same registry data (sorted keys). See docs/provider-schema.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

FORMAT = 1
OUT = Path(__file__).resolve().parent.parent / "src" / "iacfix" / "data" / "terraform" / "releases.json"
# the prebuilt providers the corpus uses (docs/provider-schema.md counts them)
PROVIDERS = ("aws", "random", "archive", "tls", "null", "local", "time", "kubernetes", "helm", "external")
SCOPES = ("@cdktf", "@cdktn")


def version_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text.split("-")[0])[:3])


def package_versions(package: str) -> list[dict]:
    """Every version of an npm package with the provider it was built from."""
    out = subprocess.run(
        ["npm", "view", f"{package}@>=0", "version", "cdktf.provider", "jsii.targets.python.distName", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    data = json.loads(out)
    return data if isinstance(data, list) else [data]


def package_entry(package: str) -> tuple[str, dict] | None:
    """(the provider's source address, {"pypi": ..., "majors": {major: [oldest, newest]}}), None
    when the registry has no such package."""
    try:
        versions = package_versions(package)
    except subprocess.CalledProcessError:
        return None
    sources, majors, pypi = set(), {}, set()
    for entry in versions:
        provider = entry.get("cdktf.provider")
        if not provider or "-" in entry["version"]:  # no record of the provider, or a pre-release
            continue
        sources.add(provider["name"])
        pypi.add(entry.get("jsii.targets.python.distName"))
        majors.setdefault(str(version_key(entry["version"])[0]), []).append(provider["version"])
    if not sources:
        return None
    (source,) = sources
    built = {m: [min(vs, key=version_key), max(vs, key=version_key)] for m, vs in majors.items()}
    return source, {"pypi": next(iter(pypi - {None}), None),
                    "majors": dict(sorted(built.items(), key=lambda kv: int(kv[0])))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("providers", nargs="*", default=list(PROVIDERS), help="names of @cdktf/provider-<name> packages")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    existing = json.loads(args.out.read_text()) if args.out.is_file() else {"providers": {}}
    providers = {source: entry for source, entry in existing["providers"].items() if "packages" in entry}
    for name in args.providers:
        for scope in SCOPES:
            found = package_entry(f"{scope}/provider-{name}")
            if found is None:
                continue
            source, entry = found
            packages = providers.setdefault(source, {"packages": {}})["packages"]
            packages[f"{scope}/provider-{name}"] = entry
            newest = max((v for p in packages.values() for _, v in p["majors"].values()), key=version_key)
            providers[source]["newest"] = newest
            print(f"{source}: {scope}/provider-{name} majors {', '.join(entry['majors'])}, newest {newest}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"format": FORMAT, "providers": providers}, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
