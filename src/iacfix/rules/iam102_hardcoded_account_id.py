"""IAM102: an AWS account id written into an ARN instead of the caller's account."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import FLAVOURS, Example, Invalid, Rule
from iacfix.rulekit import provider_imports, schema
from iacfix.rulekit.project_files import in_examples
from iacfix.rulekit.scaffold import New, render
from iacfix.rulekit.terraform_module import Module
from iacfix.rulekit.testcode import is_test_file, project_path
from iacfix.rulekit.text import line_col, line_start

# The account field of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:...
ARN_ACCOUNT = re.compile(r"arn:aws[\w-]*:[\w-]+:[\w${}.-]*:(\d{12}):")
# Only the placeholders of the AWS documentation: a real account id in an ARN is as often an
# AWS-owned one that must stay (127311923021, the us-east-1 ELB log-delivery account, ...).
PLACEHOLDER = re.compile(r"123456789012|111122223333|444455556666|012345678901|(\d)\1{11}")
CLASS = "DataAwsCallerIdentity"
CONSTRUCTORS = ("constructor", "__init__")
# The scope a construct is built in: `this`, `self`, a parameter (`scope`, `stack`).
SCOPE = re.compile(r"[A-Za-z_$][\w$]*")
# Examples of a stack of the pipeline's tasks, which deploys into one account.
PIPELINE = {"conventions": ["pipeline"]}
ADVICE = "make a DataAwsCallerIdentity in the stack and build the ARN from its account id, or pass the account in"


# An example the rule reports without changing it (before and after alike).
REPORTED_TS = """\
import { Construct } from 'constructs';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';

const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';

export class Roles extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new IamRolePolicyAttachment(this, 'boundary', { role: 'app', policyArn: BOUNDARY });
  }
}
"""


class HardcodedAccountId(Rule):
    """An ARN in the code names a literal AWS account id instead of the account deployed to.

    What it does: every string holding an ARN whose account field is a documentation
    placeholder (123456789012, 111122223333, 444455556666, one digit twelve times) gets the
    caller's account there instead. Other twelve-digit accounts are left alone: in the corpus
    they are mostly AWS-owned accounts that must stay (the ELB log-delivery accounts in
    access-log bucket policies).

    Terraform: `${data.aws_caller_identity.current.account_id}`; the module's
    `data "aws_caller_identity"` is reused (whatever its name), else one named `current` is
    added to the file of the first fix. Strings inside `variable` and `terraform` blocks are left
    alone (a variable's default and a backend cannot read a data source), and so are comments.

    CDKTF: a string literal anywhere in a construct's arguments (a `JSON.stringify` /
    `json.dumps` / `Fn.jsonencode` policy included) becomes a template literal / f-string reading
    `callerIdentity.accountId` / `caller_identity.account_id`; a template literal or f-string
    gets the interpolation beside the ones it has. A `DataAwsCallerIdentity` the function
    already holds before the string (or the class keeps in `this.x` / `self.x` from its
    constructor) is reused; else one is made in the construct's scope just before the
    statement of the first use (`const callerIdentity = new DataAwsCallerIdentity(this,
    'current');`) and imported. Reported instead, for a human to move: a string outside any
    construct's arguments (a module-level constant, an environment variable's default), a
    construct built at module level, and a function other than the constructor that is not
    called exactly once (a data source made there with a fixed id could clash). Tests are left
    alone: their ARNs are fixtures.

    Whose account: in the pipeline's tasks (convention `pipeline`) a stack deploys into one
    account, and a placeholder there stands for it. Elsewhere the fix is safe only when the ARN
    names a resource the stack itself creates (its literal name: a role, a secret, a topic, a log
    group ...); other placeholders may stand for another account on purpose (a cross-account
    role to assume), so their fix is unsafe (shown, applied with --unsafe-fixes); files of a
    usage example (under `examples/`) are left alone, their placeholders being the example's. A
    CDKTF app that pins another major of the provider package gets a report: the
    DataAwsCallerIdentity import the fix writes is the bundled schema's.

    Why: the placeholder account does not exist, and someone else's account is not the one
    the stack deploys to: trust policies, OIDC providers and resource policies then point
    nowhere ("Invalid identity provider", AccessDenied), and the code is not portable.

    Fix (safe): the account id comes from the credentials the stack deploys with.
    """

    code = "IAM102"
    name = "hardcoded-account-id"
    flavours = FLAVOURS
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
            options=PIPELINE,
        ),
        # Outside the pipeline: the ARN of a topic the module creates is the deploying account's;
        # a role in another account may be meant (an unsafe fix).
        Invalid(
            "terraform",
            """\
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:123456789012:alerts"
  policy = "{}"
}
""",
            """\
