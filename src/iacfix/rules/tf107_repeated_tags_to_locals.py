"""TF107: the same tags map written out on resource after resource."""

from __future__ import annotations

from iacfix.rule import Example, Rule
from iacfix.rulekit.tags import common_pairs, missing_tags, tag_maps
from iacfix.rulekit.terraform_module import Module
from iacfix.rulekit.text import indentation_at

LOCALS_FILE = "locals.tf"
LOCAL = "common_tags"


class RepeatedTagsToLocals(Rule):
    """Tags repeated on several resources are written once, as `local.common_tags`.

    What it does: in a Terraform module with no `common_tags` local and no single AWS provider
    to hold `default_tags` (a child module, or one with a provider per region: TAG103 covers
    the single-provider case), when at least 3 resources (and half of those with a tags map)
    write the same tag pairs by hand and some taggable resources lack them, declares
    `locals { common_tags = {...} }` in locals.tf (created; in a markdown answer at the end of
    the file of the first tagged resource) and makes every taggable resource use it:
    `tags = local.common_tags` where the map held exactly those pairs,
    `tags = merge(local.common_tags, { Name = "..." })` where it adds its own, and
    `tags = local.common_tags` added where there were no tags. A provider's `default_tags`
    holding exactly the same pairs reads the local too. `Name` and values that are not a
    literal, `var.` or `local.` stay on the resources. A module whose resources all carry the
    pairs already is left alone: the copies are consistent, and the corpus's repaired modules
    often keep them so.

    Why: copies drift: the next edit changes one resource's `Environment` and not the others,
    and a new resource copies the wrong block.

    Convention (pipeline): the pipeline's reviews ask for tags written once. Repeating them is a
    style, and a module may keep them per resource on purpose.

    Fix (unsafe, it restructures the module): locals.tf and the references.
    """

    code = "TF107"
    name = "repeated-tags-to-locals"
    flavours = ("terraform",)
    severity = "note"
    convention = "pipeline"
    fix = "unsafe"
    seeds = ("002#14",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags = {
    Project = "orders"
    Owner   = var.owner
    Name    = "a"
  }
}

resource "aws_sqs_queue" "b" {
  tags = { Project = "orders", Owner = var.owner }
}

resource "aws_sns_topic" "c" {
  tags = { Owner = var.owner, Project = "orders" }
}

resource "aws_sqs_queue" "d" {
  name = "d"
}
""",
            after="""\
resource "aws_s3_bucket" "a" {
  bucket = "a"
  tags = merge(local.common_tags, {
    Name = "a"
  })
}

resource "aws_sqs_queue" "b" {
  tags = local.common_tags
}

resource "aws_sns_topic" "c" {
  tags = local.common_tags
}

resource "aws_sqs_queue" "d" {
  name = "d"
  tags = local.common_tags
}
""",
            files_after={
                "locals.tf": """\
locals {
  common_tags = {
    Project = "orders"
    Owner   = var.owner
  }
}
""",
            },
        ),
        # Already a common_tags local; maps that differ.
        Example(
            "terraform",
            before="""\
locals {
  common_tags = { Project = "orders" }
}

resource "aws_sqs_queue" "a" {
  tags = { Project = "orders" }
}

resource "aws_sqs_queue" "b" {
  tags = { Project = "orders" }
}

resource "aws_sqs_queue" "c" {
  tags = { Project = "orders" }
}
""",
        ),
        # one AWS provider: TAG103 puts the pairs in its default_tags instead
        Example(
            "terraform",
            before="""\
provider "aws" {}

resource "aws_sqs_queue" "a" {
  tags = { Project = "orders" }
}

resource "aws_sqs_queue" "b" {
  tags = { Project = "orders" }
}

resource "aws_sqs_queue" "c" {
  tags = { Project = "orders" }
}

resource "aws_sqs_queue" "d" {
  name = "d"
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_sqs_queue" "a" {
  tags = { Project = "a" }
}

resource "aws_sqs_queue" "b" {
  tags = { Project = "b" }
}
""",
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        if LOCAL in module.locals():
            return
        # one AWS provider: its default_tags is the better home (TAG103)
        if len([d for d in module.blocks("provider") if d.block.labels == ["aws"]]) == 1:
            return
        pairs = common_pairs(tag_maps(ctx), True)
        if not pairs:
            return
        wanted = set(pairs)
        missing = missing_tags(ctx, wanted)
        if not missing:  # every taggable resource carries the pairs: consistent, if verbose
            return
        tagged = [r for r in ctx.resources() if (v := r.attr_value("tags")) is not None and v.kind == "object"]
        # the local is declared in one folder: a markdown answer's blocks named into another
        # folder (a child module) cannot read it
        module = module.near(ctx.file(tagged[0].path))
        in_folder = {f.path for f in module.files}
        tagged = [r for r in tagged if r.path in in_folder]
        missing = [r for r in missing if r.path in in_folder]
        if not missing:
            return
        width = max(len(k) for k, _ in pairs)
        body = "".join(f"    {k.ljust(width)} = {v}\n" for k, v in pairs)
        first = ctx.file(tagged[0].path)
        edits = module.append_block(LOCALS_FILE, f"locals {{\n  {LOCAL} = {{\n{body}  }}\n}}\n", fallback=first)
        for r in tagged:
            edits += _use_local(ctx.file(r.path), r.attrs["tags"], wanted)
        for r in missing:
            if "tags" not in r.attrs:
                edits += ctx.file(r.path).insert_attr(r, "tags", f"local.{LOCAL}")
        for d in module.blocks("provider"):
            for default in (b for b in d.block.blocks if b.type == "default_tags"):
                tags = next((a for a in default.attributes if a.key == "tags"), None)
                if tags and tags.prop.value.kind == "object" and {(p.key, p.value.text) for p in tags.prop.value.props} == wanted:
                    edits += d.file.replace_value(tags.prop, f"local.{LOCAL}")
        names = ", ".join(f"`{r.ref}`" for r in missing[:3]) + (" ..." if len(missing) > 3 else "")
        yield self.finding(
            tagged[0],
            f"resources repeat the tags {', '.join(k for k, _ in pairs)} by hand and {names} lack them; the fix "
            f"declares them once as `local.{LOCAL}` in {LOCALS_FILE} and makes every taggable resource use it",
            edits,
        )


def _use_local(file, prop, common: set) -> list:
    """`tags = local.common_tags`, or `merge(local.common_tags, {...})` with the resource's own pairs."""
    rest = [p for p in prop.value.props if (p.key, p.value.text) not in common]
    if not rest:
        return file.replace_value(prop, f"local.{LOCAL}")
    entries = [(file.text[p.key_span[0] : p.key_span[1]], p.value.text) for p in rest]
    if "\n" not in prop.value.text:
        inner = ", ".join(f"{k} = {v}" for k, v in entries)
        return file.replace_value(prop, f"merge(local.{LOCAL}, {{ {inner} }})")
    indent = indentation_at(file.text, prop.span[0])
    width = max(len(k) for k, _ in entries)
    inner = "".join(f"{indent}  {k.ljust(width)} = {v}\n" for k, v in entries)
    return file.replace_value(prop, f"merge(local.{LOCAL}, {{\n{inner}{indent}}})")
