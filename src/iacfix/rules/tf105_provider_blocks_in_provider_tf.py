"""TF105: `provider` / `terraform` blocks outside provider.tf that duplicate or belong in it."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.terraform_module import Block, HclFile, Module, attribute, insert_attribute, location
from iacfix.rulekit.text import comments_start, line_end, line_start

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
      of provider.tf, with the comment lines right above them (one finding per file).

    Left alone, from the corpus finals: a module with no provider.tf (about 50 accepted finals
    keep their blocks in main.tf, tap_stack.tf, providers.tf), and non-duplicate blocks in files
    other than main.tf (aliased providers in tap_stack.tf, a backend in backend.tf, versions.tf).

    A markdown answer of Terraform code (not a CDKTF app's, whose Terraform blocks are snippets
    beside it) is checked as the files it contains, and there the convention acts in full: the blocks of every file of its root module (its top folder or lib/; not modules/x/)
    move to the answer's provider.tf, its provider.tf block or a new `provider.tf` block appended
    after its last block. The pipeline deploys an answer into the task's lib/, which
    mostly holds the pipeline's own provider.tf: left where they are, the blocks configure the
    providers a second time. Where the task brings that file, the corpus's reviewers moved them
    out of nearly every answer (main.tf 57 of 59, providers.tf 19 of 19, versions.tf 16 of 19);
    where it does not, of about half (main.tf 20 of 37).

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
    severity = "error"
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
        if module.in_answer and not _cdktf_answer(ctx):
            yield from self._answer(module, home)
            return
        if home is None:
            return
        kept = [b for b in home.blocks if b.type in ("provider", "terraform")]
        if not kept:  # a provider.tf of comments only: the module keeps its blocks elsewhere
            return
        for file in module.files:
            if file is home or _is_override(file):
                continue
            yield from self._blocks(home, file, module.name_line_end(file), moving=file.path.name == MAIN_FILE)

    def _answer(self, module: Module, home: HclFile | None):
        """An answer, which the pipeline deploys into lib/ beside (or instead of) its own
        provider.tf: every provider and terraform block of its root module goes to the answer's
        provider.tf (a new block when it has none); blocks of other folders (modules/x/) are
        their own."""
        folders = ("", "lib")
        sources = [
            f
            for f in module.files
            if f is not home
            and not _is_override(f)
            and _folder(module, f) in folders
            and any(b.type in ("provider", "terraform") for b in f.blocks)
        ]
        if not sources:
            return
        if home is None:
            home = module.new_file(PROVIDER_FILE, beside=sources[0])
        for file in sources:
            yield from self._blocks(home, file, module.name_line_end(file), moving=True)

    def _blocks(self, home: HclFile, file: HclFile, keep: int, moving: bool):
        """The findings on one file's provider and terraform blocks: duplicates of provider.tf's
        one by one, and (when `moving`) the others, moved together in one finding. Nothing
        before `keep` is removed: the comment line that names an answer's block."""
        moved = []
        for block in file.blocks:
            if block.type == "provider":
                found = self._provider(home, file, block, keep)
            elif block.type == "terraform":
                found = self._terraform(home, file, block, keep)
            else:
                continue
            if found is None:
                moved.append(block)
            else:
                yield found
        if moving and moved:
            yield self._move(home, file, moved, keep)

    # -- provider blocks ----------------------------------------------------------------------
    def _provider(self, home: HclFile, file: HclFile, block: Block, keep: int):
        """The finding on a provider block that provider.tf configures too; None when provider.tf
        has none like it (the block may move there)."""
        key = _provider_key(block)
        twin = next((b for b in home.blocks if b.type == "provider" and _provider_key(b) == key), None)
        if twin is None:
            return None
        label = _label(block)
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
            return self.finding(
                location(file, block),
                f"{label} is configured again here and in {where}, and they differ in {', '.join(differ)}: "
                f"`terraform init` fails (Duplicate provider configuration); keep one, in {PROVIDER_FILE}",
            )
        edits = [e for a in extra for e in insert_attribute(home, twin, a.key, a.prop.value.text)]
        merged = f" (merged {', '.join(a.key for a in extra)} into it)" if extra else ""
        return self.finding(
            location(file, block),
            f"{label} duplicates the one in {where}, so `terraform init` fails "
            f"(Duplicate provider configuration): removed{merged}",
            edits + _remove_blocks(file, [block], keep),
        )

    # -- terraform blocks ---------------------------------------------------------------------
    def _terraform(self, home: HclFile, file: HclFile, block: Block, keep: int):
        """The finding on a terraform block that repeats a setting of provider.tf's; None when
        it repeats none (the block may move there)."""
        twin = next((b for b in home.blocks if b.type == "terraform"), None)
        if twin is None:
            return None
        clashes = [
            i.type for i in block.blocks if i.type in SINGLETONS and any(t.type == i.type for t in _all_settings(home))
        ]
        if not clashes:
            return None
        differ = [_item_name(i) for i in block.items if not _covered(file, i, home)]
        what = " and ".join(sorted(set(clashes)))
        if differ:
            return self.finding(
                location(file, block),
                f"{what} is declared here and in {PROVIDER_FILE}, so `terraform init` fails (a module has only one); "
                f"they differ in {', '.join(differ)}: merge them into {PROVIDER_FILE} and remove this block",
            )
        return self.finding(
            location(file, block),
            f"this terraform block repeats {what} of {PROVIDER_FILE}, so `terraform init` fails "
            "(a module has only one): removed",
            _remove_blocks(file, [block], keep),
        )

    def _move(self, home: HclFile, file: HclFile, blocks: list[Block], keep: int):
        """One finding moving the file's blocks to the end of provider.tf, each with the comment
        lines right above it (one edit into provider.tf: two findings appending there would
        collide)."""
        chunks = []
        for block in blocks:
            start, end = _with_comments(file, block, keep)
            chunks.append(file.text[start:end].rstrip("\n") + "\n")
        text = home.text
        prefix = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        names = [_label(b) for b in blocks]
        what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verb = "belongs" if len(names) == 1 else "belong"
        edits = [Edit(home.path, len(text), len(text), prefix + "\n".join(chunks))] + _remove_blocks(file, blocks, keep)
        return self.finding(location(file, blocks[0]), f"{what} {verb} in {PROVIDER_FILE}: moved there", edits)