data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_sns_topic_policy" "p" {
  arn    = "arn:aws:sns:us-east-1:${data.aws_caller_identity.current.account_id}:alerts"
  policy = "{}"
}
""",
        ),
        Invalid(
            "terraform",
            """\
resource "aws_iam_policy" "assume_admin" {
  name   = "assume-admin"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::111111111111:role/admin" }] })
}
""",
            """\
data "aws_caller_identity" "current" {}

resource "aws_iam_policy" "assume_admin" {
  name   = "assume-admin"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/admin" }] })
}
""",
            unsafe=True,
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
        Example(
            "cdktf-ts",
            before="""\
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';

export class CiStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new IamRole(this, 'deploy', {
      name: 'deploy',
      assumeRolePolicy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
          },
        ],
      }),
    });
  }
}
""",
            after="""\
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';

export class CiStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const callerIdentity = new DataAwsCallerIdentity(this, 'current');
    new IamRole(this, 'deploy', {
      name: 'deploy',
      assumeRolePolicy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Principal: { Federated: `arn:aws:iam::${callerIdentity.accountId}:oidc-provider/token.actions.githubusercontent.com` },
          },
        ],
      }),
    });
  }
}
""",
        ),
        # The construct's own DataAwsCallerIdentity is reused; a template keeps its interpolations.
        Example(
            "cdktf-ts",
            before="""\
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';

export class Alerts extends Construct {
  constructor(scope: Construct, id: string, region: string) {
    super(scope, id);
    const me = new DataAwsCallerIdentity(this, 'me');
    for (const name of ['alerts', 'audit']) {
      new SnsTopicPolicy(this, `policy-${name}`, {
        arn: `arn:aws:sns:${region}:111122223333:${name}`,
        policy: '{}',
      });
    }
  }
}
""",
            after="""\
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';

export class Alerts extends Construct {
  constructor(scope: Construct, id: string, region: string) {
    super(scope, id);
    const me = new DataAwsCallerIdentity(this, 'me');
    for (const name of ['alerts', 'audit']) {
      new SnsTopicPolicy(this, `policy-${name}`, {
        arn: `arn:aws:sns:${region}:${me.accountId}:${name}`,
        policy: '{}',
      });
    }
  }
}
""",
            options=PIPELINE,
        ),
        Example(
            "cdktf-py",
            before="""\
import json

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.iam_role import IamRole


class CiStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)

        for env in ["dev", "prod"]:
            IamRole(
                self,
                f"deploy-{env}",
                assume_role_policy=json.dumps({
                    "Statement": [{
                        "Effect": "Allow",
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
                    }],
                }),
            )
""",
            after="""\
import json

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.iam_role import IamRole


class CiStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)

        caller_identity = DataAwsCallerIdentity(self, "current")
        for env in ["dev", "prod"]:
            IamRole(
                self,
                f"deploy-{env}",
                assume_role_policy=json.dumps({
                    "Statement": [{
                        "Effect": "Allow",
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Principal": {"Federated": f"arn:aws:iam::{caller_identity.account_id}:oidc-provider/token.actions.githubusercontent.com"},
                    }],
                }),
            )
""",
        ),
        # The stack keeps its DataAwsCallerIdentity in self.caller: a method reads it from there; an
        # f-string keeps its replacement fields, a plain string's braces are doubled.
        Example(
            "cdktf-py",
            before="""\
from cdktf import Fn, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy


