#!/usr/bin/env python3
"""Write docs/rules/CODE.md for every rule (and docs/rules/README.md, the index) from the rules'
docstrings and examples; pages of rules that no longer exist are removed.

    .venv/bin/python scripts/gen_rule_docs.py

tests/test_rule_docs.py fails when the committed pages are not what this script writes. SARIF's
helpUri and the bot's pull requests link to these pages (iacfix.rule_docs.url).
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pages() -> dict[str, str]:
    """File name → text of every page."""
    from iacfix import rule_docs
    from iacfix.rules import all_rules

    rules = all_rules()
    return {"README.md": rule_docs.index(rules), **{f"{rule.code}.md": rule_docs.page(rule) for rule in rules}}


def main() -> None:
    from iacfix import rule_docs

    folder = REPO / rule_docs.DOCS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for stale in set(p.name for p in folder.glob("*.md")) - set(wanted):
        (folder / stale).unlink()
    for name, text in wanted.items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} pages to {rule_docs.DOCS_FOLDER}/")


if __name__ == "__main__":
    main()
