"""TF001 and its parts: the worker's `fmt` op (hclwrite), terraform fmt's own rewrites, the cache
that keeps Node from starting for canonical files, and byte-identity with a real `terraform fmt`."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SHARED
from iacfix import engine
from iacfix.backends import hcl, hcl_format
from iacfix.backends.hcl_format import FmtCache, canonical, terraform_rewrites
from iacfix.backends.node import get_worker
from iacfix.rules import all_rules
from iacfix.textedit import apply_edits

TF001 = next(r for r in all_rules() if r.code == "TF001")


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(FmtCache, "_instances", {})


def test_fmt_op_aligns_indents_and_spaces():
    text = 'resource "a" "b" {\n    x=1\n  long_name = [ 1,2 ]\n}\n'
    assert get_worker().fmt(text) == 'resource "a" "b" {\n  x         = 1\n  long_name = [1, 2]\n}\n'


def test_fmt_op_keeps_text_outside_the_bmp_and_heredocs():
    text = 'x = "é😀"\nyy = <<EOT\n   kept   as is\nEOT\n'
    assert get_worker().fmt(text) == 'x  = "é😀"\nyy = <<EOT\n   kept   as is\nEOT\n'


def rewritten(text: str) -> str:
    return apply_edits(text, terraform_rewrites(hcl.parse(Path("main.tf"), text)))


@pytest.mark.parametrize(
    "before,after",
    [
        ('a = "${var.x}"', "a = var.x"),
        ('a = "${ f("${b}") }"', 'a = f("${b}")'),
        ('a = "x-${var.x}"', 'a = "x-${var.x}"'),  # literal text: a real template
        ('a = "${var.x}${var.y}"', 'a = "${var.x}${var.y}"'),
        ('a = "${var.c ?\n  1 : 2}"', "a = (var.c ?\n  1 : 2)"),
        ('a = { b = "${var.x}" }', 'a = { b = "${var.x}" }'),  # inside an object: left
    ],
)
def test_terraform_unwraps_a_lone_interpolation(before, after):
    assert rewritten(f'output "o" {{\n  {before}\n}}\n') == f'output "o" {{\n  {after}\n}}\n'


@pytest.mark.parametrize(
    "before,after",
    [
        ('variable "v" {\n  type = "string"\n}\n', 'variable "v" {\n  type = string\n}\n'),
        ('variable "v" {\n  type = "map"\n}\n', 'variable "v" {\n  type = map(string)\n}\n'),
        ('variable "v" {\n  type = list\n}\n', 'variable "v" {\n  type = list(any)\n}\n'),
        ('resource aws_s3_bucket b {\n}\n', 'resource "aws_s3_bucket" "b" {\n}\n'),
        ('locals {\n  type = "string"\n}\n', 'locals {\n  type = "string"\n}\n'),  # not a variable
    ],
)
def test_terraform_rewrites(before, after):
    assert rewritten(before) == after


def test_a_canonical_file_is_remembered_and_node_not_started_again(tmp_path, monkeypatch):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text('resource "a" "b" {\n  x = 1\n}\n')
    first = engine.run([module], engine.Options(), cwd=tmp_path, rules=[TF001])
    assert first.findings == []

    def no_node():
        raise AssertionError("the worker was started")

    monkeypatch.setattr("iacfix.backends.node.get_worker", no_node)
    monkeypatch.setattr(FmtCache, "_instances", {})  # a new process: only the folder remembers
    again = engine.run([module], engine.Options(), cwd=tmp_path, rules=[TF001])
    assert again.findings == [] and again.changes() == []


def test_what_tf001_writes_is_known_canonical_for_the_next_run(tmp_path, monkeypatch):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text('resource "a" "b" {\n  x=1\n    yy = 2\n}\n')
    result = engine.run([module], engine.Options(), cwd=tmp_path, rules=[TF001])
    [(source, text)] = result.changes()
    assert text == 'resource "a" "b" {\n  x  = 1\n  yy = 2\n}\n'
    assert [f.line for f in result.findings] == [2]
    source.path.write_text(text)
    monkeypatch.setattr("iacfix.backends.node.get_worker", lambda: pytest.fail("the worker was started"))
    assert engine.run([module], engine.Options(), cwd=tmp_path, rules=[TF001]).findings == []


ORIGINAL = """\
# network
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
} # the VPC

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