class AppStack(TerraformStack):
    def __init__(self, scope, id, region):
        super().__init__(scope, id)
        self.caller = DataAwsCallerIdentity(self, "caller")
        self.region = region
        self.grant("app")

    def grant(self, role):
        IamRolePolicy(
            self,
            "read-secrets",
            role=role,
            policy=Fn.jsonencode({
                "Statement": [{
                    "Effect": "Allow",
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": f"arn:aws:secretsmanager:{self.region}:123456789012:secret:{role}/*",
                }],
            }),
        )
        IamRolePolicy(self, "raw", role=role, policy='{"Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}')
""",
            after="""\
from cdktf import Fn, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy


class AppStack(TerraformStack):
    def __init__(self, scope, id, region):
        super().__init__(scope, id)
        self.caller = DataAwsCallerIdentity(self, "caller")
        self.region = region
        self.grant("app")

    def grant(self, role):
        IamRolePolicy(
            self,
            "read-secrets",
            role=role,
            policy=Fn.jsonencode({
                "Statement": [{
                    "Effect": "Allow",
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": f"arn:aws:secretsmanager:{self.region}:{self.caller.account_id}:secret:{role}/*",
                }],
            }),
        )
        IamRolePolicy(self, "raw", role=role, policy=f'{{"Resource": "arn:aws:sqs:us-east-1:{self.caller.account_id}:jobs"}}')
""",
            options=PIPELINE,
        ),
        # A module-level constant has no construct scope to read the account from: reported.
        Example("cdktf-ts", before=REPORTED_TS, after=REPORTED_TS),
        # AWS-owned accounts, AWS managed policies, tests' fixtures, comments: left alone.
        Example(
            "cdktf-ts",
            before="""\
import { Construct } from 'constructs';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';

export class Logs extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // e.g. arn:aws:iam::123456789012:role/x
    new S3BucketPolicy(this, 'logs', {
      bucket: 'logs',
      policy: JSON.stringify({ Principal: { AWS: 'arn:aws:iam::127311923021:root' } }),
    });
    new IamRolePolicyAttachment(this, 'ro', { role: 'x', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  }
}
""",
            files={"test/logs.test.ts": "expect(arn).toBe('arn:aws:iam::123456789012:role/x');\n"},
        ),
    ]

    def check(self, ctx):
        whose = _Whose(ctx)
        if ctx.project.flavour == "terraform":
            yield from self._terraform(ctx, whose)
            return
        # what this run made: file -> (the file has the import), (file, class, scope) -> construct ids
        created: dict = {}
        for file in ctx.files("typescript", "python"):
            if _stack_code(ctx, file) and not whose.example(file):
                yield from self._cdktf(ctx, file, created, whose)

    # -- Terraform ---------------------------------------------------------------------------------
    def _terraform(self, ctx, whose):
        module = Module(ctx)
        callers = [d for d in module.blocks("data") if d.block.labels[:1] == ["aws_caller_identity"]]
        name = callers[0].block.labels[1] if callers else "current"
        added = bool(callers)
        for file in module.files:
            if whose.example(file):
                continue
            # a variable's default and the terraform block (backend) cannot read a data source
            skip = [b.span for b in file.blocks if b.type in ("variable", "terraform")]
            for match in ARN_ACCOUNT.finditer(file.text):
                start, end = match.span(1)
                if not PLACEHOLDER.fullmatch(match.group(1)):
                    continue
                if any(a <= start < b for a, b in skip) or _in_comment(file.text, start):
                    continue
                safety = whose.safety(file.text, end)
                edits = [Edit(file.path, start, end, f"${{data.aws_caller_identity.{name}.account_id}}")]
                if not added:
                    edits.append(Edit(file.path, 0, 0, f'data "aws_caller_identity" "{name}" {{}}\n\n'))
                    added = safety == "safe"  # an unsafe fix left unapplied must not take the data source with it
                yield self.finding(
                    _at(file, start),
                    f"account id {match.group(1)} is written into an ARN; the stack deploys to the caller's "
                    f"account: data.aws_caller_identity.{name}.account_id",
                    edits,
                    safety=safety,
                )

    # -- CDKTF -------------------------------------------------------------------------------------
    def _cdktf(self, ctx, file, created, whose):
        if not any(PLACEHOLDER.fullmatch(m.group(1)) for m in ARN_ACCOUNT.finditer(file.text)):
            return  # most files: no need to read their literals
        # literal span -> the placeholder accounts in it: (start, end, account)
        found: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        for span in file.literals():
            for match in ARN_ACCOUNT.finditer(file.text, span[0], span[1]):
                if PLACEHOLDER.fullmatch(match.group(1)):
                    found.setdefault(span, []).append((*match.span(1), match.group(1)))
        if not found:
            return
        # the constructs: built as (scope, id, ...)
        scoped = [c for c in file.view["constructions"] if len(c["args"]) >= 2]
        groups: dict[tuple, list] = {}  # (class, function, scope) -> [(literal span, accounts, construction)]
        for span, accounts in found.items():
            outer = min((c for c in scoped if c["span"][0] <= span[0] and span[1] <= c["span"][1]),
                        key=lambda c: c["span"][0], default=None)
            reason = _unplaceable(file, outer, span, accounts)
            if reason:
                yield self.finding(_at(file, accounts[0][0]), _report(accounts[0][2], reason))
                continue
            key = (outer["enclosing_class"], outer["enclosing_function"], outer["args"][0]["text"])
            groups.setdefault(key, []).append((span, accounts, outer))
        for (cls, function, scope), uses in groups.items():
            first = min(outer["span"][0] for _, _, outer in uses)
            ref, edits, reason = _caller_identity(ctx, file, cls, function, scope, first, created)
            for span, accounts, _ in sorted(uses):
                at = _at(file, accounts[0][0])
                if reason:
                    yield self.finding(at, _report(accounts[0][2], reason))
                    continue
                message = f"account id {accounts[0][2]} is written into an ARN; the stack deploys to the caller's account: {ref}"
                if not whose.schema_fits:
                    yield self.finding(at, f"{message} (not fixed: the project pins another provider version than "
                                           "the one iacfix writes imports for)")
                    continue
                safety = min((whose.safety(file.text, b) for _, b, _ in accounts), key=("unsafe", "safe").index)
                text = file.interpolate(span, [(a, b) for a, b, _ in accounts], ref)
                yield self.finding(at, message, [*edits, Edit(file.path, span[0], span[1], text)], safety=safety)
                if safety == "safe":
                    edits = []  # the data source and its import come with the first applied fix only


class _Whose:
    """Whose account a placeholder stands for, as far as the project tells."""

    # The arguments that name what a resource creates: the names an ARN of it ends with.
    NAME_ATTRIBUTES = ("name", "bucket", "function_name", "identifier", "cluster_identifier", "family", "alarm_name")

    def __init__(self, ctx):
        self.ctx = ctx
        self.one_account = ctx.follows("pipeline")  # the pipeline deploys each stack into one account
        self.schema_fits = ctx.project.flavour == "terraform" or schema.for_project(ctx) is not None
        self._names: set[str] | None = None

    def example(self, file) -> bool:
        """A usage example's file outside the pipeline: its placeholders are the example's."""
        return not self.one_account and in_examples(file.path)

    def safety(self, text: str, account_end: int) -> str:
        """"safe" when the placeholder is the stack's own account: in the pipeline, or in the ARN
        of a resource the stack creates; "unsafe" (another account may be meant) otherwise."""
        if self.one_account:
            return "safe"
        rest = re.match(r":([^\s\"'`,;)\]}]*)", text[account_end:])
        part = rest.group(1).rstrip("*").removesuffix(":") if rest else ""
        if part.startswith(("oidc-provider/", "saml-provider/")):
            return "safe"  # a role trusts only identity providers of its own account
        created = any(len(n) >= 3 and (part == n or part.endswith(("/" + n, ":" + n)) or f"/{n}/" in part or f":{n}:" in part
                                        or part.startswith((f"secret:{n}-", f"secret:{n}")))
                      for n in self.names())
        return "safe" if created else "unsafe"

    def names(self) -> set[str]:
        """The literal names of the resources the project creates."""
        if self._names is None:
            self._names = {
                prop.value.value
                for r in self.ctx.resources()
                if not r.type.startswith("data.")
                for key in self.NAME_ATTRIBUTES
                if (prop := r.attrs.get(key)) is not None and prop.value.kind == "string"
            }
        return self._names


def _stack_code(ctx, file) -> bool:
    """A CDKTF source of the app: it imports cdktf, constructs or the provider (not a Lambda
    handler's code, not a test: a test's ARNs are fixtures)."""
    if is_test_file(project_path(ctx, file.path)):
        return False
    return any(i["module"] in ("cdktf", "constructs") or file.provider_pattern.match(i["module"]) for i in file.view["imports"])


def _unplaceable(file, outer, span, accounts) -> str | None:
    """Why a literal cannot be repaired where it is, None when it can."""
    if outer is None:
        return f"outside any construct's arguments (a constant, a default): {ADVICE}"
    if not outer["enclosing_function"]:
        return f"in a construct built outside any function: {ADVICE}"
    if not SCOPE.fullmatch(outer["args"][0]["text"]):
        return f"in a construct whose scope `{outer['args'][0]['text']}` is not a plain name: {ADVICE}"
    if file.interpolate(span, [(a, b) for a, b, _ in accounts], "x") is None:
        return f"in a literal that cannot become a template literal / f-string (an object key, bytes): {ADVICE}"
    return None


def _report(account: str, reason: str) -> str:
    return f"account id {account} is written into an ARN {reason}"


def _caller_identity(ctx, file, cls, function, scope, first, created):
    """How the code at `first` reads the account: (reference, edits creating the data source,
    None) or (None, [], why it cannot)."""
    typescript = file.language == "typescript"
    account = "accountId" if typescript else "account_id"
    mine = [c for c in file.view["constructions"]
            if c["enclosing_class"] == cls and file.terraform_type(c["callee"]) == "data.aws_caller_identity"]
    here = file.statement_start(first, function)
    for cons in mine:
        var = cons.get("var")
        member = bool(var) and var.startswith(file.self_name + ".")
        if cons["enclosing_function"] == function:
            # made before the first use, kept in the object or by a top-level statement
            if var and cons["span"][1] <= first and (member or _top_level(file, cons, function)):
                return f"{var}.{account}", [], None
        elif member and cls and cons["enclosing_function"] in CONSTRUCTORS:
            return f"{var}.{account}", [], None  # the constructor keeps it for the other methods
    if any(c["enclosing_function"] == function for c in mine):
        return None, [], ("before the function's DataAwsCallerIdentity is made, or out of its reach (it is in a block): "
                          "make it before the first use and read its account id")
    if function not in CONSTRUCTORS and not _called_once(ctx, file, function):
        return None, [], (f"in `{function}`, which is not called exactly once, so a DataAwsCallerIdentity made there "
                          f"could clash: {ADVICE}")
    if here is None:
        return None, [], f"in `{function}`, whose layout does not show where its statements start: {ADVICE}"
    at, indent = here
    taken_ids = {c["args"][1].get("value") for c in file.view["constructions"]
                 if c["enclosing_class"] == cls and len(c["args"]) > 1 and c["args"][0]["text"] == scope}
    taken_ids |= created.get((file.path, cls, scope), set())  # made by this run in another function
    ident = next(i for i in ("current", "caller-identity", *(f"current-{n}" for n in range(2, 99))) if i not in taken_ids)
    created.setdefault((file.path, cls, scope), set()).add(ident)
    refs, import_edits = provider_imports.references(file, [CLASS])
    item = New("data_aws_caller_identity", "caller_identity", cls=refs[CLASS], id=ident)
    while item.var(file.language) in file.view["identifier_counts"]:
        item.label += "_2"
    edits = [] if file.path in created else import_edits
    created[file.path] = set()
    edits.append(Edit(file.path, at, at, render(file, [item], indent, scope)))
    return item.ref(file.language, "account_id"), edits, None


def _top_level(file, cons, function) -> bool:
    """Whether a construction is a top-level statement of the function (so a `const` there is
    visible to the rest of the function)."""
    where = file.statement_start(cons["span"][0], function, comments=False)
    return where is not None and where[0] == line_start(file.text, cons["span"][0])


def _called_once(ctx, file, function: str) -> bool:
    """Whether a function (method) is defined once and called once in the project: a construct
    it makes with a fixed id would clash on a second call."""
    headers = calls = 0
    for other in ctx.files(file.language):
        if function not in other.text:  # most files: a substring search spares both regexes
            continue
        starts = {m.start() for m in other.function_header(function).finditer(other.text)}
        headers += len(starts)
        for m in re.finditer(rf"(?<![\w$]){re.escape(function)}\s*\(", other.text):
            if line_start(other.text, m.start()) not in starts:
                calls += 1
    return headers == 1 and calls == 1


def _in_comment(text: str, offset: int) -> bool:
    line = text[line_start(text, offset) : offset]
    stripped = line.lstrip()
    return stripped.startswith(("#", "//", "/*", "*")) or bool(re.search(r'^[^"]*(#|//)', line))


def _at(file, offset: int) -> Location:
    return Location(file.path, *line_col(file.text, offset))
