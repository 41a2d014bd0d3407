"""IAM102: an AWS account id written into an ARN instead of the caller's account."""

from __future__ import annotations

import re

from iacfix.backends.hcl_module import Module
from iacfix.model import Edit, Location
from iacfix.rule import Example, Rule
from iacfix.textedit import line_start

# The account field of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:...
ARN_ACCOUNT = re.compile(r"arn:aws[\w-]*:[\w-]+:[\w${}.-]*:(\d{12}):")
# Only the placeholders of the AWS documentation: a real account id in an ARN is as often an
# AWS-owned one that must stay (127311923021, the us-east-1 ELB log-delivery account, ...).
PLACEHOLDER = re.compile(r"123456789012|111122223333|444455556666|012345678901|(\d)\1{11}")


class HardcodedAccountId(Rule):
    """An ARN in the code names a literal AWS account id instead of the account deployed to.

    What it does: in Terraform, every string (or heredoc) holding an ARN whose account field is
    a documentation placeholder (123456789012, 111122223333, 444455556666, one digit twelve
    times) gets
    `${data.aws_caller_identity.current.account_id}` there instead; the module's
    `data "aws_caller_identity"` is reused (whatever its name), else one named `current` is
    added to the file of the first fix. Strings inside `variable` and `terraform` blocks are left
    alone (a variable's default and a backend cannot read a data source), and so are comments.
    Other twelve-digit accounts are left alone: in the corpus they are mostly AWS-owned accounts
    that must stay (the ELB log-delivery accounts in access-log bucket policies).

    Not automated in CDKTF yet: there the string has to become a template literal / f-string
    and a `DataAwsCallerIdentity` construct has to be created in the right scope; the Terraform
    fix is the shape to follow.

    Why: the placeholder account does not exist, and someone else's account is not the one
    the stack deploys to: trust policies, OIDC providers and resource policies then point
    nowhere ("Invalid identity provider", AccessDenied), and the code is not portable.

    Fix (safe): the account id comes from the credentials the stack deploys with.
    """

    code = "IAM102"
    name = "hardcoded-account-id"
    flavours = ("terraform",)
    seeds = ("004#8",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
    }]
  })
}
""",
            after="""\
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com" }
    }]
  })
}
""",
        ),
        Example(
            "terraform",
            before="""\
data "aws_caller_identity" "me" {}

resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:111122223333:alerts"
  policy = "{}"
}
""",
            after="""\
data "aws_caller_identity" "me" {}

resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:${data.aws_caller_identity.me.account_id}:alerts"
  policy = "{}"
}
""",
        ),
        Example(
            "terraform",
            before="""\
# e.g. arn:aws:iam::123456789012:role/x
variable "role_arn" {
  default = "arn:aws:iam::123456789012:role/x"
}

resource "aws_s3_bucket" "b" {
  bucket = "arn-aws-iam-123456789012"
}
""",
        ),
    ]

    def check(self, ctx):
        module = Module(ctx)
        callers = [d for d in module.blocks("data") if d.block.labels[:1] == ["aws_caller_identity"]]
        name = callers[0].block.labels[1] if callers else "current"
        added = bool(callers)
        for file in module.files:
            # a variable's default and the terraform block (backend) cannot read a data source
            skip = [b.span for b in file.blocks if b.type in ("variable", "terraform")]
            for match in ARN_ACCOUNT.finditer(file.text):
                start, end = match.span(1)
                if not PLACEHOLDER.fullmatch(match.group(1)):
                    continue
                if any(a <= start < b for a, b in skip) or _in_comment(file.text, start):
                    continue
                edits = [Edit(file.path, start, end, f"${{data.aws_caller_identity.{name}.account_id}}")]
                if not added:
                    edits.append(Edit(file.path, 0, 0, f'data "aws_caller_identity" "{name}" {{}}\n\n'))
                    added = True
                yield self.finding(
                    _at(file, start),
                    f"account id {match.group(1)} is written into an ARN; the stack deploys to the caller's "
                    f"account: data.aws_caller_identity.{name}.account_id",
                    edits,
                )


def _in_comment(text: str, offset: int) -> bool:
    line = text[line_start(text, offset) : offset]
    stripped = line.lstrip()
    return stripped.startswith(("#", "//", "/*", "*")) or bool(re.search(r'^[^"]*(#|//)', line))


def _at(file, offset: int) -> Location:
    return Location(file.path, file.text.count("\n", 0, offset) + 1, offset - file.text.rfind("\n", 0, offset))
