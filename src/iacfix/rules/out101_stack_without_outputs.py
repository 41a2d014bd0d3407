"""OUT101: a stack or root module that creates key resources and exports nothing."""

from __future__ import annotations

import re
from pathlib import Path

from iacfix.model import Edit, Location
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit import schema
from iacfix.rulekit.scaffold import python_call, unique_label
from iacfix.rulekit.terraform_module import Module
from iacfix.rulekit.text import indentation_at, line_end, snake_case

OUTPUTS_FILE = "outputs.tf"

# The resources people look up after a deploy (tests, pipelines, operators), and what of each
# they look up, first choice first (Terraform names; kept only when the provider's schema says
# the resource has them). The short name makes the output's name.
KEY_RESOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "aws_vpc": ("vpc", ("id",)),
    "aws_lb": ("lb", ("dns_name", "arn")),
    "aws_alb": ("alb", ("dns_name", "arn")),
    "aws_rds_cluster": ("rds_cluster", ("endpoint", "reader_endpoint")),
    "aws_db_instance": ("db_instance", ("endpoint",)),
    "aws_ecs_cluster": ("ecs_cluster", ("name", "arn")),
    "aws_eks_cluster": ("eks_cluster", ("name", "endpoint")),
    "aws_s3_bucket": ("bucket", ("bucket", "arn")),
    "aws_api_gateway_rest_api": ("rest_api", ("id",)),
    "aws_apigatewayv2_api": ("api", ("api_endpoint",)),
    "aws_lambda_function": ("lambda", ("function_name", "arn")),
    "aws_cognito_user_pool": ("user_pool", ("id",)),
    "aws_dynamodb_table": ("table", ("name",)),
    "aws_elasticache_replication_group": ("redis", ("primary_endpoint_address",)),
    "aws_sqs_queue": ("queue", ("url",)),
    "aws_sns_topic": ("topic", ("arn",)),
    "aws_cloudfront_distribution": ("distribution", ("domain_name",)),
    "aws_ecr_repository": ("repository", ("repository_url",)),
    "aws_kinesis_stream": ("stream", ("name",)),
}

_GENERIC_NAMES = {"main", "this", "default", "primary", "app"}


class StackWithoutOutputs(Rule):
    """A stack or root module that creates key resources should export how to reach them.

    What it does: a CDKTF stack (a `TerraformStack` subclass) in an app with no
    `TerraformOutput` at all, or a Terraform root module (one with a `provider` or `terraform`
    block) with no `output`, that creates VPCs, load balancers, databases, ECS/EKS clusters,
    buckets, APIs, Lambda functions, user pools, tables, queues ... gets outputs for them: the
    ids, ARNs, DNS names and endpoints their schema has. Terraform: in outputs.tf (created; in a
    markdown answer at the end of the file of the first such resource); CDKTF:
    `new TerraformOutput(...)` statements after the constructor's last top-level construct, and
    the `TerraformOutput` import; resources kept in public attributes of a construct class of the
    project that the stack builds count too (`network.vpc.id`).

    Only partly automatable: in CDKTF only what the constructor can reach is referenced: its
    variables and attributes, and their public attributes (a resource never assigned, kept in a
    child construct's local or private member, or built in a block of TypeScript is skipped); in
    Terraform a resource with `count` / `for_each` is skipped (which instance to export is a
    choice). A stack none of whose key resources can be reached is reported for a human to
    expose them.

    Why: integration tests, pipelines and operators read the deployed ids and endpoints from
    the outputs (`terraform output`, cdktf's outputs file); without any, nothing downstream can
    find the resources.

    Convention (pipeline): the pipeline's integration tests read the deployed ids from the outputs.
    A library's usage example, a stack that publishes what it creates through SSM parameters or
    fixed names, a workspace read with tfe_outputs need none.

    Fix (unsafe, it adds outputs a human should prune): one output per key attribute.
    """

    code = "OUT101"
    name = "stack-without-outputs"
    flavours = FLAVOURS
    severity = "note"
    convention = "pipeline"
    fix = "unsafe"
    phase = "scaffold"
    seeds = ("000#3", "004#12")
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { TerraformStack } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Lb } from '@cdktf/provider-aws/lib/lb';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    this.alb = new Lb(this, 'alb', { internal: false });
  }
}
""",
            after="""\
