"""Messages name properties as the file's language writes them: camelCase in TypeScript,
snake_case in Python and HCL (ParsedFile.attr_key / attr_entry)."""

from __future__ import annotations

import pytest

from iacfix.rules import all_rules
from iacfix.rule import Example
from iacfix.testing import run_example

RULES = {rule.code: rule for rule in all_rules()}


def messages(code: str, example: Example, root) -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    result, _ = run_example(RULES[code], example, root)
    return [f.message for f in result.findings]


def example(code: str, flavour: str, index: int = 0) -> Example:
    return [e for e in RULES[code].examples if e.flavour == flavour and e.after is not None][index]


COOLDOWNS = "target tracking policy without scale-in / scale-out cooldowns; the fix adds {} and {} so scaling out is quick and scaling in does not flap"


@pytest.mark.parametrize(
    "flavour,index,entries",
    [
        ("cdktf-ts", 0, ("`scaleInCooldown: 300`", "`scaleOutCooldown: 60`")),
        ("cdktf-py", 0, ('`"scale_in_cooldown": 300`', '`"scale_out_cooldown": 60`')),  # a dict
        ("cdktf-py", 1, ("`scale_in_cooldown=300`", "`scale_out_cooldown=60`")),  # the struct class
        ("terraform", 0, ("`scale_in_cooldown = 300`", "`scale_out_cooldown = 60`")),
    ],
)
def test_asg101_names_the_cooldowns_as_the_file_writes_them(flavour, index, entries, tmp_path):
    assert messages("ASG101", example("ASG101", flavour, index), tmp_path) == [COOLDOWNS.format(*entries)]


def test_other_typescript_messages_are_camel_case(tmp_path):
    ecs104 = messages("ECS104", example("ECS104", "cdktf-ts"), tmp_path / "ecs104")
    assert ecs104[0].endswith("added listener to dependsOn")
    tag103 = messages("TAG103", example("TAG103", "cdktf-ts"), tmp_path / "tag103")
    assert tag103[0].endswith("has no defaultTags; the fix adds them to the provider's defaultTags so every resource carries them")
    rds102 = messages("RDS102", example("RDS102", "cdktf-ts"), tmp_path / "rds102")
    assert "RDS manages and rotates it with `manageMasterUserPassword: true`" in rds102[0]
    assert rds102[0].endswith("with `automaticallyAfterDays: 30`)")


def test_reports_in_typescript_name_the_missing_block_in_camel_case(tmp_path):
    cognito = """\
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
new CognitoUserPool(this, 'users', { name: 'users', mfaConfiguration: 'ON' });
"""
    [message] = messages("COG101", Example("cdktf-ts", cognito, cognito), tmp_path / "cog101")
    assert message.endswith("add softwareTokenMfaConfiguration (TOTP) or smsConfiguration")
    api = """\
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
const api = new Apigatewayv2Api(this, 'api', { name: 'courses', protocolType: 'HTTP' });
new Apigatewayv2Integration(this, 'fn', { apiId: api.id, integrationType: 'AWS_PROXY', integrationUri: fn.invokeArn });
const handler = `exports.handler = async () => ({ headers: { 'Access-Control-Allow-Origin': '*' } });`;
"""
    [message] = messages("APIGW101", Example("cdktf-ts", api, api), tmp_path / "apigw101")
    assert "but has no corsConfiguration, so preflight requests fail; add corsConfiguration with" in message


def test_rds102_names_each_line_that_reads_the_password(tmp_path):
    # the secret version reads it on line 8; the database's own attribute (line 14) does not count
    [message] = messages("RDS102", example("RDS102", "terraform", 1), tmp_path)
    assert "but main.tf:8 read the current password: make them read the secret" in message


IAM102_METHOD = """\
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy


class AppStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        self.grant("app")

    def grant(self, role):
        IamRolePolicy(self, "raw", role=role, policy='{"Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}')
"""


@pytest.mark.parametrize(
    "other_files,fixed",
    [
        ({"lib/other.py": "print('no call here')\n"}, True),  # grant is called once: the method makes its own
        ({"lib/other.py": "def main(stack):\n    stack.grant('b')\n"}, False),  # a second call, in another file
    ],
)
def test_iam102_counts_the_calls_of_a_method_across_the_project(other_files, fixed, tmp_path):
    # in the pipeline's tasks, where a placeholder account is the stack's own
    example = Example("cdktf-py", IAM102_METHOD, files=other_files, options={"conventions": ["pipeline"]})
    result, _ = run_example(RULES["IAM102"], example, tmp_path)
    [finding] = result.findings
    assert bool(finding.edits) is fixed
    assert ("`grant`, which is not called exactly once" in finding.message) is not fixed
