"""The five seed write-ups of ../shared/seeds, run as tests.

- Every row of every seed maps to at least one rule code (Rule.seeds), and docs/seeds.md, the
  seed → codes map, is the one scripts/seed_map.py renders.
- Sweep: each row's flawed snippet (its MODEL_RESPONSE block), set in a minimal project of the
  seed's flavour, raises the row's codes; every repaired snippet (IDEAL_RESPONSE block) is silent;
  after --write (with --unsafe-fixes) a second run is empty.
- Seed 003's "design decisions, not failures" are written out as a correct stack that must raise
  nothing.

The seeds are read at run time (never copied here); the tests that need them skip when
../shared/seeds is absent. The snippets are fragments (a property, a half class), so each row
says how to set it in a file: `{snippet}` in a wrapper of our own.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from iacfix import engine
from iacfix.rules import all_rules

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not here")

_spec = importlib.util.spec_from_file_location("seed_map", REPO / "scripts" / "seed_map.py")
seed_map = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_map)


# -- reading the seeds ----------------------------------------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


@dataclass
class SeedRow:
    key: str  # "002#3"
    title: str
    model: list[tuple[str, str]] = field(default_factory=list)  # (fence language, code)
    ideal: list[tuple[str, str]] = field(default_factory=list)


def read_seed(path: Path) -> list[SeedRow]:
    """The rows ("### N. Title") of a seed's failure sections, with their code blocks."""
    text = path.read_text(encoding="utf-8")
    not_failures = text.find("(Not Failures)")
    if not_failures > 0:  # seed 003 ends with design decisions that are not failures
        text = text[: text.rfind("\n## ", 0, not_failures)]
    heads = list(re.finditer(r"^### (\d+)\. (.+)$", text, re.M))
    rows = []
    for i, head in enumerate(heads):
        body = text[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        section_end = re.search(r"^## ", body, re.M)
        body = body[: section_end.start()] if section_end else body
        row = SeedRow(f"{path.name[:3]}#{head.group(1)}", head.group(2).strip())
        model, ideal = body.find("MODEL_RESPONSE"), body.find("IDEAL_RESPONSE")
        cause = body.find("**Root Cause")
        if model >= 0 and ideal > model:
            row.model = FENCE.findall(body[model:ideal])
        if ideal >= 0:
            row.ideal = FENCE.findall(body[ideal : cause if cause > ideal else len(body)])
        rows.append(row)
    return rows


def all_seed_rows() -> list[SeedRow]:
    return [row for path in sorted(SEEDS.glob("*.txt")) for row in read_seed(path)] if SEEDS.is_dir() else []


# -- the map --------------------------------------------------------------------------------------


def codes_by_row() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in all_rules():
        for key in rule.seeds:
            out.setdefault(key, set()).add(rule.code)
    return out


@needs_seeds
def test_every_seed_row_maps_to_a_rule():
    mapped = codes_by_row()
    rows = all_seed_rows()
    assert len(rows) > 40
    missing = [f"{r.key} {r.title}" for r in rows if r.key not in mapped and r.key not in seed_map.NOT_AUTOMATED]
    assert missing == []
    unknown = sorted(set(mapped) - {r.key for r in rows})
    assert unknown == [], "Rule.seeds names rows the seeds do not have"


def test_the_seed_map_in_the_docs_is_current():
    assert (REPO / "docs" / "seeds.md").read_text(encoding="utf-8") == seed_map.render(), (
        "docs/seeds.md is stale: run python scripts/seed_map.py"
    )


def test_the_rules_table_in_the_readme_is_current():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme == seed_map.readme_with_rules_table(readme), "README.md's rules table is stale: run python scripts/seed_map.py"


def test_every_row_of_the_map_has_a_rule():
    mapped = codes_by_row()
    assert sorted(mapped) == sorted(set(seed_map.ROWS) - set(seed_map.NOT_AUTOMATED)), "scripts/seed_map.py ROWS and Rule.seeds disagree"


# -- the sweep ------------------------------------------------------------------------------------

STACK_TS = """\
import { Construct } from 'constructs';
import { S3Backend, TerraformStack } from 'cdktf';

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
{snippet}
  }
}
"""
PY_STACK = """\
from constructs import Construct
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
{snippet}
"""


TAP_PY = """\
from cdktf import App
from lib.tap_stack import TapStack

app = App()
TapStack(app, "tap", environment_suffix="dev", state_bucket="states", aws_region="us-east-1")
app.synth()
"""
PY_TEST = """\
from cdktf import App
from lib.tap_stack import TapStack


class TestTapStack:
{snippet}
"""
PROVIDER_TF = """\
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = var.region
  default_tags { tags = var.common_tags }
}
"""
PROVIDER_VARIABLES_TF = """\
variable "region" {
  type    = string
  default = "us-west-1"
}

variable "common_tags" {
  type    = map(string)
  default = {}
}
"""
LAMBDA_BUILD_PACKAGE_JSON = """\
{
  "name": "tap",
  "scripts": {
    "build:lambda": "cd lambda && zip -r enrollment.zip enrollment"
  },
  "dependencies": {
    "@cdktf/provider-aws": "^21.0.0",
    "cdktf": "^0.21.0",
    "constructs": "^10.4.2"
  }
}
"""
WORKFLOW = """\
name: ci
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
{snippet}
"""
IAM_ROLE_TS = """\
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';

export function build(scope: any) {
  new IamRole(scope, 'deployer', {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'codebuild.amazonaws.com' } }],
    }),
{snippet}
  });
}
"""

# A trust policy's principal, in a role the stack builds (seed 004 row 8).
TRUST_POLICY_TS = "import { IamRole } from '@cdktf/provider-aws/lib/iam-role';\n" + STACK_TS.replace(
    "{snippet}",
    """\
    new IamRole(this, 'ci', {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: {
{snippet}
          },
        }],
      }),
    });""",
)


@dataclass
class Setting:
    """How a row's snippet becomes a project: the file it goes in, its wrapper, other files."""

    flavour: str
    path: str
    wrapper: str = "{snippet}"
    files: dict[str, str] = field(default_factory=dict)
    indent: int = 0  # spaces put before every snippet line (a snippet set in a method body)
    expected: tuple[str, ...] = ()  # the codes the flawed snippet raises
    edit: Callable[[str], str] | None = None  # completes a fragment (a required argument it leaves out)


def ts_props(cls: str, module: str) -> str:
    return (
        f"import {{ {cls} }} from '@cdktf/provider-aws/lib/{module}';\n\n"
        f"export function build(scope: any) {{\n  new {cls}(scope, 'x', {{\n"
        "{snippet}\n  });\n}\n"
    )


SETTINGS: dict[str, Setting] = {
    "000#1": Setting("cdktf-ts", "lib/tap-stack.ts", STACK_TS, indent=4, expected=("TF101",)),
    "000#5": Setting("cdktf-ts", "lib/tap-stack.ts", "import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';\n" + STACK_TS, indent=4, expected=("ECS101",)),
    "001#3": Setting("cdktf-py", "lib/tap_stack.py", "from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup\n" + PY_STACK, indent=8, expected=("CACHE101",)),
    "001#4": Setting("cdktf-py", "lib/tap_stack.py", "from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup\n" + PY_STACK, indent=8, expected=("PRV103",)),
    "001#5": Setting("cdktf-py", "lib/tap_stack.py", "from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import EcsClusterCapacityProviders\nfrom cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster\n" + PY_STACK, indent=8, expected=("PRV106",)),
    "002#4": Setting("terraform", "main.tf", expected=("TF103",)),
    # The fragment leaves out the instance's engine, which Terraform requires and RDS101 reads.
    "002#9": Setting("terraform", "main.tf", expected=("RDS101",), edit=lambda s: s.replace("instance_class", 'engine = "aurora-postgresql"\n  instance_class', 1)),
    "002#10": Setting("terraform", "main.tf", expected=("TF202",)),
    "003#1": Setting("cdktf-ts", "lib/tap-stack.ts", STACK_TS, indent=4, expected=("TF101",)),
    "003#2": Setting("cdktf-ts", "lib/tap-stack.ts", "import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';\n" + STACK_TS, indent=4, expected=("TAG101",)),
    "004#2": Setting("cdktf-ts", "lib/tap-stack.ts", STACK_TS, indent=4, expected=("TF101",)),
    "004#4": Setting("cdktf-ts", "lib/auth.ts", ts_props("CognitoUserPoolClient", "cognito-user-pool-client"), indent=4, expected=("PRV104",)),
    "004#5": Setting("cdktf-ts", "lib/auth.ts", ts_props("CognitoUserPool", "cognito-user-pool"), indent=4, expected=("COG101",)),
    "000#4": Setting("cdktf-ts", "test/tap-stack.int.test.ts", expected=("TEST101",)),
    "001#2": Setting(
        "cdktf-py",
        "lib/tap_stack.py",
        "from constructs import Construct\nfrom cdktf import TerraformStack\n\n\nclass TapStack(TerraformStack):\n{snippet}\n",
        indent=4,
        files={"tap.py": TAP_PY},
        expected=("CDK102",),
    ),
    "001#7": Setting("cdktf-py", "tests/integration/test_tap_stack.py", PY_TEST, indent=4, expected=("TEST102",)),
    "001#8": Setting("cdktf-py", "tests/unit/test_tap_stack.py", PY_TEST, indent=4, expected=("TEST103",)),
    "002#3": Setting("terraform", "main.tf", files={"provider.tf": PROVIDER_TF, "variables.tf": PROVIDER_VARIABLES_TF}, expected=("TF105",)),
    "002#6": Setting("terraform", "main.tf", expected=("ALB101",)),
    "002#11": Setting("terraform", "main.tf", 'resource "aws_rds_cluster" "db" {\n  engine              = "aurora-postgresql"\n  skip_final_snapshot = true\n{snippet}\n}\n', indent=2, expected=("RDS103",)),
    "004#3": Setting("cdktf-ts", ".github/workflows/ci.yml", WORKFLOW, indent=6, expected=("CI101",)),
    "004#6": Setting(
        "cdktf-ts",
        "lib/lambda.ts",
        ts_props("LambdaFunction", "lambda-function"),
        indent=4,
        files={"package.json": LAMBDA_BUILD_PACKAGE_JSON},  # builds the zip, which LAM102 looks for
        expected=("LAM101",),
    ),
    "004#8": Setting("cdktf-ts", "lib/tap-stack.ts", TRUST_POLICY_TS, indent=14, expected=("IAM102",)),
    "004#9": Setting("cdktf-ts", "lib/iam.ts", IAM_ROLE_TS, indent=4, expected=("IAM103",)),
}

CDKTF_JSON = {"cdktf-ts": {"language": "typescript", "app": "npx ts-node bin/tap.ts"}, "cdktf-py": {"language": "python", "app": "python tap.py"}}


CLOSERS = {"(": ")", "[": "]", "{": "}"}


def _fragment(code: str) -> str:
    """A snippet's code without the lines that only say "and more here" (`...`), and with the
    brackets it leaves open closed (a call cut off after the interesting arguments)."""
    lines = [line for line in code.splitlines() if line.strip() not in ("...", "...,", "// ...")]
    text = re.sub(r",\s*\.\.\.(?=\s*[)\]}])", "", "\n".join(lines))  # f(a=1, ...)
    stack = []
    for ch in re.sub(r"#.*|//.*|'[^'\n]*'|\"[^\"\n]*\"|`[^`]*`", "", text):
        if ch in CLOSERS:
            stack.append(CLOSERS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
    return text + "".join("\n" + closer for closer in reversed(stack))


def _project(root: Path, setting: Setting, code: str) -> Path:
    if setting.flavour in CDKTF_JSON:
        (root / "cdktf.json").write_text(json.dumps(CDKTF_JSON[setting.flavour]), encoding="utf-8")
    code = setting.edit(code) if setting.edit else code
    snippet = "\n".join((" " * setting.indent + line) if line.strip() else "" for line in _fragment(code).splitlines())
    for rel, text in {setting.path: setting.wrapper.replace("{snippet}", snippet), **setting.files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


# Left out of the sweep: layout (a snippet is not written to be fmt-clean) and rules about what a
# whole project lacks (outputs, monitoring), which a fragment always lacks, or what only a whole
# file settles (a fragment imports what the rest of the file uses, declares what it assigns).
WHOLE_PROJECT = ["TF001", "OUT101", "MON101", "CDK103", "CDK106"]


# The opt-in rules run too (002#13 and 002#16 are theirs): the repaired snippets must not raise them.
OPT_IN = [r.code for r in all_rules() if not r.default]


# The seeds are write-ups of the pipeline's tasks: its conventions apply to their snippets.
def _run(root: Path) -> engine.RunResult:
    options = engine.Options(unsafe_fixes=True, extend_select=OPT_IN, ignore=WHOLE_PROJECT, conventions=["pipeline"])
    return engine.run([root], options, cwd=root)


SEED_ROWS = {row.key: row for row in all_seed_rows()}


@needs_seeds
@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_the_flawed_snippet_of_a_seed_row_raises_its_codes(key, tmp_path):
    row, setting = SEED_ROWS[key], SETTINGS[key]
    assert row.model, f"{key} has no flawed snippet"
    root = _project(tmp_path, setting, "\n".join(code for _, code in row.model))
    result = _run(root)
    assert result.errors == []
    assert set(setting.expected) <= {f.code for f in result.findings}
    assert set(setting.expected) <= codes_by_row()[key]
    # the fixes applied, nothing is left to do
    for source, text in result.changes():
        source.path.parent.mkdir(parents=True, exist_ok=True)
        source.path.write_text(text, encoding="utf-8")
    again = _run(root)
    assert again.changes() == [] and not any(f.fixable for f in again.findings)


@needs_seeds
@pytest.mark.parametrize("key", sorted(k for k in SETTINGS if SEED_ROWS.get(k) and SEED_ROWS[k].ideal))
def test_the_repaired_snippet_of_a_seed_row_is_silent(key, tmp_path):
    row, setting = SEED_ROWS[key], SETTINGS[key]
    root = _project(tmp_path, setting, "\n".join(code for _, code in row.ideal))
    result = _run(root)
    assert result.errors == []
    # a seed's repaired snippet is a fragment: it leaves out the required arguments it is not about (PRV108)
    assert [f"{f.code} {f.message}" for f in result.findings if f.code != "PRV108"] == []


# -- seed 003's design decisions: not failures ----------------------------------------------------

# Our own stack with each of the eight choices seed 003 calls intentional (VPC endpoints on the
# public route table, a region fallback, CORS "*", an absolute alarm threshold, a queue with no
# consumer, no request validator, a placeholder e-mail endpoint, a table with no index).
DESIGN_DECISIONS_TS = """\
import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';

interface TapStackProps {
  environmentSuffix: string;
  stateBucket: string;
  awsRegion?: string;
}

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: TapStackProps) {
    super(scope, id);
    const suffix = props.environmentSuffix;
    const region = props.awsRegion || process.env.AWS_REGION || 'eu-central-1';

    new AwsProvider(this, 'aws', { region });
    new S3Backend(this, {
      bucket: props.stateBucket,
      key: `${suffix}/${id}.tfstate`,
      region,
      encrypt: true,
    });

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: '10.0.0.0/16',
      enableDnsHostnames: true,
      tags: { Name: `payments-vpc-${suffix}` },
    });
    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id });
    const publicSubnet = new Subnet(this, 'public', {
      vpcId: vpc.id,
      cidrBlock: '10.0.0.0/24',
      mapPublicIpOnLaunch: true,
    });
    const privateSubnet = new Subnet(this, 'private', {
      vpcId: vpc.id,
      cidrBlock: '10.0.10.0/24',
    });
    const publicRoutes = new RouteTable(this, 'public-rt', {
      vpcId: vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
    });
    for (const service of ['dynamodb', 's3']) {
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [publicRoutes.id],
      });
    }

    const table = new DynamodbTable(this, 'payments', {
      name: `payments-${suffix}`,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'paymentId',
      attribute: [{ name: 'paymentId', type: 'S' }],
    });
    const audit = new SqsQueue(this, 'audit', { name: `payments-audit-${suffix}` });

    const alerts = new SnsTopic(this, 'alerts', { name: `payments-alerts-${suffix}` });
    new SnsTopicSubscription(this, 'alerts-email', {
      topicArn: alerts.arn,
      protocol: 'email',
      endpoint: 'admin@example.com',
    });
    new CloudwatchMetricAlarm(this, 'errors', {
      alarmName: `payments-errors-${suffix}`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      alarmActions: [alerts.arn],
    });

    const api = new ApiGatewayRestApi(this, 'api', { name: `payments-api-${suffix}` });
    const payments = new ApiGatewayResource(this, 'payments-resource', {
      restApiId: api.id,
      parentId: api.rootResourceId,
      pathPart: 'payments',
    });
    const options = new ApiGatewayMethod(this, 'payments-options', {
      restApiId: api.id,
      resourceId: payments.id,
      httpMethod: 'OPTIONS',
      authorization: 'NONE',
    });
    new ApiGatewayIntegration(this, 'payments-options-integration', {
      restApiId: api.id,
      resourceId: payments.id,
      httpMethod: options.httpMethod,
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    });
    new ApiGatewayMethodResponse(this, 'payments-options-response', {
      restApiId: api.id,
      resourceId: payments.id,
      httpMethod: options.httpMethod,
      statusCode: '200',
      responseParameters: { 'method.response.header.Access-Control-Allow-Origin': true },
    });
    new ApiGatewayIntegrationResponse(this, 'payments-options-integration-response', {
      restApiId: api.id,
      resourceId: payments.id,
      httpMethod: options.httpMethod,
      statusCode: '200',
      responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" },
    });

    new TerraformOutput(this, 'VpcId', { value: vpc.id });
    new TerraformOutput(this, 'PrivateSubnetId', { value: privateSubnet.id });
    new TerraformOutput(this, 'PublicSubnetId', { value: publicSubnet.id });
    new TerraformOutput(this, 'TableName', { value: table.name });
    new TerraformOutput(this, 'AuditQueueUrl', { value: audit.url });
    new TerraformOutput(this, 'ApiId', { value: api.id });
  }
}
"""


def test_seed_003_design_decisions_raise_nothing(tmp_path):
    (tmp_path / "cdktf.json").write_text(json.dumps(CDKTF_JSON["cdktf-ts"]), encoding="utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tap-stack.ts").write_text(DESIGN_DECISIONS_TS, encoding="utf-8")
    result = engine.run([tmp_path], engine.Options(unsafe_fixes=True), cwd=tmp_path)
    assert result.errors == []
    assert [f"{f.code} {f.message}" for f in result.findings] == []
