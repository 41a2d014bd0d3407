"""The parse cache: a text read before comes back as it was built, and nothing else does."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from iacfix import engine, parse_cache
from iacfix.backends import cdktf, hcl, hcl_fast


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "parse"
    monkeypatch.setattr(parse_cache, "_folder", lambda: folder)
    return folder


HCL = 'resource "aws_s3_bucket" "b" {\n  bucket = "x-${var.e}" # c\n  tags   = { Name = "é" }\n}\n'
PYTHON = 'from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket\n\n\nS3Bucket(self, "b", bucket="x")\n'
PYTHON_TEST = "def test_synth():\n    assert stack is not None\n"


def test_a_text_read_again_is_not_parsed_again(cache_folder, monkeypatch):
    first = hcl.parse(Path("main.tf"), HCL)
    monkeypatch.setattr(hcl_fast, "blocks", lambda *a: pytest.fail("parsed again"))
    again = hcl.parse(Path("other.tf"), HCL)
    assert again.blocks == first.blocks and again.path == Path("other.tf")
    assert again.resources()[0].attrs["bucket"].value.text == '"x-${var.e}"'


def test_python_views_and_test_cases_come_back(cache_folder, monkeypatch):
    from iacfix.backends import python_view

    view = cdktf.parse("python", Path("lib/stack.py"), PYTHON).view
    cases = cdktf.parse("python", Path("tests/test_stack.py"), PYTHON_TEST).derived("test_cases", None)
    monkeypatch.setattr(python_view, "read", lambda text: pytest.fail("parsed again"))
    assert cdktf.parse("python", Path("lib/stack.py"), PYTHON).view == view
    assert cdktf.parse("python", Path("tests/test_stack.py"), PYTHON_TEST).derived("test_cases", None) == cases


def test_a_changed_text_or_language_is_parsed(cache_folder):
    hcl.parse(Path("main.tf"), HCL)
    assert parse_cache.recall("hcl", HCL + "\n") is None
    assert parse_cache.recall("python", HCL) is None


def test_a_damaged_entry_is_parsed_again(cache_folder):
    hcl.parse(Path("main.tf"), HCL)
    [entry] = [p for p in cache_folder.rglob("*") if p.is_file()]
    entry.write_bytes(b"not a pickle")
    assert parse_cache.recall("hcl", HCL) is None
    assert hcl.parse(Path("main.tf"), HCL).blocks  # and parsed again, without an error


def test_a_run_from_the_cache_finds_and_fixes_the_same(cache_folder, monkeypatch):
    """The samples, run with an empty cache and again from it, parsing nothing: the same
    findings, the same fixes (the fixed texts were kept too: the same fixes make them)."""
    from iacfix.backends import python_view

    roots = [SAMPLES / "terraform", SAMPLES / "cdktf-py", SAMPLES / "cdktf-ts"]
    first = [engine.run([root], engine.Options(unsafe_fixes=True), root) for root in roots]
    monkeypatch.setattr(hcl_fast, "blocks", lambda *a: pytest.fail("parsed again"))
    monkeypatch.setattr(python_view, "read", lambda text: pytest.fail("parsed again"))
    again = [engine.run([root], engine.Options(unsafe_fixes=True), root) for root in roots]
    for a, b in zip(first, again):
        assert [(f.path, f.line, f.code, f.message) for f in a.findings] == [(f.path, f.line, f.code, f.message) for f in b.findings]
        assert [(s.path, t) for s, t in a.changes()] == [(s.path, t) for s, t in b.changes()]
        assert a.findings and a.changes()


def test_another_iacfix_uses_another_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path))
    monkeypatch.undo()  # the conftest's switch-off too: the real _folder
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path))
    assert parse_cache._folder() == tmp_path / "parse" / parse_cache._fingerprint()
    monkeypatch.setenv("IACFIX_CACHE_DIR", "")
    assert parse_cache._folder() is None


def test_folders_of_other_iacfix_versions_go_once_stale(tmp_path):
    import os
    import time

    parse = tmp_path / "parse"
    stale, recent = parse / "old", parse / "recent"
    for folder, age in ((stale, 8), (recent, 1)):
        (folder / "ab").mkdir(parents=True)
        (folder / "last-used").touch()
        then = time.time() - age * 24 * 3600
        os.utime(folder / "last-used", (then, then))
    parse_cache._used(parse / "mine")
    assert sorted(p.name for p in parse.iterdir()) == ["mine", "recent"]
    assert (parse / "mine" / "last-used").exists()


def test_typescript_from_the_cache_spares_node_until_types_are_asked(cache_folder, monkeypatch):
    """A TypeScript view read back does not start the worker; a question about types first
    gives the worker every such file, as a run that parsed them would have."""
    from iacfix.backends import node

    cdktf._unsent.clear()  # what earlier tests' runs left
    helper = "export const port = 8080;\n"
    stack = "import { port } from './config';\nconst x = port;\nnew Foo(this, 'f', { size: port });\n"
    cdktf.parse("typescript", Path("/p/lib/config.ts"), helper)
    cdktf.parse("typescript", Path("/p/lib/stack.ts"), stack)
    node.get_worker().forget(["/p/lib/config.ts", "/p/lib/stack.ts"])
    asked = []
    real_parse = type(node.get_worker()).parse
    monkeypatch.setattr(type(node.get_worker()), "parse", lambda self, path, text: asked.append(path) or real_parse(self, path, text))
    again = cdktf.parse("typescript", Path("/p/lib/stack.ts"), stack)
    cdktf.parse("typescript", Path("/p/lib/config.ts"), helper)
    assert asked == []
    [construction] = again.view["constructions"]
    size = construction["config"]["props"][0]["value"]
    from iacfix.model import Value

    assert again.value_type(Value.from_view(size)) == "number"  # the worker knew config.ts
    assert sorted(asked) == ["/p/lib/config.ts", "/p/lib/stack.ts"]
