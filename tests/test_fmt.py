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
from iacfix.fixers import all_rules
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


def test_without_a_cache_folder_the_process_still_remembers(monkeypatch):
    monkeypatch.setenv("IACFIX_CACHE_DIR", "")
    cache = FmtCache.default()
    assert cache.folder is None
    cache.remember("a = 1\n")
    assert cache.known("a = 1\n") and not cache.known("a = 2\n")


def test_formatter_failure_is_a_finding_not_a_crash(tmp_path, monkeypatch):
    from iacfix.backends.node import WorkerError

    class Broken:
        def fmt(self, text):
            raise WorkerError("no worker here")

    monkeypatch.setattr("iacfix.backends.node.get_worker", lambda: Broken())
    (tmp_path / "main.tf").write_text("a=1\n")
    result = engine.run([tmp_path], engine.Options(), cwd=tmp_path, rules=[TF001])
    assert [(f.code, f.fixable) for f in result.findings] == [("TF001", False)]
    assert "no worker here" in result.findings[0].message and result.errors == []


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
