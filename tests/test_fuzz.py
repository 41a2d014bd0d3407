"""A seeded mutator over real files (issue 21): truncations, byte flips, deep nesting and odd
encodings of the samples and of corpus files, each run through iacfix with every fix applied.
Whatever the input, iacfix never reports an internal error, and never writes a file that does
not parse.

The cases are drawn from a fixed seed, so a failure is reproduced by running the test again
(`IACFIX_FUZZ_SEED` and `IACFIX_FUZZ_CASES` explore further). The corpus seeds are skipped
where ../shared is absent; the samples' are always there.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLES, SHARED
from iacfix import engine, writes
from iacfix.backends.base import BackendError, SourceSyntaxError
from iacfix.engine import parse_source
from iacfix.files import read_source

SEED = int(os.environ.get("IACFIX_FUZZ_SEED", "21"))
CASES = int(os.environ.get("IACFIX_FUZZ_CASES", "500"))  # about 25 s
CORPUS_FILES = 24  # drawn from the corpus, beside every sample


@dataclass(frozen=True)
class Seed:
    name: str  # where it goes in the case's folder
    data: bytes
    language: str  # "typescript" and "python" files go in a CDKTF app of that language


def _seeds(rng: random.Random) -> list[Seed]:
    seeds = []
    for path in sorted(SAMPLES.glob("terraform/*.tf")):
        seeds.append(Seed(path.name, path.read_bytes(), "hcl"))
    for path in sorted(SAMPLES.glob("cdktf-ts/lib/*.ts")):
        seeds.append(Seed(f"lib/{path.name}", path.read_bytes(), "typescript"))
    for path in sorted(SAMPLES.glob("cdktf-py/**/*.py")):
        seeds.append(Seed(path.name, path.read_bytes(), "python"))
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        pools = {
            "hcl": sorted(corpus.glob("tf-hcl/*/lib/*.tf")),
            "typescript": sorted(corpus.glob("cdktf-ts/*/lib/*.ts")),
            "python": sorted(corpus.glob("cdktf-py/*/lib/*.py")),
            "markdown": sorted(corpus.glob("*/*/lib/MODEL_RESPONSE.md")),
        }
        for language, paths in pools.items():
            for path in rng.sample(paths, min(len(paths), CORPUS_FILES // len(pools))):
                name = "answer.md" if language == "markdown" else (f"lib/{path.name}" if language == "typescript" else path.name)
                seeds.append(Seed(name, path.read_bytes(), language))
    return seeds


# -- mutations: each takes the bytes and the language, returns new bytes -------------------------


def truncate(rng: random.Random, data: bytes, language: str) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip_bytes(rng: random.Random, data: bytes, language: str) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def drop_or_repeat_lines(rng: random.Random, data: bytes, language: str) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            del lines[i]
        else:
            lines.insert(i, lines[rng.randrange(len(lines))])
    return b"\n".join(lines)


_DEEP = {
    "hcl": lambda d: f"\nlocals {{\n  deep = {'[' * d}1{']' * d}\n  chain = {' + '.join(['1'] * d)}\n}}\n",
    "python": lambda d: f"\ndeep = {'[' * d}1{']' * d}\nchain = {' + '.join(['1'] * d)}\n",
    "typescript": lambda d: f"\nconst deep = {'[' * d}1{']' * d};\nconst chain = {' + '.join(['1'] * d)};\n",
    "markdown": lambda d: f"\n```hcl\nlocals {{\n  deep = {'[' * d}1{']' * d}\n}}\n```\n",
}


def deep_nesting(rng: random.Random, data: bytes, language: str) -> bytes:
    depth = rng.choice([150, 600, 3000])
    snippet = _DEEP[language](depth).encode()
    if rng.random() < 0.5:
        return data + snippet
    at = rng.randrange(len(data) + 1)
    return data[:at] + snippet + data[at:]


def odd_encoding(rng: random.Random, data: bytes, language: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    kind = rng.choice(["bom", "crlf", "bom-crlf", "mixed", "cr", "utf16", "latin1", "nul", "unicode"])
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "bom-crlf":
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    if kind == "mixed":
        return "".join(line + rng.choice(["\n", "\r\n"]) for line in text.split("\n")).encode()
    if kind == "cr":
        return text.replace("\n", "\r").encode()
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "latin1":
        return text.encode("latin-1", errors="replace") + b"\xe9\xff"
    if kind == "nul":
        at = rng.randrange(len(data) + 1)
        return data[:at] + b"\0" + data[at:]
    at = rng.randrange(len(text) + 1)
    return (text[:at] + rng.choice(["\u2028", "\u00a0", "\U0001f680", "\u202e", "\ufeff", "é"]) + text[at:]).encode()


def respace(rng: random.Random, data: bytes, language: str) -> bytes:
    """Blanks added or removed at line starts and around `=` and `:` (still valid, but for
    Python's indentation): what TF001 and the edits' placement must cope with."""
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 20)):
        i = rng.randrange(len(lines))
        line = lines[i]
        if language == "python":
            lines[i] = line.replace(b"=", b" = ", 1) if rng.random() < 0.5 else line.replace(b", ", b",", 1)
        elif rng.random() < 0.5:
            lines[i] = b" " * rng.randint(0, 9) + line.lstrip(b" ")
        else:
            lines[i] = line.replace(b" = ", b"=", 1).replace(b": ", b":", 1)
    return b"\n".join(lines)


# Destructive mutations (most leave a file that does not parse) and mutations that keep it valid
# (so that the rules and their fixes run on odd but correct code), drawn alike.
MUTATIONS = [truncate, flip_bytes, drop_or_repeat_lines, deep_nesting, odd_encoding, respace]


def _cases() -> list[tuple[Seed, list, int]]:
    rng = random.Random(SEED)
    seeds = _seeds(rng)
    return [(rng.choice(seeds), rng.sample(MUTATIONS, rng.choice([0, 1, 1, 2])), rng.randrange(1 << 30)) for _ in range(CASES)]


def _write_case(root: Path, seed: Seed, data: bytes) -> Path:
    if seed.language in ("typescript", "python"):
        (root / "cdktf.json").write_text(f'{{"language": "{seed.language}", "app": "x"}}')
    path = root / seed.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_mutated_inputs_never_make_an_internal_error_nor_a_broken_file(tmp_path):
    failures = []
    for number, (seed, mutations, case_seed) in enumerate(_cases()):
        rng = random.Random(case_seed)
        data = seed.data
        for mutate in mutations:
            data = mutate(rng, data, seed.language)
        root = tmp_path / f"case{number}"
        root.mkdir()
        _write_case(root, seed, data)
        what = f"case {number}: {seed.name} after {', '.join(m.__name__ for m in mutations)} (seed {SEED})"
        try:
            result = engine.run([root], engine.Options(unsafe_fixes=True, terraform_version="1.9.0"), root)
        except Exception as exc:  # noqa: BLE001 - what the test is for
            failures.append(f"{what}: {type(exc).__name__}: {exc}")
            continue
        failures += [f"{what}: {e.message}" for e in result.errors if "internal error" in e.message]
        applied = writes.apply(result)
        failures += [f"{what}: {e.message}" for e in applied.errors]
        for source, _ in applied.changes:
            written = read_source(source.path, root)
            if written.language == "markdown":
                continue  # its blocks were each parsed again by the engine before being kept
            try:
                parse_source(written.language, written.path, written.text)
            except (SourceSyntaxError, BackendError) as exc:
                failures.append(f"{what}: wrote {written.display}, which does not parse: {exc}")
    assert failures == []


def test_the_cases_include_the_corpus_when_it_is_there():
    names = {seed.name for seed in _seeds(random.Random(SEED))}
    assert {"main.tf", "lib/tap-stack.ts", "tap.py"} <= names
    if not (SHARED / "corpus").is_dir():
        pytest.skip("no corpus here: the samples alone are mutated")
    assert "answer.md" in names
