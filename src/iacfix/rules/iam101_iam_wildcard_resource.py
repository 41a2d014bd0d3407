"""IAM101: an IAM policy grants secret or KMS key actions on every resource ("*")."""

from __future__ import annotations

from iacfix.model import Location, Value
from iacfix.rule import FLAVOURS, Example, Invalid, Rule
from iacfix.rulekit.embedded import objects, serialised_object
from iacfix.rulekit.terraform_module import Module

# Actions that act on one secret / one key, so they can be scoped to its ARN (ListSecrets,
# GetRandomPassword, kms:CreateKey, kms:ListAliases ... cannot and stay on "*").
SCOPED = {
    "secretsmanager": (
        "aws_secretsmanager_secret",
        {"getsecretvalue", "describesecret", "putsecretvalue", "updatesecret", "rotatesecret",
         "listsecretversionids", "getresourcepolicy", "updatesecretversionstage", "cancelrotatesecret"},
    ),
    "kms": (
        "aws_kms_key",
        {"decrypt", "encrypt", "describekey", "generatedatakey", "generatedatakeywithoutplaintext",
         "reencryptfrom", "reencryptto", "reencrypt*", "generatedatakey*", "creategrant"},
    ),
}
# Identity policies; a resource policy (a key policy, a secret policy) means its own resource by "*".
POLICY_HOLDERS = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")


# Examples of the pipeline's stacks, which deploy on their own.
PIPELINE = {"conventions": ["pipeline"]}


class IamWildcardResource(Rule):
    """An IAM policy that lets a role read every secret or use every KMS key of the account.

    What it does: finds statements of identity policies (`aws_iam_policy`, `aws_iam_role_policy`,
    user/group policies, a role's `inline_policy`, and `aws_iam_policy_document` documents with no
    principals) that allow only Secrets Manager actions, or only KMS actions, that act on one
    secret or key (GetSecretValue, DescribeSecret, kms:Decrypt, GenerateDataKey ...) on
    `Resource = "*"`. When the project declares the secrets (`aws_secretsmanager_secret`) or keys
    (`aws_kms_key`) such a statement can only mean, and each can be referenced from the policy,
    `"*"` becomes the list of their ARNs. The policy is read inside `jsonencode({...})`,
    `JSON.stringify({...})` and `json.dumps({...})` as well as a policy document's statements.

    Left alone: a statement with a condition (`kms:ViaService` narrows "*" on purpose), one
    that also grants other services' actions or an action that only works on "*" (ListSecrets).
    Reported only: a statement mixing Secrets Manager and KMS actions, or one where some of the
    secrets/keys cannot be referenced (declared in another TypeScript/Python file, or not
    assigned to a variable). Silent when the project declares no secret or key of that service:
    the policy is then about resources from elsewhere, which iacfix cannot name.

    Why: `"*"` grants the role every secret / every key in the account, not the ones it uses:
    a least-privilege finding in every review and audit (PCI-DSS, SOC 2).

    Whose secrets: in the pipeline's tasks (convention `pipeline`) a stack deploys on its own,
    so the secrets and keys it declares are the ones its roles use. Elsewhere a role may also
    read secrets made outside the stack (by another stack, by hand), which the narrowed policy
    would deny: there the fix is unsafe (shown, applied with --unsafe-fixes).

    Fix (safe in the pipeline's stacks, unsafe elsewhere): `Resource =
    [aws_secretsmanager_secret.db.arn, ...]` (TS `[db.arn]`, Python `[db.arn]`): the statements
    keep working for the resources the stack created.
    """

    code = "IAM101"
    name = "iam-wildcard-resource"
    flavours = FLAVOURS
    seeds = ("002#8",)
    examples = [
        Example(
            "terraform",
            options=PIPELINE,
            before="""\
resource "aws_secretsmanager_secret" "db" {
  name = "db"
}

resource "aws_kms_key" "db" {}

resource "aws_iam_role_policy" "secrets" {
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = ["*"]
      },
      {
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = "*"
      }
    ]
  })
}
""",
            after="""\
resource "aws_secretsmanager_secret" "db" {
  name = "db"
}

resource "aws_kms_key" "db" {}

resource "aws_iam_role_policy" "secrets" {
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [aws_secretsmanager_secret.db.arn]
      },
      {
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = aws_kms_key.db.arn
      }
    ]
  })
}
""",
        ),
        Example(
            "terraform",
            options=PIPELINE,
            before="""\
resource "aws_secretsmanager_secret" "a" {}
resource "aws_secretsmanager_secret" "b" {}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["*"]
  }
}
""",
            after="""\
resource "aws_secretsmanager_secret" "a" {}
resource "aws_secretsmanager_secret" "b" {}

data "aws_iam_policy_document" "read" {
  statement {
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_secretsmanager_secret.a.arn, aws_secretsmanager_secret.b.arn]
  }
}
""",
        ),
        Example(
            "cdktf-ts",
            options=PIPELINE,
            before="""\
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
const secret = new SecretsmanagerSecret(this, 'db', { name: 'db' });
new IamPolicy(this, 'read', {
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: '*' }],
  }),
});
""",
            after="""\
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
const secret = new SecretsmanagerSecret(this, 'db', { name: 'db' });
new IamPolicy(this, 'read', {
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secret.arn }],
  }),
});
""",
        ),
        Example(
            "cdktf-py",
            options=PIPELINE,
            before="""\
import json
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

self.key = KmsKey(self, "key", description="app")
IamRolePolicy(self, "use", role="r", policy=json.dumps({
    "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": ["*"]}],
}))
""",
            after="""\
import json
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

self.key = KmsKey(self, "key", description="app")
IamRolePolicy(self, "use", role="r", policy=json.dumps({
    "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": [self.key.arn]}],
}))
""",
        ),
        # Outside the pipeline the role may read secrets made elsewhere too: offered, not applied.
        Invalid(
            "terraform",
            'resource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n\nresource "aws_iam_policy" "read" {\n'
            '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" }] })\n}\n',
            'resource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n\nresource "aws_iam_policy" "read" {\n'
            '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }] })\n}\n',
            unsafe=True,
        ),
        Example(  # one statement for both services: which ARN goes where is a human's call
            "terraform",
            options=PIPELINE,
            before="""\
resource "aws_kms_key" "k" {}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["kms:Decrypt", "secretsmanager:GetSecretValue"], Resource = "*" }]
  })
}
""",
            after="""\
resource "aws_kms_key" "k" {}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["kms:Decrypt", "secretsmanager:GetSecretValue"], Resource = "*" }]
  })
}
""",
        ),
        Example(  # a key policy's "*" is the key itself; ListSecrets needs "*"; no key declared
            "terraform",
            before="""\
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:Decrypt", Resource = "*" }]
  })
}

resource "aws_iam_policy" "list" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["secretsmanager:ListSecrets"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "other" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" }]
  })
}
""",
        ),
    ]

    def check(self, ctx):
        targets = {service: ctx.resources(rtype) for service, (rtype, _) in SCOPED.items()}
        for file, statement, keys in _statements(ctx):
            action_prop = statement.prop(keys[0])
            resource_prop = statement.prop(keys[1])
            if action_prop is None or resource_prop is None or not _is_wildcard(resource_prop.value):
                continue
            if statement.prop("Condition") is not None or statement.prop("condition") is not None:
                continue  # "*" narrowed by a condition (kms:ViaService ...) is the documented pattern
            actions = _strings(action_prop.value)
            if not actions:
                continue
            services = {a.split(":", 1)[0].lower() for a in actions}
            if not services & set(SCOPED) or not all(_scoped(a) for a in actions if a.split(":", 1)[0].lower() in SCOPED):
                continue  # no secret/key action, or one that only works on "*" (ListSecrets, kms:*)
            at = Location(file.path, resource_prop.value.line, resource_prop.value.col)
            if services - set(SCOPED):
                continue  # a broad statement over other services too: not this rule's call
            if len(services) > 1:
                yield self.finding(
                    at,
                    f"{', '.join(actions)} granted on every resource (\"*\"); split the statement per service and "
                    "name the secrets / keys it is for",
                )
                continue
            (service,) = services
            candidates = targets[service]
            if not candidates:
                continue
            refs = [_arn(file, r) for r in candidates]
            what = "secret" if service == "secretsmanager" else "KMS key"
            if None in refs:
                yield self.finding(
                    at,
                    f"{', '.join(actions)} granted on every {what} (\"*\"); name the ARNs of the {what}s it is for",
                )
                continue
            if resource_prop.value.kind == "array" or len(refs) > 1:
                new = "[" + ", ".join(refs) + "]"
            else:
                new = refs[0]
            yield self.finding(
                at,
                f"{', '.join(actions)} granted on every {what} in the account (\"*\"); scoped to the "
                f"{what}{'s' if len(refs) > 1 else ''} the stack declares",
                file.replace_value(resource_prop, new),
                safety=None if ctx.follows("pipeline") else "unsafe",
            )


