"""Memory per byte of source: the peak resident memory of `iacfix FILE` (a dry run, as a user
starts) on one big Terraform file, against the same run on a tiny one.

    .venv/bin/python bench/memory.py                # 1 MB and 5 MB files (about 2 minutes)
    .venv/bin/python bench/memory.py --sizes 0.5    # a quick look

The file is made of the corpus's Terraform files (../shared/corpus; the samples when it is
absent), their block labels numbered so that each copy is distinct. Each run is a fresh process
whose parse and formatter caches are empty (IACFIX_CACHE_DIR in a temporary folder), so it
parses and formats everything; V8's compiled code of the Node worker is kept from a first run,
as on any machine that ran iacfix once. Two peaks are reported: iacfix's own process and the
Node worker that runs the formatter (TF001), read from /proc (Linux) before it ends.
Bytes per byte = (peak − the tiny file's peak) / size of the file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "tf-hcl"

# Run inside the measured process: the CLI as a user runs it, then the peaks.
DRIVER = """
import json, sys, time
from iacfix.cli import main
from iacfix.backends import node

def peak(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(next(l for l in status if l.startswith("VmHWM:")).split()[1]) * 1024
    except (OSError, StopIteration):
        return 0

start = time.monotonic()
sys.argv = ["iacfix", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
worker = node._worker and node._worker._process
print(json.dumps({"code": code, "seconds": time.monotonic() - start, "iacfix": peak("self"),
                  "node": peak(worker.popen.pid) if worker else 0}), file=sys.stderr)
"""

_LABELLED = re.compile(r'^(resource|data|module|variable|output)(\s+"[^"]+")?\s+"([^"]+)"', re.M)


def terraform_text(size: int) -> str:
    """About `size` characters of Terraform: corpus files, their labels numbered per copy."""
    files = sorted(CORPUS.glob("*/lib/*.tf")) if CORPUS.is_dir() else sorted((REPO / "samples/terraform").glob("*.tf"))
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    out, total, copy = [], 0, 0
    while total < size:
        for text in texts:
            numbered = _LABELLED.sub(lambda m, c=copy: m.group(0)[:-1] + f'_{c}"', text)
            out.append(numbered.rstrip("\n") + "\n\n")
            total += len(out[-1])
            if total >= size:
                break
        copy += 1
    return "".join(out)


def measure(text: str, cache: Path) -> dict:
    import shutil

    for kept in ("parse", "hcl-fmt"):  # what this text would find there: nothing
        shutil.rmtree(cache / kept, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="iacfix-memory-") as folder:
        root = Path(folder)
        (root / "tree").mkdir()
        (root / "tree/main.tf").write_text(text, encoding="utf-8")
        env = {**os.environ, "IACFIX_CACHE_DIR": str(cache)}
        done = subprocess.run(
            [sys.executable, "-c", DRIVER, "tree"], cwd=root, env=env, capture_output=True, text=True, check=False
        )
        return json.loads(done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5", help="file sizes in MB, comma-separated (default: 1,5)")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="iacfix-memory-cache-"))
    tiny_text = 'resource "aws_eip" "a" {\n  domain = "vpc"\n}\n'
    measure(tiny_text, cache)  # V8 compiles the worker and keeps its code
    tiny = measure(tiny_text, cache)
    print(f"tiny file: iacfix {tiny['iacfix'] / 1e6:.0f} MB, Node {tiny['node'] / 1e6:.0f} MB, {tiny['seconds']:.1f} s")
    print("| size | time | iacfix peak | bytes/byte | Node peak | bytes/byte |")
    print("|---|---|---|---|---|---|")
    for megabytes in (float(s) for s in args.sizes.split(",")):
        text = terraform_text(int(megabytes * 1e6))
        size = len(text.encode("utf-8"))
        started = time.monotonic()
        run = measure(text, cache)
        per_byte = {k: (run[k] - tiny[k]) / size for k in ("iacfix", "node")}
        print(
            f"| {size / 1e6:.1f} MB | {time.monotonic() - started:.0f} s | {run['iacfix'] / 1e6:.0f} MB | {per_byte['iacfix']:.1f} "
            f"| {run['node'] / 1e6:.0f} MB | {per_byte['node']:.1f} |",
            flush=True,
        )
    import shutil

    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
