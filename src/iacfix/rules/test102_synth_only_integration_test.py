"""TEST102: an integration test that only synthesizes the stack."""

from __future__ import annotations

import re

from iacfix.model import Location
from iacfix.rule import Example, Rule
from iacfix.rulekit.testcode import code_without_comments, test_files

# Building the stack in-process: cdktf's Testing helpers or an App and a stack.
SYNTH = re.compile(r"\bTesting\.(?:synth|full_?[sS]ynth|synth_?[sS]cope|app|stub_?[vV]ersion)\b|\bnew App\(|\bApp\(")
# What touches the deployed infrastructure: an AWS SDK (JS v2/v3, boto3), the deployment's
# outputs file or `terraform output`, HTTP calls to a deployed endpoint. Each pattern comes with
# a text it cannot match without: Python's re tries a pattern led by \b at every position of the
# file (about 2 ms for a 10 KB test that synthesizes only), a substring test does not.
DEPLOYED = tuple(
    (needle, re.compile(pattern))
    for needle, pattern in (
        ("aws-sdk", r"@aws-sdk/|['\"]aws-sdk['\"]"),
        ("boto", r"\bboto3\b|\bbotocore\b"),
        ("output", r"outputs?\.json|flat-outputs|cfn-outputs|all-outputs|terraform output|cdktf output"),
        ("fetch(", r"\bfetch\("),
        ("axios", r"\baxios\b"),
        ("requests.", r"\brequests\.(?:get|post)"),
        ("urllib", r"\burllib\b"),
        (".get(", r"\bhttps?\.get\("),
    )
)


def touches_deployment(code: str) -> bool:
    return any(needle in code and pattern.search(code) for needle, pattern in DEPLOYED)


class SynthOnlyIntegrationTest(Rule):
    """An integration test file that only synthesizes the stack, never looking at what was deployed.

    What it does: reports a file under an integration test folder (`test/*.int.test.ts`,
    `tests/integration/...`) that builds the stack in-process (`Testing.synth`,
    `Testing.fullSynth`, `new App()` / `App()`) while nothing in it reads the deployment's
    outputs (`cfn-outputs/flat-outputs.json`, `terraform output`) or calls an AWS SDK client
    (`@aws-sdk/client-*`, boto3) or a deployed endpoint.

    Why: the integration stage runs after the deploy to prove the real resources work (the VPC
    exists, the service is healthy, encryption is on). A synth in that stage repeats the unit
    tests and the deployment goes unchecked.

    Convention (pipeline): the pipeline runs its integration stage against the deployed stack and
    its outputs file. Elsewhere an integration test may well synthesize.

    Fix (none, it needs the deployed stack): read the outputs file the deploy step writes and
    check the resources through the AWS SDK (`DescribeVpcsCommand`, `boto3.client("ecs")`, ...).
    """

    code = "TEST102"
    name = "synth-only-integration-test"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "note"
    convention = "pipeline"
    fix = "none"
    seeds = ("001#7",)
    TS_SYNTH = (
        "import { App, Testing } from 'cdktf';\nimport { TapStack } from '../lib/tap-stack';\n\n"
        "test('stack synthesizes', () => {\n  const stack = new TapStack(new App(), 'int');\n"
        "  expect(Testing.synth(stack)).toBeDefined();\n});\n"
    )
    examples = [
        Example("cdktf-ts", before="export const x = 1;\n", after="export const x = 1;\n", files={"test/tap-stack.int.test.ts": TS_SYNTH}),
        Example(
            "cdktf-py",
            before="X = 1\n",
            after="X = 1\n",
            files={
                "tests/integration/test_stack.py": "from cdktf import App\nfrom lib.tap_stack import TapStack\n\n\n"
                "def test_synthesis():\n    stack = TapStack(App(), \"int\")\n    assert stack is not None\n"
            },
        ),
        # Reads the deployed outputs and asks AWS; a unit test may synthesize.
        Example(
            "cdktf-py",
            before="X = 1\n",
            files={
                "tests/integration/test_stack.py": "import json\nimport boto3\n\n\ndef test_vpc():\n"
                "    outputs = json.load(open('cfn-outputs/flat-outputs.json'))\n"
                "    vpc = boto3.client('ec2').describe_vpcs(VpcIds=[outputs['vpc_id']])\n    assert vpc['Vpcs']\n",
                "tests/unit/test_stack.py": "from cdktf import App, Testing\n\n\ndef test_synth():\n    assert Testing.synth(App())\n",
            },
        ),
        Example(
            "cdktf-ts",
            before="export const x = 1;\n",
            files={
                "test/tap-stack.int.test.ts": "import { EC2Client, DescribeVpcsCommand } from '@aws-sdk/client-ec2';\n"
                "import { Testing } from 'cdktf';\n\ntest('vpc', async () => {\n"
                "  const out = await new EC2Client({}).send(new DescribeVpcsCommand({}));\n  expect(out.Vpcs).toHaveLength(1);\n});\n"
            },
        ),
    ]

    def check(self, ctx):
        for file in test_files(ctx, integration=True):
            # Every SYNTH match holds one of these; finding them first spares the regex, whose
            # leading \b makes it try every position of the file.
            if ("Testing." not in file.text and "App(" not in file.text) or SYNTH.search(file.text) is None:
                continue  # none in the code either (no match spans a line)
            code = code_without_comments(file.language, file.text)
            synth = SYNTH.search(code)
            if synth is None or touches_deployment(code):
                continue
            line = file.text.count("\n", 0, file.text.find(synth.group(0))) + 1 if synth.group(0) in file.text else 1
            yield self.finding(
                Location(file.path, line),
                "integration test only synthesizes the stack and never checks the deployed resources: read the "
                "deployment's outputs and assert on the real resources through the AWS SDK",
            )
