#!/usr/bin/env python3
"""False positives of the provider-API rules: their findings on the corpus's final sources.

The final sources of every task (../shared/corpus/*/<task>, markdown left out) compile, synth
and validate, so every PRV / CACHE101 finding on them is a false positive to fix or explain.

    .venv/bin/python bench/provider_api_fp.py [--flavour cdktf-ts] [--show 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from iacfix import engine
from iacfix.rules import all_rules

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--flavour", action="append", choices=["cdktf-ts", "cdktf-py", "tf-hcl"])
    parser.add_argument("--prefix", default="PRV,CACHE101")
    parser.add_argument("--show", type=int, default=30)
    args = parser.parse_args()
    prefixes = tuple(args.prefix.split(","))
    rules = [r for r in all_rules() if r.code.startswith(prefixes)]
    counts: Counter[str] = Counter()
    shown, errors, started = [], 0, time.time()
    tasks = 0
    for flavour in args.flavour or ["cdktf-ts", "cdktf-py", "tf-hcl"]:
        for task in sorted((args.corpus / flavour).iterdir()):
            tasks += 1
            result = engine.run([task], engine.Options(terraform_version="1.10.0"), cwd=task, rules=rules)
            errors += sum(1 for e in result.errors if "internal error" in e.message or "fix dropped" in e.message)
            for e in result.errors:
                if "internal error" in e.message or "fix dropped" in e.message:
                    print(f"ERROR {e.path}:{e.line}: {e.message}", file=sys.stderr)
            for f in result.findings:
                counts[f.code] += 1
                shown.append(f"{flavour}/{task.name}/{f.path.relative_to(task)}:{f.line}: {f.code} {f.message}")
    print(f"{tasks} tasks, {time.time() - started:.0f} s, rule errors: {errors}")
    print("false positives per code:", dict(sorted(counts.items())) or "none")
    for line in shown[: args.show]:
        print(" ", line[:300])


if __name__ == "__main__":
    main()
