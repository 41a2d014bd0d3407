"""TAG103: tags repeated resource by resource instead of the AWS provider's default_tags."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.tags import common_pairs, missing_tags, tag_maps
from iacfix.rulekit.terraform_module import Module, location
from iacfix.rulekit.text import indentation_at

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


class MissingCommonTags(Rule):
    """Tags every resource repeats belong in the AWS provider's `default_tags`.

    What it does: when several resources (at least 3, and at least half of those with a tags
    map) repeat the same tag pairs (`Project = "orders"`, `ManagedBy = "terraform"`), some
    resources that can be tagged lack them, and the one AWS provider of the project has no
    `default_tags`, adds `default_tags { tags = {...} }` with those pairs to the provider
    (CDKTF: `defaultTags: [{ tags: {...} }]`), so every resource carries them. `Name` and pairs
    whose value is not shared code (a literal; in Terraform also `var.` / `local.`) are not
    moved. A module where every taggable resource already carries the pairs is left alone
    (consistent, if verbose); so is a project with several AWS providers (a pair may belong to
    one region or account only). The resources' own copies stay (the provider merges them);
    removing them is a clean-up for a human.

    This is how the repaired stacks of the corpus tag: nearly every final CDKTF stack, and most
    Terraform modules that tag, set provider default_tags.

    Why: tags repeated by hand drift: some resources miss them (cost allocation and ownership
    reports then lose them), some get another spelling.

    Convention (pipeline): the pipeline's reviews ask for every resource to carry the common tags.
    Elsewhere which resources are tagged is the team's choice.

    Fix (unsafe, it tags resources that had no tags): the provider's default_tags.
    """

    code = "TAG103"
    name = "missing-common-tags"
    flavours = FLAVOURS
    severity = "note"
    convention = "pipeline"
    fix = "unsafe"
    # After the fixes: it counts the AWS providers, which TF105 may merge (duplicates of an
    # answer's provider.tf), and adds to the one left.
    phase = "scaffold"
    seeds = ("002#21",)
    examples = [
        Example(
            "terraform",
            before="""\
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "a" {
  tags = { Project = "orders", Environment = var.environment, Name = "a" }
}

resource "aws_sqs_queue" "b" {
  tags = { Project = "orders", Environment = var.environment }
}

resource "aws_sns_topic" "c" {
  tags = {
    Project     = "orders"
    Environment = var.environment
  }
}

resource "aws_sqs_queue" "d" {
  name = "d"
}
""",
            after="""\
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Project     = "orders"
      Environment = var.environment
    }
  }
}

resource "aws_s3_bucket" "a" {
  tags = { Project = "orders", Environment = var.environment, Name = "a" }
}

resource "aws_sqs_queue" "b" {
  tags = { Project = "orders", Environment = var.environment }
}

resource "aws_sns_topic" "c" {
  tags = {
    Project     = "orders"
    Environment = var.environment
  }
}

resource "aws_sqs_queue" "d" {
  name = "d"
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
new AwsProvider(this, 'aws', { region: 'us-east-1' });
new S3Bucket(this, 'a', { tags: { Team: 'core', Env: env } });
new SqsQueue(this, 'b', { tags: { Team: 'core' } });
new SqsQueue(this, 'c', { tags: { Team: 'core', 'cost-center': '42' } });
new SqsQueue(this, 'd', { fifoQueue: true });
""",
            after="""\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
new AwsProvider(this, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { Team: 'core' } }] });
new S3Bucket(this, 'a', { tags: { Team: 'core', Env: env } });
new SqsQueue(this, 'b', { tags: { Team: 'core' } });
new SqsQueue(this, 'c', { tags: { Team: 'core', 'cost-center': '42' } });
new SqsQueue(this, 'd', { fifoQueue: true });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

AwsProvider(self, "aws", region="us-east-1")
SqsQueue(self, "a", tags={"Team": "core"})
SqsQueue(self, "b", tags={"Team": "core"})
SqsQueue(self, "c", tags={"Team": "core"})
SqsQueue(self, "d", fifo_queue=True)
""",
            after="""\
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

AwsProvider(self, "aws", region="us-east-1", default_tags=[{"tags": {"Team": "core"}}])
SqsQueue(self, "a", tags={"Team": "core"})
SqsQueue(self, "b", tags={"Team": "core"})
SqsQueue(self, "c", tags={"Team": "core"})
SqsQueue(self, "d", fifo_queue=True)
""",
        ),
        # default_tags already set; tags that differ; too few resources.
        Example(
            "cdktf-ts",
            before="""\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
