"""IAM103: a workload or pipeline role holds PowerUserAccess or AdministratorAccess."""

from __future__ import annotations

import re

from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.terraform_module import Module

BROAD = re.compile(r":iam::aws:policy/(PowerUserAccess|AdministratorAccess)(?![\w-])")
# A trust policy naming a service or a federated (OIDC) identity: a workload or a pipeline
# assumes the role. Roles only people / accounts assume (an admin or break-glass role behind
# MFA) are meant to be broad and are left alone.
WORKLOAD_TRUST = re.compile(r"\b(Service|Federated|AssumeRoleWithWebIdentity)\b")
ATTACHMENTS = ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment")


# Reported and left as they are: each is `before` and `after` of an example.
TS_REPORTED = """\
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
new IamRole(this, 'deploy', {
  assumeRolePolicy: JSON.stringify({
    Statement: [{ Effect: 'Allow', Principal: { Federated: oidc.arn }, Action: 'sts:AssumeRoleWithWebIdentity' }],
  }),
  managedPolicyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'],
});
"""

PY_REPORTED = """\
import json

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
build_role = IamRole(self, "build", assume_role_policy=json.dumps(trust))
IamRolePolicyAttachment(self, "admin", role=build_role.name, policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
"""

HCL_REPORTED = """\
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "build" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy_attachment" "build" {
  role       = aws_iam_role.build.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
"""


class PowerUserAccess(Rule):
    """A role a service or pipeline assumes is attached to PowerUserAccess / AdministratorAccess.

    What it does: reports an `aws_iam_role` whose `managed_policy_arns` holds
    arn:aws:iam::aws:policy/PowerUserAccess or .../AdministratorAccess, and an
    `aws_iam_role_policy_attachment` / `aws_iam_policy_attachment` attaching either to a role,
    when that role's trust policy names a service or a federated (OIDC) principal — a Lambda,
    a CodeBuild project, a GitHub Actions pipeline. Roles assumed only by AWS accounts or
    users (administrator and break-glass roles, usually behind MFA) are deliberately broad and
    not reported. A trust policy whose principals cannot be seen (built in another variable)
    counts as a workload's.

    Why: these policies grant nearly every action on every resource of the account; a leaked
    pipeline token or a compromised function then reaches everything, and least privilege is
    a finding of every security review.

    Not fixed: only the people who know what the role deploys or calls can list its actions
    and resources; iacfix reports what to replace.
    """

    code = "IAM103"
    name = "power-user-access"
    flavours = FLAVOURS
    fix = "none"
    seeds = ("004#9",)
    examples = [
        Example("cdktf-ts", TS_REPORTED, TS_REPORTED),  # reported, unchanged
        Example("cdktf-py", PY_REPORTED, PY_REPORTED),  # reported, unchanged
        Example("terraform", HCL_REPORTED, HCL_REPORTED),  # reported, unchanged
        Example(  # an administrator role people assume with MFA; a read-only policy
            "terraform",
            before="""\
resource "aws_iam_role" "admin" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
      Action    = "sts:AssumeRole"
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
""",
        ),
    ]

    def check(self, ctx):
        all_roles = ctx.resources("aws_iam_role")
        roles = {r.ref: r for r in all_roles if r.ref}
        for role in all_roles:
            arns = role.attr_value("managed_policy_arns")
            broad = [m for item in (arns.items if arns else []) for m in [BROAD.search(item.text)] if m]
            if broad and self._workload(ctx, role):
                yield self._report(role, role.name or role.ref, broad[0].group(1))
        for att in ctx.resources(*ATTACHMENTS):
            arn = att.attr_value("policy_arn")
            match = BROAD.search(arn.text) if arn is not None else None
            if match is None:
                continue
            targets = att.attr_value("roles")
            refs = [i.text for i in targets.items] if targets is not None else []
            if att.attr_value("role") is not None:
                refs.append(att.attr_value("role").text)
            for ref in refs:
                role = roles.get(re.sub(r"\.(name|id|arn)!?$", "", ref.strip()))
                if role is not None and self._workload(ctx, role):
                    yield self._report(att, role.name or role.ref, match.group(1))
                    break

    def _report(self, at, role, policy):
        return self.finding(
            at,
            f"role `{role}` (not an administrator role people assume) holds {policy}, nearly every action on every "
            "resource; replace with a policy listing the actions and resources the role needs",
        )

    @staticmethod
    def _workload(ctx, role) -> bool:
        trust = role.attr_value("assume_role_policy")
        if trust is None:
            return True
        text = trust.text
        ref = re.fullmatch(r"(data\.aws_iam_policy_document\.[\w-]+|[\w.]+)\.json", text.strip())
        if ref:  # a policy document data source: read its statements
            name = ref.group(1)
            if name.startswith("data."):
                label = name.split(".")[-1]
                text = next(
                    (
                        d.file.text[slice(*d.block.body_span)]
                        for d in Module(ctx).blocks("data")
                        if d.block.labels == ["aws_iam_policy_document", label]
                    ),
                    "",
                )
            else:
                doc = [r for r in ctx.resources("data.aws_iam_policy_document") if r.ref == name]
                text = doc[0].body.text if doc else ""
        if WORKLOAD_TRUST.search(text):
            return True
        # no principal to be seen (a document built elsewhere): the role may be anyone's
        return re.search(r"(?i)principal", text) is None