variable "name" {
  type = string
}
"""


class CountingWorker:
    def __init__(self):
        self.sent: list[str] = []

    def fmt(self, text: str) -> str:
        self.sent.append(text)
        return get_worker().fmt(text)


def test_after_a_fix_only_the_blocks_it_touched_go_to_the_formatter():
    """A canonical file that a rule edited: the blocks the edit left alone are not sent again,
    and the result is what formatting the whole file gives."""
    FmtCache.default().remember(ORIGINAL)
    edited = ORIGINAL.replace('  cidr_block = "10.0.1.0/24"\n', '  cidr_block = "10.0.1.0/24"\n  map_public_ip_on_launch = "${var.public}"\n')
    file = hcl.parse(Path("main.tf"), edited)
    worker = CountingWorker()
    result = canonical(file, worker, original=ORIGINAL)
    assert result.text == get_worker().fmt(rewritten(edited))
    assert "  vpc_id                  = aws_vpc.main.id\n  cidr_block              = \"10.0.1.0/24\"\n  map_public_ip_on_launch = var.public\n" in result.text
    # the subnet's block, then the same laid out (the cache takes only what the formatter kept)
    assert len(worker.sent) == 2 and all(t.startswith('\nresource "aws_subnet"') for t in worker.sent)
    assert FmtCache.default().known(result.text)


def test_an_original_the_cache_does_not_know_is_formatted_whole():
    edited = ORIGINAL.replace("type = string", "type    = string")
    worker = CountingWorker()
    result = canonical(hcl.parse(Path("main.tf"), edited), worker, original=ORIGINAL)
    assert result.text == ORIGINAL and worker.sent[0] == edited


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="needs ../shared/corpus")
def test_top_level_blocks_are_laid_out_independently_on_corpus_files():
    """What the chunked path relies on: formatting a file whole and piece by piece agree (over
    a sample of the corpus's files, with their alignment undone so the formatter has work)."""
    import re

    files = sorted((SHARED / "corpus" / "tf-hcl").glob("*/lib/*.tf"))
    for path in random.Random(1).sample(files, 60):
        text = re.sub(r"[ \t]+=", " =", path.read_text(encoding="utf-8"))
        file = hcl.parse(path, text)
        pieces = hcl_format._split(text, hcl_format.top_level_chunks(file))
        assert "".join(get_worker().fmt(p) for p in pieces) == get_worker().fmt(text), path


def test_the_formatters_answer_for_an_unformatted_file_is_remembered(monkeypatch):
    """A file nobody fixes: the next process gets its layout from the cache, without Node."""
    text = 'resource "a" "b" {\n  x=1\n    yy = "${var.y}"\n}\n'
    first = canonical(hcl.parse(Path("main.tf"), text))
    assert first.changed and first.text == 'resource "a" "b" {\n  x  = 1\n  yy = var.y\n}\n'
    monkeypatch.setattr(FmtCache, "_instances", {})  # a new process: only the folder remembers
    assert canonical(hcl.parse(Path("main.tf"), text), worker=object()) == first  # object(): no fmt


def test_a_damaged_cache_entry_is_asked_again():
    cache = FmtCache.default()
    cache.remember("a=1\n", "a = 1\n")
    key = cache.key("a=1\n")
    (cache.folder / key[:2] / key).write_bytes(b"not zlib")
    fresh = FmtCache(cache.folder)  # a new process
    assert fresh.formatted("a=1\n") is None
    assert fresh.formatted("a=2\n") is None


def test_without_a_cache_folder_the_process_still_remembers(monkeypatch):
    monkeypatch.setenv("IACFIX_CACHE_DIR", "")
    cache = FmtCache.default()
    assert cache.folder is None
    cache.remember("a = 1\n")
    assert cache.known("a = 1\n") and not cache.known("a = 2\n")


def test_formatter_failure_is_an_error_not_a_finding(tmp_path, monkeypatch):
    """Nothing is known to be wrong with the file's layout: the run says it could not check it
    (exit code 2), rather than report a finding (issue 21, item 8: a worker out of memory)."""
    from iacfix.backends.node import WorkerError

    class Broken:
        def fmt(self, text):
            raise WorkerError("no worker here")

    monkeypatch.setattr("iacfix.backends.node.get_worker", lambda: Broken())
    (tmp_path / "main.tf").write_text("a=1\n")
    result = engine.run([tmp_path], engine.Options(), cwd=tmp_path, rules=[TF001])
    assert result.findings == []
    assert [(e.path.name, e.line, e.message) for e in result.errors] == [
        ("main.tf", 1, "TF001 cannot check the layout: no worker here")
    ]


def test_a_formatter_that_changes_more_than_blanks_is_not_trusted():
    class Wrong:
        def fmt(self, text):
            return text.replace("1", "2")

    with pytest.raises(hcl_format.FormatterError):
        canonical(hcl.parse(Path("main.tf"), "a=1\n"), worker=Wrong())


# -- against the real thing ---------------------------------------------------------------------

CORPUS = SHARED / "corpus" / "tf-hcl"


@pytest.mark.corpus
@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on PATH")
@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus")
def test_byte_identical_to_terraform_fmt_on_corpus_files(tmp_path):
    """A sample of the corpus's model-written and final .tf files (the whole corpus: bench/mine_hcl.py fmt)."""
    files = sorted(CORPUS.glob("*/lib/*.tf"))
    sample = random.Random(7).sample(files, min(60, len(files)))
    originals = {}
    for i, path in enumerate(sample):
        text = path.read_text(encoding="utf-8")
        # Unformat it the ways models do, so the formatter has work to do.
        messy = text.replace("  ", "   ").replace(" = ", "=")
        originals[i] = messy
        (tmp_path / f"f{i}.tf").write_text(messy, encoding="utf-8")
    subprocess.run(["terraform", "fmt", str(tmp_path)], capture_output=True, check=False)
    compared = 0
    for i, messy in originals.items():
        try:
            parsed = hcl.parse(Path(f"f{i}.tf"), messy)
        except Exception:
            continue
        expected = (tmp_path / f"f{i}.tf").read_text(encoding="utf-8")
        if expected == messy:
            continue  # terraform refused it (it does not parse for hclsyntax) or nothing to do
        assert canonical(parsed).text == expected, sample[i]
        compared += 1
    assert compared > 20
