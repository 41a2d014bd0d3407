"""docs/rules/: one page per rule, generated from its docstring and examples, kept current."""

from __future__ import annotations

import sys

from conftest import REPO
from iacfix import rule_docs
from iacfix.rules import all_rules


def _generator():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import gen_rule_docs
    finally:
        sys.path.remove(str(REPO / "scripts"))
    return gen_rule_docs


def test_the_committed_pages_are_what_the_script_writes():
    wanted = _generator().pages()
    folder = REPO / rule_docs.DOCS_FOLDER
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    stale = [name for name in wanted if committed.get(name) != wanted[name]]
    assert not stale, f"stale pages {stale}: run python scripts/gen_rule_docs.py"
    assert set(committed) == set(wanted), "pages of rules that do not exist: run python scripts/gen_rule_docs.py"


def test_a_page_has_the_docs_and_every_example():
    rule = next(r for r in all_rules() if r.code == "TF203")
    page = rule_docs.page(rule)
    assert page.startswith("# TF203: eip-domain-vpc\n\nAn `aws_eip` says `domain = \"vpc\"`, not the deprecated `vpc = true`.\n")
    assert "- Fix: safe: applied by `--write`" in page and "- Severity: warning" in page
    assert rule.docs().splitlines()[2] in page
    for example in rule.examples:
        assert example.before.rstrip() in page
        if example.after is not None:
            assert example.after.rstrip() in page


def test_links_point_at_the_pages():
    for rule in all_rules():
        url = rule_docs.url(rule.code)
        assert url.endswith(f"/{rule_docs.DOCS_FOLDER}/{rule.code}.md") and (REPO / rule_docs.DOCS_FOLDER / f"{rule.code}.md").is_file()