new AwsProvider(this, 'aws', { defaultTags: [{ tags: { Team: 'core' } }] });
new SqsQueue(this, 'a', { tags: { Team: 'core' } });
new SqsQueue(this, 'b', { tags: { Team: 'core' } });
new SqsQueue(this, 'c', { tags: { Team: 'core' } });
""",
        ),
        Example(
            "terraform",
            before="""\
provider "aws" {}

resource "aws_sqs_queue" "a" {
  tags = { Team = "a" }
}

resource "aws_sqs_queue" "b" {
  tags = { Team = "b" }
}

resource "aws_sqs_queue" "c" {
  tags = { Team = "core" }
}

resource "aws_sqs_queue" "d" {
  tags = { Team = "core" }
}
""",
        ),
        # every taggable resource already carries the pairs (the policy attachment has no tags)
        Example(
            "terraform",
            before="""\
provider "aws" {}

resource "aws_sqs_queue" "a" {
  tags = { Team = "core" }
}

resource "aws_sqs_queue" "b" {
  tags = { Team = "core" }
}

resource "aws_sqs_queue" "c" {
  tags = { Team = "core" }
}

resource "aws_iam_role_policy_attachment" "d" {
  role = "r"
}
""",
        ),
    ]

    def check(self, ctx):
        hcl = ctx.project.flavour == "terraform"
        providers = _hcl_providers(ctx) if hcl else _cdktf_providers(ctx)
        # With several providers (regions, accounts, stacks) a shared pair may belong to one of
        # them only (`Region = "us-east-1"`): left to a human.
        if len(providers) != 1 or providers[0][3]:
            return
        pairs = common_pairs(tag_maps(ctx), hcl)
        if not pairs:
            return
        missing = missing_tags(ctx, set(pairs))
        if not missing:  # every taggable resource carries them: consistent, if verbose
            return
        listed = ", ".join(k for k, _ in pairs)
        names = ", ".join(f"`{r.ref or r.name or r.type}`" for r in missing[:3]) + (" ..." if len(missing) > 3 else "")
        for file, at, insert, _ in providers:
            default_tags = file.attr_key("default_tags")
            yield self.finding(
                at,
                f"resources repeat the tags {listed} by hand, {names} lack them, and the AWS provider has no "
                f"{default_tags}; the fix adds them to the provider's {default_tags} so every resource carries them",
                insert(pairs),
            )


def _hcl_providers(ctx):
    out = []
    for d in Module(ctx).blocks("provider"):
        if d.block.labels != ["aws"]:
            continue
        file, block = d.file, d.block

        def insert(pairs, file=file, block=block):
            indent = indentation_at(file.text, block.span[0])
            width = max(len(k) for k, _ in pairs)
            body = "".join(f"{indent}      {k.ljust(width)} = {v}\n" for k, v in pairs)
            text = f"{indent}  default_tags {{\n{indent}    tags = {{\n{body}{indent}    }}\n{indent}  }}\n"
            inside = file.text[block.body_span[0] : block.body_span[1]]
            at = block.body_span[1] - (len(inside) - len(inside.rstrip(" \t")))
            return [Edit(file.path, at, at, ("\n" if inside.strip() else "") + text)]

        out.append((file, location(file, block), insert, any(b.type == "default_tags" for b in block.blocks)))
    return out


def _cdktf_providers(ctx):
    out = []
    for file in ctx.files("typescript", "python"):
        for cons in file.typed_view.constructions:
            if cons.callee.split(".")[-1] != "AwsProvider" or cons.config is None:
                continue
            config = cons.config
            has = any(p.key in ("defaultTags", "default_tags") for p in config.props)

            def insert(pairs, file=file, config=config):
                from iacfix.model import Resource

                typescript = file.language == "typescript"
                items = ", ".join(f"{_key(file, k, typescript)}{file.key_value_separator if typescript else ': '}{v}" for k, v in pairs)
                if typescript:
                    value = f"[{{ tags: {{ {items} }} }}]"
                else:
                    value = f"[{{{file.literal('tags')}: {{{items}}}}}]"
                holder = Resource(file.path, file.language, "aws_provider", None, None, {}, config, 0, 0)
                return file.insert_attr(holder, "default_tags", value)

            out.append((file, Location(file.path, cons.line, cons.col), insert, has))
    return out


def _key(file, key: str, typescript: bool) -> str:
    if typescript and _IDENTIFIER.fullmatch(key):
        return key
    return file.literal(key)
