"""TF105: `provider` / `terraform` blocks outside provider.tf that duplicate or belong in it."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Block, HclFile, Module, attribute, insert_attribute, location
from iacfix.rulekit.text import comments_start, line_end

PROVIDER_FILE = "provider.tf"
# The file the convention names: "do not put a provider block in main.tf, that stays in provider.tf".
MAIN_FILE = "main.tf"
# terraform-block items of which a module may have only one ("Duplicate required providers
# configuration", "Duplicate backend configuration").
SINGLETONS = ("required_providers", "backend", "cloud")


class ProviderBlocksInProviderTf(Rule):
    """`provider` and `terraform` blocks live in provider.tf, once.

    What it does: when the module has a provider.tf that declares providers or settings, looks
    at every other .tf file (override files aside):
    - a `provider` block with the same name and alias as one in provider.tf is a duplicate: it is
      removed when everything it sets is set alike in provider.tf, or when what it adds are
      one-line arguments provider.tf lacks (those are merged in first); when the two disagree
      it is reported with the arguments that differ.
    - a `terraform` block whose `required_providers`, `backend` or `cloud` provider.tf also
      has is a duplicate: removed when each of its items is equal to provider.tf's (the
      providers it requires a subset of those required there); reported otherwise.
    - main.tf's own `provider` / `terraform` blocks that duplicate nothing are moved to the end
      of provider.tf, with the comment lines right above them.

    Left alone, from the corpus finals: a module with no provider.tf (about 50 accepted finals
    keep their blocks in main.tf, tap_stack.tf, providers.tf), and non-duplicate blocks in files
    other than main.tf (aliased providers in tap_stack.tf, a backend in backend.tf, versions.tf).
    A markdown answer is checked as the files it contains.

    Why: Terraform reads every .tf file of a folder as one configuration, so a second provider
    configuration or `required_providers` / backend makes `terraform init` fail ("Duplicate
    provider configuration", "Duplicate required providers configuration"); the project's
    layout puts providers in provider.tf only.

    Code scheme: TF1xx: the `terraform` and `provider` blocks and the module's inputs.

    Convention (pipeline): the pipeline keeps providers and settings in provider.tf ("Do not put a
    provider block in main.tf") and, for an answer, brings that provider.tf itself. Terraform reads
    every .tf file of a folder alike: modules keep these blocks in versions.tf, main.tf or
    terraform.tf, all correct.

    Fix (safe): remove the duplicate (after merging what only it sets) or move the block; the
    resulting configuration is the same.
    """

    code = "TF105"
    name = "provider-blocks-in-provider-tf"
    flavours = ("terraform",)
    convention = "pipeline"
    seeds = ("002#3",)
    examples = [
        Example(
            "terraform",
            files={
                PROVIDER_FILE: """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {}
}

provider "aws" {
  region = var.aws_region
}
""",
            },
            before="""\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

# the deployment region
provider "aws" {
  region = var.aws_region
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
            after="""\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
        ),
        Example(
            "terraform",
            files={PROVIDER_FILE: 'provider "aws" {\n  region = var.aws_region\n}\n'},
            before="""\
provider "aws" {
  region = var.aws_region
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
            after="""\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
        ),
        Example(  # a provider that sets more than provider.tf's: merged, then removed
            "terraform",
            files={PROVIDER_FILE: 'provider "aws" {\n  region = var.aws_region\n}\n'},
            before="""\
provider "aws" {
  region  = var.aws_region
  profile = "ops"
}
""",
            after="",
            files_after={PROVIDER_FILE: 'provider "aws" {\n  region  = var.aws_region\n  profile = "ops"\n}\n'},
        ),
        Example(  # main.tf's blocks move to provider.tf, comments and all
            "terraform",
            files={PROVIDER_FILE: 'terraform {\n  backend "s3" {}\n}\n'},
            before="""\
# Primary region
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
            after="""\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
""",
            files_after={
                PROVIDER_FILE: """\
terraform {
  backend "s3" {}
}

# Primary region
provider "aws" {
  region = "eu-west-1"
}
"""
            },
        ),
        Example(  # two regions: a human picks one
            "terraform",
            files={PROVIDER_FILE: 'provider "aws" {\n  region = "us-east-1"\n}\n'},
            before="""\
provider "aws" {
  region = "eu-west-1"
}
""",
            after="""\
provider "aws" {
  region = "eu-west-1"
}
""",
        ),
        Example(  # an aliased second provider in another file duplicates nothing
            "terraform",
            files={
                PROVIDER_FILE: 'provider "aws" {\n  region = "us-east-1"\n}\n',
                "replica.tf": 'provider "aws" {\n  alias  = "replica"\n  region = "us-west-2"\n}\n',
                "backend.tf": 'terraform {\n  backend "s3" {}\n}\n',
            },
            before='resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
        ),
        Example(  # no provider.tf: the module keeps its layout
            "terraform",
            before='provider "aws" {\n  region = "us-east-1"\n}\n',
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        home = module.file_named(PROVIDER_FILE)
        if home is None:
            return
        kept = [b for b in home.blocks if b.type in ("provider", "terraform")]
        if not kept:  # a provider.tf of comments only: the module keeps its blocks elsewhere
            return
        for file in module.files:
            if file is home or file.path.name.endswith("_override.tf") or file.path.name == "override.tf":
                continue
            for block in file.blocks:
                if block.type == "provider":
                    yield from self._provider(home, file, block)
                elif block.type == "terraform":
                    yield from self._terraform(home, file, block)

    # -- provider blocks ----------------------------------------------------------------------
    def _provider(self, home: HclFile, file: HclFile, block: Block):
        key = _provider_key(block)
        twin = next((b for b in home.blocks if b.type == "provider" and _provider_key(b) == key), None)
        label = f'provider "{block.labels[0]}"' + (f" (alias {key[1]})" if key[1] else "")
        if twin is None:
            if file.path.name == MAIN_FILE:
                yield self._move(home, file, block, f"{label} belongs in {PROVIDER_FILE}: moved there")
            return
        theirs = {_norm(home.text, i): i for i in twin.items}
        extra, differ = [], []
        for item in block.items:
            if _norm(file.text, item) in theirs:
                continue
            name = item.key if hasattr(item, "key") else item.type
            other = attribute(twin, name) if hasattr(item, "key") else None
            if hasattr(item, "key") and other is None and "\n" not in item.prop.value.text:
                extra.append(item)
            else:
                differ.append(name)
        where = f"{PROVIDER_FILE}:{twin.line}"
        if differ:
            yield self.finding(
                location(file, block),
                f"{label} is configured again here and in {where}, and they differ in {', '.join(differ)}: "
                f"`terraform init` fails (Duplicate provider configuration); keep one, in {PROVIDER_FILE}",
            )
            return
        edits = [e for a in extra for e in insert_attribute(home, twin, a.key, a.prop.value.text)]
        merged = f" (merged {', '.join(a.key for a in extra)} into it)" if extra else ""
        yield self.finding(
            location(file, block),
            f"{label} duplicates the one in {where}, so `terraform init` fails "
            f"(Duplicate provider configuration): removed{merged}",
            edits + _remove_block(file, block),
        )

    # -- terraform blocks ---------------------------------------------------------------------
    def _terraform(self, home: HclFile, file: HclFile, block: Block):
        twin = next((b for b in home.blocks if b.type == "terraform"), None)
        if twin is None:
            if file.path.name == MAIN_FILE:
                yield self._move(home, file, block, f"the terraform block belongs in {PROVIDER_FILE}: moved there")
            return
        clashes = [
            i.type for i in block.blocks if i.type in SINGLETONS and any(t.type == i.type for t in _all_settings(home))
        ]
        if not clashes:
            if file.path.name == MAIN_FILE:
                yield self._move(home, file, block, f"the terraform block belongs in {PROVIDER_FILE}: moved there")
            return
        differ = [_item_name(i) for i in block.items if not _covered(file, i, home)]
        what = " and ".join(sorted(set(clashes)))
        if differ:
            yield self.finding(
                location(file, block),
                f"{what} is declared here and in {PROVIDER_FILE}, so `terraform init` fails (a module has only one); "
                f"they differ in {', '.join(differ)}: merge them into {PROVIDER_FILE} and remove this block",
            )
            return
        yield self.finding(
            location(file, block),
            f"this terraform block repeats {what} of {PROVIDER_FILE}, so `terraform init` fails "
            "(a module has only one): removed",
            _remove_block(file, block),
        )

    def _move(self, home: HclFile, file: HclFile, block: Block, message: str):
        start, end = _with_comments(file, block)
        chunk = file.text[start:end].rstrip("\n") + "\n"
        text = home.text
        prefix = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
        if text.endswith("\n\n"):
            prefix = ""
        return self.finding(
            location(file, block), message, [Edit(home.path, len(text), len(text), prefix + chunk)] + _remove_block(file, block)
        )


def _provider_key(block: Block) -> tuple[str, str | None]:
    alias = attribute(block, "alias")
    return (block.labels[0] if block.labels else "", alias.prop.value.value if alias else None)


def _norm(text: str, item) -> str:
    span = item.prop.span if hasattr(item, "prop") else item.span
    return re.sub(r"\s+", " ", re.sub(r"\s*([{}=,\[\]])\s*", r"\1", text[slice(*span)])).strip()


def _all_settings(home: HclFile):
    return [i for b in home.blocks if b.type == "terraform" for i in b.blocks]


def _item_name(item) -> str:
    return item.key if hasattr(item, "key") else " ".join([item.type, *item.labels])


def _covered(file: HclFile, item, home: HclFile) -> bool:
    """Whether provider.tf's terraform blocks already say what `item` says."""
    terraform = [b for b in home.blocks if b.type == "terraform"]
    if hasattr(item, "key"):  # required_version and the like
        return any(_norm(home.text, a) == _norm(file.text, item) for b in terraform for a in b.attributes)
    same = [b for t in terraform for b in t.blocks if b.type == item.type and b.labels == item.labels]
    if item.type != "required_providers":
        return any(_norm(home.text, b) == _norm(file.text, item) for b in same)
    # each required provider must be required there alike (source and version)
    theirs = {a.key: _entry(home.text, a) for b in same for a in b.attributes}
    return all(theirs.get(a.key) == _entry(file.text, a) for a in item.attributes)


def _entry(text: str, attr) -> dict[str, str] | str:
    value = attr.prop.value
    if value.kind != "object":
        return _norm(text, attr)
    return {p.key: p.value.text for p in value.props}


def _with_comments(file: HclFile, block: Block) -> tuple[int, int]:
    """The block's lines and the comment lines right above it (no blank line between)."""
    start = comments_start(file.text, block.span[0], file.comment_prefixes)
    return start, min(line_end(file.text, block.span[1]) + 1, len(file.text))


def _remove_block(file: HclFile, block: Block) -> list[Edit]:
    """Delete the block with its comments, and one blank line so no double blank is left."""
    return file.remove_statement(block.span)