def _label(block: Block) -> str:
    """How a message names a block: `provider "aws"`, `provider "aws" (alias west)`, `the terraform block`."""
    if block.type == "terraform":
        return "the terraform block"
    key = _provider_key(block)
    return f'provider "{block.labels[0]}"' + (f" (alias {key[1]})" if key[1] else "")


def _cdktf_answer(ctx) -> bool:
    """Whether the answer is a CDKTF app (TypeScript or Python blocks that import cdktf, not a
    Lambda's handler): its Terraform blocks are snippets beside the app, which the pipeline does
    not deploy as a module."""
    return any(
        s.origin is not None
        and s.origin.markdown.path == ctx.project.root
        and s.language in ("typescript", "python")
        and _IMPORTS_CDKTF.search(s.text)
        for s in ctx.workspace.sources.values()
    )


_IMPORTS_CDKTF = re.compile(r"""from\s+['"]cdktf['"]|^\s*from\s+cdktf\b|^\s*import\s+cdktf\b""", re.M)


def _is_override(file: HclFile) -> bool:
    return file.path.name.endswith("_override.tf") or file.path.name == "override.tf"


def _folder(module: Module, file: HclFile) -> str:
    """The folder of an answer's block, as its name gives it ("" for `main.tf`)."""
    name = module.ctx.workspace.sources[file.path].origin.block.name
    return str(PurePosixPath(name).parent).removeprefix(".")


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


def _with_comments(file: HclFile, block: Block, keep: int) -> tuple[int, int]:
    """The block's lines and the comment lines right above it (no blank line between), from
    `keep` on at least."""
    start = max(comments_start(file.text, block.span[0], file.comment_prefixes), min(keep, line_start(file.text, block.span[0])))
    return start, min(line_end(file.text, block.span[1]) + 1, len(file.text))


def _remove_blocks(file: HclFile, blocks: list[Block], keep: int) -> list[Edit]:
    """Delete blocks with their comments, and one blank line so no double blank is left: the
    blank line two neighbours' removals would both take makes their spans overlap, so
    overlapping spans are joined. Nothing before `keep` goes."""
    spans = sorted((max(e.start, min(keep, b.span[0])), e.end) for b in blocks for e in file.remove_statement(b.span))
    joined: list[list[int]] = []
    for start, end in spans:
        if joined and start < joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [Edit(file.path, start, end, "") for start, end in joined]
