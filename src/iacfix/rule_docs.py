"""Each rule's documentation page: docs/rules/CODE.md, generated from the rule's docstring and
examples (scripts/gen_rule_docs.py writes them; a test checks the committed pages are current),
and the address it is published at, which SARIF's helpUri and the bot's pull request link to."""

from __future__ import annotations

from iacfix import __version__

# Where this repository is published (the README's `OWNER/iacfix`): the pages are linked at the
# tag of the running version, so a link shows the docs of the rule that made the finding.
REPOSITORY_URL = "https://github.com/OWNER/iacfix"
DOCS_FOLDER = "docs/rules"


def url(code: str) -> str:
    """The web address of a rule's page."""
    return f"{REPOSITORY_URL}/blob/v{__version__}/{DOCS_FOLDER}/{code}.md"