import { TerraformStack, TerraformOutput } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Lb } from '@cdktf/provider-aws/lib/lb';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    this.alb = new Lb(this, 'alb', { internal: false });
    new TerraformOutput(this, 'vpc-id', { value: vpc.id });
    new TerraformOutput(this, 'alb-dns-name', { value: this.alb.dnsName });
    new TerraformOutput(this, 'alb-arn', { value: this.alb.arn });
  }
}
""",
        ),
        # resources kept by a construct of the project that the stack builds
        Example(
            "cdktf-ts",
            files={
                "lib/network.ts": """\
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

export class Network extends Construct {
  public readonly vpc: Vpc; // was: private vpc (a comment is no modifier)
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
  }
}
""",
            },
            before="""\
import { TerraformStack } from 'cdktf';
import { Network } from './network';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const network = new Network(this, 'network');
  }
}
""",
            after="""\
import { TerraformStack, TerraformOutput } from 'cdktf';
import { Network } from './network';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const network = new Network(this, 'network');
    new TerraformOutput(this, 'network-vpc-id', { value: network.vpc.id });
  }
}
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket


class AppStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        bucket = S3Bucket(self, "data", bucket_prefix="data")
""",
            after="""\
from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket


class AppStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        bucket = S3Bucket(self, "data", bucket_prefix="data")
        TerraformOutput(self, "bucket_bucket", value=bucket.bucket)
        TerraformOutput(self, "bucket_arn", value=bucket.arn)
""",
        ),
        # Python as black writes it: a call over 88 columns has its arguments on a line of their
        # own, or one a line when they do not fit either; the import sorted among the others.
        Example(
            "cdktf-py",
            before="""\
from cdktf import S3Backend, TerraformStack
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.lb import Lb


class WebStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        S3Backend(self, bucket="state", key="web.tfstate")
        self.load_balancer = Lb(self, "web", internal=False)
        self.session_cache = ElasticacheReplicationGroup(self, "sessions", description="sessions")
""",
            after="""\
from cdktf import S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.lb import Lb


class WebStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        S3Backend(self, bucket="state", key="web.tfstate")
        self.load_balancer = Lb(self, "web", internal=False)
        self.session_cache = ElasticacheReplicationGroup(self, "sessions", description="sessions")
        TerraformOutput(
            self, "load_balancer_dns_name", value=self.load_balancer.dns_name
        )
        TerraformOutput(self, "load_balancer_arn", value=self.load_balancer.arn)
        TerraformOutput(
            self,
            "session_cache_primary_endpoint_address",
            value=self.session_cache.primary_endpoint_address,
        )
""",
        ),
        Example(
            "terraform",
            before="""\
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_db_instance" "orders" {
  engine = "postgres"
}
""",
            after="""\
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_db_instance" "orders" {
  engine = "postgres"
}
""",
            files_after={
                "outputs.tf": """\
output "vpc_id" {
  description = "id of aws_vpc.main"
  value       = aws_vpc.main.id
}

output "orders_db_instance_endpoint" {
  description = "endpoint of aws_db_instance.orders"
  value       = aws_db_instance.orders.endpoint
}
""",
            },
        ),
        # Outputs exist (anywhere in the module); a child module without provider; counted resources.
        Example(
            "terraform",
            before="""\
provider "aws" {}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
""",
            files={"outputs.tf": 'output "vpc" {\n  value = aws_vpc.main.id\n}\n'},
        ),
        Example(
            "terraform",
            before="""\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { TerraformStack, TerraformOutput } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

class AppStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    new TerraformOutput(this, 'vpc-id', { value: vpc.id });
  }
}
""",
        ),
    ]

    def check(self, ctx):
        if ctx.project.flavour == "terraform":
            yield from self._terraform(ctx)
        else:
            yield from self._cdktf(ctx)

    # -- Terraform ---------------------------------------------------------------------------------
    def _terraform(self, ctx):
        module = Module(ctx)
        roots = module.blocks("provider") or module.blocks("terraform")
        if not roots:
            return
        # in a markdown answer, the root module is the folder of its provider (or terraform) block:
        # an output there cannot name a resource of a block named into a child module's folder
        module = module.near(roots[0].file)
        in_root = {f.path for f in module.files}
        if module.blocks("output"):
            return
        if _answer_mentions(ctx, r'^\s*output\s+"'):
            return
        found = [
            r
            for r in ctx.resources(*KEY_RESOURCES)
            if not ({"count", "for_each"} & set(r.attrs)) and r.path.name != OUTPUTS_FILE and r.path in in_root
        ]
        if not found:
            return
        blocks, taken = [], set()
        for r in found:
            short, _ = KEY_RESOURCES[r.type]
            for attr in _attributes(r.type):
                name = _unique(_output_name(r.name, short, attr), taken)
                value = f"{r.ref}.{attr}"
                blocks.append(
                    f'output "{name}" {{\n  description = "{attr} of {r.ref}"\n  value       = {value}\n}}\n'
                )
        first = ctx.file(found[0].path)
        edits = module.append_block(OUTPUTS_FILE, "\n".join(blocks), fallback=first)
        yield self.finding(
            found[0],
            f"the module creates {_describe(found)} but has no outputs, so tests and pipelines cannot find them; "
            f"the fix adds {len(blocks)} output{'s' * (len(blocks) != 1)} to {OUTPUTS_FILE}",
            edits,
        )

    # -- CDKTF -----------------------------------------------------------------------------------
    def _cdktf(self, ctx):
        files = ctx.files("typescript", "python")
        if any(_is_output(c["callee"]) for f in files for c in f.view["constructions"]):
            return
        if _answer_mentions(ctx, r"\bTerraformOutput\s*\("):
            return
        classes = {cls["name"]: (f, cls) for f in files for cls in f.view["classes"]}
        for file, cls in classes.values():
            if any(b["name"].split(".")[-1] == "TerraformStack" for b in cls["bases"]):
                yield from self._stack(file, cls, classes)

    def _stack(self, file, cls, classes):
        body, top = _constructor(file, cls["name"])
        if not top:
            return
        typescript = file.language == "typescript"
        found, outputs, taken = [], [], {c["args"][1].get("value") for c in body if len(c["args"]) > 1}

        def output(ref: str, rtype: str) -> None:
            base = re.sub(r"^(this|self)\.", "", ref).replace(".", "_")
            for attr in _attributes(rtype):
                name = _unique(snake_case(base) + "_" + attr, taken)
                outputs.append((name, f"{ref}.{schema.camel_case(attr) if typescript else attr}"))

        for cons in body:
            # a `const` inside a block is out of reach at the constructor's end; Python locals are not
            var = cons.get("var")
            reachable = bool(var) and (not typescript or var.startswith("this.") or cons in top)
            for r, attr_ref in _held_resources(file, cons, classes):
                if attr_ref == "":  # the stack's own resource: counted even when out of reach
                    found.append(r)
                    if reachable:
                        output(var, r.type)
                elif attr_ref is not None and reachable:  # a child construct's: only when reachable
                    found.append(r)
                    output(f"{var}.{attr_ref}", r.type)
        if not found:
            return
        where = Location(file.path, cls["line"], cls["col"])
        if not outputs:
            yield self.finding(
                where,
                f"the stack creates {_describe(found)} but exports no TerraformOutput, and none of them is held "
                "in a variable of its constructor: expose them and add TerraformOutputs for tests and pipelines",
            )
            return
        last = top[-1]
        end = line_end(file.text, last["span"][1])
        indent = indentation_at(file.text, last["span"][0])
        text = "".join("\n" + _output(file, indent, name, value).rstrip("\n") for name, value in outputs)
        yield self.finding(
            where,
            f"the stack creates {_describe(found)} but exports no TerraformOutput, so tests and pipelines cannot "
            f"find them; the fix adds {len(outputs)} output{'s' * (len(outputs) != 1)} at the end of the constructor",
            [*file.add_import("cdktf", "TerraformOutput"), Edit(file.path, end, end, text)],
        )


def _output(file, indent: str, name: str, value: str) -> str:
    if file.language == "typescript":
        return f"{indent}new TerraformOutput(this, {file.literal(name.replace('_', '-'))}, {{ value: {value} }});\n"
    return python_call(indent, "TerraformOutput", ["self", file.literal(name), f"value={value}"])


def _constructor(file, class_name: str):
    """The constructions of a class's constructor, and those that are its top-level statements
    (not nested in another's arguments, not inside a block)."""
    body = [
        c
        for c in file.view["constructions"]
        if c["enclosing_class"] == class_name and c["enclosing_function"] in ("constructor", "__init__")
    ]
    top = [c for c in body if not any(o is not c and o["span"][0] <= c["span"][0] and c["span"][1] <= o["span"][1] for o in body)]
    if top:
        depth = min(len(indentation_at(file.text, c["span"][0])) for c in top)
        top = [c for c in top if len(indentation_at(file.text, c["span"][0])) == depth]
    return body, top


def _held_resources(file, cons, classes) -> list:
    """The key resources a construction stands for: itself (attribute path ""), or, for a
    construct class of the project, the key resources its constructor keeps in public attributes
    (path "vpc" for `this.vpc = new Vpc(...)`; None when they cannot be reached from outside)."""
    r = next((r for r in file.resources() if (r.line, r.col) == (cons["line"], cons["col"])), None)
    if r is not None:
        return [(r, "")] if r.type in KEY_RESOURCES else []
    child = classes.get(cons["callee"])
    if child is None or child[1]["name"] == cons.get("enclosing_class"):
        return []
    child_file, child_cls = child
    held = []
    for c in _constructor(child_file, child_cls["name"])[0]:
        res = next((r for r in child_file.resources() if (r.line, r.col) == (c["line"], c["col"])), None)
        if res is None or res.type not in KEY_RESOURCES:
            continue
        var = c.get("var") or ""
        attr = re.sub(r"^(this|self)\.", "", var) if re.match(r"(this|self)\.", var) else None
        if attr and child_file.language == "typescript" and _private(child_file, child_cls, attr):
            attr = None
        held.append((res, attr))
    return held


def _private(file, cls, attr: str) -> bool:
    """Whether the class declares the member private or protected (in its code: a comment
    saying `private bucket` is no modifier)."""
    text = file.code()[cls["span"][0] : cls["span"][1]]
    return re.search(rf"\b(?:private|protected)\s+(?:readonly\s+)?{re.escape(attr)}\b", text) is not None


def _attributes(rtype: str) -> list[str]:
    """The key attributes of a type that its schema really has."""
    info = schema.load().by_terraform_type(rtype)
    wanted = KEY_RESOURCES[rtype][1]
    if info is None:
        return list(wanted)
    return [a for a in wanted if schema.camel_case(a) in info.attrs]


def _output_name(name: str | None, short: str, attr: str) -> str:
    name = (name or short).replace("-", "_")
    if name in _GENERIC_NAMES or name == short:
        return f"{short}_{attr}"
    if short in name:
        return f"{name}_{attr}"
    return f"{name}_{short}_{attr}"


def _unique(name: str, taken: set) -> str:
    out = unique_label(name, taken)
    taken.add(out)
    return out


def _describe(found) -> str:
    kinds = sorted({KEY_RESOURCES[r.type][0].replace("_", " ") for r in found})
    return ", ".join(kinds[:4]) + (" ..." if len(kinds) > 4 else "")


def _is_output(callee: str) -> bool:
    return callee.split(".")[-1] == "TerraformOutput"


def _answer_mentions(ctx, pattern: str) -> bool:
    """Whether the markdown answer the project was read from writes outputs outside its code
    blocks (an unfenced `output` block): they exist, the blocks just do not hold them."""
    answer = ctx.workspace.answers.get(Path(ctx.project.root))
    return answer is not None and re.search(pattern, answer.text, re.MULTILINE) is not None
