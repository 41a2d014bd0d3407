"""TAG101: a hardcoded environment name in a Name tag that already carries the environment suffix."""

from __future__ import annotations

import re

from iacfix.model import Location
from iacfix.rule import FLAVOURS, Example, Invalid, Rule

# Not "stage": it names API Gateway stages ("orders-api-stage-${suffix}") as often as environments.
ENVIRONMENT_WORDS = ("prod", "production", "staging", "dev", "development")
# `${environmentSuffix}` (TS), `${var.environment_suffix}` (HCL), `{self.environment_suffix}` (Python)
_SUFFIX = re.compile(r"env(?:ironment)?_?suffix", re.IGNORECASE)
_INTERPOLATION = {"python": re.compile(r"\{[^{}]*\}"), "typescript": re.compile(r"\$\{[^{}]*\}"), "hcl": re.compile(r"\$\{[^{}]*\}")}
# The word right before the suffix: `...-prod-${environmentSuffix}`.
_WORD_BEFORE_SUFFIX = re.compile(rf"(?:(?<=[-_])|^)({'|'.join(ENVIRONMENT_WORDS)})[-_]$", re.IGNORECASE)


class HardcodedEnvironmentInName(Rule):
    """A Name tag says "prod" next to the environment suffix.

    What it does: in a resource's `tags`, when the `Name` value spells an environment word
    (prod, production, staging, dev, development) right before the interpolated environment
    suffix (`environmentSuffix`, `var.environment_suffix`, `self.environment_suffix`), removes
    that word: `payment-api-prod-${environmentSuffix}` → `payment-api-${environmentSuffix}`.

    Why: the suffix is what tells environments apart; a hardcoded "prod" labels every
    deployment — dev and PR stacks too — as production ("payment-api-prod-pr123"), which
    misleads people, cost allocation and environment-scoped policies.

    Left alone: values without the suffix (a stage really named "prod"), words elsewhere in the
    name (`${suffix}-dev-instance` may be a developer's instance), other tags, and words inside
    interpolations.

    Convention (pipeline): the pipeline's suffix names the deployment, so a word beside it is
    redundant. Elsewhere a suffix variable may carry something else (a region, a colour) and `prod`
    be the real environment.

    Fix (safe): delete the word and its separator.
    """

    code = "TAG101"
    name = "hardcoded-environment-in-name"
    flavours = FLAVOURS
    convention = "pipeline"
    seeds = ("003#2",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
new ApiGatewayStage(this, 'stage', {
  stageName: 'prod',
  tags: {
    Name: `payment-api-prod-${environmentSuffix}`,
  },
});
""",
            after="""\
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
new ApiGatewayStage(this, 'stage', {
  stageName: 'prod',
  tags: {
    Name: `payment-api-${environmentSuffix}`,
  },
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

S3Bucket(self, "logs", tags={"Name": f"logs-production-{self.environment_suffix}"})
""",
            after="""\
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

S3Bucket(self, "logs", tags={"Name": f"logs-{self.environment_suffix}"})
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_sqs_queue" "jobs" {
  tags = {
    Name = "jobs-prod-${var.environment_suffix}"
  }
}
""",
            after="""\
resource "aws_sqs_queue" "jobs" {
  tags = {
    Name = "jobs-${var.environment_suffix}"
  }
}
""",
        ),
        # "product" is not "prod"; without the suffix, "prod" may be the real environment.
        Example(
            "terraform",
            before="""\
resource "aws_sqs_queue" "a" {
  tags = {
    Name = "product-${var.environment_suffix}"
  }
}

resource "aws_sqs_queue" "b" {
  tags = {
    Name = "jobs-prod"
  }
}

resource "aws_instance" "c" {
  tags = {
    Name = "${var.project}-${var.environment_suffix}-dev-instance"
  }
}
""",
        ),
        Invalid(  # the suffix read from the stack's props or a member, not only a local
            "cdktf-ts",
            """\
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";

new S3Bucket(this, "logs", { tags: { Name: `logs-prod-${props.environmentSuffix}` } });
new S3Bucket(this, "data", { tags: { Name: `data-staging-${this.environmentSuffix}` } });
""",
            """\
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";

new S3Bucket(this, "logs", { tags: { Name: `logs-${props.environmentSuffix}` } });
new S3Bucket(this, "data", { tags: { Name: `data-${this.environmentSuffix}` } });
""",
        ),
    ]

    def check(self, ctx):
        for resource in ctx.resources():
            tags = resource.attr_value("tags")
            name = tags.prop("Name") if tags is not None and tags.kind == "object" else None
            if name is None or name.value.kind != "template":
                continue
            file = ctx.file(resource.path)
            interpolation = _INTERPOLATION[file.language]
            value = name.value
            fixed, words = _drop_word_before_suffix(value.text, interpolation)
            if not words:
                continue
            yield self.finding(
                Location(resource.path, value.line, value.col),
                f"the Name tag hardcodes {', '.join(repr(w) for w in words)} next to the environment suffix, so "
                "every environment is labelled that way; removed",
                file.replace_value(name, fixed),
            )


def _drop_word_before_suffix(text: str, interpolation: re.Pattern[str]) -> tuple[str, list[str]]:
    """Remove an environment word that directly precedes a suffix interpolation."""
    out, words, pos = [], [], 0
    for match in interpolation.finditer(text):
        literal = text[pos : match.start()]
        word = _WORD_BEFORE_SUFFIX.search(literal) if _SUFFIX.search(match.group()) else None
        if word:
            words.append(word.group(1))
            literal = literal[: word.start()]
        out += [literal, match.group()]
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), words