def _statements(ctx):
    """(file, statement object, (action key, resource key)) for each identity-policy statement."""
    for res in ctx.resources(*POLICY_HOLDERS, "aws_iam_role"):
        file = ctx.file(res.path)
        values = []
        if res.type == "aws_iam_role":
            for inline in objects(res.attr_value("inline_policy")):
                policy = inline.prop("policy")
                values.append(policy.value if policy else None)
        else:
            values.append(res.attr_value("policy"))
        for value in values:
            document = serialised_object(file, value)
            for statement in objects(document.prop("Statement").value if document and document.prop("Statement") else None):
                if statement.prop("Principal") is None and statement.prop("NotPrincipal") is None:
                    yield file, statement, ("Action", "Resource")
    documents = [(ctx.file(r.path), r.body) for r in ctx.resources("data.aws_iam_policy_document")]
    if ctx.project.flavour == "terraform":
        documents += [
            (d.file, d.file._block_value(d.block))
            for d in Module(ctx).blocks("data")
            if d.block.labels[:1] == ["aws_iam_policy_document"]
        ]
    for file, body in documents:
        for statement in objects(body.prop("statement").value if body.prop("statement") else None):
            if statement.prop("principals") is None and statement.prop("not_principals") is None:
                yield file, statement, ("actions", "resources")


def _scoped(action: str) -> bool:
    service, _, name = action.partition(":")
    return name.lower() in SCOPED[service.lower()][1]



def _strings(value: Value) -> list[str]:
    items = value.items if value.kind == "array" else [value]
    if any(i.kind != "string" for i in items):
        return []
    return [i.value for i in items]


def _is_wildcard(value: Value) -> bool:
    items = value.items if value.kind == "array" else [value]
    return len(items) == 1 and items[0].kind == "string" and items[0].value == "*"


def _arn(file, resource) -> str | None:
    """How the policy's file refers to the resource's ARN; None when it cannot."""
    if resource.ref is None:
        return None
    if file.language == "hcl":
        return f"{resource.ref}.arn"
    if resource.path != file.path:
        return None
    return f"{resource.ref}.arn"
