#!/usr/bin/env python3
"""Every finding iacfix raises on the corpus, to compare two versions of iacfix rule by rule.

    .venv/bin/python bench/findings_snapshot.py --out bench/.cache/findings-new.jsonl
    .venv/bin/python bench/findings_snapshot.py --compare OLD.jsonl NEW.jsonl

Each task of ../shared/corpus is run as the corpus benchmark runs it (bench/README.md): its final
sources (the task folder) and its model answer (lib/MODEL_RESPONSE.md), every rule (the opt-in
ones included), unsafe fixes applied, the machine's terraform not consulted. One JSON line per finding (task, part, code, file, line, col, message, fixable)
and per error, plus a digest of each run's changed texts. --compare lists what was lost, what was
gained and the runs whose fixes changed: the "no finding lost, the gained ones listed" check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as bench  # noqa: E402  (the corpus benchmark's task list and settings)


def snapshot(out: Path, limit: int = 0) -> None:
    from iacfix import engine

    bench.setup_worker()
    options = engine.Options(unsafe_fixes=True, extend_select=("ALL",))
    with out.open("w", encoding="utf-8") as sink:
        for flavour_dir in sorted(p for p in bench.CORPUS.iterdir() if p.is_dir()):
            tasks = sorted(p for p in flavour_dir.iterdir() if p.is_dir())
            for task in tasks[: limit or None]:
                for part, target in (("final", task), ("model", task / "lib" / "MODEL_RESPONSE.md")):
                    if not target.exists():
                        continue
                    key = f"{flavour_dir.name}/{task.name}"
                    try:
                        result = engine.run([target], options, task)
                    except Exception as exc:  # noqa: BLE001 - recorded, as the benchmark does
                        sink.write(json.dumps({"task": key, "part": part, "crash": f"{type(exc).__name__}: {exc}"}) + "\n")
                        continue
                    for f in result.findings:
                        sink.write(json.dumps({"task": key, "part": part, "code": f.code, "file": _rel(f.path, task),
                                               "line": f.line, "col": f.col, "message": f.message, "fixable": f.fixable}) + "\n")
                    for e in result.errors:
                        sink.write(json.dumps({"task": key, "part": part, "error": e.message, "file": _rel(e.path, task), "line": e.line}) + "\n")
                    digest = hashlib.sha256("".join(f"{_rel(s.path, task)}\0{t}\0" for s, t in result.changes()).encode()).hexdigest()[:16]
                    sink.write(json.dumps({"task": key, "part": part, "changes": digest}) + "\n")


def _rel(path: Path, task: Path) -> str:
    try:
        return path.relative_to(task).as_posix()
    except ValueError:
        return path.as_posix()


def compare(old: Path, new: Path) -> int:
    def read(path: Path) -> tuple[Counter, dict]:
        items, changes = Counter(), {}
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "changes" in row:
                changes[(row["task"], row["part"])] = row["changes"]
            else:
                items[json.dumps(row, sort_keys=True)] += 1
        return items, changes

    (a, ca), (b, cb) = read(old), read(new)
    lost, gained = a - b, b - a
    for title, rows in (("lost", lost), ("gained", gained)):
        print(f"## {title}: {sum(rows.values())}")
        by_code = Counter(json.loads(r).get("code", "error") for r in rows.elements())
        print("   by code:", dict(sorted(by_code.items())))
        for row in sorted(rows):
            print("  ", row)
    fixes = sorted(k for k in ca.keys() | cb.keys() if ca.get(k) != cb.get(k))
    print(f"## runs whose fixes changed: {len(fixes)}")
    for task, part in fixes:
        print(f"   {task} {part}")
    return 1 if lost or fixes else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N tasks of each flavour")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    snapshot(args.out or HERE / ".cache" / "findings.jsonl", args.limit)


if __name__ == "__main__":
    main()
